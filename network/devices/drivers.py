"""Platform drivers: Huawei VRP5 and VRP8, H3C Comware 7, Cisco IOS.

Each names its platform's commands and parsers and how a change is applied:

- VRP5 (netmiko ``huawei``): lines apply as typed; then ``save`` (Y/N). No trial commit on the platform.
- VRP8 (``huawei_vrpv8``): lines go to the candidate; ``commit`` applies them all at once. ``commit trial N
  persist ID`` reverts after N seconds unless ``commit persist ID`` confirms it (``abort trial persist ID``
  reverts at once). The persist id keeps the trial alive when the session that made it ends (without
  one VRP8 rolls a trial back with its session), so a resumed run can confirm it from a new session;
  ``display configuration trial status`` tells whether one is pending.
- Comware 7 (``hp_comware``): lines apply as typed; ``configuration commit delay M`` first makes the change a
  trial that reverts after M minutes unless ``configuration commit`` comes; ``save force``. The delay
  belongs to the device, not the session. H3C documents no display of a pending delay; giving the
  delay again before it runs out sets a new timer and keeps the rollback point, which is how a new
  session takes a pending trial over.
- IOS (``cisco_ios``): lines apply as typed; ``write memory``. No trial commit here (IOS's needs an archive).
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Iterator, Mapping

from napalm.base.exceptions import CommitError

from network.devices.addresses import (
    InterfaceAddress,
    Route,
    parse_comware_ipv6_neighbors,
    parse_ios_ipv6_brief,
    parse_ipv4_addresses,
    parse_ipv6_interfaces,
    parse_vrp_ipv6_routes,
)
from network.devices.base import ERROR_PATTERN, EgovDriver, Observation, minutes
from network.devices.facts import (
    Ipv6Neighbor,
    Version,
    parse_comware_version,
    parse_ios_ipv6_neighbors,
    parse_ios_version,
    parse_serial,
    parse_vrp_ipv6_neighbors,
    parse_vrp_trial_status,
    parse_vrp_version,
)
from network.devices.interfaces import (
    InterfaceState,
    parse_comware_interfaces,
    parse_ios_interfaces,
    parse_vrp_interfaces,
)
from network.devices.names import expand
from network.inventory.platforms import known_platforms, platform_spec


class _VrpFamily(EgovDriver):
    """What VRP5, VRP8 and Comware share: ``display`` commands, ``display ipv6 interface``."""

    family = "huawei"

    def running_config(self) -> str:
        """``display current-configuration``."""
        return self._send("display current-configuration")

    def _interfaces_text(self) -> str:
        return self._send("display interface")

    def addresses(self) -> list[InterfaceAddress]:
        """IPv4 from ``display interface``, IPv6 (with DAD state) from ``display ipv6 interface``."""
        return self._addresses(self._interfaces_text())

    def _addresses(self, interfaces_text: str) -> list[InterfaceAddress]:
        ipv4 = parse_ipv4_addresses(interfaces_text, self.family)
        ipv6, _ = parse_ipv6_interfaces(self._send("display ipv6 interface"))
        return ipv4 + ipv6

    def _parse_interfaces(self, text: str) -> dict[str, InterfaceState]:
        return parse_vrp_interfaces(text)

    def interfaces(self) -> dict[str, InterfaceState]:
        """``display interface``: ``Speed : 1000`` -> 1000 Mbit/s (VRP5), ``Port BW: 10G`` (VRP8)."""
        return self._parse_interfaces(self._interfaces_text())

    def observe(self) -> Observation:
        """One ``display interface`` for interfaces, counters and IPv4; ``display ipv6 interface``."""
        text = self._interfaces_text()
        return Observation(self._parse_interfaces(text), self._addresses(text))


class Vrp5Driver(_VrpFamily):
    """Huawei VRP5 (AR routers, S switches): immediate apply, then ``save``."""

    platform = "huawei_vrp5"

    def _version(self) -> Version:
        return parse_vrp_version(self._send("display version"))

    def _serial(self) -> str:
        return parse_serial(self._send("display esn"))

    def ipv6_routes(self) -> list[Route]:
        """``display ipv6 routing-table verbose`` (VRP only): what a rollout postcheck needs of routing."""
        return parse_vrp_ipv6_routes(self._send("display ipv6 routing-table verbose"))

    def ipv6_neighbors(self) -> list[Ipv6Neighbor]:
        """``display ipv6 neighbors``, interface names expanded (``GE0/0/1`` -> ``GigabitEthernet0/0/1``)."""
        entries = parse_vrp_ipv6_neighbors(self._send("display ipv6 neighbors"))
        return [_expanded(entry, self.platform) for entry in entries]

    def _apply(self, lines: tuple[str, ...], trial_seconds: int | None) -> None:
        self._configure(lines)

    def _save(self) -> None:
        output = self.device.save_config()
        _check(self.name, output, "save")


class Vrp8Driver(Vrp5Driver):
    """Huawei VRP8 (NE, CX, CE): two-stage ``commit``, trial commits with ``commit trial N``."""

    platform = "huawei_vrp8"
    trial_supported = True

    def _apply(self, lines: tuple[str, ...], trial_seconds: int | None) -> None:
        command = "commit"
        if trial_seconds is not None:
            persist = f"egov-{secrets.token_hex(4)}"  # not secret: names this trial on the device
            command = f"commit trial {max(60, trial_seconds)} persist {persist}"
            self.state.extra["persist"] = persist
        self._configure(lines, last=command)  # a refused line or a failed commit drops the candidate

    def _trial_pending(self) -> bool:
        """``display configuration trial status`` says ACTIVE (whichever session made the trial)."""
        if self.device is None:
            return self.state.trial_pending
        status = parse_vrp_trial_status(self._send("display configuration trial status"))
        if status.active and status.persist:
            self.state.extra["persist"] = status.persist
        return status.active

    def adopt_trial(self, seconds: int) -> bool:
        """A pending trial (one with a persist id survives its session): this session confirms it."""
        self.state.trial_pending = self._trial_pending()
        return self.state.trial_pending

    def _refused(self) -> None:
        self._send("clear configuration candidate", expect_string=self._config_prompt())

    def uncommitted(self) -> bool:
        """The candidate differs from the running configuration."""
        return self._send("display configuration candidate") != self.running_config()

    def _confirm(self) -> None:
        persist = self.state.extra.pop("persist", None)
        command = f"commit persist {persist}" if persist else "commit"
        output = self._configure([command], leave=True)
        _check(self.name, output, command)

    def _abort_trial(self) -> None:
        persist = self.state.extra.pop("persist", None)
        command = f"abort trial persist {persist}" if persist else "abort trial"
        output = self._configure([command], leave=True)
        _check(self.name, output, command)


class _ComwareFamily(_VrpFamily):
    """What Comware 5 and 7 share: their ``display`` layouts, ``display device manuinfo``, ``save force``."""

    family = "comware"

    def _version(self) -> Version:
        return parse_comware_version(self._send("display version"))

    def _serial(self) -> str:
        return parse_serial(self._send("display device manuinfo"))

    def _parse_interfaces(self, text: str) -> dict[str, InterfaceState]:
        """``display interface``: ``Bandwidth: 1000000 kbps`` -> 1000 Mbit/s."""
        return parse_comware_interfaces(text)

    def ipv6_neighbors(self) -> list[Ipv6Neighbor]:
        """``display ipv6 neighbors all``."""
        return parse_comware_ipv6_neighbors(self._send("display ipv6 neighbors all"))

    def _save(self) -> None:
        output = self._send("save force", expect_string=r"[>\]]")
        _check(self.name, output, "save force")


class Comware5Driver(_ComwareFamily):
    """H3C Comware 5 (S5120 and older switches): immediate apply, no commit delay, ``save force``."""

    platform = "h3c_comware5"

    def _apply(self, lines: tuple[str, ...], trial_seconds: int | None) -> None:
        self._configure(lines)


class Comware7Driver(_ComwareFamily):
    """H3C Comware 7: immediate apply; ``configuration commit delay`` trials; ``save force``."""

    platform = "h3c_comware7"
    trial_supported = True

    def _apply(self, lines: tuple[str, ...], trial_seconds: int | None) -> None:
        prefix = [] if trial_seconds is None else [f"configuration commit delay {minutes(trial_seconds)}"]
        self._configure([*prefix, *lines])

    def _confirm(self) -> None:
        self._configure(["configuration commit"])

    def adopt_trial(self, seconds: int) -> bool:
        """Give the commit delay again: a pending one gets a new timer and keeps its rollback point; with
        none pending this starts one from the running configuration, which is harmless."""
        output = self._configure([f"configuration commit delay {minutes(seconds)}"])
        _check(self.name, output, "configuration commit delay")
        self.state.trial_pending = True
        return True

    def _abort_trial(self) -> None:
        if self.state.pre_change is not None:
            self._restore(self.state.pre_change)
        self._configure(["configuration commit"])


class IosDriver(EgovDriver):
    """Cisco IOS: immediate apply, ``write memory``; parsing through ntc-templates where it has templates."""

    platform = "cisco_ios"
    config_enter = "configure terminal"
    leave_config = "end"
    version_command = "show version"
    logout_command = "exit"
    version_marker = r"Cisco IOS Software"

    # netmiko keeps only the first 16 characters of an IOS prompt (IOS shortens long hostnames in
    # configuration mode), so the rest of the hostname is matched loosely.
    def _config_prompt(self) -> str:
        return rf"{re.escape(self.device.base_prompt)}[^\s(#]*\(config[^)]*\)#"

    def _exec_prompt(self) -> str:
        return rf"{re.escape(self.device.base_prompt)}[^\s(#]*#"

    def _version(self) -> Version:
        return parse_ios_version(self._send("show version"))

    def running_config(self) -> str:
        """``show running-config``."""
        return self._send("show running-config")

    def interfaces(self) -> dict[str, InterfaceState]:
        """``show interfaces``: ``BW 100000 Kbit/sec`` -> 100 Mbit/s."""
        return parse_ios_interfaces(self._send("show interfaces"))

    def addresses(self) -> list[InterfaceAddress]:
        """IPv4 from ``show interfaces``; IPv6 from ``show ipv6 interface brief``, lengths from the config."""
        return self._addresses(self._send("show interfaces"))

    def observe(self) -> Observation:
        """One ``show interfaces`` for interfaces, counters and IPv4; IPv6 as :meth:`addresses` reads it."""
        text = self._send("show interfaces")
        return Observation(parse_ios_interfaces(text), self._addresses(text))

    def _addresses(self, interfaces_text: str) -> list[InterfaceAddress]:
        ipv4 = parse_ipv4_addresses(interfaces_text, "ios")
        lengths = {}
        for line in self.running_config().splitlines():
            words = line.split()
            if len(words) == 3 and words[:2] == ["ipv6", "address"] and "/" in words[2]:
                address, length = words[2].split("/")
                lengths[address.lower()] = int(length)
        return ipv4 + parse_ios_ipv6_brief(self._send("show ipv6 interface brief"), lengths)

    def ipv6_neighbors(self) -> list[Ipv6Neighbor]:
        """``show ipv6 neighbors``, interface names expanded (``Gi0/0/1`` -> ``GigabitEthernet0/0/1``)."""
        entries = parse_ios_ipv6_neighbors(self._send("show ipv6 neighbors"))
        return [_expanded(entry, self.platform) for entry in entries]

    def _apply(self, lines: tuple[str, ...], trial_seconds: int | None) -> None:
        self._configure(lines)

    def _save(self) -> None:
        output = self._send("write memory", expect_string=r"#")
        _check(self.name, output, "write memory")


def _expanded(entry: Ipv6Neighbor, platform: str) -> Ipv6Neighbor:
    return Ipv6Neighbor(
        entry.address,
        entry.mac,
        expand(entry.interface, platform),
        entry.state,
        entry.age,
        entry.vlan,
        entry.is_router,
    )


def _check(hostname: str, output: str, what: str) -> None:
    if re.search(ERROR_PATTERN, output) or "%Error" in output:
        line = next((x.strip() for x in output.splitlines() if "rror" in x), output.strip())
        raise CommitError(f"{hostname}: {what} failed: {line}")


def driver_for(platform: str) -> type[EgovDriver]:
    """The driver class of a platform, as its spec names it; KeyError names the platforms there are."""
    driver: type[EgovDriver] = platform_spec(platform).load("driver")
    return driver


class _Drivers(Mapping[str, type[EgovDriver]]):
    """Every known platform's driver class, by platform (the specs', loaded when asked for)."""

    def __getitem__(self, platform: str) -> type[EgovDriver]:
        return driver_for(platform)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(known_platforms()))

    def __len__(self) -> int:
        return len(known_platforms())


DRIVERS: Mapping[str, type[EgovDriver]] = _Drivers()
