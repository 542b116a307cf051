"""The MLPS policies (:mod:`infra.policy.rules`) and the views they read the stack through.

``pulumi preview --policy-pack infra/policy`` runs them through pulumi-policy (``__main__.py``); the
offline plan and the tests run the same functions on the mock engine's registrations.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Network, IPv6Network, ip_network
from typing import Any

from infra.policy.rules import SUBNET, Context, Resource


def context_from(resources: Iterable[Resource]) -> Context:
    """The management networks as the stack declares them (the cloud node's ``management`` subnets), and
    whether the stack is dual-stack (it has subnets of both families)."""
    found: list[IPv4Network | IPv6Network] = []
    families: set[str] = set()
    for resource in resources:
        if resource.type == SUBNET:
            families.add(str(resource.props.get("ipVersion")).split(".")[0])
        name = str(resource.props.get("name", ""))
        if resource.type == SUBNET and (name.endswith("-management-v4") or name.endswith("-management-v6")):
            try:
                found.append(ip_network(str(resource.props.get("cidr")), strict=False))
            except ValueError:
                continue
    return Context(tuple(found), dual_stack={"4", "6"} <= families)


def from_policy_resources(resources: Iterable[Any]) -> list[Resource]:
    """Views of pulumi-policy ``PolicyResource`` objects (property dependencies become ``refs``)."""
    chosen = list(resources)
    views: dict[str, Resource] = {}
    for resource in chosen:
        views[resource.urn] = Resource(resource.resource_type, resource.name, dict(resource.props), {})
    for resource in chosen:
        refs = views[resource.urn].refs
        for prop, dependencies in (resource.property_dependencies or {}).items():
            refs[prop] = tuple(views[d.urn] for d in dependencies if d.urn in views)
    return list(views.values())
