"""The offline isolation check on the Shanwei zones: the intended configurations keep the policy, and each
kind of planted leak (a wrong route-target import, a global static route to a business network's prefix,
an ACL written only for IPv4) and a blocked required flow is found, with the device and line responsible
— in VRP, Comware 7 and IOS syntax alike."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from network.rollout.context import Context, load_context
from network.verify.check import Verdict
from network.verify.run import Source, intended, verify
from tests.helpers import SHANWEI

Edit = tuple[str, str, str]  # (hostname, text to find, replacement)


@pytest.fixture(scope="module")
def shanwei() -> Context:
    return load_context(SHANWEI)


def _with_platform(tmp_path: Path, hostname: str, platform: str) -> Context:
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    devices = inventory / "devices.yaml"
    text = devices.read_text(encoding="utf-8")
    head = f"  - hostname: {hostname}\n"
    start = text.index(head)
    block = text[start : text.index("  - hostname:", start + len(head))]
    model = {"cisco_ios": "ISR4331", "h3c_comware7": "MSR3660"}[platform]
    changed = block.replace("platform: huawei_vrp8", f"platform: {platform}")
    changed = changed.replace(block.split("model: ")[1].split("\n")[0], model)
    devices.write_text(text.replace(block, changed), encoding="utf-8")
    return load_context(inventory)


def _planted(context: Context, edits: list[Edit]) -> list[Verdict]:
    sources = []
    for source in intended(context):
        text = source.text
        for hostname, old, new in edits:
            if hostname == source.hostname:
                assert old in text, f"{hostname}: {old!r} not in its intended configuration"
                text = text.replace(old, new, 1)
        sources.append(Source(source.hostname, source.platform, text, source.origin))
    return verify(context, sources).verdicts


def _only(verdicts: list[Verdict]) -> Verdict:
    assert len(verdicts) == 1, [(v.kind, v.source, v.destination, v.family) for v in verdicts]
    return verdicts[0]


def test_the_intended_configurations_keep_the_policy(shanwei: Context) -> None:
    result = verify(shanwei, intended(shanwei))
    assert result.verdicts == []
    assert sorted(result.configs) == ["SW-CORE-01", "SW-CQ-CORE-01", "SW-FW-01"]


def test_the_permitted_flow_is_open_and_only_for_its_port(shanwei: Context) -> None:
    # Take the 医保 flow out of the policy (the configurations rendered with it): they now let tcp/443
    # through, and only it, one way, in both families — the route targets and ACLs carry that flow.
    sources = intended(shanwei)
    everything = shanwei.inventory.flows
    object.__setattr__(shanwei.inventory, "flows", tuple(f for f in everything if f.id != "sw-wjj-to-ybj"))
    try:
        verdicts = verify(shanwei, sources).verdicts
    finally:
        object.__setattr__(shanwei.inventory, "flows", everything)
    leaks = {(v.source, v.destination, v.family, tuple(str(p) for p in v.packets)) for v in verdicts}
    assert leaks == {
        ("vpn:sw-wjj-pn1", "vpn:sw-ybj-pn1", 4, ("tcp/443",)),
        ("vpn:sw-wjj-pn1", "vpn:sw-ybj-pn1", 6, ("tcp/443",)),
    }


JYJ_VRP = (
    "ip vpn-instance sw-jyj-pn1\n description sw-jyj business network sw-jyj-pn1\n ipv4-family\n"
    "  route-distinguisher 65010:101\n  vpn-target 65010:101 export-extcommunity\n"
    "  vpn-target 65010:101 import-extcommunity\n"
)


def test_a_wrong_route_target_import_is_a_leak(shanwei: Context) -> None:
    verdict = _only(
        _planted(
            shanwei, [("SW-CQ-CORE-01", JYJ_VRP, JYJ_VRP + "  vpn-target 65010:102 import-extcommunity\n")]
        )
    )
    assert (verdict.kind, verdict.source, verdict.destination, verdict.family) == (
        "leak",
        "vpn:sw-jyj-pn1",
        "vpn:sw-gaj-pn1",
        4,
    )
    assert {str(p) for p in verdict.packets} == {"tcp/1", "udp/1", "icmp", "tcp/80", "tcp/443"}
    first = verdict.blame[0]
    assert first.device == "SW-CQ-CORE-01" and first.line is not None
    assert first.line.text == "vpn-target 65010:102 import-extcommunity"


def test_a_global_static_route_to_a_business_network_is_a_leak(shanwei: Context) -> None:
    # What private_network_cutover.yml used to do: the network's routes in the global table.
    route = "ip route-static 203.0.113.136 255.255.255.248 198.51.100.62\n"
    verdict = _only(
        _planted(
            shanwei,
            [
                (
                    "SW-CORE-01",
                    "ip route-static vpn-instance sw-jyj-pn1",
                    route + "ip route-static vpn-instance sw-jyj-pn1",
                )
            ],
        )
    )
    assert (verdict.kind, verdict.source, verdict.destination, verdict.family) == (
        "leak",
        "zone:sw-zone-public",
        "vpn:sw-gaj-pn1",
        4,
    )
    assert verdict.blame[0].line is not None and verdict.blame[0].line.text == route.strip()


def test_a_route_to_null0_is_a_blackhole_not_a_leak(shanwei: Context) -> None:
    # The same prefix as above, discarded: the table holds it, but nothing reaches the network by it.
    route = "ip route-static 203.0.113.136 255.255.255.248 NULL0\n"
    planted = [
        (
            "SW-CORE-01",
            "ip route-static vpn-instance sw-jyj-pn1",
            route + "ip route-static vpn-instance sw-jyj-pn1",
        )
    ]
    assert _planted(shanwei, planted) == []


def test_a_port_range_wider_than_the_policy_is_a_leak_at_its_first_port(shanwei: Context) -> None:
    rule = " rule 5 permit tcp destination 203.0.113.176 0.0.0.7 destination-port eq 443"
    wider = " rule 5 permit tcp destination 203.0.113.176 0.0.0.7 destination-port range 400 500"
    verdicts = _planted(shanwei, [(host, rule, wider) for host in ("SW-CORE-01", "SW-CQ-CORE-01")])
    verdict = _only(verdicts)
    assert (verdict.kind, verdict.family) == ("leak", 4)
    assert {str(p) for p in verdict.packets} == {"tcp/400"}  # 443 is the policy's, 501 is past the range
    assert any(b.line is not None and b.line.text == wider.strip() for b in verdict.blame)


def test_an_acl_written_only_for_ipv4_is_a_leak_in_ipv6(shanwei: Context) -> None:
    both = " traffic-filter inbound acl 3104\n traffic-filter inbound ipv6 acl 3104\n"
    verdict = _only(_planted(shanwei, [("SW-CORE-01", both, " traffic-filter inbound acl 3104\n")]))
    assert (verdict.kind, verdict.source, verdict.destination, verdict.family) == (
        "leak",
        "vpn:sw-wjj-pn1",
        "vpn:sw-ybj-pn1",
        6,
    )
    assert {str(p) for p in verdict.packets} == {"tcp/1", "udp/1", "icmp", "tcp/80"}, "tcp/443 is permitted"
    assert any("no IPv6 inbound filter on GigabitEthernet1/0/7" in b.what for b in verdict.blame)


def test_a_missing_import_blocks_a_required_flow(shanwei: Context) -> None:
    imports = "  vpn-target 65010:105 import-extcommunity\n  vpn-target 65010:107 import-extcommunity\n"
    verdict = _only(
        _planted(shanwei, [("SW-CORE-01", imports, "  vpn-target 65010:105 import-extcommunity\n")])
    )
    assert (verdict.kind, verdict.source, verdict.destination, verdict.family) == (
        "blocked",
        "vpn:sw-wjj-pn1",
        "vpn:sw-ybj-pn1",
        4,
    )
    assert [str(p) for p in verdict.packets] == ["tcp/443"]
    assert verdict.blame[0].line is not None and verdict.blame[0].line.text == "ip vpn-instance sw-wjj-pn1"


def test_an_internet_egress_filter_lost_is_a_leak_both_ways(shanwei: Context) -> None:
    filters = " traffic-filter outbound acl 3100\n traffic-filter outbound ipv6 acl 3100\n"
    verdicts = _planted(shanwei, [("SW-FW-01", filters, "")])
    found = {(v.kind, v.source, v.destination, v.family) for v in verdicts}
    assert ("leak", "zone:sw-zone-public", "zone:sw-zone-internet", 4) in found
    assert ("leak", "zone:sw-zone-public", "zone:sw-zone-internet", 6) in found


_IOS = " address-family ipv4\n  route-target export 65010:101\n  route-target import 65010:101\n"
_COMWARE = (
    " address-family ipv4\n  vpn-target 65010:101 export-extcommunity\n"
    "  vpn-target 65010:101 import-extcommunity\n"
)
PLANTED_ELSEWHERE = {
    # The same wrong import in each CLI family's words (on the county PE, turned into that platform).
    "cisco_ios": (_IOS, _IOS + "  route-target import 65010:102\n"),
    "h3c_comware7": (_COMWARE, _COMWARE + "  vpn-target 65010:102 import-extcommunity\n"),
}


@pytest.mark.parametrize("platform", sorted(PLANTED_ELSEWHERE))
def test_other_platforms_parse_and_leak_alike(tmp_path: Path, platform: str) -> None:
    context = _with_platform(tmp_path, "SW-CQ-CORE-01", platform)
    assert verify(context, intended(context)).verdicts == [], "clean in this platform's words too"
    old, new = PLANTED_ELSEWHERE[platform]
    verdict = _only(_planted(context, [("SW-CQ-CORE-01", old, new)]))
    assert (verdict.kind, verdict.source, verdict.destination, verdict.family) == (
        "leak",
        "vpn:sw-jyj-pn1",
        "vpn:sw-gaj-pn1",
        4,
    )
    assert verdict.blame[0].device == "SW-CQ-CORE-01"
