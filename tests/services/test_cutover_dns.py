"""A migration's cutover repoints the system's name in real DNS (knot, by dynamic update with TSIG), and a
rollback puts the old record back; both are in the ledger. One lab: `egov lab up --systems --services`."""

from __future__ import annotations

import base64
import json
import os
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import dns.flags
import dns.message
import dns.query
import pytest

from network.inventory.loader import load_inventory
from network.migration.endpoints import Service
from network.migration.ledger import Ledger
from network.migration.lifecycle import State
from tests.helpers import SHANWEI, copy_inventory, run_egov
from tests.migration.conftest import PASSWORD, have_postgres, pick

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    if not have_postgres():
        pytest.fail("PostgreSQL is not installed: .ci/run installs Debian's postgresql")
    here = tmp_path_factory.mktemp("cutover-dns")
    inventory = copy_inventory(SHANWEI, here / "shanwei")
    system = pick(load_inventory(inventory).inventory, "files", 1)[0]
    saved = {k: os.environ.get(k) for k in ("EGOV_LAB_PASSWORD", "EGOV_DNS_TSIG")}
    os.environ["EGOV_LAB_PASSWORD"] = PASSWORD
    os.environ["EGOV_DNS_TSIG"] = (
        f"hmac-sha256:egov-update:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    )
    up = run_egov(
        "lab", "up", str(inventory), "--systems", "--services", "--no-devices", "--system", system.id,
        "--megabytes", "0.2", "--detach", cwd=here,
    )  # fmt: skip
    try:
        assert up.returncode == 0, up.stdout + up.stderr
        assert "service names in the services lab's DNS" in up.stdout
        yield {"here": here, "inventory": inventory, "system": system}
    finally:
        run_egov("lab", "down", cwd=here)
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value


def _authoritative(lab: dict[str, Any], name: str) -> list[str]:
    """The A records the zone's primary (knot) serves for ``name``, asked without recursion."""
    primaries = json.loads((lab["here"] / "services-lab.json").read_text(encoding="utf-8"))["primaries"]
    zone = next(z for z in primaries if (name + ".").endswith("." + z))
    host, port = primaries[zone]
    query = dns.message.make_query(name, "A")
    query.flags &= ~dns.flags.RD
    answer = dns.query.tcp(query, host, port=port, timeout=5)
    assert answer.flags & dns.flags.AA
    return sorted(item.to_text() for rrset in answer.answer for item in rrset)


def test_cutover_and_rollback_repoint_the_name_in_dns(lab: dict[str, Any]) -> None:
    here, inventory, system = lab["here"], lab["inventory"], lab["system"]
    name = Service(system).name
    endpoints = json.loads((here / "systems-lab.json").read_text(encoding="utf-8"))["migration"]
    assert endpoints["names"]["kind"] == "dns" and endpoints["names"]["key"] == "env:EGOV_DNS_TSIG"
    sides = endpoints["systems"][system.id]
    source, target = sides["source"]["address"], sides["target"]["address"]
    assert _authoritative(lab, name) == [source], "the lab seeds the name with the source's address"
    lab_json = str(here / "systems-lab.json")
    done = run_egov("migrate", "run", str(inventory), system.id, "--lab", lab_json, cwd=here)
    assert done.returncode == 0, done.stdout + done.stderr
    assert _authoritative(lab, name) == [target]
    checked = run_egov(
        "migrate", "rollback", str(inventory), system.id, "--lab", lab_json, "--check", cwd=here
    )
    assert checked.returncode == 0 and f"point {name} back to {source}" in checked.stdout, checked.stdout
    assert _authoritative(lab, name) == [target], "--check changed nothing"
    back = run_egov("migrate", "rollback", str(inventory), system.id, "--lab", lab_json, cwd=here)
    assert back.returncode == 0, back.stdout + back.stderr
    assert _authoritative(lab, name) == [source]
    with Ledger(Path(f"{inventory}.state") / "migration.sqlite") as ledger:
        assert ledger.record(system.id).state is State.ROLLED_BACK
        repointed = [e for e in ledger.events(system.id) if e.result == "repointed"]
        assert repointed[-1].evidence["from"] == [source] and repointed[-1].evidence["to"] == target
        assert repointed[-1].evidence["names"].startswith("DNS (sys.gov.example on 127.0.0.1#")
        undone = ledger.entered(system.id, State.ROLLED_BACK)
        assert undone is not None and any(
            f"{name} points to {source} again" in u for u in undone.evidence["undone"]
        )
    assert "EGOV_DNS_TSIG" not in (Path(f"{inventory}.state") / "migration.sqlite").read_bytes().decode(
        "latin-1"
    )


def test_a_wrong_tsig_key_fails_the_cutover_and_changes_no_record(
    lab: dict[str, Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    here, inventory, system = lab["here"], lab["inventory"], lab["system"]
    name = Service(system).name
    before = _authoritative(lab, name)
    wrong = f"hmac-sha256:egov-update:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    monkeypatch.setenv("EGOV_DNS_TSIG", wrong)
    done = run_egov(
        "migrate", "run", str(inventory), system.id, "--lab", str(here / "systems-lab.json"), cwd=here
    )
    assert done.returncode != 0
    assert "TSIG key was not accepted" in done.stdout + done.stderr
    assert _authoritative(lab, name) == before
