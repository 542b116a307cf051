"""Benchmark: the offline isolation check (`egov verify`) on the province-scale inventory.

The generated Guangdong (21 cities, each with its eight business networks as VPN instances on its city
and first county core, one public, private and Internet-access zone across the province) is planned,
its intended configurations rendered for the devices in scope, and checked.

Baseline, measured in the same run on the same configurations and tables: the naive check — for every
source prefix (every prefix behind every way in, not one stand-in per end), every destination prefix and
every packet, a search of the source's table by scanning its routes for the longest that covers the
destination, then the ACLs rule by rule on ``ipaddress`` objects, nothing remembered between pairs. The
naive check is too slow for the whole province, so both are timed on the same share of source ends (the
first ``--share`` of them, every destination), and the ratio is taken there; the engine is also timed on
everything. Both must agree on the verdicts of that share (asserted).

Goal (issue 17): at least 10x the naive baseline, and at most 60 s on 2 cores for the whole province.

    python bench/verify_scale.py [--repeat 3] [--share 0.1] [--update-docs]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cloud_scale import province  # the planned province (IPv4 aggregates, address plan, lock)
from common import update_docs

from network.rollout.context import Context, load_context
from network.verify.check import Check, End, Packet, Policy, probes
from network.verify.config import GLOBAL, AclConfig, Net
from network.verify.run import intended, verify
from network.verify.tables import Tables, host_of

# --- the naive baseline ------------------------------------------------------------------------------------


def _scan(routes: list, prefix: Net):  # type: ignore[no-untyped-def]
    """The longest route covering ``prefix`` by scanning every route (no default, no null route)."""
    best = None
    for route in routes:
        if route.prefix.prefixlen == 0 or route.discards or route.prefix.version != prefix.version:
            continue
        if prefix.subnet_of(route.prefix) and (
            best is None or route.prefix.prefixlen > best.prefix.prefixlen
        ):
            best = route
    return best


def _acl(acl: AclConfig, packet: Packet, source: Net | None, destination: Net | None) -> bool:
    for rule in acl.rules:
        if rule.protocol not in ("ip", packet.protocol) or rule.source_ports is not None:
            continue
        low, high = rule.destination_ports or (0, 65535)
        port = packet.port if packet.port is not None else -1
        if rule.destination_ports is not None and not low <= port <= high:
            continue
        src_ok = rule.source is None or rule.source.prefixlen == 0 or (
            source is not None and source.subnet_of(rule.source))  # fmt: skip
        dst_ok = rule.destination is None or rule.destination.prefixlen == 0 or (
            destination is not None and destination.subnet_of(rule.destination))  # fmt: skip
        if src_ok and dst_ok:
            return rule.action == "permit"
    return acl.default == "permit"


def naive(check: Check, sources: list[End]) -> set[tuple[str, str, str, int, str]]:
    """Every (kind, source, destination, family, packet) the naive search finds."""
    found: set[tuple[str, str, str, int, str]] = set()
    for family in (4, 6):
        for source in sources:
            for destination in check.ends:
                if source is destination or source.kind == destination.kind == "internet":
                    continue
                rules = check.policy.between(source, destination, family)
                targets = destination.prefixes[family]
                for packet in probes(rules, check.ports):
                    wanted = Policy.permits(rules, packet)
                    outcomes = [
                        _naive_path(check, gate, address, target, family, packet, destination)
                        for gate in source.ingress[family]
                        for address in gate.sources
                        for target in ([None] if targets is None else [host_of(p) for p in targets])
                    ]
                    allowed = sum(outcomes)
                    if allowed and not wanted:
                        found.add(("leak", source.name, destination.name, family, str(packet)))
                    elif wanted and allowed < len(outcomes):
                        found.add(("blocked", source.name, destination.name, family, str(packet)))
    return found


def _naive_path(check: Check, gate, address, target, family, packet, destination) -> bool:  # type: ignore[no-untyped-def]
    config = check.configs.get(gate.device)
    interface = config.interfaces.get(gate.interface) if config and gate.interface else None
    if gate.device and interface is None:
        return False
    table = check.tables.lookup((gate.device, interface.vpn if interface else GLOBAL), family)
    if destination.kind == "internet":
        if not any(r.prefix.prefixlen == 0 for r in table.routes):
            return False
    elif _scan(table.routes, target) is None:
        return False
    if interface is not None and config is not None and (family, "in") in interface.filters:
        acl = config.acls.get((family, interface.filters[(family, "in")][0]))
        if acl is not None and not _acl(acl, packet, address, target):
            return False
    if destination.kind == "internet":
        exits = []
        for exit_ in destination.ingress[family]:
            exit_config = check.configs.get(exit_.device)
            exit_interface = exit_config.interfaces.get(exit_.interface or "") if exit_config else None
            if exit_config is None or exit_interface is None:
                exits.append(False)
                continue
            applied = exit_interface.filters.get((family, "out"))
            acl = exit_config.acls.get((family, applied[0])) if applied else None
            exits.append(acl is None or _acl(acl, packet, address, None))
        return any(exits)
    return True


def engine(check: Check, sources: list[End]) -> set[tuple[str, str, str, int, str]]:
    """The same question answered by the check's own engine (a fresh one, nothing remembered)."""
    fresh = Check(check.configs, check.tables, check.ends, check.policy)
    found: set[tuple[str, str, str, int, str]] = set()
    for verdict in fresh.run(sources):
        found |= {
            (verdict.kind, verdict.source, verdict.destination, verdict.family, str(p))
            for p in verdict.packets
        }
    return found


def _planted(context: Context) -> list:  # type: ignore[type-arg]
    """The intended configurations with one wrong route-target import per city, in IPv6 (the generated
    province's business networks are IPv6): there is something to find."""
    from network.verify.run import Source  # noqa: PLC0415

    out = []
    for source in intended(context):
        text = source.text
        if source.hostname.endswith("-CORE-01") and "ip vpn-instance" in text and "-C01-" in source.hostname:
            first = text.index("  vpn-target ", text.index(" ipv6-family\n"))  # the networks are IPv6 here
            end = text.index("\n", first)
            target = text[first:end].split()[1]
            planted = (
                f"\n  vpn-target {target.split(':')[0]}:{int(target.split(':')[1]) + 1} import-extcommunity"
            )
            text = text[:end] + planted + text[end:]
        out.append(Source(source.hostname, source.platform, text, source.origin))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument(
        "--share", type=float, default=0.1, help="share of source ends the naive check is timed on"
    )
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()

    target = province()
    started = time.perf_counter()
    context = load_context(target)
    loaded = time.perf_counter() - started
    started = time.perf_counter()
    sources = _planted(context)
    rendered = time.perf_counter() - started
    full: list[float] = []
    result = None
    for _ in range(args.repeat):
        started = time.perf_counter()
        result = verify(context, sources)
        full.append(time.perf_counter() - started)
    assert result is not None
    tables = _tables(context, result.configs)
    check = Check(result.configs, tables, _ends(context), Policy(list(context.inventory.flows), {}))
    share = check.ends[: max(1, int(len(check.ends) * args.share))]
    fast_times, slow_times = [], []
    fast = slow = set()
    for _ in range(args.repeat):
        started = time.perf_counter()
        fast = engine(check, share)
        fast_times.append(time.perf_counter() - started)
        started = time.perf_counter()
        slow = naive(check, share)
        slow_times.append(time.perf_counter() - started)
    assert fast == slow, f"the engine and the naive check disagree: {sorted(fast ^ slow)[:5]}"
    fast_s, slow_s, full_s = (
        statistics.median(fast_times),
        statistics.median(slow_times),
        statistics.median(full),
    )
    ratio = slow_s / fast_s
    inventory = context.inventory
    pes = len({p.device for v in inventory.vpn_instances for p in v.pes})
    head = (
        f"Measured {time.strftime('%Y-%m-%d')} on 2 cores. The generated province: "
        f"{len(inventory.devices):,} devices, {len(inventory.vpn_instances)} VPN instances on {pes} PEs, "
        f"{len(inventory.network_zones)} zones, {len(inventory.flows)} flow rules; {len(sources)} devices in "
        "scope (intended configurations, one wrong route-target import planted per city); "
        f"{len(check.ends)} ends, both families. Medians of {args.repeat} runs; inventory and lock loaded "
        f"once ({loaded:.1f} s), configurations rendered once ({rendered:.1f} s)."
    )
    share_row = (
        f"| {len(share)} source ends (the first {args.share:.0%}) x every destination, {len(fast)} verdict "
        f"packets (both agree) | {fast_s:.2f} s | {slow_s:.2f} s | **{ratio:.1f}x** |"
    )
    findings = len(result.verdicts)
    whole_row = (
        f"| the whole province (parse, tables, every pair; {findings} findings) | {full_s:.1f} s | | |"
    )
    goals = (
        f"At least 10x the naive baseline: {'met' if ratio >= 10 else 'NOT met'} ({ratio:.1f}x); "
        f"the whole province within 60 s: {'met' if full_s <= 60 else 'NOT met'} ({full_s:.1f} s)."
    )
    table = ["| | egov verify | naive search (baseline) | ratio |", "| --- | --- | --- | --- |"]
    text = "\n".join([head, "", *table, share_row, whole_row, "", goals])
    print(text)
    if args.update_docs:
        update_docs("verify_scale", text)


def _tables(context: Context, configs: dict) -> Tables:  # type: ignore[type-arg]
    from network.verify.run import assumed_global  # noqa: PLC0415
    from network.verify.tables import build_tables  # noqa: PLC0415

    addresses = {
        h: {str(context.inventory.device_by_hostname[h].management).lower()}
        | {str(a.ip).lower() for i in c.interfaces.values() for a, _ in i.addresses}
        for h, c in configs.items()
    }
    return build_tables(configs, addresses, assumed_global(context.inventory, context))


def _ends(context: Context) -> list[End]:
    from network.verify.check import ends_of  # noqa: PLC0415

    return ends_of(context.inventory, context.vpns)


if __name__ == "__main__":
    main()
