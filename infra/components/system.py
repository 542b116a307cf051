"""BusinessSystem: a department's system on the cloud — a port with fixed addresses, an instance and
volumes per tier, a floating IPv4 for its web host, DNS A and AAAA records.

Ports are explicit, with the plan's fixed IPv4 and IPv6 addresses: the OpenStack provider ignores an
instance's ``fixed_ip_v6`` and a change forces a replacement, so instances only name their port. With
SLAAC the IPv6 address is the port's EUI-64 one (the plan's cannot be fixed): the AAAA records then
come from the port's addresses as the cloud assigns them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pulumi
import pulumi_openstack as openstack

from infra.blueprint import SystemBlueprint
from infra.components import tags
from infra.components.tenant import DepartmentTenant
from infra.security import BASE
from infra.settings import Settings


@dataclass
class BusinessSystemArgs:
    """A system's blueprint, its tenant (networks, subnets, groups), the DNS zone, the settings."""

    blueprint: SystemBlueprint
    tenant: DepartmentTenant
    dns_zone_id: pulumi.Input[str]
    settings: Settings
    bootstrap_token: pulumi.Output[str] | None = None


def _user_data(system: SystemBlueprint, tier: str, token: pulumi.Output[str] | None) -> pulumi.Input[str]:
    header = f"#cloud-config\nhostname: {tier}-{system.id}\nwrite_files:\n  - path: /etc/egov/system\n"
    body = f'    content: "{system.id} {tier} mlps{system.mlps_level}\\n"\n'
    if token is None:
        return header + body
    return token.apply(
        lambda value: (
            header
            + body
            + f"  - path: /etc/egov/bootstrap\n    permissions: '0600'\n    content: \"{value}\"\n"
        )
    )


class BusinessSystem(pulumi.ComponentResource):
    """A system's hosts (web; app at MLPS 3; db with a database), volumes and DNS names."""

    def __init__(
        self, name: str, args: BusinessSystemArgs, opts: pulumi.ResourceOptions | None = None
    ) -> None:
        super().__init__("egov:cloud:BusinessSystem", name, None, opts)
        system, tenant, settings = args.blueprint, args.tenant, args.settings
        labels = tags(system.tags)
        child = pulumi.ResourceOptions(parent=self)
        zone = settings.dns_zone
        self.ports: dict[str, openstack.networking.Port] = {}
        self.instances: dict[str, openstack.compute.Instance] = {}
        for host in system.hosts:
            subnets = tenant.subnets[host.tier]
            fixed = []
            if host.ipv4 is not None and "ipv4" in subnets:
                fixed.append(
                    openstack.networking.PortFixedIpArgs(
                        subnet_id=subnets["ipv4"].id, ip_address=str(host.ipv4)
                    )
                )
            fixed.append(
                openstack.networking.PortFixedIpArgs(
                    subnet_id=subnets["ipv6"].id,
                    ip_address=str(host.ipv6) if settings.ipv6_mode == "dhcpv6-stateful" else None,
                )
            )
            port = openstack.networking.Port(
                f"{name}-{host.tier}-port",
                name=f"{system.id}-{host.tier}",
                network_id=tenant.networks[host.tier].id,
                fixed_ips=fixed,
                security_group_ids=[
                    tenant.groups[BASE].id,
                    tenant.groups[f"l{system.mlps_level}-{host.tier}"].id,
                ],
                tenant_id=tenant.project.id,
                tags=labels,
                opts=child,
            )
            self.ports[host.tier] = port
            instance = openstack.compute.Instance(
                f"{name}-{host.tier}",
                name=f"{system.id}-{host.tier}",
                flavor_name=settings.flavors[host.size],
                image_name=settings.images[host.tier],
                networks=[openstack.compute.InstanceNetworkArgs(port=port.id)],
                key_pair=settings.key_pair,
                user_data=_user_data(system, host.tier, args.bootstrap_token),
                metadata=dict(system.tags, tier=host.tier),
                tags=labels,
                opts=child,
            )
            self.instances[host.tier] = instance
            for volume in host.volumes:
                disk = openstack.blockstorage.Volume(
                    f"{name}-{host.tier}-{_slug(volume.store)}",
                    name=f"{system.id}-{_slug(volume.store)}",
                    size=volume.size_gb,
                    description=f"{volume.kind} {volume.store}",
                    metadata=dict(system.tags, store=volume.store),
                    opts=child,
                )
                openstack.compute.VolumeAttach(
                    f"{name}-{host.tier}-{_slug(volume.store)}-attach",
                    instance_id=instance.id,
                    volume_id=disk.id,
                    opts=child,
                )
            ipv6 = self._ipv6(host.ipv6, port, settings)
            self._records(
                f"{name}-{host.tier}",
                f"{host.tier}.{system.id}.{zone}",
                host.ipv4,
                ipv6,
                args.dns_zone_id,
                child,
            )
        web = self.ports["web"]
        self.floating_ip: openstack.networking.FloatingIp | None = None
        web_host = next(h for h in system.hosts if h.tier == "web")
        front_v4: Any = web_host.ipv4
        if settings.external_network is not None and web_host.ipv4 is not None:  # (floating IPs are IPv4)
            self.floating_ip = openstack.networking.FloatingIp(
                f"{name}-web-fip",
                pool=settings.external_network,
                port_id=web.id,
                tags=labels,
                description=f"{system.id}: its address on the extranet",
                opts=child,
            )
            front_v4 = self.floating_ip.address
        front_v6 = self._ipv6(web_host.ipv6, web, settings)
        self._records(f"{name}-service", f"{system.id}.{zone}", front_v4, front_v6, args.dns_zone_id, child)
        # the service's address on the extranet: its floating IP, its planned IPv4, or (IPv6 only) its IPv6
        self.address: pulumi.Input[str] = (
            front_v4
            if isinstance(front_v4, pulumi.Output)
            else str(front_v4 if front_v4 is not None else web_host.ipv6)
        )
        self.register_outputs(
            {
                "ports": {tier: port.id for tier, port in self.ports.items()},
                "instances": {tier: instance.id for tier, instance in self.instances.items()},
                "address": self.address,
            }
        )

    @staticmethod
    def _ipv6(planned: Any, port: openstack.networking.Port, settings: Settings) -> pulumi.Input[list[str]]:
        """The AAAA records of a host: the plan's address, or with SLAAC the one the cloud gives the port."""
        if settings.ipv6_mode == "dhcpv6-stateful":
            return [str(planned)]
        return port.all_fixed_ips.apply(lambda addresses: [a for a in addresses or [] if ":" in a])

    def _records(
        self,
        key: str,
        fqdn: str,
        ipv4: Any,
        ipv6: pulumi.Input[list[str]],
        zone_id: pulumi.Input[str],
        child: pulumi.ResourceOptions,
    ) -> None:
        if ipv4 is not None:
            openstack.dns.RecordSet(
                f"{key}-a",
                zone_id=zone_id,
                name=fqdn,
                type="A",
                records=[ipv4 if isinstance(ipv4, pulumi.Output) else str(ipv4)],
                ttl=300,
                opts=child,
            )
        openstack.dns.RecordSet(
            f"{key}-aaaa", zone_id=zone_id, name=fqdn, type="AAAA", records=ipv6, ttl=300, opts=child
        )


def _slug(text: str) -> str:
    return text.strip("/").replace("/", "-").replace("_", "-") or "data"
