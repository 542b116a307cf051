"""CloudNode: the city's node of the government cloud — its project, shared networks, router, DNS zone."""

from __future__ import annotations

from collections.abc import Iterable
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


def routed_zones(
    component: pulumi.ComponentResource,
    prefix: str,
    zones: Iterable[Zone],
    settings: Settings,
    labels: list[str],
    project_id: pulumi.Input[str],
) -> tuple[
    openstack.networking.Router,
    dict[str, openstack.networking.Network],
    dict[str, dict[str, openstack.networking.Subnet]],
]:
    """A project's router (its gateway on the external network), a network per zone with its subnets,
    and the router's interface on each subnet; logical and display names start with ``prefix``."""
    opts = pulumi.ResourceOptions(parent=component)
    router = openstack.networking.Router(
        f"{prefix}-router",
        name=f"{prefix}-router",
        tenant_id=project_id,
        external_network_id=external_network_id(settings),
        tags=labels,
        opts=opts,
    )
    networks: dict[str, openstack.networking.Network] = {}
    subnets: dict[str, dict[str, openstack.networking.Subnet]] = {}
    for zone in zones:
        network = openstack.networking.Network(
            f"{prefix}-{zone.name}",
            name=f"{prefix}-{zone.name}",
            tenant_id=project_id,
            tags=labels,
            opts=opts,
        )
        networks[zone.name] = network
        subnets[zone.name] = zone_subnets(component, prefix, zone, network, settings, labels, project_id)
        for family, subnet in subnets[zone.name].items():
            openstack.networking.RouterInterface(
                f"{prefix}-{zone.name}-{family}-if", router_id=router.id, subnet_id=subnet.id, opts=opts
            )
    return router, networks, subnets


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
        self.router, self.networks, self.subnets = routed_zones(
            self, name, blueprint.shared.values(), settings, labels, self.project.id
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
