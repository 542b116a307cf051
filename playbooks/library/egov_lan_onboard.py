#!/usr/bin/python
"""Ansible module egov_lan_onboard: a department's office LAN onto the extranet at its site's gateway."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_lan_onboard
short_description: Connect a department's office LAN (IPv4 and IPv6 gateways) at its site's device
description:
  - Finds the department's gateway device, then precheck, push (trial commit where offered), postcheck,
    confirm or a rollback proven by hash, as in docs/rollout.md; every step goes into the rollout journal.
  - Check mode returns the diff and changes nothing. Running it again changes nothing.
options:
  inventory: {description: The egov inventory directory., type: path, required: true}
  department: {description: The department id (departments.yaml)., type: str, required: true}
  lab: {description: A lab.json to target the twin (else production must be chosen)., type: path}
  production: {description: Target the management addresses (real devices)., type: bool, default: false}
"""

EXAMPLES = r"""
- name: Connect the department's LAN
  egov_lan_onboard:
    inventory: inventories/shanwei
    department: sw-hq-gaj
    lab: "{{ lookup('env', 'EGOV_LAB_JSON') }}"
"""

RETURN = r"""
gateway: {description: The device the LAN is connected at., returned: always, type: str}
state: {description: "pending (check mode), done, failed or rolled_back", returned: always, type: str}
"""

import contextlib  # noqa: E402

from ansible.module_utils.egov_common import (  # noqa: E402
    context_and_targets,
    egov_module,
    finish_department_change,
    journal_of,
)

with contextlib.suppress(ImportError):  # reported by egov_module
    from network.rollout.onboard import OnboardError, onboard


def main() -> None:
    """Entry point."""
    module = egov_module(department={"type": "str", "required": True})
    context, found, opener = context_and_targets(module)
    journal = journal_of(module)
    try:
        result = onboard(
            context, journal, module.params["department"], found, opener, check=module.check_mode
        )
    except OnboardError as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    finally:
        journal.close()
    finish_department_change(module, result)


if __name__ == "__main__":
    main()
