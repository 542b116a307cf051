#!/usr/bin/env bash
# `make demo`, part 4: the Shanwei inventory's lab twin, read and changed through the drivers.
# Runs in out/demo-lab (lab.json lives there); the lab is always stopped at the end.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="$(cd "${1:-inventories/shanwei}" && pwd)"
mkdir -p out/demo-lab && cd out/demo-lab
EGOV_LAB_PASSWORD="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))')"
export EGOV_LAB_PASSWORD   # a throwaway password for this run's lab; never written to a file
trap '"$BIN/egov" lab down >/dev/null 2>&1 || true' EXIT

echo "-- every device of the inventory, simulated over SSH on loopback"
"$BIN/egov" lab up "$INVENTORY" --detach | tail -3
echo
echo "-- facts and interfaces of 城区's devices through the drivers, 32 sessions at a time"
"$BIN/egov" lab collect --devices 'SW-CQ-FS-*'
echo "-- an H3C Comware 5 town switch (华侨管理区第一片区, S5120): read through its driver from Comware 5's layout"
"$BIN/egov" device show SW-HQ-P1-AR-01 | sed -n 1,12p | sed 's/^/   /'
echo
echo "-- dual-stack on one village uplink (sw-cq-fs-v10-up, its /127 from the address plan)"
LINK="$(grep -E '^  sw-cq-fs-v10-up:' "$INVENTORY/allocations.lock.yaml" | sed -E 's/.*"(.*)::\/127"/\1/')"
printf 'ipv6\ninterface GigabitEthernet0/0/10\n ipv6 enable\n ipv6 address %s::/127\n' "$LINK" > ar.cfg
printf 'ipv6 unicast-routing\ninterface GigabitEthernet0/0/0\n ipv6 enable\n ipv6 address %s::1/127\n' "$LINK" > cpe.cfg
echo "   diff for SW-CQ-FS-AR-01 (VRP5), --check changes nothing:"
"$BIN/egov" device apply SW-CQ-FS-AR-01 ar.cfg --check | sed 's/^/     /'
"$BIN/egov" device apply SW-CQ-FS-AR-01 ar.cfg --backup ar.before.cfg | tail -1
"$BIN/egov" device apply SW-CQ-FS-V10-CPE cpe.cfg | tail -1
echo "   the village router (IOS) now sees its uplink's neighbours:"
"$BIN/egov" device show SW-CQ-FS-V10-CPE | sed -n '/IPv6 neighbours/,$p'
echo "-- back to the saved configuration (a verified rollback)"
"$BIN/egov" device apply SW-CQ-FS-AR-01 ar.before.cfg --replace | sed 's/^/     /'
echo
echo "-- the IPv6 rollout on the twin (a copy of the inventory, a fresh journal): the waves"
rm -rf shanwei shanwei.state && cp -r "$INVENTORY" shanwei
"$BIN/egov" rollout plan shanwei | sed -n 1,8p
WAVES="$("$BIN/egov" rollout plan shanwei --format json | "$BIN/python" -c '
import json, sys
waves = json.load(sys.stdin)["waves"]
print(" ".join(str(w["number"]) for w in waves if w["name"] in ("canary", "city") or "(sw-cq)" in w["name"]))')"
echo "   rolling out the canary, the city and 城区 (waves $WAVES): precheck, push, postcheck, or rollback"
for WAVE in $WAVES; do
  "$BIN/egov" rollout run shanwei --lab lab.json --wave "$WAVE" | tail -1 | sed "s/^/   wave $WAVE: /"
done
"$BIN/egov" rollout status shanwei | sed -n 1p
echo "   a village router after the rollout, read from the device:"
"$BIN/egov" device show SW-CQ-FS-V10-CPE | sed -n '/addresses/,$p'
echo
echo "-- a fault injected while the lab runs: logins to 凤山街道's devices now fail"
"$BIN/egov" lab set --fault auth --devices 'SW-CQ-FS-*' | tail -1
"$BIN/egov" lab collect --devices 'SW-CQ-FS-V0*' || echo "   (exit $? : each failed device is reported, the run goes on)"
"$BIN/egov" lab set --clear | tail -1
echo
echo "-- kill -9 while 华侨管理区's VRP8 cores wait in their postcheck, a trial commit pending on each"
WAVE="$("$BIN/egov" rollout plan shanwei --format json | "$BIN/python" -c '
import json, sys
print(next(w["number"] for w in json.load(sys.stdin)["waves"] if w["name"].endswith("(sw-hq) core")))')"
"$BIN/python" "$BIN/../../scripts/kill_in_postcheck.py" shanwei lab.json "$WAVE"
"$BIN/egov" rollout status shanwei 2>/dev/null | sed -n '/^trial commits:/p;/^open changes/,$p' | sed 's/^/   /'
echo "   resume takes each trial over from a new session, postchecks afresh and confirms it:"
"$BIN/egov" rollout resume shanwei --lab lab.json --settle-only | sed 's/^/   /'
"$BIN/egov" rollout status shanwei | grep -E "^trial commits" | sed 's/^/   /'
