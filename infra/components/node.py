"""CloudNode: the city's node of the government cloud — its project, shared networks, router, DNS zone."""

from __future__ import annotations

from dataclasses import dataclass

import pulumi
import pulumi_openstack as openstack

from infra.blueprint import CloudBlueprint, Zone
from infra.components import tags
from infra.settings import Settings


@dataclass
class CloudNodeArgs:
    """What the node is built from: the blueprint and the stack's settings."""

    blueprint: CloudBlueprint
    settings: Settings


def external_network_id(settings: Settings) -> pulumi.Output[str] | None:
    """The id of the external (extranet-facing) network named in the settings, looked up by name."""
    if settings.external_network is None:
        return None
    return openstack.networking.get_network_output(name=settings.external_network).id


def zone_subnets(
    component: pulumi.ComponentResource,
    prefix: str,
    zone: Zone,
    network: openstack.networking.Network,
    settings: Settings,
    labels: list[str],
    tenant_id: pulumi.Input[str] | None = None,
) -> dict[str, openstack.networking.Subnet]:
    """A zone's subnets: IPv4 (when the project has it) and IPv6, gateways ::1/.1, the DHCP port at 2."""
    opts = pulumi.ResourceOptions(parent=component)
    out: dict[str, openstack.networking.Subnet] = {}
    if zone.ipv4 is not None:
        first = zone.ipv4.network_address
        out["ipv4"] = openstack.networking.Subnet(
            f"{prefix}-{zone.name}-v4",
            name=f"{prefix}-{zone.name}-v4",
            network_id=network.id,
            cidr=str(zone.ipv4),
            ip_version=4,
            gateway_ip=str(first + 1),
            allocation_pools=[
                openstack.networking.SubnetAllocationPoolArgs(start=str(first + 2), end=str(first + 2))
            ],
            enable_dhcp=True,
            dns_nameservers=list(settings.dns_nameservers) or None,
            tenant_id=tenant_id,
            tags=labels,
            opts=opts,
        )
    first6 = zone.ipv6.network_address
    stateful = settings.ipv6_mode == "dhcpv6-stateful"
    out["ipv6"] = openstack.networking.Subnet(
        f"{prefix}-{zone.name}-v6",
        name=f"{prefix}-{zone.name}-v6",
        network_id=network.id,
        cidr=str(zone.ipv6),
        ip_version=6,
        gateway_ip=str(first6 + 1),
        ipv6_address_mode=settings.ipv6_mode,
        ipv6_ra_mode=settings.ipv6_mode,
        allocation_pools=[
            openstack.networking.SubnetAllocationPoolArgs(start=str(first6 + 2), end=str(first6 + 2))
        ]
        if stateful
        else None,
        enable_dhcp=True,
        tenant_id=tenant_id,
        tags=labels,
        opts=opts,
    )
    return out


class CloudNode(pulumi.ComponentResource):
    """The city node: a project for the shared networks (management, dmz, services), a router, DNS."""

    def __init__(self, name: str, args: CloudNodeArgs, opts: pulumi.ResourceOptions | None = None) -> None:
        super().__init__("egov:cloud:CloudNode", name, None, opts)
        blueprint, settings = args.blueprint, args.settings
        labels = tags({"department": "cloud-node", "mlps_level": str(blueprint.mlps_level), "system": "*"})
        child = pulumi.ResourceOptions(parent=self)
        self.project = openstack.identity.Project(
            f"{name}-project",
            name=f"{blueprint.city}-cloud-node",
            description=blueprint.node_name,
            tags=labels,
            opts=child,
        )
        self.router = openstack.networking.Router(
            f"{name}-router",
            name=f"{name}-router",
            tenant_id=self.project.id,
            external_network_id=external_network_id(settings),
            tags=labels,
            opts=child,
        )
        self.networks: dict[str, openstack.networking.Network] = {}
        self.subnets: dict[str, dict[str, openstack.networking.Subnet]] = {}
        for zone in blueprint.shared.values():
            network = openstack.networking.Network(
                f"{name}-{zone.name}",
                name=f"{name}-{zone.name}",
                tenant_id=self.project.id,
                tags=labels,
                opts=child,
            )
            self.networks[zone.name] = network
            subnets = zone_subnets(self, name, zone, network, settings, labels, self.project.id)
            self.subnets[zone.name] = subnets
            for family, subnet in subnets.items():
                openstack.networking.RouterInterface(
                    f"{name}-{zone.name}-{family}-if",
                    router_id=self.router.id,
                    subnet_id=subnet.id,
                    opts=child,
                )
        self.dns_zone = openstack.dns.Zone(
            f"{name}-zone",
            name=settings.dns_zone,
            email=settings.dns_email,
            ttl=3600,
            type="PRIMARY",
            description=f"{blueprint.node_name}: cloud hosts",
            opts=child,
        )
        self.register_outputs(
            {
                "project_id": self.project.id,
                "router_id": self.router.id,
                "dns_zone_id": self.dns_zone.id,
                "networks": {zone: network.id for zone, network in self.networks.items()},
            }
        )
