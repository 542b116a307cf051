"""Declare the cloud node from a blueprint: a CloudNode, a DepartmentTenant each, a BusinessSystem each."""

from __future__ import annotations

import pulumi

from infra.blueprint import CloudBlueprint
from infra.components.node import CloudNode, CloudNodeArgs
from infra.components.system import BusinessSystem, BusinessSystemArgs
from infra.components.tenant import DepartmentTenant, DepartmentTenantArgs
from infra.settings import Settings


def declare(
    blueprint: CloudBlueprint, settings: Settings, bootstrap_token: pulumi.Output[str] | None = None
) -> CloudNode:
    """Every resource of the stack (the components parent their children), and the stack's outputs."""
    node = CloudNode("node", CloudNodeArgs(blueprint, settings))
    addresses: dict[str, pulumi.Input[str]] = {}
    for tenant_blueprint in blueprint.tenants:
        tenant = DepartmentTenant(
            tenant_blueprint.department, DepartmentTenantArgs(tenant_blueprint, settings)
        )
        for system in tenant_blueprint.systems:
            built = BusinessSystem(
                system.id, BusinessSystemArgs(system, tenant, node.dns_zone.id, settings, bootstrap_token)
            )
            addresses[system.id] = built.address
    pulumi.export("dns_zone", settings.dns_zone)
    pulumi.export("tenants", sorted(t.department for t in blueprint.tenants))
    pulumi.export("systems", sorted(s.id for s in blueprint.systems))
    pulumi.export("addresses", addresses)
    return node
