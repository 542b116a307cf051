"""``egov verify``: the configurations to check (intended, from a directory, or read back from devices),
the check itself, and its result.

The devices in scope are those isolation depends on: every PE and Internet egress of the zones, and
the gateway of every department with a business network (where a cutover into the global table would
have put its routes). Intended configurations are rendered (the dual-stack additions and what the
zones add); ``--configs DIR`` reads ``HOST.cfg`` files (any device, as they print them); reading back
from the lab or production goes through the drivers (``running_config``).
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.inventory import Inventory
from network.inventory.model import ZoneKind
from network.render import render_intent, render_vpn
from network.rollout.context import Context
from network.verify.check import Check, Policy, Verdict, ends_of
from network.verify.config import DeviceConfig, Line, Net, parse
from network.verify.tables import build_tables, default_route


@dataclass(frozen=True)
class Source:
    """One device's configuration text and where it came from (``intended``, a file, ``lab``)."""

    hostname: str
    platform: str
    text: str
    origin: str


@dataclass
class Result:
    """The verdicts, the configurations they were drawn from, and what was read."""

    verdicts: list[Verdict]
    configs: dict[str, DeviceConfig]
    sources: dict[str, str]  # hostname -> origin (for messages and SARIF locations)

    @property
    def leaks(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.kind == "leak"]

    @property
    def blocked(self) -> list[Verdict]:
        return [v for v in self.verdicts if v.kind == "blocked"]

    @property
    def unread(self) -> list[tuple[str, Line]]:
        """(device, line) of every line of a section the check reads whose values it could not: the
        check went on without it, so a finding may be missing there."""
        return [(host, line) for host, config in sorted(self.configs.items()) for line in config.unparsed]


class VerifyError(Exception):
    """The check cannot run as asked (a missing configuration file, nothing in scope): message and hint."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def in_scope(context: Context) -> list[str]:
    """The devices isolation depends on, sorted."""
    wanted = set(context.vpns.devices())
    gateways = {d for d, lans in context.intents.gateway_lans.items() for dept, _ in lans
                if context.inventory.department_by_id[dept].private_networks}  # fmt: skip
    return sorted(wanted | gateways)


def intended(context: Context, hostnames: list[str] | None = None) -> list[Source]:
    """The intended configuration of each device in scope: its dual-stack lines and the zones'."""
    out = []
    for hostname in hostnames or in_scope(context):
        device = context.inventory.device_by_hostname[hostname]
        text = render_intent(context.intents.build(hostname))
        zones = context.vpns.build(hostname)
        if not zones.empty:
            text += render_vpn(zones)
        out.append(Source(hostname, device.platform, text, f"intended/{hostname}.cfg"))
    return out


def from_directory(context: Context, directory: Path) -> list[Source]:
    """``HOST.cfg`` of every device in scope from ``directory`` (each as the device prints it)."""
    out, missing = [], []
    for hostname in in_scope(context):
        path = directory / f"{hostname}.cfg"
        if not path.is_file():
            missing.append(hostname)
            continue
        text = path.read_text(encoding="utf-8", errors="replace")
        out.append(Source(hostname, context.inventory.device_by_hostname[hostname].platform, text, str(path)))
    if missing:
        raise VerifyError(
            f"{directory}: no configuration for {', '.join(missing)}",
            "save each device's `display current-configuration` (IOS: `show running-config`) as HOST.cfg",
        )
    return out


def read_back(
    context: Context, targets: dict[str, Any], opener: Callable[[Any], Any], workers: int = 8
) -> list[Source]:
    """The running configuration of every device in scope, read through its driver."""
    hostnames = in_scope(context)
    missing = [h for h in hostnames if h not in targets]
    if missing:
        raise VerifyError(
            f"no target for {', '.join(missing)}", "start the lab with these devices, or check lab.json"
        )

    def one(hostname: str) -> Source:
        driver = opener(targets[hostname])
        try:
            text = driver.running_config()
        finally:
            driver.close()
        platform = context.inventory.device_by_hostname[hostname].platform
        return Source(hostname, platform, text, f"{hostname} (read back)")

    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="egov-verify") as pool:
        return list(pool.map(one, hostnames))


def assumed_global(inventory: Inventory, context: Context) -> dict[int, list[Net]]:
    """What the global table holds beyond the configurations: the public zones' own prefixes (the
    existing network and the dual-stack rollout route them) and, in IPv4, the default route it has today."""
    out: dict[int, list[Net]] = {4: [default_route(4)], 6: []}
    for zone in inventory.network_zones:
        if zone.kind is ZoneKind.PUBLIC:
            for family in (4, 6):
                out[family] += context.vpns.public_prefixes(zone, family)
    return out


def verify(context: Context, sources: list[Source]) -> Result:
    """Parse the configurations, build their tables, and judge every pair of ends against the policy."""
    configs = {s.hostname: parse(s.text, s.hostname, s.platform, s.origin) for s in sources}
    addresses: dict[str, set[str]] = {}
    for hostname, config in configs.items():
        device = context.inventory.device_by_hostname.get(hostname)
        known = {str(device.management).lower()} if device is not None else set()
        known |= {str(a.ip).lower() for i in config.interfaces.values() for a, _ in i.addresses}
        addresses[hostname] = known
    tables = build_tables(configs, addresses, assumed_global(context.inventory, context))
    ends = ends_of(context.inventory, context.vpns)
    policy = Policy(list(context.inventory.flows), {})
    verdicts = Check(configs, tables, ends, policy).run()
    return Result(verdicts, configs, {s.hostname: s.origin for s in sources})
