"""DepartmentTenant: a department's project on the cloud node — quotas, zone networks, router, MLPS groups."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from infra.blueprint import TenantBlueprint
from infra.components import tags
from infra.components.node import routed_zones
from infra.security import BASE
from infra.settings import Settings

RAM_MB = {"small": 4096, "medium": 8192, "large": 16384, "xlarge": 32768}


@dataclass
class DepartmentTenantArgs:
    """What a tenant is built from: its blueprint and the stack's settings."""

    blueprint: TenantBlueprint
    settings: Settings


class DepartmentTenant(pulumi.ComponentResource):
    """A department's tenant: identity project, quotas, a network per zone with IPv4 and IPv6 subnets from
    the address lock, a router, and security groups per MLPS level and zone with least-privilege rules."""

    def __init__(
        self, name: str, args: DepartmentTenantArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("egov:cloud:DepartmentTenant", name, None, opts)
        tenant, settings = args.blueprint, args.settings
        labels = tags(tenant.tags)
        child = pulumi.ResourceOptions(parent=self)
        self.project = openstack.identity.Project(
            f"{name}-project", name=tenant.department, description=tenant.name, tags=labels, opts=child
        )
        self._quotas(name, tenant, settings, child)
        used_zones = {h.tier for s in tenant.systems for h in s.hosts}
        self.router, self.networks, self.subnets = routed_zones(
            self,
            tenant.department,
            (z for z in tenant.zones.values() if z.name in used_zones),
            settings,
            labels,
            self.project.id,
        )
        self.groups: dict[str, openstack.networking.SecGroup] = {}
        for group in tenant.groups:
            self.groups[group.key] = openstack.networking.SecGroup(
                f"{name}-{group.key}",
                name=f"{tenant.department}-{group.key}",
                description=(
                    "every host: management in, DNS and NTP out"
                    if group.key == BASE
                    else f"MLPS level {group.level}, {group.zone} zone"
                ),
                delete_default_rules=True,
                tenant_id=self.project.id,
                tags=labels,
                opts=child,
            )
        for group in tenant.groups:
            for n, rule in enumerate(group.rules):
                openstack.networking.SecGroupRule(
                    f"{name}-{group.key}-{n:02d}",
                    security_group_id=self.groups[group.key].id,
                    direction=rule.direction,
                    ethertype=rule.ethertype,
                    protocol=rule.protocol,
                    port_range_min=rule.port_min,
                    port_range_max=rule.port_max,
                    remote_ip_prefix=rule.remote_prefix,
                    remote_group_id=self.groups[rule.remote_group].id if rule.remote_group else None,
                    description=rule.why,
                    tenant_id=self.project.id,
                    opts=child,
                )
        self.register_outputs(
            {
                "project_id": self.project.id,
                "networks": {zone: network.id for zone, network in self.networks.items()},
                "security_groups": {key: group.id for key, group in self.groups.items()},
            }
        )

    def _quotas(
        self, name: str, tenant: TenantBlueprint, settings: Settings, child: pulumi.ResourceOptions
    ) -> None:
        hosts = [h for s in tenant.systems for h in s.hosts]
        gigabytes = sum(v.size_gb for h in hosts for v in h.volumes)
        openstack.compute.QuotaSetV2(
            f"{name}-compute-quota",
            project_id=self.project.id,
            instances=len(hosts) + 2,
            cores=settings.quota_cores_per_system * len(tenant.systems),
            ram=sum(RAM_MB[h.size] for h in hosts) + 8192,
            key_pairs=10,
            opts=child,
        )
        openstack.networking.QuotaV2(
            f"{name}-network-quota",
            project_id=self.project.id,
            network=len(tenant.zones),
            subnet=2 * len(tenant.zones),
            port=len(hosts) + 4 * len(tenant.zones),
            router=1,
            floatingip=len(tenant.systems),
            security_group=len(tenant.groups) + 1,
            security_group_rule=sum(len(g.rules) for g in tenant.groups) + 10,
            opts=child,
        )
        openstack.blockstorage.QuoteSetV3(
            f"{name}-volume-quota",
            project_id=self.project.id,
            volumes=sum(len(h.volumes) for h in hosts) + 2,
            gigabytes=math.ceil(gigabytes * 1.2) + 100,
            opts=child,
        )
