#!/usr/bin/python
"""Ansible module egov_facts: a device's facts, interfaces and addresses through the egov drivers."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_facts
short_description: Read an extranet device through its egov driver (facts, interfaces, addresses)
description:
  - Opens the device's driver (VRP5, VRP8, Comware 7, IOS) on the lab twin or, in production, on its
    management address, and returns C(ansible_facts.egov) with typed results (speeds in Mbit/s).
options:
  inventory: {description: The egov inventory directory., type: path, required: true}
  hostname: {description: "The device, e.g. {{ inventory_hostname }}.", type: str, required: true}
  lab: {description: A lab.json to target the twin., type: path}
  production: {description: Target the inventory's management addresses., type: bool, default: false}
"""

EXAMPLES = r"""
- name: Read the device
  egov_facts:
    inventory: "{{ egov_inventory }}"
    hostname: "{{ inventory_hostname }}"
    lab: "{{ egov_lab | default(omit) }}"
"""

RETURN = r"""
ansible_facts:
  description: "egov: facts, interfaces, addresses, ipv6_neighbors"
  returned: success
  type: dict
"""

from dataclasses import asdict  # noqa: E402

from ansible.module_utils.egov_common import context_and_targets, egov_module  # noqa: E402


def main() -> None:
    """Entry point."""
    module = egov_module(hostname={"type": "str", "required": True})
    _, found, opener = context_and_targets(module)
    hostname = module.params["hostname"]
    target = found.get(hostname)
    if target is None:
        module.fail_json(msg=f"{hostname}: not reachable (not in the lab or the inventory)")
    try:
        driver = opener(target)
    except Exception as problem:  # unreachable, refused
        module.fail_json(msg=f"{hostname}: {problem}")
    try:
        facts = driver.facts()
        egov = {
            "facts": {**asdict(facts), "interfaces": list(facts.interfaces)},
            "interfaces": {
                name: {
                    "enabled": i.enabled,
                    "up": i.up,
                    "speed_mbit": i.speed,
                    "mtu": i.mtu,
                    "description": i.description,
                }
                for name, i in driver.interfaces().items()
            },
            "addresses": [asdict(a) for a in driver.addresses()],
            "ipv6_neighbors": [asdict(n) for n in driver.ipv6_neighbors()],
        }
    finally:
        driver.close()
    module.exit_json(changed=False, ansible_facts={"egov": egov})


if __name__ == "__main__":
    main()
