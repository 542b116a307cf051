#!/usr/bin/python
"""Ansible module egov_private_cutover: a department's private business network onto the extranet."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_private_cutover
short_description: Put a department's private network (业务专网) into its VPN instance on the extranet
description:
  - On each PE of the network's VPN instance (vpn_instances.yaml), one change - the instance, the access
    interfaces bound to it, its static routes, MP-BGP and the zone ACLs; the global routes an old cutover
    left are removed in the same change (docs/rollout.md). Prechecks (access interfaces up and free) and
    postchecks (the instance's routing table, the network's router answering in it), a trial commit where
    offered, and a rollback proven by hash; every step journaled.
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

import contextlib  # noqa: E402

from ansible.module_utils.egov_common import (  # noqa: E402
    context_and_targets,
    egov_module,
    finish_department_change,
    journal_of,
)

with contextlib.suppress(ImportError):  # reported by egov_module
    from network.rollout.onboard import OnboardError, cutover


def main() -> None:
    """Entry point."""
    module = egov_module(
        department={"type": "str", "required": True}, network={"type": "str", "required": True}
    )
    context, found, opener = context_and_targets(module)
    params = module.params
    journal = journal_of(module)
    try:
        result = cutover(
            context, journal, params["department"], params["network"], found, opener, module.check_mode
        )
    except OnboardError as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    finally:
        journal.close()
    finish_department_change(module, result)


if __name__ == "__main__":
    main()
