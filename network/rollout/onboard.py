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
import time
from collections.abc import Callable
from dataclasses import dataclass

from network.devices.base import ChangeDriver
from network.devices.collect import Target
from network.inventory.platforms import platform_spec
from network.render.intent import LanIntent, Ospf
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
    routes: tuple[tuple[str, str], ...] = ()
    network: str = ""  # the private network of a cutover

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


def _carry_out(
    journal: Journal,
    run: int,
    plan: Onboarding,
    context: Context,
    targets: dict[str, Target],
    opener: Callable[[Target], ChangeDriver],
    check: bool,
) -> Onboarding:
    target = targets.get(plan.hostname)
    if target is None:
        plan.state, plan.reason = FAILED, f"{plan.hostname} is not reachable (not in the lab or inventory)"
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
    change = Change(plan.hostname, plan.label, plan.config, saved)
    result = transaction.carry_out(
        driver, change, _check_of(plan), recorder, context.config.trial_seconds, check
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
    return _routable(driver, plan) if plan.kind == "cutover" else ""


def _check_of(plan: Onboarding) -> transaction.Postcheck:
    """The postcheck of a plan: the gateways usable (onboarding), the routes in place (cutover)."""
    if plan.kind == "cutover":
        return lambda driver: _routes_present(driver, plan)
    return lambda driver: _postcheck(driver, plan)


def plan_of(context: Context, label: str) -> Onboarding:
    """The plan a journal label names (``onboard D``, ``cutover D N``); OnboardError if it is gone."""
    words = label.split()
    if len(words) == 2 and words[0] == "onboard":
        return plan_onboarding(context, words[1])
    if len(words) == 3 and words[0] == "cutover":
        return plan_cutover(context, words[1], words[2])
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
        plan = plan_of(context, record.change)
    except OnboardError as problem:
        journal.finish_run(run, FAILED)
        return Onboarding("", record.hostname, (), "", state=FAILED, reason=problem.message)
    recorder = Recorder(journal, run, record.hostname, 0, f"onboard {plan.department}: ", track_state=False)
    change = Change(record.hostname, record.change, plan.config, record.pre_change)
    result = transaction.settle(driver, change, _check_of(plan), recorder, record, None)
    plan.state, plan.reason = result.state, result.reason
    journal.finish_run(run, result.state)
    journal.finish_run(record.run, result.state)
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


def plan_cutover(context: Context, department: str, network: str) -> Onboarding:
    """Static routes for a private network's prefixes, via its router on the department's first LAN.

    The private network's router is taken to be the last usable address of the LAN (IPv4) and ``::2``
    of the LAN's /64 (IPv6): the convention docs/rollout.md states.
    """
    onboarding = plan_onboarding(context, department)
    found = context.inventory.department_by_id[department]
    private = next((p for p in found.private_networks if p.id == network), None)
    if private is None:
        known = ", ".join(p.id for p in found.private_networks) or "none"
        raise OnboardError(
            f"department {department} has no private network {network!r}", f"its networks: {known}"
        )
    lan = onboarding.lans[0]
    v4_hop = str(list(ipaddress.IPv4Network(lan.ipv4).hosts())[-1])
    v6_hop = str(ipaddress.IPv6Address(lan.address) + 1)
    spec = platform_spec(context.inventory.device_by_hostname[onboarding.hostname].platform)
    routes, lines = [], []
    for prefix in private.prefixes:
        if prefix.version == 4:
            routes.append((str(prefix), v4_hop))
            lines.append(
                spec.ipv4_static.format(prefix=prefix.network_address, mask=prefix.netmask, hop=v4_hop)
            )
        else:
            routes.append((str(prefix), v6_hop))
            net, length = str(prefix.network_address).upper(), prefix.prefixlen
            lines.append(spec.ipv6_static.format(prefix=net, length=length, hop=v6_hop.upper()))
    config = "\n".join(lines) + "\n"
    return Onboarding(
        department,
        onboarding.hostname,
        onboarding.lans,
        config,
        kind="cutover",
        routes=tuple(routes),
        network=network,
    )


def cutover(
    context: Context,
    journal: Journal,
    department: str,
    network: str,
    targets: dict[str, Target],
    opener: Callable[[Target], ChangeDriver],
    check: bool = False,
) -> Onboarding:
    """Move a private network onto the extranet (``check``: the diff only); every step journaled."""
    plan = plan_cutover(context, department, network)
    run = journal.start_run(f"cutover {department} {network}" + (" check" if check else ""))
    return _carry_out(journal, run, plan, context, targets, opener, check)


def _routable(driver: ChangeDriver, plan: Onboarding) -> str:
    """Reachability before: each next hop is on a LAN the gateway carries and that is up."""
    interfaces = driver.interfaces()
    connected = [
        (a.interface, ipaddress.ip_interface(f"{a.address}/{a.prefix_length}").network)
        for a in driver.addresses()
    ]
    for prefix, hop in plan.routes:
        owner = next((name for name, net in connected if ipaddress.ip_address(hop) in net), None)
        if owner is None:
            return (
                f"next hop {hop} for {prefix} is on no connected LAN: onboard {plan.department}'s LAN first"
            )
        state = interfaces.get(owner)
        if state is None or not (state.enabled and state.up):
            return f"next hop {hop} for {prefix}: {owner} is down"
    return ""


def _routes_present(driver: ChangeDriver, plan: Onboarding) -> None:
    """Reachability after: every route is in the running configuration and its next hop still connected."""
    running = driver.running_config().upper()
    for line in plan.config.splitlines():
        if " ".join(line.split()).upper() not in running:
            raise RuntimeError(f"route missing after the push: {line}")
    problem = _routable(driver, plan)
    if problem:
        raise RuntimeError(problem)
