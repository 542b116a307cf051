#!/usr/bin/env bash
# `make demo`, part 4b: the extranet's zones (tasks 6-7). The offline isolation check on the intended
# configurations, the 教育城域网 business network cut over into its VPN instance on the twin's two PEs
# (the route an old global-table cutover left taken out in the same change), `egov verify` reading the
# twin back, then a planted leak found with its device and line. Runs in out/demo-zones; it stops the lab.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="$(cd "${1:-inventories/shanwei}" && pwd)"
rm -rf out/demo-zones && mkdir -p out/demo-zones && cd out/demo-zones
cp -r "$INVENTORY" shanwei
EGOV_LAB_PASSWORD="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))')"
export EGOV_LAB_PASSWORD
trap '"$BIN/egov" lab down >/dev/null 2>&1 || true' EXIT

echo "-- the zones: 公用网络区, 专用网络区 (a VPN instance per business network), 互联网接入区"
"$BIN/python" - shanwei <<'PY'
import sys
from pathlib import Path
from network.inventory import load_inventory
inv = load_inventory(Path(sys.argv[1])).inventory
for zone in inv.network_zones:
    members = len(zone.departments) or len([v for v in inv.vpn_instances if v.zone == zone.id]) or len(zone.egress)
    print(f"   {zone.id:<22} {zone.kind.value:<9} MLPS {zone.mlps_level}  {members} member(s)")
print(f"   flows: {', '.join(f.id for f in inv.flows)}")
PY
echo "-- what the zones add to the city's PE (first lines of egov render --zones)"
"$BIN/egov" render shanwei --device SW-CORE-01 --zones | head -12 | sed 's/^/   /'
echo "-- the offline isolation check on the intended configurations, both families (Batfish parses neither VRP nor IPv6 VPNs)"
"$BIN/egov" verify shanwei | sed 's/^/   /'
echo "-- the twin of the two PEs, the egress and the second city core; 教育城域网 as the old playbook left it: a route in the global table"
"$BIN/egov" lab up shanwei --detach --devices 'SW-[CF]*[EW]-0[12]' | tail -1   # the PEs, the egress, the second core
echo "ip route-static 203.0.113.128 255.255.255.248 198.51.100.38" > old-cutover.cfg
"$BIN/egov" device apply SW-CORE-01 old-cutover.cfg --lab lab.json > /dev/null
echo "   egov verify reads the twin back: the global-table route makes the network reachable from every department"
"$BIN/egov" verify shanwei --from-lab lab.json | grep -A1 "^LEAK zone:sw-zone-public -> vpn:sw-jyj-pn1 IPv4" | sed 's/^/   /' || true
echo "-- the cutover into its VPN instance, first in check mode (the diff, nothing pushed), then for real"
EGOV_LAB_JSON="$PWD/lab.json" "$BIN/ansible-playbook" -i shanwei "$BIN/../../playbooks/private_network_cutover.yml" \
    -e egov_department=sw-jyj -e egov_private_network=sw-jyj-pn1 --check --diff 2>&1 | grep -E "# SW-|ip binding|undo ip route-static|changed: \[" | head -8 | sed "s/^/   /"
EGOV_LAB_JSON="$PWD/lab.json" "$BIN/ansible-playbook" -i shanwei "$BIN/../../playbooks/private_network_cutover.yml" \
    -e egov_department=sw-jyj -e egov_private_network=sw-jyj-pn1 2>&1 | grep -E "^(ok|changed|failed)|PLAY RECAP|changed=" | tail -2 | sed 's/^/   /'
echo "-- the county PE's table for the instance now holds the network, learned over VPNv4 (the twin's own display)"
"$BIN/python" - lab.json <<'PY'
import os, sys
from pathlib import Path
from network.devices.collect import targets_from_lab
from network.devices.drivers import driver_for
target = next(t for t in targets_from_lab(Path(sys.argv[1])) if t.hostname == "SW-CQ-CORE-01")
driver = driver_for(target.platform)(target.host, "egov", os.environ["EGOV_LAB_PASSWORD"], optional_args={"port": target.port})
driver.open()
out = driver.cli(["display ip routing-table vpn-instance sw-jyj-pn1 verbose"])
driver.close()
for line in next(iter(out.values())).splitlines():
    if line.startswith(("Destination:", "     Protocol:", "Routing Tables")):
        print("   " + line.strip())
PY
echo "-- the rest of the zones' configuration as egov render gives it (the other business networks, the egress"
echo "   filters; the dual-stack lines the rollout would bring), applied through the drivers"
for host in SW-CORE-01 SW-CQ-CORE-01 SW-FW-01; do
  { "$BIN/egov" render shanwei --device "$host"; "$BIN/egov" render shanwei --device "$host" --zones; } > "$host.cfg"
  "$BIN/egov" device apply "$host" "$host.cfg" --lab lab.json > /dev/null && echo "   $host: applied"
done
echo "-- egov verify on the configurations read back from the twin"
"$BIN/egov" verify shanwei --from-lab lab.json | sed 's/^/   /'
echo "-- a planted leak: the county PE's 教育 instance imports 公安's route target; verify names the line"
"$BIN/python" - lab.json <<'PY'
import os, sys
from pathlib import Path
from network.devices.collect import targets_from_lab
from network.devices.drivers import driver_for
target = next(t for t in targets_from_lab(Path(sys.argv[1])) if t.hostname == "SW-CQ-CORE-01")
driver = driver_for(target.platform)(target.host, "egov", os.environ["EGOV_LAB_PASSWORD"], optional_args={"port": target.port})
driver.open()
driver.load_candidate("ip vpn-instance sw-jyj-pn1\n ipv4-family\n  vpn-target 65010:102 import-extcommunity\n", replace=False)
driver.commit(None)
driver.close()
PY
if "$BIN/egov" verify shanwei --from-lab lab.json > verify.txt; then echo "the planted leak was not found" >&2; exit 1; fi
sed 's/^/   /' verify.txt
