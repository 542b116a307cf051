#!/usr/bin/env bash
# `make demo`, part 7b: DNS as code and the city's websites scored over IPv6 on the services lab (real
# knot, unbound and nginx on loopback), then one site's IPv6 broken. Runs in out/demo-services; the lab is
# stopped at the end.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="$(cd "${1:-inventories/shanwei}" && pwd)"
rm -rf out/demo-services && mkdir -p out/demo-services && cd out/demo-services
# The TSIG key zones.yaml names (env:EGOV_DNS_TSIG): environment only, never in a file.
EGOV_DNS_TSIG="hmac-sha256:egov-update:$("$BIN/python" -c 'import base64, secrets; print(base64.b64encode(secrets.token_bytes(32)).decode())')"
export EGOV_DNS_TSIG
trap '"$BIN/egov" lab down >/dev/null 2>&1 || true' EXIT

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
"$BIN/egov" lab down
