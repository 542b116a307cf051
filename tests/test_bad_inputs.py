"""Every command that takes an inventory, a lab file, a journal or a ledger, fed each bad input.

One table: the command line, the bad input it gets, the documented exit code, and the file the
message must name. Every run is the real `egov` command with its output piped, as in a script or
CI; none may end in a traceback, and none may leave a file changed or created beside its input.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import pytest

from network.inventory import load_inventory
from network.migration.ledger import Ledger
from network.rollout.journal import Journal, Step
from tests.helpers import SHANWEI, run_egov

SYSTEM = "sw-zsj-s01"  # a system of the Shanwei sample that moves to the cloud
DEVICE = "SW-CORE-01"


@dataclass(frozen=True)
class Inputs:
    """The bad inputs, made once: paths by name."""

    paths: dict[str, Path]


def _truncate(path: Path) -> None:
    with path.open("r+b") as stream:
        stream.truncate(path.stat().st_size // 2)


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Inputs:
    base = tmp_path_factory.mktemp("bad")
    paths: dict[str, Path] = {}
    good = base / "good" / "shanwei"
    shutil.copytree(SHANWEI, good)
    paths["good"] = good
    paths["a file"] = good / "devices.yaml"
    paths["not an inventory"] = base / "empty"
    paths["not an inventory"].mkdir()
    unreadable = base / "unreadable" / "shanwei"
    shutil.copytree(SHANWEI, unreadable)
    (unreadable / "devices.yaml").write_bytes("devices: []\n".encode("utf-16"))
    paths["an unreadable file"] = unreadable
    lock = base / "lock" / "shanwei"
    shutil.copytree(SHANWEI, lock)
    text = (lock / "allocations.lock.yaml").read_text(encoding="utf-8").splitlines()
    text[8] = "  bad: [unclosed"
    (lock / "allocations.lock.yaml").write_text("\n".join(text) + "\n", encoding="utf-8")
    paths["a damaged lock"] = lock
    value = base / "value" / "shanwei"  # a lock that parses, with one value that is no prefix
    shutil.copytree(SHANWEI, value)
    locked = (value / "allocations.lock.yaml").read_text(encoding="utf-8")
    (value / "allocations.lock.yaml").write_text(
        locked.replace('sw-cq: "2001:db8:8000::/36"', 'sw-cq: "not-a-prefix"', 1), encoding="utf-8"
    )
    paths["a lock with a bad value"] = value
    beside = base / "beside" / "shanwei"  # an inventory whose own state directory holds a damaged ledger
    shutil.copytree(SHANWEI, beside)
    (beside.parent / "shanwei.state").mkdir()
    (beside.parent / "shanwei.state" / "migration.sqlite").write_bytes(b"no SQLite here\n" * 40)
    paths["an inventory beside a damaged ledger"] = beside
    lab = base / "lab.json"  # a loopback lab with nothing listening: for the journal cases
    lab.write_text(json.dumps({"devices": [_entry("127.0.0.1")]}), encoding="utf-8")
    paths["lab"] = lab
    paths["a lab off loopback"] = base / "off-loopback.json"
    paths["a lab off loopback"].write_text(json.dumps({"devices": [_entry("192.0.2.1")]}), encoding="utf-8")
    paths["a lab that is not JSON"] = base / "not-json.json"
    paths["a lab that is not JSON"].write_text("{devices: [", encoding="utf-8")
    inventory = load_inventory(SHANWEI).inventory
    for kind in ("corrupted", "truncated"):
        state = base / f"{kind}-state"
        journal = Journal(state / "rollout.sqlite")
        journal.sync((d.hostname, 1) for d in inventory.devices)
        for device in inventory.devices:
            journal.step(Step(1, device.hostname, 1, "precheck", "ok", 0.0, "x" * 300))
        journal.close()
        with Ledger(state / "migration.sqlite") as ledger:
            ledger.sync(inventory.systems)
        for name in ("rollout.sqlite", "migration.sqlite"):
            if kind == "corrupted":
                (state / name).write_bytes(b"this is no SQLite database\n" * 40)
            else:
                _truncate(state / name)
        paths[f"a {kind} state"] = state
    return Inputs(paths)


def _entry(host: str) -> dict[str, object]:
    return {"hostname": DEVICE, "host": host, "port": 1, "platform": "huawei_vrp8", "username": "egov"}


INVENTORY_COMMANDS = {
    "validate": ["validate", "{inventory}"],
    "inventory summary": ["inventory", "summary", "{inventory}"],
    "plan --check": ["plan", "{inventory}", "--check"],
    "plan show": ["plan", "show", "{inventory}"],
    "plan export": ["plan", "export", "{inventory}", "--format", "json"],
    "plan release": ["plan", "release", "{inventory}", "--all", "--check"],
    "render": ["render", "{inventory}", "--device", DEVICE],
    "rollout plan": ["rollout", "plan", "{inventory}"],
    "rollout run --check": ["rollout", "run", "{inventory}", "--check", "--lab", "{lab}"],
    "rollout resume": ["rollout", "resume", "{inventory}", "--lab", "{lab}"],
    "playbook run --check": ["playbook", "run", "ipv6_rollout", "{inventory}", "--check", "--lab", "{lab}"],
    "migrate status": ["migrate", "status", "{inventory}"],
    "migrate plan": ["migrate", "plan", "{inventory}"],
    "migrate log": ["migrate", "log", "{inventory}", SYSTEM],
    "exporter serve": ["exporter", "serve", "{inventory}", "--port", "0"],
    "monitoring config": ["monitoring", "config", "{inventory}", "--out", "{out}", "--check"],
    "cloud plan": ["cloud", "plan", "{inventory}"],
    "lab up": ["lab", "up", "{inventory}", "--detach", "--limit", "1"],
}
# Commands that read the address lock (the others never open it, or report it as a finding).
LOCK_READERS = (
    "plan --check",
    "plan show",
    "plan export",
    "plan release",
    "render",
    "rollout plan",
    "rollout run --check",
    "rollout resume",
    "cloud plan",
)
LAB_COMMANDS = {
    "device show": ["device", "show", DEVICE, "--lab", "{bad}"],
    "device apply --check": ["device", "apply", DEVICE, "{config}", "--check", "--lab", "{bad}"],
    "device confirm": ["device", "confirm", DEVICE, "--lab", "{bad}"],
    "lab collect": ["lab", "collect", "--lab", "{bad}"],
    "rollout run --check": ["rollout", "run", "{good}", "--check", "--lab", "{bad}"],
    "rollout resume": ["rollout", "resume", "{good}", "--lab", "{bad}"],
    "exporter serve": ["exporter", "serve", "{good}", "--port", "0", "--lab", "{bad}"],
    "monitoring config": ["monitoring", "config", "{good}", "--out", "{out}", "--check", "--lab", "{bad}"],
}
JOURNAL_COMMANDS = {
    "rollout status": ["rollout", "status", "{good}", "--state", "{bad}"],
    "rollout run --check": ["rollout", "run", "{good}", "--check", "--lab", "{lab}", "--state", "{bad}"],
    "rollout resume": ["rollout", "resume", "{good}", "--lab", "{lab}", "--state", "{bad}"],
    "playbook run --check": [
        "playbook", "run", "ipv6_rollout", "{good}", "--check", "--lab", "{lab}", "--state", "{bad}",
    ],
}  # fmt: skip
LEDGER_COMMANDS = {
    "migrate status": ["migrate", "status", "{good}", "--state", "{bad}"],
    "migrate plan": ["migrate", "plan", "{good}", "--state", "{bad}"],
    "migrate log": ["migrate", "log", "{good}", SYSTEM, "--state", "{bad}"],
}


@dataclass(frozen=True)
class Case:
    """A command line fed a bad input: the exit code it must end with and what it must name."""

    command: str
    given: str
    argv: list[str]
    code: int
    named: str


CASES: list[Case] = []
for _name, _argv in INVENTORY_COMMANDS.items():
    CASES.append(Case(_name, "a file", _argv, 2, "{input}"))
    CASES.append(Case(_name, "not an inventory", _argv, 2, "{input}"))
    CASES.append(Case(_name, "an unreadable file", _argv, 2, "devices.yaml"))
    if _name in LOCK_READERS:
        CASES.append(Case(_name, "a damaged lock", _argv, 2, "{input}/allocations.lock.yaml"))
CASES.append(Case("validate", "a damaged lock", INVENTORY_COMMANDS["validate"], 1, "allocations.lock.yaml"))
for _name in ("rollout plan", "plan --check"):  # the file, and the key that is wrong
    CASES.append(
        Case(
            _name,
            "a lock with a bad value",
            INVENTORY_COMMANDS[_name],
            2,
            "{input}/allocations.lock.yaml: sites.sw-cq",
        )
    )
for _name in ("migrate status", "cloud plan"):  # the ledger in the inventory's own state directory
    CASES.append(
        Case(_name, "an inventory beside a damaged ledger", INVENTORY_COMMANDS[_name], 2, "migration.sqlite")
    )
for _name, _argv in LAB_COMMANDS.items():
    CASES.append(Case(_name, "a lab off loopback", _argv, 2, "{input}: device SW-CORE-01: host 192.0.2.1"))
    CASES.append(Case(_name, "a lab that is not JSON", _argv, 2, "{input}"))
for _name, _argv in JOURNAL_COMMANDS.items():
    for _kind in ("corrupted", "truncated"):
        CASES.append(Case(_name, f"a {_kind} state", _argv, 2, "{input}/rollout.sqlite"))
for _name, _argv in LEDGER_COMMANDS.items():
    for _kind in ("corrupted", "truncated"):
        CASES.append(Case(_name, f"a {_kind} state", _argv, 2, "{input}/migration.sqlite"))


def _digest(root: Path) -> dict[str, str]:
    """Every file under ``root`` (or the one file) by its SHA-256: what a command must leave alone."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest() for p in files}


@pytest.mark.parametrize("case", CASES, ids=[f"{c.command} | {c.given}" for c in CASES])
def test_bad_input_is_named_without_a_traceback(
    inputs: Inputs, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, case: Case
) -> None:
    monkeypatch.setenv("EGOV_LAB_PASSWORD", "bad-input-lab-password")  # a throwaway lab password
    bad, code, named = inputs.paths[case.given], case.code, case.named
    config = tmp_path / "change.cfg"
    config.write_text("interface LoopBack0\n description changed\n", encoding="utf-8")
    values = {
        "inventory": str(bad),
        "bad": str(bad),
        "good": str(inputs.paths["good"]),
        "lab": str(inputs.paths["lab"]),
        "out": str(tmp_path / "out"),
        "config": str(config),
    }
    before = _digest(bad)
    result = run_egov(*(part.format(**values) for part in case.argv), cwd=tmp_path)
    if case.command == "lab up" and result.returncode == 0:
        run_egov("lab", "down", cwd=tmp_path)
    output = result.stdout + result.stderr
    assert "Traceback" not in output, output[-3000:]
    assert result.returncode == code, output[-3000:]
    assert named.format(input=bad) in output, f"the message must name {named.format(input=bad)}:\n{output}"
    assert _digest(bad) == before, "a bad input is left exactly as it was"
