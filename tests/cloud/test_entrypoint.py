"""``infra/__main__.py`` — what ``pulumi preview``/``up`` runs — under the mock engine, with stack config
set the way the CLI passes it (JSON for objects; the bootstrap token as a secret)."""

from __future__ import annotations

import json
import runpy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pulumi
import pytest
from pulumi.runtime import rpc

from infra.offline import Declared, record
from infra.settings import PROJECT, ROOT, read_stack_file
from tests.helpers import SHANWEI

SIG_KEY, SECRET_SIG = rpc._special_sig_key, rpc._special_secret_sig  # how the engine marks a secret
MAIN = ROOT / "infra" / "__main__.py"
TOKEN = "enrol-7f3a-not-a-real-token"  # a made-up value for the test


@pytest.fixture(autouse=True)
def _clean_config() -> Iterator[None]:
    yield
    pulumi.runtime.set_all_config({}, [])


def configure(inventory: Path, secret: bool = True, **changes: Any) -> None:
    values = {**read_stack_file(ROOT / "Pulumi.shanwei.yaml"), "inventory": str(inventory), **changes}
    config = {f"{PROJECT}:{k}": v if isinstance(v, str) else json.dumps(v) for k, v in values.items()}
    config[f"{PROJECT}:bootstrapToken"] = TOKEN
    pulumi.runtime.set_all_config(config, [f"{PROJECT}:bootstrapToken"] if secret else [])


def run_main() -> list[Declared]:
    return record(lambda: runpy.run_path(str(MAIN), run_name="__main__") and None)


def test_the_entry_point_declares_the_node_from_the_stack_config() -> None:
    configure(SHANWEI, provision="plan")
    declared = run_main()
    types = {r.type for r in declared}
    assert {"egov:cloud:CloudNode", "egov:cloud:DepartmentTenant", "egov:cloud:BusinessSystem"} <= types
    instances = [r for r in declared if r.type == "openstack:compute/instance:Instance"]
    assert instances
    for instance in instances:  # the token reaches the hosts' cloud-init only, and as a secret
        user_data = instance.inputs["userData"]
        assert user_data[SIG_KEY] == SECRET_SIG  # the engine encrypts it in the state
        assert "/etc/egov/bootstrap" in user_data["value"] and TOKEN in user_data["value"]
        assert instance.inputs["flavorName"].startswith("egov.")
    outside = [r for r in declared if r.type != "openstack:compute/instance:Instance"]
    assert TOKEN not in json.dumps([r.inputs for r in outside], ensure_ascii=False)


def test_a_bad_setting_stops_the_program_before_any_resource() -> None:
    configure(SHANWEI, flavors={"small": "egov.s2.medium"})
    with pytest.raises(pulumi.RunError) as raised:
        run_main()
    assert "egov-cloud:flavors.medium: is missing" in str(raised.value)
    assert "hint:" in str(raised.value)


def test_a_missing_inventory_stops_the_program(tmp_path: Path) -> None:
    configure(tmp_path / "nowhere")
    with pytest.raises(pulumi.RunError, match=r"egov-cloud:inventory: .* is not an inventory directory"):
        run_main()
