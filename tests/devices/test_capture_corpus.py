"""Our parsers on the corpus of real captures (tests/fixtures/captures; provenance in sources.yml).

One table-driven test: every capture, parsed by the parser the driver uses for that platform and
command (for whole configurations, the isolation check's reader), must read as its expected values
(tests/devices/corpus.py: the source's own parse where it is right, hand.yml where it is not or where
the source has none). Then: octets wherever a capture
prints them, and random, truncated and interleaved output never raises anything but ParseError.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Callable
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from network.devices import addresses, brief, facts, interfaces
from network.devices.facts import ParseError
from network.devices.names import expand
from network.verify import config as verify_config
from tests.devices.corpus import CORPUS, Capture, captures, expected, mac

CAPTURES = captures()


def _interfaces(
    parse: Callable[[str], dict[str, interfaces.InterfaceState]], family: str
) -> Callable[[str], Any]:
    def view(text: str) -> dict[str, Any]:
        ipv4: dict[str, list[str]] = {}
        for a in addresses.parse_ipv4_addresses(text, family):
            ipv4.setdefault(a.interface, []).append(f"{a.address}/{a.prefix_length}")
        out = {}
        for name, state in parse(text).items():
            c = state.counters
            out[name] = {
                "enabled": state.enabled,
                "up": state.up,
                "speed": state.speed,
                "mtu": state.mtu,
                "mac": mac(state.mac_address),
                "description": state.description,
                "rx_octets": c.rx_octets,
                "tx_octets": c.tx_octets,
                "rx_packets": c.rx_packets,
                "tx_packets": c.tx_packets,
                "rx_errors": c.rx_errors,
                "tx_errors": c.tx_errors,
                "ipv4": sorted(ipv4.get(name, [])),
            }
        return out

    return view


def _version(parse: Callable[[str], facts.Version]) -> Callable[[str], Any]:
    def view(text: str) -> dict[str, Any]:
        v = parse(text)
        return {
            "model": v.model,
            "version": v.os_version.split()[0].rstrip(","),
            "uptime": v.uptime,
            "serial": v.serial,
            "hostname": v.hostname,
        }

    return view


def _brief(parse: Callable[[str], list[brief.InterfaceBrief]]) -> Callable[[str], Any]:
    def view(text: str) -> dict[str, Any]:
        return {r.name: {"enabled": r.enabled, "up": r.up, "protocol_up": r.protocol_up} for r in parse(text)}

    return view


def _neighbors(parse: Callable[[str], list[facts.Ipv6Neighbor]], platform: str) -> Callable[[str], Any]:
    def view(text: str) -> list[dict[str, Any]]:
        return [
            {
                "address": n.address,
                "mac": mac(n.mac),
                "interface": expand(n.interface, platform),
                "state": n.state,
            }
            for n in parse(text)
        ]

    return view


def _ipv6(parse: Callable[[str], list[addresses.InterfaceAddress]]) -> Callable[[str], Any]:
    def view(text: str) -> dict[str, Any]:
        out: dict[str, list[str]] = {}
        for a in parse(text):
            out.setdefault(a.interface, []).append(f"{a.address} {a.state}")
        return out

    return view


def _vrp_ipv6(text: str) -> list[addresses.InterfaceAddress]:
    return addresses.parse_ipv6_interfaces(text)[0]


def _routes(text: str) -> list[dict[str, Any]]:
    return [
        {
            "destination": r.destination,
            "prefix_length": r.prefix_length,
            "next_hop": r.next_hop,
            "protocol": r.protocol,
            "interface": r.interface,
            "preference": r.preference,
            "cost": r.cost,
            "active": r.active,
        }
        for r in addresses.parse_vrp_ipv6_routes(text)
    ]


def _config(platform: str) -> Callable[[str], Any]:
    """A whole configuration as the isolation check reads it (network/verify/config.py), one entry per
    fact with its line: ``vpn NAME``, ``interface NAME`` (those with a table, an address or a filter),
    ``static TABLE PREFIX NEXT-HOP`` (TABLE ``global`` or the instance), ``acl ipv4|ipv6 KEY``, ``bgp``,
    and ``unread``: the lines of the sections read that could not be."""

    def rule(r: verify_config.AclRuleConfig) -> str:
        ports = [
            f"{w} {p[0]}-{p[1]}" for w, p in (("sport", r.source_ports), ("dport", r.destination_ports)) if p
        ]
        return " ".join([r.action, r.protocol, str(r.source or "any"), str(r.destination or "any"), *ports])

    def view(text: str) -> dict[str, Any]:
        c = verify_config.parse(text, "capture", platform, "capture")
        out: dict[str, Any] = {}
        for name, v in c.vpns.items():
            out[f"vpn {name}"] = {
                "line": v.line.number,
                "rd": dict(sorted(v.rd.items())),
                "export": {f: [t for t, _ in v.exports[f]] for f in (4, 6) if v.exports[f]},
                "import": {f: [t for t, _ in v.imports[f]] for f in (4, 6) if v.imports[f]},
            }
        for name, i in c.interfaces.items():
            if i.vpn or i.addresses or i.filters:
                out[f"interface {name}"] = {
                    "line": i.line.number,
                    "vpn": i.vpn,
                    "addresses": [str(a) for a, _ in i.addresses],
                    "filters": {f"ipv{f} {d}": acl for (f, d), (acl, _) in sorted(i.filters.items())},
                    "shutdown": i.shutdown,
                }
        for r in c.statics:
            out[f"static {r.table or 'global'} {r.prefix} {r.next_hop}"] = {"line": r.line.number}
        for (f, key), acl in c.acls.items():
            out[f"acl ipv{f} {key}"] = {
                "line": acl.line.number,
                "default": acl.default,
                "rules": [rule(r) for r in acl.rules],
            }
        if c.bgp is not None:
            out["bgp"] = {
                "asn": c.bgp.asn,
                "peers": sorted(c.bgp.peers),
                "vpn_peers": {f: sorted(p) for f, p in c.bgp.vpn_peers.items() if p},
                "redistributes": {
                    f"{v or 'global'} ipv{f}": sorted(k) for (v, f), k in c.bgp.redistributes.items()
                },
            }
        out["unread"] = {"lines": [line.number for line in c.unparsed]}
        return out

    return view


PARSERS: dict[str, Callable[[str], Any]] = {
    "huawei_vrp/display_interface": _interfaces(interfaces.parse_vrp_interfaces, "huawei"),
    "h3c_comware/display_interface": _interfaces(interfaces.parse_comware_interfaces, "comware"),
    "cisco_ios/show_interfaces": _interfaces(interfaces.parse_ios_interfaces, "ios"),
    "huawei_vrp/display_version": _version(facts.parse_vrp_version),
    "cisco_ios/show_version": _version(facts.parse_ios_version),
    "huawei_vrp/display_interface_brief": _brief(brief.parse_vrp_brief),
    "h3c_comware/display_interface_brief": _brief(brief.parse_comware_brief),
    "huawei_vrp/display_ipv6_neighbors": _neighbors(facts.parse_vrp_ipv6_neighbors, "huawei_vrp8"),
    "cisco_ios/show_ipv6_neighbors": _neighbors(facts.parse_ios_ipv6_neighbors, "cisco_ios"),
    "h3c_comware/display_device_manuinfo": lambda text: {"serial": facts.parse_serial(text)},
    "huawei_vrp/display_esn": lambda text: {"serial": facts.parse_serial(text)},
    "huawei_vrp/display_ipv6_interface": _ipv6(_vrp_ipv6),
    "cisco_ios/show_ipv6_interface_brief": _ipv6(addresses.parse_ios_ipv6_brief),
    "huawei_vrp/display_ipv6_routing-table_verbose": _routes,
    "huawei_vrp/display_current-configuration": _config("huawei_vrp8"),
    "h3c_comware/display_current-configuration": _config("h3c_comware7"),
    "cisco_ios/show_running-config": _config("cisco_ios"),
}

# Parsers of commands no public source has captures of: the property tests below run them too.
WITHOUT_CAPTURES: dict[str, Callable[[str], Any]] = {
    "huawei_vrp/display_ipv6_interface_brief": addresses.parse_vrp_ipv6_brief,
    "huawei_vrp/display_configuration_trial_status": facts.parse_vrp_trial_status,
    "h3c_comware/display_version": facts.parse_comware_version,
    "h3c_comware/display_ipv6_interface": addresses.parse_ipv6_interfaces,
    "h3c_comware/display_ipv6_neighbors_all": addresses.parse_comware_ipv6_neighbors,
    "any/ping_ipv6": lambda text: addresses.parse_ping(text, "2001:db8::1"),
}


def _ours(capture: Capture) -> Any:
    return PARSERS[f"{capture.platform}/{capture.command}"](capture.text())


def differences(ours: Any, want: Any, where: str = "") -> list[str]:
    """Every field the expected values give that ours reads differently (ours may read more)."""
    if isinstance(want, dict) and isinstance(ours, dict):
        found = []
        if where.count("/") == 0 and all(isinstance(v, dict) for v in want.values()) and want:
            missing, extra = [k for k in want if k not in ours], [k for k in ours if k not in want]
            if missing or extra:
                found.append(
                    f"{where or '.'}: expected but not read {missing}; read but not expected {extra}"
                )
        for key, value in want.items():
            if key in ours:
                found += differences(ours[key], value, f"{where}/{key}")
            elif not isinstance(value, dict):
                found.append(f"{where}/{key}: not read (expected {value!r})")
        return found
    if isinstance(want, list) and want and isinstance(want[0], dict):  # a table: the same rows, in any order
        missing = [row for row in want if row not in ours]
        extra = [row for row in ours if row not in want]
        return (
            [f"{where or '.'}: expected but not read {missing}; read but not expected {extra}"]
            if missing or extra
            else []
        )
    return [] if ours == want else [f"{where}: read {ours!r}, expected {want!r}"]


def test_the_corpus_is_large_and_every_capture_has_its_provenance() -> None:
    assert len(CAPTURES) >= 150
    listed = {c.file for c in CAPTURES}
    on_disk = {str(p.relative_to(CORPUS)) for p in CORPUS.glob("*/*/*.raw")}
    assert listed == on_disk, "sources.yml lists exactly the captures on disk"
    for capture in CAPTURES:
        assert capture.repository and re.fullmatch(r"[0-9a-f]{40}", capture.commit) and capture.licence
        assert capture.kind, capture.file
    platforms = {c.platform for c in CAPTURES}
    assert {"huawei_vrp", "h3c_comware", "cisco_ios"} <= platforms


@pytest.mark.parametrize("capture", CAPTURES, ids=lambda c: c.file)
def test_every_capture_reads_as_its_expected_values(capture: Capture) -> None:
    want = expected(capture)
    assert want is not None, (
        f"{capture.file}: no expected values (the source has no parse: add them to hand.yml)"
    )
    problems = differences(_ours(capture), want)
    assert not problems, f"{capture.file}:\n  " + "\n  ".join(problems[:30])


def test_whole_configurations_hold_no_secret() -> None:
    """Their passwords, keys, communities and hashes were replaced on import, each on its own line."""
    configs = [c for c in CAPTURES if c.kind == "config"]
    assert len(configs) >= 4
    secret = re.compile(
        r"\b(?:secret \d+|password (?:\d+|cipher|hash|irreversible-cipher)|key \w+ cipher) (?!<removed>)"
    )
    for capture in configs:
        found = [line for line in capture.text().splitlines() if secret.search(line)]
        assert not found, f"{capture.file}: {found}"
        assert capture.changed, f"{capture.file}: sources.yml says what the import changed"


INTERFACE_CAPTURES = [c for c in CAPTURES if c.kind == "interfaces"]


@pytest.mark.parametrize("capture", INTERFACE_CAPTURES, ids=lambda c: c.file)
def test_octets_wherever_the_capture_prints_them(capture: Capture) -> None:
    text = capture.text()
    ours = _ours(capture)
    names = list(ours)
    for i, name in enumerate(names):  # the block of each interface: up to the next one's header
        start = text.index(name)
        end = text.find(names[i + 1], start + len(name)) if i + 1 < len(names) else len(text)
        block = text[start:end]
        printed = re.search(
            r"(?im)^\s*(?:input(?: \(total\))?\s*:\s*)?"
            r"\d+ (?:packets(?: input)?,\s*\d+ bytes|bytes,\s*\d+ packets)",
            block,
        )
        if printed:
            assert ours[name]["rx_octets"] is not None, f"{name}: octets printed, none read"


TEXTS = st.sampled_from([c.text() for c in CAPTURES])
EVERY_PARSER = {**PARSERS, **WITHOUT_CAPTURES}
ALL = st.sampled_from(sorted(EVERY_PARSER))


@settings(max_examples=300, deadline=None)
@given(parser=ALL, text=TEXTS, cut=st.integers(0, 40_000), other=TEXTS, at=st.integers(0, 40_000))
def test_truncated_and_interleaved_output_never_raises_but_parse_error(
    parser: str, text: str, cut: int, other: str, at: int
) -> None:
    for sample in (
        text[:cut],
        text[:at] + other + text[at:],
        "\n".join(line[: cut % 40] for line in text.splitlines()),
    ):
        with contextlib.suppress(ParseError):
            EVERY_PARSER[parser](sample)


@settings(max_examples=300, deadline=None)
@given(parser=ALL, text=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_random_text_never_raises_but_parse_error(parser: str, text: str) -> None:
    with contextlib.suppress(ParseError):
        EVERY_PARSER[parser](text)
