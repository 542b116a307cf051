"""Bring one department's office LAN onto the extranet at its site's gateway device, dual-stack.

The gateway is the site's first core, aggregation or access device (as for the rollout's LAN
gateways); the LAN gets VLAN interface ``lan_vlan_base + n`` with the IPv4 gateway (the first host of
each of the department's IPv4 LANs) and the IPv6 /64 gateway from the plan, with router advertisements
(and the device's OSPFv3 area where it runs OSPF). The same transaction as the rollout
(:mod:`network.rollout.transaction`): precheck (platform, the VLAN interface free or already this
department's), push (trial commit where offered), postcheck (both gateways present, IPv6 not
tentative), then confirm — or a rollback proven by hash. The change is journaled with the
configuration before it on every platform, so a change an interruption (kill -9 included) left open —
a trial waiting, or a plain commit half-way — is settled first, by the next onboarding or cutover at
that device or by ``egov rollout resume``.
"""

from __future__ import annotations

import ipaddress
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Any

from network.devices.base import ChangeDriver
from network.devices.collect import Target
from network.inventory.platforms import platform_spec
from network.render import render_vpn
from network.render.intent import LanIntent, Ospf
from network.render.vpn import VpnDeviceIntent
from network.rollout import transaction
from network.rollout.context import Context
from network.rollout.journal import FAILED, ChangeRecord, Journal
from network.rollout.transaction import Change, Recorder


class OnboardError(Exception):
    """The department cannot be onboarded as asked (unknown, no LAN, no gateway device): message, hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


@dataclass
class Onboarding:
    """A department change at its gateway device: the LANs (and, for a cutover, the routes), the lines
    merged, and the result. ``routes``: (prefix, next hop) of a private network moved onto the extranet."""

    department: str
    hostname: str
    lans: tuple[LanIntent, ...]
    config: str
    state: str = "pending"
    reason: str = ""
    diff: str = ""
    kind: str = "onboard"
    routes: tuple[tuple[str, str], ...] = ()  # (prefix, next hop) of a cutover, in its VPN instance
    network: str = ""  # the private network of a cutover
    vpn: str = ""  # its VPN instance
    accesses: tuple[tuple[str, str, str], ...] = ()  # (interface, PE address/length, the router's address)
    global_routes: tuple[str, ...] = ()  # starts of the global routes an old cutover left (to remove)

    @property
    def label(self) -> str:
        """The change's name in the journal: ``onboard D`` or ``cutover D N``."""
        return f"{self.kind} {self.department}" + (f" {self.network}" if self.network else "")


def plan_onboarding(context: Context, department: str) -> Onboarding:
    """The gateway and the configuration lines for a department's LANs."""
    found = context.inventory.department_by_id.get(department)
    if found is None:
        raise OnboardError(f"no department {department!r}", "give a department id from departments.yaml")
    if not found.lans:
        raise OnboardError(f"department {department} declares no LAN", "add its `lans` to departments.yaml")
    builder = context.intents
    gateway = next(
        (h for h, lans in builder.gateway_lans.items() if any(d == department for d, _ in lans)), None
    )
    if gateway is None:
        raise OnboardError(f"site {found.site} has no gateway device", "a core, aggregation or access device")
    intent = builder.build(gateway)
    lans = tuple(lan for lan in intent.lans if lan.department == department)
    return Onboarding(department, gateway, lans, _lines(intent.platform, lans, intent.ospf))


def _lines(platform: str, lans: tuple[LanIntent, ...], ospf: Ospf | None) -> str:
    spec = platform_spec(platform)
    ios = spec.family == "ios"
    out = [spec.ipv6_global]
    for lan in lans:
        v4 = ipaddress.IPv4Network(lan.ipv4)
        gateway = f"{next(v4.hosts())} {v4.netmask}"
        out += [f"interface {lan.interface}", f" description LAN {lan.department}", f" ip address {gateway}"]
        if spec.ipv6_interface_enable:
            out.append(" ipv6 enable")
        out.append(f" ipv6 address {lan.address.upper()}/{lan.prefix_length}")
        if not ios:
            out.append(" undo ipv6 nd ra halt")
        if ospf is not None:
            out.append(
                f" ipv6 ospf {ospf.process} area {ospf.area}"
                if ios
                else f" ospfv3 {ospf.process} area {ospf.area}"
            )
    return "\n".join(line for line in out if line) + "\n"


def onboard(
    context: Context,
    journal: Journal,
    department: str,
    targets: dict[str, Target],
    opener: Callable[[Target], ChangeDriver],
    check: bool = False,
) -> Onboarding:
    """Onboard a department's LANs (``check``: the diff only); every step goes into the journal."""
    plan = plan_onboarding(context, department)
    run = journal.start_run(f"onboard {department}" + (" check" if check else ""))
    return _carry_out(journal, run, plan, context, targets, opener, check)


def _carry_out(  # noqa: PLR0913 - one change, with everything it needs
    journal: Journal,
    run: int,
    plan: Onboarding,
    context: Context,
    targets: dict[str, Target],
    opener: Callable[[Target], ChangeDriver],
    check: bool,
    *,
    finish: bool = True,
) -> Onboarding:
    target = targets.get(plan.hostname)
    if target is None:
        plan.state, plan.reason = FAILED, f"{plan.hostname} is not reachable (not in the lab or inventory)"
        if finish:
            journal.finish_run(run, plan.state)
        return plan
    driver = opener(target)
    try:
        if not check:
            for record in journal.open_changes(plan.hostname):
                if _department_change(record):
                    _settle_change(context, journal, record, driver)
        _steps(context, journal, run, plan, driver, check)
    finally:
        driver.close()
        if finish:
            journal.finish_run(run, plan.state)
    return plan


def _steps(
    context: Context, journal: Journal, run: int, plan: Onboarding, driver: ChangeDriver, check: bool
) -> None:
    started = time.time()
    recorder = Recorder(journal, run, plan.hostname, 0, f"onboard {plan.department}: ", track_state=False)
    problem = _precheck(context, driver, plan)
    if problem:
        plan.state, plan.reason = FAILED, problem
        recorder.step("precheck", "failed", started, plan.reason)
        return
    saved = driver.running_config()
    recorder.step("precheck", "ok", started)
    remove = tuple(_old_present(driver, plan)) if plan.kind == "cutover" else ()
    change = Change(plan.hostname, plan.label, plan.config, saved, remove)
    result = transaction.carry_out(
        driver, change, _check_of(context, plan), recorder, context.config.trial_seconds, check
    )
    plan.state, plan.reason, plan.diff = result.state, result.reason, result.diff


def _precheck(context: Context, driver: ChangeDriver, plan: Onboarding) -> str:
    """Why the change cannot be made ("" when it can): the platform, the VLAN interface, the next hops."""
    device = context.inventory.device_by_hostname[plan.hostname]
    facts = driver.facts()
    if facts.platform != device.platform:
        return f"runs {facts.platform}, the inventory says {device.platform}"
    mine = {(lan.interface, lan.address) for lan in plan.lans}
    for address in driver.addresses():
        taken = address.interface in {lan.interface for lan in plan.lans}
        if taken and address.family == 6 and (address.interface, address.address) not in mine:
            return f"{address.interface} already carries {address.address}"
    return _vpn_precheck(driver, plan) if plan.kind == "cutover" else ""


def _check_of(context: Context, plan: Onboarding) -> transaction.Postcheck:
    """The postcheck of a plan: the gateways usable (onboarding), the routes in place (cutover)."""
    if plan.kind == "cutover":
        return lambda driver: _vpn_postcheck(context, driver, plan)
    return lambda driver: _postcheck(driver, plan)


def plan_of(context: Context, label: str, hostname: str) -> Onboarding:
    """The plan a journal label names at one device (``onboard D``, ``cutover D N``); OnboardError if
    it is gone."""
    words = label.split()
    if len(words) == 2 and words[0] == "onboard":
        return plan_onboarding(context, words[1])
    if len(words) == 3 and words[0] == "cutover":
        found = next((p for p in plan_cutover(context, words[1], words[2]) if p.hostname == hostname), None)
        if found is not None:
            return found
    raise OnboardError(f"the journal names an unknown change {label!r}", "settle it by hand")


def settle_interrupted(
    context: Context, journal: Journal, targets: dict[str, Target], opener: Callable[[Target], ChangeDriver]
) -> list[Onboarding]:
    """Every onboarding and cutover an interruption left open (a trial waiting, or a plain commit
    caught half-way): completed after a fresh postcheck, or put back (what ``egov rollout resume`` does
    for them)."""
    settled = []
    for record in journal.open_changes():
        if not _department_change(record):
            continue
        target = targets.get(record.hostname)
        if target is None:
            continue
        try:
            driver = opener(target)
        except Exception:  # unreachable now: the change stays open for the next resume
            continue
        try:
            settled.append(_settle_change(context, journal, record, driver))
        finally:
            driver.close()
    return settled


def _department_change(record: ChangeRecord) -> bool:
    """An onboarding's or a cutover's change (the rollout's own are settled by the engine)."""
    return record.change.split()[0] in ("onboard", "cutover")


def _settle_change(
    context: Context, journal: Journal, record: ChangeRecord, driver: ChangeDriver
) -> Onboarding:
    """One open onboarding or cutover change, settled in a run of its own from the configuration the
    journal recorded before it; its original run is closed with the outcome, so that the programme
    counts what the device holds."""
    run = journal.start_run(f"resume {record.change}")
    try:
        plan = plan_of(context, record.change, record.hostname)
    except OnboardError as problem:
        journal.finish_run(run, FAILED)
        return Onboarding("", record.hostname, (), "", state=FAILED, reason=problem.message)
    recorder = Recorder(journal, run, record.hostname, 0, f"onboard {plan.department}: ", track_state=False)
    remove = tuple(
        line
        for line in (" ".join(x.split()) for x in record.pre_change.splitlines())
        for old in plan.global_routes
        if line.startswith(old + " ")
    )
    change = Change(record.hostname, record.change, plan.config, record.pre_change, remove)
    result = transaction.settle(driver, change, _check_of(context, plan), recorder, record, None)
    plan.state, plan.reason = result.state, result.reason
    journal.finish_run(run, result.state)
    # An onboarding is one change: its run ends as the change did. A cutover changes every PE of the
    # instance: settling one does not finish it, a rerun of the cutover does (it finds this PE done).
    journal.finish_run(record.run, result.state if plan.kind != "cutover" else f"settled {record.hostname}")
    return plan


def _postcheck(driver: ChangeDriver, plan: Onboarding) -> None:
    deadline = time.monotonic() + 20
    wanted = {(lan.interface, lan.address) for lan in plan.lans}
    v4 = {(lan.interface, str(next(ipaddress.IPv4Network(lan.ipv4).hosts()))) for lan in plan.lans}
    while True:
        addresses = driver.addresses()
        v6 = {(a.interface, a.address): a.state for a in addresses if a.family == 6}
        have4 = {(a.interface, a.address) for a in addresses if a.family == 4}
        if not wanted <= v6.keys() or not v4 <= have4:
            raise RuntimeError(
                f"gateways missing after the push: {sorted((wanted - v6.keys()) | (v4 - have4))}"
            )
        if all(v6[key] == "preferred" for key in wanted):
            return
        if time.monotonic() > deadline:
            raise RuntimeError("the IPv6 gateway is still not usable")
        time.sleep(0.5)


# --- private networks -----------------------------------------------------------------------------
#
# A business network's cutover puts it in its VPN instance (vpn_instances.yaml): on each of the
# instance's PEs, in order, one change — the instance with its RD and route targets, the access
# interfaces bound to it (the binding first, the addresses typed again after it), the instance's static
# routes toward the network's router, MP-BGP to the instance's other PEs, and the zone policy's ACLs on
# the access interfaces. Routes a global-table cutover left for the network's prefixes at a PE are
# removed in the same change: the outage is that one commit. Pre- and post-checks read the instance's
# routing table. A network without a VPN instance is refused: its routes never go into the public table.


def plan_cutover(context: Context, department: str, network: str) -> list[Onboarding]:
    """One change per PE of the network's VPN instance, the PE with the network's routes first."""
    found = context.inventory.department_by_id.get(department)
    if found is None:
        raise OnboardError(f"no department {department!r}", "give a department id from departments.yaml")
    private = next((p for p in found.private_networks if p.id == network), None)
    if private is None:
        known = ", ".join(p.id for p in found.private_networks) or "none"
        raise OnboardError(
            f"department {department} has no private network {network!r}", f"its networks: {known}"
        )
    vpn = next(
        (v for v in context.inventory.vpn_instances if (v.department, v.network) == (department, network)),
        None,
    )
    if vpn is None:
        raise OnboardError(
            f"private network {network} of {department} has no VPN instance",
            "declare one in vpn_instances.yaml (docs/zones.md): a business network's routes never go into "
            "the public table",
        )
    builder = context.vpns
    accesses = builder.accesses_of(vpn)
    order = [pe for pe, k, _ in accesses if k == 0] + [p.device for p in vpn.pes]
    plans = []
    for hostname in dict.fromkeys(order):
        intent = _only(builder.build(hostname), vpn.name, [p.device for p in vpn.pes], context)
        routes = tuple((f"{r.prefix}/{r.length}", r.next_hop) for r in intent.routes)
        plans.append(
            Onboarding(
                department,
                hostname,
                (),
                render_vpn(intent),
                kind="cutover",
                routes=routes,
                network=network,
                vpn=vpn.name,
                accesses=tuple((a.interface, f"{a.ipv4}/{a.ipv4_length}", a.peer4) for a in intent.accesses),
                global_routes=_old_routes(context, hostname, private.prefixes),
            )
        )
    return plans


def _only(intent: VpnDeviceIntent, name: str, pes: list[str], context: Context) -> VpnDeviceIntent:
    """What one VPN instance adds to a PE (its ACLs, its BGP peers), nothing of the others."""
    accesses = tuple(a for a in intent.accesses if a.vpn == name)
    numbers = {a.acl for a in accesses if a.acl is not None}
    peers = tuple(
        sorted(str(context.inventory.device_by_hostname[p].management) for p in pes if p != intent.hostname)
    )
    return replace(
        intent,
        instances=tuple(i for i in intent.instances if i.name == name),
        accesses=accesses,
        routes=tuple(r for r in intent.routes if r.vpn == name),
        acls=tuple(a for a in intent.acls if a.number in numbers),
        filters=(),
        peers=peers,
    )


def _old_routes(context: Context, hostname: str, prefixes: tuple[Any, ...]) -> tuple[str, ...]:
    """The global static routes a global-table cutover would have put at this device for the network
    (the lines to remove, in the platform's syntax; what the device holds decides which it has)."""
    spec = platform_spec(context.inventory.device_by_hostname[hostname].platform)
    out = []
    for prefix in prefixes:
        if prefix.version == 4:
            out.append(
                spec.ipv4_static.format(prefix=prefix.network_address, mask=prefix.netmask, hop="").strip()
            )
        else:
            out.append(
                spec.ipv6_static.format(
                    prefix=str(prefix.network_address).upper(), length=prefix.prefixlen, hop=""
                ).strip()
            )
    return tuple(out)


def cutover(
    context: Context,
    journal: Journal,
    department: str,
    network: str,
    targets: dict[str, Target],
    opener: Callable[[Target], ChangeDriver],
    check: bool = False,
) -> Onboarding:
    """Move a private network into its VPN instance (``check``: the diff only); every step journaled.

    The PEs change one after the other; the first that fails stops the cutover (those before it keep
    the instance, which reaches nothing until the rest is there) and the result says which."""
    plans = plan_cutover(context, department, network)
    run = journal.start_run(f"cutover {department} {network}" + (" check" if check else ""))
    results = []
    for plan in plans:
        result = _carry_out(journal, run, plan, context, targets, opener, check, finish=False)
        results.append(result)
        if result.state in (FAILED, "rolled_back"):
            break
    last = results[-1]
    summary = Onboarding(
        department,
        ", ".join(r.hostname for r in results),
        (),
        "".join(r.config for r in results),
        state=last.state if last.state in (FAILED, "rolled_back") else results[0].state,
        reason="; ".join(f"{r.hostname}: {r.reason}" for r in results if r.reason),
        diff="".join(f"# {r.hostname}\n{r.diff.rstrip()}\n" for r in results if r.diff),
        kind="cutover",
        network=network,
    )
    journal.finish_run(run, summary.state)
    return summary


def _old_present(driver: ChangeDriver, plan: Onboarding) -> list[str]:
    """The old global routes the device holds for the network (exact lines of its configuration)."""
    running = [" ".join(line.split()) for line in driver.running_config().splitlines()]
    return [line for line in running for old in plan.global_routes if line.startswith(old + " ")]


def _vpn_precheck(driver: ChangeDriver, plan: Onboarding) -> str:
    """Why the PE cannot take the instance ("" when it can): each access interface exists, is up, and
    is not bound to another instance."""
    interfaces = driver.interfaces()
    running = driver.running_config()
    for name, _, _ in plan.accesses:
        state = interfaces.get(name)
        if state is None:
            return f"{plan.hostname} has no interface {name}"
        if not state.enabled:
            return f"{name} is shut down"
        block = _interface_block(running, name)
        bound = next(
            (
                line.split()[-1]
                for line in block
                if line.startswith(("ip binding vpn-instance", "vrf forwarding"))
            ),
            None,
        )
        if bound is not None and bound != plan.vpn:
            return f"{name} is bound to VPN instance {bound}"
    return ""


def _interface_block(running: str, name: str) -> list[str]:
    lines, inside = [], False
    for line in running.splitlines():
        if line.startswith("interface "):
            inside = line.split(maxsplit=1)[1].strip() == name
            continue
        if inside:
            if not line.startswith(" "):
                break
            lines.append(line.strip())
    return lines


def _vpn_postcheck(context: Context, driver: ChangeDriver, plan: Onboarding) -> None:
    """The instance's routing table holds its access subnets (and at the routes' PE the network's
    prefixes), and the business network's router answers in the instance; no old global route is left."""
    spec = platform_spec(context.inventory.device_by_hostname[plan.hostname].platform)
    for family in (4, 6):
        ip = "ip" if family == 4 else "ipv6"
        command = spec.vpn_table.format(ip=ip, name=plan.vpn)
        text = str(driver.cli([command]).get(command, "")).lower()
        wanted = [
            ipaddress.ip_network(p, strict=False)
            for p, _ in plan.routes
            if ipaddress.ip_network(p, strict=False).version == family
        ]
        if family == 4:
            wanted += [ipaddress.ip_interface(a).network for _, a, _ in plan.accesses]
        for prefix in wanted:
            shown = f"{prefix}" if family == 4 else str(prefix.network_address)
            if shown.lower() not in text:
                raise RuntimeError(f"{plan.vpn}'s IPv{family} table on {plan.hostname} lacks {prefix}")
    for name, _, peer in plan.accesses:
        answer = str(next(iter(driver.cli([f"ping -vpn-instance {plan.vpn} {peer}"]).values()), ""))
        received = re.search(r"(\d+) packet\(s\) received", answer)
        if received is None or int(received.group(1)) == 0:
            raise RuntimeError(f"the business network's router {peer} does not answer on {name}")
    left = _old_present(driver, plan)
    if left:
        raise RuntimeError(f"global routes for the network are still there: {left[0]}")
