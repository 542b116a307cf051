#!/usr/bin/python
"""Ansible module egov_ipv6_config: one device's dual-stack change through the egov rollout engine."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_ipv6_config
short_description: Make one extranet device dual-stack (precheck, trial commit, postcheck, verified rollback)
description:
  - Runs the egov rollout engine's steps for one device, the same as C(egov rollout run) does for a wave
    (see docs/rollout.md), and records them in the same journal.
  - In check mode it prints the device's diff (with C(--diff)) and changes nothing.
  - A device whose postcheck fails is rolled back and the task fails (so C(max_fail_percentage) counts it).
options:
  inventory: {description: The egov inventory directory., type: path, required: true}
  hostname: {description: "The device, e.g. {{ inventory_hostname }}.", type: str, required: true}
  lab: {description: A lab.json to target the twin (else production must be chosen)., type: path}
  production: {description: Target the management addresses (real devices)., type: bool, default: false}
  state_dir: {description: The journal's directory (default next to the inventory)., type: path}
"""

EXAMPLES = r"""
- name: Dual-stack this device
  egov_ipv6_config:
    inventory: "{{ egov_inventory }}"
    hostname: "{{ inventory_hostname }}"
    lab: "{{ egov_lab | default(omit) }}"
"""

RETURN = r"""
state: {description: "pending (check mode), done, failed or rolled_back", returned: always, type: str}
reason: {description: Why a device failed or was rolled back., returned: always, type: str}
"""

import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402

try:  # the egov library, installed in the python Ansible runs modules with
    from network.rollout.context import ContextError, load_context
    from network.rollout.engine import roll_one
    from network.rollout.journal import DONE, Journal
    from network.rollout.targets import TargetsError, targets
    from network.rollout.waves import plan_waves
except ImportError:
    EGOV_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    EGOV_IMPORT_ERROR = None


def main() -> None:
    """Entry point."""
    module = AnsibleModule(
        argument_spec={
            "inventory": {"type": "path", "required": True},
            "hostname": {"type": "str", "required": True},
            "lab": {"type": "path"},
            "production": {"type": "bool", "default": False},
            "state_dir": {"type": "path"},
        },
        supports_check_mode=True,
    )
    if EGOV_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("egov-extranet"), exception=EGOV_IMPORT_ERROR)
    params = module.params
    root = Path(params["inventory"])
    hostname = params["hostname"]
    try:
        context = load_context(root)
        found, opener = targets(
            context.inventory, Path(params["lab"]) if params["lab"] else None, params["production"]
        )
    except (ContextError, TargetsError) as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    state_dir = (
        Path(params["state_dir"])
        if params["state_dir"]
        else root.resolve().parent / f"{root.resolve().name}.state"
    )
    journal = Journal(state_dir / "rollout.sqlite")
    try:
        plan = plan_waves(context.inventory, context.config)
        outcome = roll_one(
            context, plan, journal, hostname, targets=found, opener=opener, check=module.check_mode
        )
    finally:
        journal.close()
    result = {"state": outcome.state, "reason": outcome.reason}
    if module.check_mode:
        module.exit_json(changed=bool(outcome.diff), diff={"prepared": outcome.diff}, **result)
    if outcome.state != DONE:
        module.fail_json(msg=f"{hostname}: {outcome.state}: {outcome.reason}", **result)
    module.exit_json(changed=bool(outcome.diff), diff={"prepared": outcome.diff}, **result)


if __name__ == "__main__":
    main()
