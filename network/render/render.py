"""Render a device's intent with its platform's Jinja2 template (``network/render/templates``).

Templates are strict (an undefined name is an error, not an empty string) and render only what
dual-stack adds: the result is merged into the running configuration by the drivers (hier_config),
so IPv4 and everything else on the device stays as it is.
"""

from __future__ import annotations

import ipaddress
from functools import cache
from pathlib import Path

import jinja2

from network.inventory.platforms import PlatformSpec, platform_spec
from network.render.intent import DeviceIntent, IntentError
from network.render.vpn import AclRule, VpnDeviceIntent

TEMPLATE_DIR = Path(__file__).parent / "templates"


@cache
def _environment(directory: Path = TEMPLATE_DIR) -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(directory),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        autoescape=False,  # device configuration, not HTML
    )


def render_intent(intent: DeviceIntent) -> str:
    """The dual-stack configuration lines for one device, in its platform's syntax."""
    spec = platform_spec(intent.platform)
    directory = Path(spec.template_dir) if spec.template_dir else TEMPLATE_DIR
    template = _environment(directory).get_template(spec.template)
    areas = (
        sorted({intent.ospf.area, *(link.area for link in intent.links if link.area)}) if intent.ospf else []
    )
    return template.render(d=intent, areas=areas, platform=spec)


def render_vpn(intent: VpnDeviceIntent) -> str:
    """What the zones add to one device (VPN instances, access interfaces, MP-BGP, ACLs), in its syntax."""
    spec = platform_spec(intent.platform)
    if not spec.vpn_template:
        raise IntentError(
            intent.hostname,
            f"is a {spec.name} device, which has no VPN instances (MPLS L3VPN)",
            "make a core or aggregation device of a platform with L3VPN its PE in vpn_instances.yaml",
        )
    directory = Path(spec.template_dir) if spec.template_dir else TEMPLATE_DIR
    template = _environment(directory).get_template(spec.vpn_template)
    names = {(acl.number, acl.family): acl.name for acl in intent.acls}
    return template.render(
        v=intent,
        platform=spec,
        rule=lambda rule, family: acl_rule_text(rule, family, spec),
        acl_name=lambda number, family: names[(number, family)],
    )


PORT_NAMES = {80: "www", 53: "domain", 21: "ftp", 23: "telnet", 25: "smtp"}  # as the devices print them


def acl_rule_text(rule: AclRule, family: int, spec: PlatformSpec) -> str:
    """One ACL rule in the platform's words (VRP and Comware share theirs; IOS has its own)."""
    if spec.family == "ios":
        return _ios_rule(rule, family)
    protocol = {"ip": "ip" if family == 4 else "ipv6", "icmp": "icmp" if family == 4 else "icmpv6"}.get(
        rule.protocol, rule.protocol
    )
    words = [f"rule {rule.rule} {rule.action} {protocol}"]
    if rule.source is not None:
        words.append(f"source {_huawei_prefix(rule.source)}")
    if rule.source_port is not None:
        words.append(f"source-port eq {PORT_NAMES.get(rule.source_port, rule.source_port)}")
    if rule.destination is not None:
        words.append(f"destination {_huawei_prefix(rule.destination)}")
    if rule.destination_port is not None:
        words.append(f"destination-port eq {PORT_NAMES.get(rule.destination_port, rule.destination_port)}")
    return " ".join(words)


def _huawei_prefix(prefix: str) -> str:
    network = ipaddress.ip_network(prefix)
    if network.version == 4:  # a host's wildcard is written 0, as VRP and Comware print it
        return f"{network.network_address} {'0' if network.prefixlen == 32 else network.hostmask}"
    return str(network).upper()


def _ios_rule(rule: AclRule, family: int) -> str:
    protocol = "ipv6" if rule.protocol == "ip" and family == 6 else rule.protocol
    words = [rule.action, protocol, _ios_prefix(rule.source)]
    if rule.source_port is not None:
        words.append(f"eq {PORT_NAMES.get(rule.source_port, rule.source_port)}")
    words.append(_ios_prefix(rule.destination))
    if rule.destination_port is not None:
        words.append(f"eq {PORT_NAMES.get(rule.destination_port, rule.destination_port)}")
    return " ".join(words)


def _ios_prefix(prefix: str | None) -> str:
    if prefix is None:
        return "any"
    network = ipaddress.ip_network(prefix)
    if network.version == 6:
        return str(network).upper()
    if network.prefixlen == 32:
        return f"host {network.network_address}"
    return f"{network.network_address} {network.hostmask}"
