"""The services lab for the tests: real knot, unbound and nginx for the Shanwei inventory, on loopback.

Started once per module through ``egov lab up --services --no-devices --detach`` (what a user runs) and
stopped with ``egov lab down``. ``set_conditions`` changes it while it runs, as `egov lab set-service` does.
"""

from __future__ import annotations

import base64
import json
import os
import secrets
import signal
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from network.services.reach import Reach
from tests.helpers import SHANWEI, run_egov


class ServicesLab:
    """A running services lab: its directory, map and the TSIG key the tests use."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self.json = directory / "services-lab.json"
        self.document: dict[str, Any] = json.loads(self.json.read_text(encoding="utf-8"))
        self.reach = Reach.from_lab(self.json)
        self.log = directory / ".egov-lab-services.log"

    def set_conditions(self, conditions: dict[str, Any]) -> None:
        """Write the conditions file, SIGHUP the lab, wait until it says it applied them."""
        applied = self.log.read_text(encoding="utf-8").count("conditions applied")
        control = self.directory / "services-lab" / "conditions.json"
        control.write_text(json.dumps(conditions), encoding="utf-8")
        os.kill(int(self.document["pid"]), signal.SIGHUP)
        deadline = time.monotonic() + 20
        while self.log.read_text(encoding="utf-8").count("conditions applied") == applied:
            assert time.monotonic() < deadline, self.log.read_text(encoding="utf-8")
            time.sleep(0.1)


@pytest.fixture(scope="module")
def services_lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServicesLab]:
    directory = tmp_path_factory.mktemp("services")
    key = f"hmac-sha256:egov-update:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    os.environ["EGOV_DNS_TSIG"] = key
    up = run_egov("lab", "up", str(SHANWEI), "--services", "--no-devices", "--detach", cwd=directory)
    assert up.returncode == 0, up.stdout + up.stderr
    assert key not in (directory / "services-lab.json").read_text(encoding="utf-8")
    lab = ServicesLab(directory)
    try:
        yield lab
    finally:
        down = run_egov("lab", "down", cwd=directory)
        assert down.returncode == 0, down.stdout + down.stderr
