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

import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402

try:  # the egov library, installed in the python Ansible runs modules with
    from network.rollout.context import ContextError, load_context
    from network.rollout.journal import Journal
    from network.rollout.onboard import OnboardError, onboard
    from network.rollout.targets import TargetsError, targets
except ImportError:
    EGOV_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    EGOV_IMPORT_ERROR = None


def main() -> None:
    """Entry point."""
    module = AnsibleModule(
        argument_spec={
            "inventory": {"type": "path", "required": True},
            "department": {"type": "str", "required": True},
            "lab": {"type": "path"},
            "production": {"type": "bool", "default": False},
        },
        supports_check_mode=True,
    )
    if EGOV_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("egov-extranet"), exception=EGOV_IMPORT_ERROR)
    params = module.params
    root = Path(params["inventory"]).resolve()
    try:
        context = load_context(root)
        found, opener = targets(
            context.inventory, Path(params["lab"]) if params["lab"] else None, params["production"]
        )
    except (ContextError, TargetsError) as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    journal = Journal(root.parent / f"{root.name}.state" / "rollout.sqlite")
    try:
        result = onboard(context, journal, params["department"], found, opener, check=module.check_mode)
    except OnboardError as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    finally:
        journal.close()
    values = {"gateway": result.hostname, "state": result.state, "diff": {"prepared": result.diff}}
    if result.state in ("failed", "rolled_back"):
        module.fail_json(msg=f"{result.hostname}: {result.state}: {result.reason}", **values)
    module.exit_json(changed=bool(result.diff), **values)


if __name__ == "__main__":
    main()
