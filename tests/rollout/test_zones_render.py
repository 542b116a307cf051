"""What the zones add to the PEs and the egress: golden files per platform, and the intent behind them.

The golden files (tests/fixtures/golden/zones/) were reviewed by hand against the vendors' command
references (VRP `ip vpn-instance` with `ipv4-family`/`ipv6-family`, Comware `route-distinguisher` on the
instance and `vpn-target` per address family, IOS `vrf definition`; `traffic-filter`, `packet-filter`,
`ip access-group`/`ipv6 traffic-filter`). After an intended change to a template, regenerate them with
`python -m tests.rollout.test_zones_render`.
"""

from __future__ import annotations

import ipaddress
from dataclasses import replace
from pathlib import Path

import pytest

from network.devices.config import ConfigTextError, diff
from network.render import IntentError, render_vpn
from network.render.vpn import VpnDeviceIntent
from network.rollout.context import load_context
from tests.helpers import SHANWEI, run_egov

GOLDEN = Path(__file__).resolve().parent.parent / "fixtures" / "golden" / "zones"
CASES = {  # (hostname, platform it is rendered for): the Shanwei PEs are VRP8, the egress firewall VRP5
    ("SW-CORE-01", "huawei_vrp8"),  # the city PE: eight VPN instances, their access interfaces and ACLs
    ("SW-CQ-CORE-01", "huawei_vrp8"),  # a county PE: the business networks' county branches
    ("SW-CQ-CORE-01", "huawei_vrp5"),
    ("SW-CQ-CORE-01", "h3c_comware7"),
    ("SW-CQ-CORE-01", "cisco_ios"),
    ("SW-FW-01", "huawei_vrp5"),  # the Internet-access zone's egress: outbound and inbound ACLs
    ("SW-FW-01", "cisco_ios"),
}


def _intent(hostname: str, platform: str) -> VpnDeviceIntent:
    return replace(load_context(SHANWEI).vpns.build(hostname), platform=platform)


def _golden(hostname: str, platform: str) -> Path:
    return GOLDEN / f"{hostname}.{platform}.cfg"


@pytest.mark.parametrize(("hostname", "platform"), sorted(CASES), ids=str)
def test_the_zones_config_matches_the_golden_file(hostname: str, platform: str) -> None:
    assert render_vpn(_intent(hostname, platform)) == _golden(hostname, platform).read_text(encoding="utf-8")


def test_egov_render_zones_prints_it() -> None:
    result = run_egov("render", str(SHANWEI), "--device", "SW-CORE-01", "--zones")
    assert result.returncode == 0, result.stderr
    assert result.stdout == _golden("SW-CORE-01", "huawei_vrp8").read_text(encoding="utf-8")


def test_every_access_interface_takes_its_ipv6_from_the_vpn_space() -> None:
    context = load_context(SHANWEI)
    seen: set[tuple[str, str]] = set()
    for vpn in context.inventory.vpn_instances:
        space = ipaddress.IPv6Network(ipaddress.IPv6Network((context.lock.vpns[vpn.name][0], 56)))
        for pe, _, access in context.vpns.accesses_of(vpn):
            pe_address, router = ipaddress.IPv6Address(access.ipv6), ipaddress.IPv6Address(access.peer6)
            assert pe_address in space and router == pe_address + 1
            assert (vpn.name, access.ipv6) not in seen
            seen.add((vpn.name, access.ipv6))
            assert pe in {p.device for p in vpn.pes}


def test_an_unprotected_zone_gets_no_acl() -> None:
    # The policy's ACLs protect zones at MLPS level 3 or more; a level-2 zone's VPNs: routing alone.
    context = load_context(SHANWEI)
    private = next(z for z in context.inventory.network_zones if z.kind.value == "private")
    object.__setattr__(private, "mlps_level", 2)
    intent = context.vpns.build("SW-CQ-CORE-01")
    assert intent.instances and not intent.acls and all(a.acl is None for a in intent.accesses)


def test_a_platform_without_l3vpn_cannot_be_a_pe() -> None:
    with pytest.raises(IntentError, match="no VPN instances"):
        render_vpn(_intent("SW-CQ-CORE-01", "h3c_comware5"))


@pytest.mark.parametrize(
    ("platform", "binding"), [("huawei_vrp8", "ip binding vpn-instance"), ("cisco_ios", "vrf forwarding")]
)
def test_binding_an_interface_types_its_addresses_again(platform: str, binding: str) -> None:
    # Binding clears an interface's addresses on the device: the change must re-apply those it keeps,
    # after the binding, and define the VPN instance before it; its rollback re-applies the old ones.
    end = "!" if platform == "cisco_ios" else "#"
    running = f"interface GigabitEthernet1/0/3\n ip address 192.0.2.249 255.255.255.252\n{end}\n"
    head = (
        "vrf definition v1\n rd 65010:1\n"
        if platform == "cisco_ios"
        else "ip vpn-instance v1\n ipv4-family\n  route-distinguisher 65010:1\n"
    )
    intended = (
        f"{head}{end}\ninterface GigabitEthernet1/0/3\n {binding} v1\n"
        f" ip address 192.0.2.249 255.255.255.252\n ipv6 address 2001:DB8:F00:200::1/64\n{end}\n"
    )
    change = diff(platform, running, intended)
    lines = list(change.remediation)
    assert lines.index(f"{binding} v1") > lines.index(head.splitlines()[0])
    assert lines.index("ip address 192.0.2.249 255.255.255.252") > lines.index(f"{binding} v1")
    back = list(change.rollback)
    negation = "no" if platform == "cisco_ios" else "undo"
    assert back.index("ip address 192.0.2.249 255.255.255.252") > back.index(f"{negation} {binding} v1")
    assert not [line for line in back if "ipv6 address" in line], "unbinding already removed it"


def test_two_renderings_joined_switch_ipv6_on_once() -> None:
    # The dual-stack lines and the zones' both begin with `ipv6`: joined, the global line counts once.
    text = "ipv6\n#\ninterface LoopBack0\n ipv6 enable\n#\nipv6\n#\nip vpn-instance v1\n ipv4-family\n"
    change = diff("huawei_vrp8", "#\n sysname X\n#\n", text)
    assert list(change.remediation).count("ipv6") == 1


def test_a_section_given_twice_is_named_not_a_traceback() -> None:
    with pytest.raises(ConfigTextError, match="interface GigabitEthernet1/0/3"):
        diff(
            "huawei_vrp8",
            "",
            "interface GigabitEthernet1/0/3\n shutdown\ninterface GigabitEthernet1/0/3\n undo shutdown\n",
        )


if __name__ == "__main__":  # regenerate the golden files after a reviewed template change
    for hostname, platform in sorted(CASES):
        _golden(hostname, platform).write_text(render_vpn(_intent(hostname, platform)), encoding="utf-8")
