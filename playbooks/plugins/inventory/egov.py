"""Ansible inventory plugin ``egov``: an egov inventory directory (and a lab's lab.json) as Ansible hosts.

``ansible-inventory -i inventories/shanwei --graph`` works as is (ansible.cfg enables the plugin).
Ansible visits each file of the directory; the plugin takes them all, and builds the inventory once,
from ``city.yaml``'s directory, through ``network.inventory`` — so Ansible sees exactly what
``egov validate`` checked. An inventory with errors is refused with the findings' summary.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from ansible.errors import AnsibleParserError
from ansible.plugins.inventory import BaseInventoryPlugin

try:  # the egov library, installed in the python Ansible runs with
    from network.inventory.platforms import known_platforms, platform_spec
    from network.inventory.validate import validate
    from network.rollout.config import RolloutFileError, load_rollout
    from network.rollout.waves import county_of, plan_waves
except ImportError as problem:
    EGOV_IMPORT_ERROR: str | None = str(problem)
else:
    EGOV_IMPORT_ERROR = None

DOCUMENTATION = r"""
name: egov
short_description: egov inventory directories (inventories/<city>) as Ansible inventory
description:
  - Reads an egov inventory directory through the egov library (the same model `egov validate` checks).
  - Groups by level (C(level_county)), county (C(county_sw_cq)), site, platform (C(platform_huawei_vrp5)),
    rollout wave (C(wave_1), numbered from 1) and C(egov_rollout) (the devices the rollout changes,
    in wave order).
  - With a lab, each host's C(ansible_host)/C(ansible_port) are where its twin answers.
options:
  lab:
    description: A lab.json written by C(egov lab up); its addresses override the management addresses.
    type: path
    env:
      - name: EGOV_LAB_JSON
"""


def _spec_value(platform: str, field: str, default: str) -> str:
    """A field of the platform's spec (network.inventory.platforms), or the default for an unknown one."""
    return str(getattr(platform_spec(platform), field)) if platform in known_platforms() else default


def _group(prefix: str, name: str) -> str:
    return f"{prefix}_" + re.sub(r"[^A-Za-z0-9_]", "_", name)


class InventoryModule(BaseInventoryPlugin):
    """The ``egov`` inventory plugin."""

    NAME = "egov"

    def verify_file(self, path: str) -> bool:
        """Any file inside a directory that holds an egov ``city.yaml`` (its zone files in ``dns/`` too):
        the inventory is the directory, read once from ``city.yaml``, so no other plugin reads its parts."""
        file = Path(path).absolute()
        return any((folder / "city.yaml").is_file() for folder in file.parents[:3])

    def parse(self, inventory: Any, loader: Any, path: str, cache: bool = True) -> None:
        super().parse(inventory, loader, path, cache)
        if Path(path).name != "city.yaml":
            return  # the directory is read once, from city.yaml
        root = Path(path).parent
        if EGOV_IMPORT_ERROR is not None:
            raise AnsibleParserError(f"egov: the egov package is not importable ({EGOV_IMPORT_ERROR})")
        report = validate(root)
        if report.unusable or report.errors:
            raise AnsibleParserError(
                f"egov: {root} has {len(report.errors)} errors; run `egov validate {root}`"
            )
        model = report.inventory
        try:
            waves = plan_waves(model, load_rollout(root))
        except RolloutFileError as problem:
            raise AnsibleParserError(f"egov: {problem}") from None
        lab = self._lab()
        self._hosts(model, waves.wave_of(), lab, root)
        self.inventory.add_group("egov_rollout")
        for wave in waves.waves:  # insertion order is wave order: `serial` batches follow it
            for hostname in wave.hostnames:
                self.inventory.add_child("egov_rollout", hostname)
        self.inventory.set_variable("all", "egov_inventory", str(root.resolve()))
        self.inventory.set_variable("all", "ansible_connection", "local")
        # Modules run with Ansible's own python, which has the egov package.
        self.inventory.set_variable("all", "ansible_python_interpreter", sys.executable)
        if lab is not None:
            self.inventory.set_variable("all", "egov_lab", self._lab_path)

    def _lab(self) -> dict[str, dict[str, Any]] | None:
        self._lab_path = os.environ.get("EGOV_LAB_JSON", "")
        if not self._lab_path:
            return None
        try:
            document = json.loads(Path(self._lab_path).read_text(encoding="utf-8"))
        except (OSError, ValueError) as problem:
            raise AnsibleParserError(f"egov: lab {self._lab_path}: {problem}") from None
        return {entry["hostname"]: entry for entry in document["devices"]}

    def _hosts(
        self, model: Any, wave_of: dict[str, int], lab: dict[str, dict[str, Any]] | None, root: Path
    ) -> None:
        sites = model.site_by_id
        for device in model.devices:
            name = device.hostname
            self.inventory.add_host(name)
            site = sites[device.site]
            county = county_of(site, sites)
            groups = [
                _group("level", site.level.value),
                _group("site", site.id),
                _group("platform", device.platform),
            ]
            if county is not None:
                groups.append(_group("county", county.id))
            if name in wave_of:
                groups.append(f"wave_{wave_of[name]}")
            for group in groups:
                self.inventory.add_group(group)
                self.inventory.add_child(group, name)
            entry = (lab or {}).get(name)
            values = {
                "ansible_host": entry["host"] if entry else str(device.management),
                "ansible_port": entry["port"] if entry else 22,
                "ansible_network_os": _spec_value(device.platform, "napalm_driver", device.platform),
                "egov_platform": device.platform,
                "egov_device_type": _spec_value(device.platform, "netmiko_type", ""),
                "egov_site": site.id,
                "egov_level": site.level.value,
                "egov_wave": wave_of.get(name, 0),
                "egov_role": device.role.value,
            }
            for key, value in values.items():
                self.inventory.set_variable(name, key, value)
