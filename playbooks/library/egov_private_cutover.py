#!/usr/bin/python
"""Ansible module egov_private_cutover: a department's private business network onto the extranet."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_private_cutover
short_description: Route a department's private network (业务专网) prefixes over the extranet
description:
  - At the department's gateway device, static routes for the private network's prefixes toward its
    router on the department's LAN (docs/rollout.md states the convention), with a reachability check
    before (the next hop is on a connected LAN that is up) and after (routes in place, next hop still
    connected), a trial commit where offered, and a rollback proven by hash; every step journaled.
  - Check mode returns the diff and changes nothing. Running it again changes nothing.
options:
  inventory: {description: The egov inventory directory., type: path, required: true}
  department: {description: The department id (departments.yaml)., type: str, required: true}
  network: {description: The private network's id (its private_networks)., type: str, required: true}
  lab: {description: A lab.json to target the twin (else production must be chosen)., type: path}
  production: {description: Target the management addresses (real devices)., type: bool, default: false}
"""

EXAMPLES = r"""
- name: Cut the education network over
  egov_private_cutover:
    inventory: inventories/shanwei
    department: sw-jyj
    network: sw-jyj-pn1
    lab: "{{ lookup('env', 'EGOV_LAB_JSON') }}"
"""

RETURN = r"""
gateway: {description: The device the routes are added at., returned: always, type: str}
state: {description: "pending (check mode), done, failed or rolled_back", returned: always, type: str}
"""

import traceback  # noqa: E402
from pathlib import Path  # noqa: E402

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402

try:  # the egov library, installed in the python Ansible runs modules with
    from network.rollout.context import ContextError, load_context
    from network.rollout.journal import Journal
    from network.rollout.onboard import OnboardError, cutover
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
            "network": {"type": "str", "required": True},
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
        result = cutover(
            context, journal, params["department"], params["network"], found, opener, module.check_mode
        )
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
