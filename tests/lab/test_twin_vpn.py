"""The twin's VPN instances, ACLs and BGP, configured by the real driver over SSH with the zones' rendered
configuration: what it holds, what its displays print (parsed by ntc-templates, someone else's parser),
what binding does to an interface, the errors for mistakes, and `egov verify` on the configurations it
reads back."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from ntc_templates.parse import parse_output

from network.render import render_intent, render_vpn
from network.rollout.context import Context, load_context
from network.verify.run import read_back, verify
from tests.helpers import SHANWEI
from tests.rollout.test_engine_lab import Twin

ZONES = ("SW-CORE-01", "SW-CQ-CORE-01", "SW-FW-01")
HOSTS = {*ZONES, "SW-CORE-02", "GD-PE-01"}


@pytest.fixture(scope="module")
def context() -> Context:
    return load_context(SHANWEI)


@pytest.fixture(scope="module")
def twin(context: Context) -> Iterator[Twin]:
    lab = Twin(context, HOSTS)
    try:
        for hostname in ZONES:
            driver = lab.open(lab.targets[hostname])
            try:
                text = render_intent(context.intents.build(hostname)) + render_vpn(
                    context.vpns.build(hostname)
                )
                driver.load_candidate(text, replace=False)
                driver.commit(None)
            finally:
                driver.close()
        yield lab
    finally:
        lab.close()


def _cli(twin: Twin, hostname: str, *commands: str) -> list[str]:
    driver = twin.open(twin.targets[hostname])
    try:
        out: dict[str, Any] = driver.cli(list(commands))
        return [str(out[c]) for c in commands]
    finally:
        driver.close()


def test_display_ip_vpn_instance_parses_as_the_real_one(twin: Twin, context: Context) -> None:
    (text,) = _cli(twin, "SW-CQ-CORE-01", "display ip vpn-instance")
    rows = parse_output(platform="huawei_vrp", command="display ip vpn-instance", data=text)
    expected = {(v.name, v.rd, f"IPv{n}") for v in context.inventory.vpn_instances for n in (4, 6)}
    assert {(r["name"], r["rd"], r["address_family"]) for r in rows} == expected


@pytest.mark.parametrize("family", [4, 6])
def test_display_acl_all_parses_as_the_real_one(twin: Twin, context: Context, family: int) -> None:
    command = "display acl all" if family == 4 else "display acl ipv6 all"
    (text,) = _cli(twin, "SW-CORE-01", command)
    rows = parse_output(platform="huawei_vrp", command=command, data=text)
    ip = "ip" if family == 4 else "ipv6"
    rendered = {
        (str(acl.number), rule.rule, rule.action, {"ip": ip, "icmp": "icmp" if family == 4 else "icmpv6"}.get(
            rule.protocol, rule.protocol), str(rule.destination_port or ""))
        for acl in context.vpns.build("SW-CORE-01").acls
        if acl.family == family
        for rule in acl.rules
    }  # fmt: skip
    parsed = {
        (r["acl_number"], int(r["sn"]), r["action"], r["protocol"],
         {"www": "80"}.get(r["destination_port_range"], r["destination_port_range"]))
        for r in rows if r["sn"]
    }  # fmt: skip
    assert parsed == rendered


def test_a_vpn_routing_table_parses_as_the_real_one(twin: Twin, context: Context) -> None:
    # On the county PE: its own access subnet (connected), and over VPNv4 from the city PE the network's
    # prefix (static there) and the city access subnet.
    # ntc-templates' template knows only the public table's heading: the instance's name is put back to
    # "Public" before it parses (everything else as the twin printed it).
    (text,) = _cli(twin, "SW-CQ-CORE-01", "display ip routing-table vpn-instance sw-gaj-pn1 verbose")
    assert "Routing Tables: sw-gaj-pn1" in text
    public = text.replace("Routing Tables: sw-gaj-pn1", "Routing Tables: Public")
    rows = parse_output(platform="huawei_vrp", command="display ip routing-table verbose", data=public)
    routes = {(r["destination"], r["protocol"], r["next_hop"]) for r in rows}
    assert routes == {
        ("192.0.2.252/30", "Direct", "192.0.2.253"),
        ("192.0.2.248/30", "IBGP", "192.0.2.2"),  # the city PE's management address: its BGP peering
        ("203.0.113.136/29", "IBGP", "192.0.2.2"),
    }
    (v6,) = _cli(twin, "SW-CQ-CORE-01", "display ipv6 routing-table vpn-instance sw-gaj-pn1 verbose")
    assert "Routing Table : sw-gaj-pn1" in v6
    public = v6.replace("Routing Table : sw-gaj-pn1", "Routing Table : Public")
    rows = parse_output(platform="huawei_vrp", command="display ipv6 routing-table verbose", data=public)
    assert {r["protocol"] for r in rows} == {"Direct", "IBGP"} and len(rows) == 3


def test_ping_in_a_vpn_instance(twin: Twin) -> None:
    reached, unknown = _cli(
        twin,
        "SW-CQ-CORE-01",
        "ping -vpn-instance sw-gaj-pn1 203.0.113.137",
        "ping -vpn-instance sw-gaj-pn1 203.0.113.145",
    )
    assert "5 packet(s) received" in reached
    assert "0 packet(s) received" in unknown, "another instance's network is not in this table"


def test_binding_clears_the_interface_and_mistakes_get_the_devices_errors(twin: Twin) -> None:
    # On the city's second core, a VLAN interface with an address: binding a missing instance is
    # refused, a second RD on an instance is refused, and binding clears the interface's addresses.
    driver = twin.open(twin.targets["SW-CORE-02"])
    try:
        session, name = driver.device, "Vlanif900"

        def typed(*lines: str) -> str:
            return str(session.send_config_set(list(lines), exit_config_mode=False, cmd_verify=False))

        out = typed(
            f"interface {name}", "ip address 192.0.2.253 255.255.255.252", "ip binding vpn-instance nosuch"
        )
        assert "Error: The VPN instance does not exist." in out
        out = typed(
            "quit",
            "ip vpn-instance t1",
            "ipv4-family",
            "route-distinguisher 65010:901",
            "route-distinguisher 65010:902",
        )
        assert "Error: The RD cannot be changed" in out
        out = typed(
            "quit", "quit", f"interface {name}", "ip binding vpn-instance t1", "quit", "commit", "return"
        )
        assert "All IPv4 related configurations on this interface are removed" in out
        running = driver.running_config()
        block = running[running.index(f"interface {name}") :].split("#")[0]
        assert "ip binding vpn-instance t1" in block and "ip address" not in block, block
        assert "route-distinguisher 65010:901" in running and "65010:902" not in running
    finally:
        driver.close()


def test_verify_reads_the_twin_back_and_finds_a_planted_import(twin: Twin, context: Context) -> None:
    clean = verify(context, read_back(context, twin.targets, twin.open))
    assert clean.verdicts == [], [(v.kind, v.source, v.destination) for v in clean.verdicts]
    driver = twin.open(twin.targets["SW-CQ-CORE-01"])
    try:
        driver.load_candidate(
            "ip vpn-instance sw-jyj-pn1\n ipv4-family\n  vpn-target 65010:102 import-extcommunity\n",
            replace=False,
        )
        driver.commit(None)
    finally:
        driver.close()
    planted = verify(context, read_back(context, twin.targets, twin.open))
    found = {(v.kind, v.source, v.destination, v.family) for v in planted.verdicts}
    assert ("leak", "vpn:sw-jyj-pn1", "vpn:sw-gaj-pn1", 4) in found
    leak = next(v for v in planted.verdicts if v.source == "vpn:sw-jyj-pn1")
    assert (
        leak.blame[0].line is not None
        and leak.blame[0].line.text == "vpn-target 65010:102 import-extcommunity"
    )
    assert planted.sources["SW-CQ-CORE-01"] == "SW-CQ-CORE-01 (read back)"


# --- a Comware 7 PE: its own layouts ---------------------------------------------------------------------


def _as_platform(
    tmp_path_factory: pytest.TempPathFactory, platform: str, model: str
) -> Iterator[tuple[Twin, Context]]:
    """SW-CQ-CORE-01 on another platform, configured with its zones by that platform's driver."""
    import shutil  # noqa: PLC0415

    inventory = tmp_path_factory.mktemp(platform) / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    devices = inventory / "devices.yaml"
    text = devices.read_text(encoding="utf-8")
    head = "  - hostname: SW-CQ-CORE-01\n"
    start = text.index(head)
    block = text[start : text.index("  - hostname:", start + len(head))]
    changed = block.replace("platform: huawei_vrp8", f"platform: {platform}")
    changed = changed.replace(block.split("model: ")[1].split("\n")[0], model)
    devices.write_text(text.replace(block, changed), encoding="utf-8")
    context = load_context(inventory)
    lab = Twin(context, HOSTS)
    try:
        for hostname in ("SW-CQ-CORE-01", "SW-CORE-01"):  # SW-CORE-01: its VPNv4/VPNv6 peer, on VRP8
            driver = lab.open(lab.targets[hostname])
            try:
                intent = render_intent(context.intents.build(hostname))
                driver.load_candidate(intent + render_vpn(context.vpns.build(hostname)), replace=False)
                driver.commit(None)
            finally:
                driver.close()
        yield lab, context
    finally:
        lab.close()


@pytest.fixture(scope="module")
def comware(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Twin, Context]]:
    """SW-CQ-CORE-01 as an MSR3660 on Comware 7."""
    yield from _as_platform(tmp_path_factory, "h3c_comware7", "MSR3660")


@pytest.fixture(scope="module")
def ios(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Twin, Context]]:
    """SW-CQ-CORE-01 as an ISR4331 on IOS."""
    yield from _as_platform(tmp_path_factory, "cisco_ios", "ISR4331")


def test_comware_display_ip_vpn_instance_parses_as_the_real_one(comware: tuple[Twin, Context]) -> None:
    lab, context = comware
    (text,) = _cli(lab, "SW-CQ-CORE-01", "display ip vpn-instance")
    rows = parse_output(platform="hp_comware", command="display ip vpn-instance", data=text)
    assert {(r["name"], r["rd"]) for r in rows} == {(v.name, v.rd) for v in context.inventory.vpn_instances}
    total = int(text.split(":")[1].split()[0])
    assert total == len(context.inventory.vpn_instances)


def test_comware_display_of_one_instance_parses_as_the_real_one(comware: tuple[Twin, Context]) -> None:
    lab, context = comware
    vpn = context.inventory.vpn_instances[0]
    (text,) = _cli(lab, "SW-CQ-CORE-01", f"display ip vpn-instance instance-name {vpn.name}")
    # ntc-templates reads the IPv4 family's block and stops there: give it what comes before IPv6's
    ipv4_part = text.split("  Address-family IPv6:")[0]
    (row,) = parse_output(
        platform="hp_comware", command="display ip vpn-instance instance-name", data=ipv4_part
    )
    assert (row["name"], row["rd"]) == (vpn.name, vpn.rd)
    assert row["ipv4_export_rts"] == list(vpn.export_targets) and row["ipv4_import_rts"] == list(
        vpn.import_targets
    )
    assert row["interfaces"] == [
        a.name for pe in vpn.pes if pe.device == "SW-CQ-CORE-01" for a in pe.interfaces
    ]
    assert "  Address-family IPv6:" in text  # the instance carries both families


def test_comware_vpn_routing_table_parses_as_the_real_one(comware: tuple[Twin, Context]) -> None:
    lab, context = comware
    vpn = next(v for v in context.inventory.vpn_instances if v.name == "sw-gaj-pn1")
    (text,) = _cli(lab, "SW-CQ-CORE-01", f"display ip routing-table vpn-instance {vpn.name}")
    rows = parse_output(platform="hp_comware", command="display ip routing-table", data=text)
    networks = {f"{r['network']}/{r['prefix_length']}" for r in rows}
    accesses = {str(a.ipv4.network) for pe in vpn.pes if pe.device == "SW-CQ-CORE-01" for a in pe.interfaces}
    assert accesses and accesses <= networks
    assert {r["protocol"] for r in rows} <= {"Direct", "Static", "BGP"}
    assert f"Destinations : {len(rows)}" in text


# --- an IOS PE: vrf definition, its errors and its displays ----------------------------------------------


def test_ios_show_vrf_parses_as_the_real_one(ios: tuple[Twin, Context]) -> None:
    lab, context = ios
    (text,) = _cli(lab, "SW-CQ-CORE-01", "show vrf")
    rows = parse_output(platform="cisco_ios", command="show vrf", data=text)
    accesses = {
        v.name: [f"Gi{a.name.removeprefix('GigabitEthernet')}" for pe in v.pes if pe.device == "SW-CQ-CORE-01"
                 for a in pe.interfaces]
        for v in context.inventory.vpn_instances
    }  # fmt: skip
    assert {r["name"]: (r["default_rd"], r["protocols"], r["interfaces"]) for r in rows} == {
        v.name: (v.rd, "ipv4,ipv6", accesses[v.name]) for v in context.inventory.vpn_instances
    }


def test_ios_vrf_routing_table_parses_as_the_real_one(ios: tuple[Twin, Context]) -> None:
    lab, context = ios
    vpn = next(v for v in context.inventory.vpn_instances if v.name == "sw-gaj-pn1")
    (text,) = _cli(lab, "SW-CQ-CORE-01", f"show ip route vrf {vpn.name}")
    rows = parse_output(platform="cisco_ios", command="show ip route", data=text)
    read = {(r["protocol"], f"{r['network']}/{r['prefix_length']}") for r in rows}
    accesses = {str(a.ipv4.network) for pe in vpn.pes if pe.device == "SW-CQ-CORE-01" for a in pe.interfaces}
    assert {("C", a) for a in accesses} <= read
    assert {
        ("L", f"{a.ipv4.ip}/32") for pe in vpn.pes if pe.device == "SW-CQ-CORE-01" for a in pe.interfaces
    } <= read
    # what SW-CORE-01 (VRP8) exports into the instance arrives over BGP
    assert any(protocol == "B" for protocol, _ in read)
    (v6,) = _cli(lab, "SW-CQ-CORE-01", f"show ipv6 route vrf {vpn.name}")
    assert v6.startswith(f"IPv6 Routing Table - {vpn.name} - ")
    (ping,) = _cli(lab, "SW-CQ-CORE-01", f"ping vrf {vpn.name} 192.0.2.254")
    assert "Success rate is 100 percent" in ping


def test_ios_vrf_forwarding_clears_the_interface_and_mistakes_get_ios_errors(
    ios: tuple[Twin, Context],
) -> None:
    lab, _ = ios
    driver = lab.open(lab.targets["SW-CQ-CORE-01"])
    try:
        session, name = driver.device, "Loopback900"

        def typed(*lines: str) -> str:
            return str(session.send_config_set(list(lines), cmd_verify=False))

        out = typed(f"interface {name}", "ip address 192.0.2.1 255.255.255.255", "vrf forwarding nosuch")
        assert "% VRF nosuch not configured." in out
        out = typed("vrf definition t1", "rd 65010:901", "address-family ipv4", "exit-address-family",
                    f"interface {name}", "vrf forwarding t1")  # fmt: skip
        assert f"% Interface {name} IPv4 disabled and address(es) removed due to enabling VRF t1" in out
        running = driver.running_config()
        block = running[running.index(f"interface {name}") :].split("!")[0]
        assert " vrf forwarding t1" in block and " ip address 192.0.2.1" not in block, block
        assert "vrf definition t1\n rd 65010:901\n address-family ipv4\n exit-address-family" in running
        typed("no vrf definition t1", f"no interface {name}")
        assert "vrf definition t1" not in driver.running_config()
    finally:
        driver.close()
