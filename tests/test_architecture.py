"""Dependencies point one way: inventories <- network <- consumers <- the egov command."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import ROOT

CONSUMERS = ("egov", "exporters", "infra", "playbooks")


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            out.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            out.add(node.module)
    return out


def _modules(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


@pytest.mark.parametrize("path", _modules("network"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_core_never_imports_a_consumer(path: Path) -> None:
    bad = {name for name in _imports(path) if name.split(".")[0] in CONSUMERS}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", _modules("network/inventory"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_inventory_model_is_the_base_of_the_core(path: Path) -> None:
    bad = {
        name
        for name in _imports(path)
        if name.startswith("network.") and not name.startswith("network.inventory")
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", _modules("network/lab"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_lab_never_imports_the_drivers(path: Path) -> None:
    # The twin is reached like any device (SSH, SNMP); from network.devices it takes only the name
    # helpers and the credential references (its SNMP agents resolve city.snmp as managers do).
    allowed = {"network.devices.names", "network.devices.transport"}
    bad = {n for n in _imports(path) if n.startswith("network.devices") and n not in allowed}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_command_starts_without_loading_pysnmp() -> None:
    # ... nor pysnmp: only the lab's agents use it.
    code = "import sys, egov.cli; print(sorted({'pysnmp', 'pyasn1'} & set(sys.modules)))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_the_command_holds_no_domain_logic() -> None:
    # A thin layer: no YAML parsing, no pydantic models, no address arithmetic in egov/.
    for path in _modules("egov"):
        names = _imports(path)
        assert not names & {"yaml_rs", "ryml", "pydantic", "ipaddress"}, path


def test_the_command_starts_without_loading_ssh_or_napalm() -> None:
    # `egov validate` in CI should not pay for SSH and NAPALM code it never uses.
    code = (
        "import sys, egov.cli; "
        "heavy = {'asyncssh', 'netmiko', 'napalm', 'paramiko', 'pulumi', 'pulumi_openstack'} "
        "& set(sys.modules); "
        "print(sorted(heavy))"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def _code_files() -> list[Path]:
    return [p for package in ("network", *CONSUMERS) for p in _modules(package)]


def test_the_state_directory_is_one_module() -> None:
    # <inventory>.state and its file names are network.state's; nobody else spells them out.
    spelled = ('"rollout.sqlite"', '"migration.sqlite"', '.state"', "'.state'")
    offenders = [
        str(path.relative_to(ROOT))
        for path in _code_files()
        if path != ROOT / "network" / "state.py"
        and any(s in path.read_text(encoding="utf-8") for s in spelled)
    ]
    assert not offenders, f"state paths spelled outside network/state.py: {offenders}"
    assert not {n for n in _imports(ROOT / "network" / "state.py") if n.startswith("network")}


def test_one_change_transaction() -> None:
    # Commits, confirmations and rollbacks of the rollout, onboarding and cutover happen in one place.
    for path in _modules("network/rollout"):
        if path.name == "transaction.py":
            continue
        text = path.read_text(encoding="utf-8")
        for call in ("driver.commit(", "driver.confirm(", "driver.rollback(", ".rollback_to("):
            assert call not in text, f"{path.relative_to(ROOT)} calls {call} outside transaction.py"


def test_the_change_transaction_types_its_drivers() -> None:
    # mypy checks every driver call of the rollout against ChangeDriver: none may go through Any.
    for path in _modules("network/rollout"):
        text = path.read_text(encoding="utf-8")
        assert "driver: Any" not in text and "[[Target], Any]" not in text, path.relative_to(ROOT)


@pytest.mark.parametrize("path", _modules("network/services"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_services_know_the_plan_not_the_labs(path: Path) -> None:
    # DNS as code and the IPv6 prober read the inventory, the address lock and the transport's safety
    # check; the services lab builds on them, never the other way round.
    allowed = ("network.inventory", "network.addressing", "network.services", "network.validation")
    bad = {
        n for n in _imports(path)
        if n.startswith("network.") and not n.startswith(allowed) and n != "network.devices.transport"
    }  # fmt: skip
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


def test_the_command_starts_without_loading_dnspython() -> None:
    code = "import sys, egov.cli; print(sorted(m for m in sys.modules if m == 'dns' or m.startswith('dns.')))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.parametrize("path", _modules("network/render"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_renderer_never_knows_the_rollout(path: Path) -> None:
    # What a device should carry is computed from the inventory, the lock and the render settings;
    # the rollout (waves, journal, budgets) builds on it, never the other way round.
    bad = {n for n in _imports(path) if n.startswith(("network.rollout", "network.lab", "network.devices"))}
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"


@pytest.mark.parametrize("path", _modules("network/verify"), ids=lambda p: str(p.relative_to(ROOT)))
def test_the_isolation_check_reads_configurations_only(path: Path) -> None:
    # egov verify judges configuration texts; reading them back from devices goes through the opener it
    # is given, so it never needs the drivers, the lab or SSH.
    bad = {
        n for n in _imports(path) if n.startswith(("network.devices", "network.lab", "netmiko", "asyncssh"))
    }
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}"
