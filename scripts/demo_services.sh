#!/usr/bin/env bash
# `make demo`, part 7b: DNS as code and the city's websites scored over IPv6 on the services lab (real
# knot, unbound and nginx on loopback), then one site's IPv6 broken; m04-dns-cdn measured; the exporter's
# ipv6_web probe beside the real blackbox_exporter; a migration whose cutover repoints the system's name
# in the lab's DNS and whose rollback puts it back. Runs in out/demo-services; what it starts it stops.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="$(cd "${1:-inventories/shanwei}" && pwd)"
rm -rf out/demo-services && mkdir -p out/demo-services && cd out/demo-services
# The TSIG key zones.yaml names (env:EGOV_DNS_TSIG): environment only, never in a file.
EGOV_DNS_TSIG="hmac-sha256:egov-update:$("$BIN/python" -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
export EGOV_DNS_TSIG
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  "$BIN/egov" lab down >/dev/null 2>&1 || true
}
trap cleanup EXIT

echo "-- the committed zone files are what the inventory and the lock say (named-checkzone checks them in the tests)"
"$BIN/egov" dns zones "$INVENTORY" --check
echo "-- the services lab: the zones on knot (city and parent), unbound as the extranet's resolvers, nginx sites"
"$BIN/egov" lab up "$INVENTORY" --services --no-devices --detach | tail -2
if grep -q "$EGOV_DNS_TSIG" services-lab.json; then echo "the TSIG key leaked into services-lab.json" >&2; exit 1; fi
echo "-- every website over IPv6 (first rows; the city's roll-up last)"
"$BIN/egov" ipv6 check "$INVENTORY" --lab services-lab.json > check.txt
head -8 check.txt; echo "   ..."; tail -1 check.txt
echo "-- the portal's IPv6 listener goes down: IPv4 still answers, and the prober does not fall back to it"
"$BIN/egov" lab set-service www.sw.gov.example v6-down | tail -1
sleep 1
"$BIN/egov" ipv6 check "$INVENTORY" --lab services-lab.json --site sw-zfb-web | head -3
"$BIN/egov" lab set-service www.sw.gov.example v6-down --clear | tail -1

echo "-- m04-dns-cdn measured, not planned: the whole city's counts recorded in the state directory"
"$BIN/egov" ipv6 check "$INVENTORY" --lab services-lab.json --record --state state | tail -1

echo "-- the exporter's /probe?module=ipv6_web beside the real blackbox_exporter, on the same lab"
"$BIN/egov" exporter serve "$INVENTORY" --services-lab services-lab.json --state state --port 0 > exporter.out 2>exporter.log &
PIDS+=($!)
BLACKBOX="127.0.0.1:$("$BIN/python" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
"$BIN/egov" monitoring config "$INVENTORY" --out prometheus --blackbox "$BLACKBOX" --services-lab services-lab.json | tail -1
"$BIN/egov" monitoring blackbox-exporter prometheus --listen "$BLACKBOX" 2>blackbox.log &
PIDS+=($!)
for _ in $(seq 50); do grep -q serving exporter.out && curl -sf "http://$BLACKBOX/-/healthy" >/dev/null && break; sleep 0.2; done
EXPORTER="$(sed -n 's#.* on \(http://[^/]*\)/metrics.*#\1#p' exporter.out)"
curl -sf "$EXPORTER/probe?module=ipv6_web&target=www.sw.gov.example" | grep -E '^egov_web_(ipv6_ready|ipv6_score|same_content|probe_requests)'
PORTAL_URL="$("$BIN/python" -c 'import json; g = [g for g in json.load(open("prometheus/targets/blackbox_http.json")) if g["labels"]["host"] == "www.sw.gov.example"][0]; print(g["targets"][0], g["labels"]["__param_module"])')"
read -r TARGET MODULE <<< "$PORTAL_URL"
echo "blackbox_exporter, $MODULE: $(curl -sf "http://$BLACKBOX/probe?module=$MODULE&target=$TARGET" | grep '^probe_success')"
curl -sf "$EXPORTER/metrics" | grep 'egov_milestone_progress_ratio{milestone="m04-dns-cdn"'
kill "${PIDS[@]}"; wait "${PIDS[@]}" 2>/dev/null || true; PIDS=()
"$BIN/egov" lab down | tail -1

echo "-- a migration's cutover repoints the system's name in real DNS (knot, RFC 2136 + TSIG); rollback puts it back"
cp -r "$INVENTORY" shanwei
export EGOV_LAB_PASSWORD="demo-lab-$RANDOM$RANDOM"
"$BIN/egov" lab up shanwei --systems --services --no-devices --megabytes 0.2 --detach | tail -1
read -r SYSTEM NAME SOURCE TARGET <<< "$("$BIN/python" - <<'PY'
import json
lab = json.load(open("systems-lab.json"))["migration"]
system, sides = next((k, v) for k, v in lab["systems"].items() if v["source"]["files"] and not v["source"]["databases"])
name = next(s for s in open("shanwei/systems.yaml").read().split("- id: ") if s.startswith(system + "\n"))
host = name.split("health: ")[1].split("//")[1].split("/")[0]
print(system, host, sides["source"]["address"], sides["target"]["address"])
PY
)"
ask() { "$BIN/python" -c "
import json, sys, dns.message, dns.query
zone, (host, port) = next((z, p) for z, p in json.load(open('services-lab.json'))['primaries'].items() if '$NAME.'.endswith('.' + z))
answer = dns.query.tcp(dns.message.make_query('$NAME', 'A'), host, port=port, timeout=5)
print('$NAME A at the primary:', ' '.join(i.to_text() for r in answer.answer for i in r))"; }
ask
"$BIN/egov" migrate run shanwei "$SYSTEM" --lab systems-lab.json | tail -1
ask
echo "(source $SOURCE, target $TARGET)"
"$BIN/egov" migrate rollback shanwei "$SYSTEM" --lab systems-lab.json | tail -1
ask
"$BIN/egov" lab down | tail -1
