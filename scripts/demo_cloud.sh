#!/usr/bin/env bash
# `make demo`, part 6: the city's government cloud node as code (infra/, Pulumi + OpenStack), planned
# offline: the real program under Pulumi's mock engine, in process — nothing is sent to any cloud.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="${1:-inventories/shanwei}"
mkdir -p out

echo "-- the whole target plan (--provision plan): a tenant per department, a host per system tier"
"$BIN/egov" cloud plan "$INVENTORY" --provision plan > out/cloud-plan.txt
sed -n '1,7p' out/cloud-plan.txt
echo "   … (every department and host: out/cloud-plan.txt)"
grep -A5 '^hosts: ' out/cloud-plan.txt
echo "   …"
tail -n 1 out/cloud-plan.txt

if [ -d out/demo-migrate/shanwei.state ]; then
  echo
  echo "-- provision: ledger (the stack's default) — the systems whose migration has started: step 5's ledger"
  "$BIN/egov" cloud plan out/demo-migrate/shanwei > out/cloud-plan-ledger.txt
  grep -v '^$' out/cloud-plan-ledger.txt | sed -n '1,12p'
fi
echo
echo "-- with the Pulumi CLI and an OpenStack cloud, the same program:"
echo "   pulumi config set --secret egov-cloud:bootstrapToken …; export OS_CLOUD=shanwei-gov-cloud"
echo "   pulumi preview --stack shanwei --policy-pack infra/policy      # then: pulumi up --stack shanwei"
