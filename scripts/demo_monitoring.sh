#!/usr/bin/env bash
# `make demo`, part 7: the exporter, snmp_exporter and (where installed) Prometheus on the lab twin, with
# the journal and the ledger the earlier parts wrote. Runs in out/demo-monitoring; everything it starts
# is stopped.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="$(cd "${1:-inventories/shanwei}" && pwd)"
rm -rf out/demo-monitoring && mkdir -p out/demo-monitoring/shanwei.state && cd out/demo-monitoring
cp -r "$INVENTORY" shanwei
# The programme so far: the rollout journal of part 4 and the migration ledger of part 5, if they ran.
cp ../demo-lab/shanwei.state/rollout.sqlite shanwei.state/ 2>/dev/null || true
cp ../demo-migrate/shanwei.state/migration.sqlite shanwei.state/ 2>/dev/null || true
secret() { "$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))'; }
# The lab's SSH password and the SNMPv3 keys city.snmp names (env:EGOV_SNMP_AUTH, env:EGOV_SNMP_PRIV):
# environment only, never in a file.
EGOV_LAB_PASSWORD="$(secret)" EGOV_SNMP_AUTH="$(secret)" EGOV_SNMP_PRIV="$(secret)"
export EGOV_LAB_PASSWORD EGOV_SNMP_AUTH EGOV_SNMP_PRIV
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done   # only what this script started
  "$BIN/egov" lab down >/dev/null 2>&1 || true
}
trap cleanup EXIT
free_port() { "$BIN/python" -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

echo "-- 凤山街道's devices and the county switch on the twin, answering SSH and SNMPv3 (authPriv SHA/AES);"
echo "   the town uplink negotiated 10M (below its 100M tier)"
"$BIN/egov" lab up shanwei --devices 'SW-CQ-[FA]*' --snmp --detach | tail -1
"$BIN/egov" lab set --link sw-cq-fs-up --speed 10M | tail -1
EXPORTER_PORT="$(free_port)"
"$BIN/egov" exporter serve shanwei --lab lab.json --port "$EXPORTER_PORT" --log-level warning > exporter.log 2>&1 &
PIDS+=($!)
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$EXPORTER_PORT/-/ready" >/dev/null && break; sleep 0.2; done
echo "-- the exporter: the plan and the programme on /metrics, devices on /probe"
curl -s "http://127.0.0.1:$EXPORTER_PORT/metrics" | grep -E '^egov_milestone_progress_ratio' | head -6 | sed 's/^/   /'
curl -s "http://127.0.0.1:$EXPORTER_PORT/probe?target=SW-CQ-FS-AR-01" | grep -E '^egov_(device_up|probe_duration|link_capacity_bytes_per_second\{interface="GigabitEthernet0/0/0")' | sed 's/^/   /'
SNMP_PORT="$(free_port)"
"$BIN/egov" monitoring config shanwei --out prometheus --exporter "127.0.0.1:$EXPORTER_PORT" --lab lab.json \
  --snmp-exporter "127.0.0.1:$SNMP_PORT" --snmp-ip-interval 15s --scrape-interval 5s --scrape-timeout 5s | tail -1
echo "-- snmp.yml for the installed snmp_exporter; its secrets are \${VARIABLES}, in no file:"
grep -E '^[a-z_]+:|password' prometheus/snmp.yml | head -6 | sed 's/^/   /'
if grep -rqF -e "$EGOV_SNMP_AUTH" -e "$EGOV_SNMP_PRIV" -e "$EGOV_LAB_PASSWORD" .; then
  echo "a secret was written to a file under $(pwd)" >&2; exit 1
fi
echo "   (no secret in any file here)"
"$BIN/egov" monitoring snmp-exporter prometheus --listen "127.0.0.1:$SNMP_PORT" > snmp_exporter.log 2>&1 &
PIDS+=($!)   # the same pid becomes snmp_exporter
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$SNMP_PORT/" >/dev/null && break; sleep 0.2; done
AGG="$("$BIN/python" -c 'import json; d = next(d for d in json.load(open("lab.json"))["devices"] if d["hostname"] == "SW-CQ-AGG-01"); print(d["host"] + ":" + str(d["snmp_port"]))')"
echo "-- the real snmp_exporter reads the county switch: the town uplink's port (GigabitEthernet1/0/1) at 10M"
curl -s "http://127.0.0.1:$SNMP_PORT/snmp?module=if_mib&target=$AGG" \
  | grep -E '^(ifHighSpeed|ifAlias)\{.*GigabitEthernet1/0/1"|^snmp_scrape_(duration|packets_sent)' | sed 's/^/   /'
if ! command -v prometheus >/dev/null; then
  echo "   (Prometheus is not installed here: .ci/run installs Debian's prometheus)"
  exit 0
fi
PROM_PORT="$(free_port)"
(cd prometheus && exec prometheus --config.file=prometheus.yml --storage.tsdb.path=../tsdb \
  --web.listen-address="127.0.0.1:$PROM_PORT" --log.level=warn) > prometheus.log 2>&1 &
PIDS+=($!)
echo "-- Prometheus scraping the exporter, snmp_exporter and the 16 devices; the rules evaluated (20 s)"
sleep 20
cat > show.py <<'PY'
import json, sys
for r in json.load(sys.stdin)["data"]["result"]:
    labels = ",".join(f"{k}={v}" for k, v in sorted(r["metric"].items()) if k not in ("job", "instance", "__name__"))
    print(f"   {labels:<64} {float(r['value'][1]):.3g}")
PY
q() { curl -s "http://127.0.0.1:$PROM_PORT/api/v1/query" --data-urlencode "query=$1" | "$BIN/python" show.py; }
echo "   links meeting their tier target, observed, per level:"; q 'level:egov_link_tier_compliance:ratio'
echo "   links below their tier target:"; q 'link:egov_link_capacity_target:ratio < 1'
echo "   ... that capacity as snmp_exporter observed it (bytes/s):"; q 'link:egov_link_capacity_snmp_bytes_per_second:max{link="sw-cq-fs-up"}'
echo "   the town milestone (m05-towns), observed on the wire:"; q 'milestone:egov_milestone_observed_progress:ratio{milestone="m05-towns"}'
echo "   ... and as planned:"; q 'egov_milestone_progress_ratio{milestone="m05-towns"}'
echo "   dual-stack sites per level:"; q 'level:egov_ipv6_sites:ratio'
echo "   alerts pending or firing:"; q 'count by (alertname) (ALERTS)'
echo
echo "   exporter:   http://127.0.0.1:$EXPORTER_PORT/metrics   http://127.0.0.1:$EXPORTER_PORT/probe?target=SW-CQ-FS-AR-01"
echo "   snmp_exporter: http://127.0.0.1:$SNMP_PORT/snmp?module=if_mib&target=$AGG"
echo "   Prometheus: http://127.0.0.1:$PROM_PORT/graph   (rules: /rules, alerts: /alerts)"
echo "   Grafana:    provision exporters/dashboards/ (docs/metrics.md); they stop with this demo"
