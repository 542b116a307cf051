#!/usr/bin/env bash
# `make demo`, part 5: migrate one sample system onto the cloud, on the systems lab (real PostgreSQL
# servers, shares and HTTPS apps on loopback). Runs in out/demo-migrate; the lab is always stopped.
set -euo pipefail
BIN="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin"
INVENTORY="$(cd "${1:-inventories/shanwei}" && pwd)"
if ! ls /usr/lib/postgresql/*/bin/initdb >/dev/null 2>&1 || ! command -v rsync >/dev/null; then
  echo "   (skipped: the systems lab needs Debian's postgresql and rsync; .ci/run installs them)"
  exit 0
fi
rm -rf out/demo-migrate && mkdir -p out/demo-migrate && cd out/demo-migrate
cp -r "$INVENTORY" shanwei
EGOV_LAB_PASSWORD="$("$BIN/python" -c 'import secrets; print(secrets.token_urlsafe(12))')"
export EGOV_LAB_PASSWORD   # a throwaway password for this run's lab; never written to a file
trap '"$BIN/egov" lab down >/dev/null 2>&1 || true' EXIT

echo "-- sample systems on loopback: two PostgreSQL servers, file shares, an HTTPS app per system and side"
"$BIN/egov" lab up shanwei --systems --no-devices --detach --megabytes 4 | sed -n '1,6p'
SYSTEM=sw-zsj-s01
echo
echo "-- the waves and their deadlines (the plan's dates have passed: overdue until migrated)"
"$BIN/egov" migrate plan shanwei
echo "-- 市政务服务数据管理局's systems: classified ones stay retained"
"$BIN/egov" migrate status shanwei --department sw-zsj | sed -n '1,5p'
echo "   …"
echo
echo "-- $SYSTEM, check mode: the steps, the precheck, and what rsync would copy (nothing changes)"
"$BIN/egov" migrate run shanwei "$SYSTEM" --lab systems-lab.json --check | sed -n '1,14p'
echo
echo "-- $SYSTEM migrated by playbooks/cloud_migrate.yml (ansible-runner), every step into the ledger"
"$BIN/egov" migrate run shanwei "$SYSTEM" --lab systems-lab.json
echo
echo "-- the proof in the ledger: the verify event's evidence (SHA-256 and SM3 of every file, every table)"
"$BIN/egov" migrate log shanwei "$SYSTEM" --format json --evidence > log.json
"$BIN/python" - <<'PY'
import json
event = next(e for e in json.load(open("log.json", encoding="utf-8")) if e["to"] == "verified")
for name, proof in event["evidence"]["files"].items():
    sha, sm3 = proof["source_sha256"][:16], proof["source_sm3"][:16]
    print(f"   {name}: {proof['files']} files, manifest sha256 {sha}… sm3 {sm3}… (source = target)")
for name, proof in event["evidence"]["databases"].items():
    for table, digest in proof["source"]["tables"].items():
        print(f"   {name} {table}: {digest['rows']} rows, sha256 {digest['sha256'][:16]}… (source = target)")
print(f"   the evidence is recorded with its SHA-256 {event['evidence_sha256']}")
PY
echo "-- the service name now points to the target:"
grep "$SYSTEM" systems-lab/names.hosts | sed 's/^/   /'
echo
echo "-- the ledger's chain: its head signed with SM2 (the key a file EGOV_LEDGER_SM2_KEY names), then checked"
openssl genpkey -algorithm SM2 -out ledger-sm2.pem 2>/dev/null
openssl pkey -in ledger-sm2.pem -pubout -out ledger-sm2.pub.pem
EGOV_LEDGER_SM2_KEY=$PWD/ledger-sm2.pem "$BIN/egov" migrate checkpoint shanwei
"$BIN/egov" migrate verify-ledger shanwei --public-key ledger-sm2.pub.pem
"$BIN/egov" migrate export-evidence shanwei "$SYSTEM" --out "evidence-$SYSTEM"
"$BIN/egov" migrate verify-ledger shanwei --bundle "evidence-$SYSTEM" --public-key ledger-sm2.pub.pem
echo "-- someone edits a copy of the ledger (the append-only triggers dropped first): it is caught and named"
cp shanwei.state/migration.sqlite tampered.sqlite
"$BIN/python" - <<'PY'
import sqlite3
db = sqlite3.connect("tampered.sqlite")
seq = db.execute("SELECT seq FROM events WHERE to_state = 'verified'").fetchone()[0]
db.executescript(f"DROP TRIGGER events_append_only_update; UPDATE events SET result = 'ok', detail = 'all fine' WHERE seq = {seq - 1}")
db.commit()
PY
if "$BIN/egov" migrate verify-ledger shanwei --ledger tampered.sqlite --public-key ledger-sm2.pub.pem; then
  echo "the edit went unnoticed" >&2
  exit 1
fi
