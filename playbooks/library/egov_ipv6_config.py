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

import contextlib  # noqa: E402

from ansible.module_utils.egov_common import context_and_targets, egov_module, journal_of  # noqa: E402

with contextlib.suppress(ImportError):  # reported by egov_module
    from network.rollout.engine import roll_one
    from network.rollout.journal import DONE
    from network.rollout.waves import plan_waves


def main() -> None:
    """Entry point."""
    module = egov_module(hostname={"type": "str", "required": True})
    context, found, opener = context_and_targets(module)
    hostname = module.params["hostname"]
    journal = journal_of(module)
    try:
        plan = plan_waves(context.inventory, context.config)
        outcome = roll_one(
            context, plan, journal, hostname, targets=found, opener=opener, check=module.check_mode
        )
    finally:
        journal.close()
    result = {"state": outcome.state, "reason": outcome.reason, "diff": {"prepared": outcome.diff}}
    if not module.check_mode and outcome.state != DONE:
        module.fail_json(msg=f"{hostname}: {outcome.state}: {outcome.reason}", **result)
    module.exit_json(changed=bool(outcome.diff), **result)


if __name__ == "__main__":
    main()
