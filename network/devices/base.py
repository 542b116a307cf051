"""The device driver contract, and the base class every platform driver builds on.

:class:`DeviceDriver` is the typed contract the toolkit (rollout, exporter) programs against; units
are in the docstrings. :class:`EgovDriver` implements it over netmiko's stock device types, and also
NAPALM's ``NetworkDriver`` interface, returning ``napalm.base.models`` shapes, so NAPALM, nornir-napalm
and napalm-ansible users load the drivers by name (``napalm_egov_vrp5`` … see docs/devices.md).

Configuration changes are never left half-done: a candidate is diffed against the running config
with hier_config; a commit types only the remediation, and if any line is refused the device is put
back to the configuration it had before (verified by diffing again) before the error is raised.
"""

from __future__ import annotations

import contextlib
import ipaddress
import logging
import math
import re
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, runtime_checkable

from napalm.base import NetworkDriver, models
from napalm.base.exceptions import (
    CommitError,
    ConnectionClosedException,
    ConnectionException,
    MergeConfigException,
    ReplaceConfigException,
)

from network.devices import napalm_models
from network.devices.addresses import InterfaceAddress, PingResult, parse_ping
from network.devices.config import ConfigDiff, diff, merged
from network.devices.facts import Ipv6Neighbor, Version
from network.devices.interfaces import InterfaceCounters, InterfaceState
from network.devices.transport import ConnectionParams, connect

ERROR_PATTERN = r"(?m)^\s*(?:Error:|% (?!Screen-length))"


@dataclass(frozen=True)
class Facts:
    """Who a device is: ``uptime`` in seconds (None if not printed), ``platform`` the inventory's name."""

    vendor: str
    model: str
    os_version: str
    platform: str
    hostname: str
    serial: str
    uptime: int | None
    interfaces: tuple[str, ...] = ()


@runtime_checkable
class DeviceDriver(Protocol):
    """What the toolkit asks of a device, whatever its platform."""

    def facts(self) -> Facts:
        """Vendor, model, OS version, platform, hostname, serial; uptime in seconds."""
        ...

    def interfaces(self) -> dict[str, InterfaceState]:
        """Per interface: enabled, up, speed in Mbit/s, MTU in bytes, description."""
        ...

    def counters(self) -> dict[str, InterfaceCounters]:
        """Per interface: octets, packets, errors, discards in and out since last cleared."""
        ...

    def addresses(self) -> list[InterfaceAddress]:
        """IPv4 and IPv6 addresses with prefix length; IPv6 with its duplicate-address state."""
        ...

    def ipv6_neighbors(self) -> list[Ipv6Neighbor]:
        """The IPv6 neighbour table: address, MAC, interface (full name), state, age in seconds."""
        ...

    def running_config(self) -> str:
        """The running configuration as the device prints it."""
        ...

    def ping_ipv6(self, target: str) -> PingResult:
        """Five echo requests to ``target``; round-trip times in milliseconds."""
        ...

    def load_candidate(self, config: str, replace: bool = True) -> ConfigDiff:
        """Stage ``config`` (the full intended configuration, or lines to merge) and return the diff."""
        ...

    def commit(self, trial_seconds: int | None = None) -> None:
        """Apply the staged diff; with ``trial_seconds`` the device reverts unless :meth:`confirm` comes."""
        ...

    def confirm(self) -> None:
        """Confirm a trial commit (this session's, or one :meth:`adopt_trial` took over)."""
        ...

    def adopt_trial(self, seconds: int) -> bool:
        """Take over a trial commit another session made (one an interruption left): True when this
        session may now confirm or roll it back; ``seconds``: the time it needs to decide."""
        ...

    def rollback(self) -> None:
        """Put back the configuration saved before the last commit (or abort a pending trial)."""
        ...

    def discard(self) -> None:
        """Forget the staged candidate."""
        ...


class ChangeDriver(DeviceDriver, Protocol):
    """What a change transaction asks of a driver besides the contract: the rollout, onboarding and the
    cutover (their prechecks, push, postchecks, confirmation and rollback) program against this."""

    platform: str
    trial_supported: bool
    device: Any  # the open session; None once it dropped (a rollback then opens a new one)

    def open(self) -> None:
        """Connect (after the loopback-only safety check unless production is chosen)."""
        ...

    def close(self) -> None:
        """End the session."""
        ...

    def uncommitted(self) -> bool:
        """Changes typed but not committed (someone else is configuring the device)."""
        ...

    def has_pending_commit(self) -> bool:
        """A trial commit waits for confirmation (asked of the device where the platform shows it)."""
        ...

    def rollback_to(self, config: str) -> None:
        """Put back a configuration stored elsewhere (a journal), verified afterwards."""
        ...

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, Any]:
        """Each command's output (the cutover's checks read a VPN instance's table and ping in it)."""
        ...


@dataclass(frozen=True)
class Observation:
    """What a monitoring probe reads: interfaces (with their counters) and addresses, in one pass."""

    interfaces: dict[str, InterfaceState]
    addresses: list[InterfaceAddress]


class DriverError(Exception):
    """A device answered in a way the driver cannot use (names the device and what it said)."""


@dataclass
class _Change:
    """A staged change: the candidate, the running config it was diffed against, and the diff."""

    candidate: str
    running: str
    diff: ConfigDiff


@dataclass
class _State:
    change: _Change | None = None
    pre_change: str | None = None
    trial_pending: bool = False
    extra: dict[str, Any] = field(default_factory=dict)


class EgovDriver(NetworkDriver):  # type: ignore[misc]  # napalm's base class is untyped
    """Common behaviour over netmiko; subclasses name the platform's commands and parsers.

    ``optional_args``: ``port`` (22), ``production`` (False: only loopback targets are allowed),
    ``key_file`` (an SSH private key; password then optional), ``save`` (True: save after commit),
    ``name`` (the device's hostname, for messages; host:port without it).
    """

    platform = ""
    trial_supported = False
    config_enter = "system-view"
    leave_config = "return"
    version_command = "display version"
    logout_command = "quit"
    version_marker = r"(?:VRP \(R\) software|Comware Software)"

    def __init__(
        self,
        hostname: str,
        username: str,
        password: str,
        timeout: int = 60,
        optional_args: dict[str, Any] | None = None,
    ) -> None:
        self.hostname, self.username, self.password, self.timeout = hostname, username, password, timeout
        options = optional_args or {}
        self.port = int(options.get("port", 22))
        self.name = str(options.get("name") or f"{hostname}:{self.port}")  # the device, in messages
        self.production = bool(options.get("production", False))
        self.key_file: str | None = options.get("key_file")
        self.save_after_commit = bool(options.get("save", True))
        self.device: Any = None
        self.state = _State()

    # --- session -------------------------------------------------------------------------------

    def open(self) -> None:
        """Connect (after the loopback-only safety check unless production is chosen)."""
        from netmiko.exceptions import NetmikoAuthenticationException, NetmikoTimeoutException  # noqa: PLC0415

        extra: dict[str, Any] = {}
        if self.key_file:
            extra = {"use_keys": True, "key_file": self.key_file, "allow_agent": False}
        params = ConnectionParams(self.hostname, self.port, self.username, self.platform)
        try:
            self.device = connect(params, self.password, self.production, timeout=self.timeout, **extra)
        except NetmikoAuthenticationException as problem:
            raise ConnectionException(f"{self.name}: authentication failed") from problem
        except (NetmikoTimeoutException, OSError, EOFError) as problem:
            raise ConnectionException(f"{self.name}: cannot connect ({problem})") from problem
        self._resync()

    def _resync(self) -> None:
        """Wait for the answer to a known command, so that no late answer is taken for the next one.

        netmiko clears its buffer 0.3 s after disabling paging; a slow device answers later, and every
        later command would then read the answer before its own. Waiting for ``display version``'s own
        words, then the prompt, discards anything late before them.
        """
        self._send(self.version_command, expect_string=rf"{self.version_marker}[\s\S]*?{self._exec_prompt()}")

    def close(self) -> None:
        """Log out and disconnect (quietly if the device already dropped the session).

        The driver always leaves configuration mode itself, so it logs out directly: netmiko's own
        ``disconnect`` first checks for configuration mode, which on VRP means two seconds of silence.
        """
        device, self.device = self.device, None
        if device is None:
            return
        with contextlib.suppress(Exception):  # a session the device already closed
            device.write_channel(self.logout_command + device.RETURN)
        with contextlib.suppress(Exception):
            device.paramiko_cleanup()
        with contextlib.suppress(Exception):  # netmiko's per-session filter that hides secrets in logs
            logging.getLogger("netmiko").removeFilter(device._secrets_filter)
        device.remote_conn_pre = device.remote_conn = None

    def is_alive(self) -> models.AliveDict:
        """NAPALM's liveness check."""
        return {"is_alive": self.device is not None and bool(self.device.is_alive())}

    def _send(self, command: str, **kwargs: Any) -> str:
        if self.device is None:
            raise ConnectionClosedException(f"{self.name}: not connected (call open() first)")
        try:
            kwargs.setdefault("read_timeout", self.timeout)
            # Always the prompt we expect: without one netmiko sends extra newlines to find the prompt,
            # and a slow device's late answers to them are then read as the next command's output.
            kwargs.setdefault("expect_string", self._exec_prompt())
            return str(self.device.send_command(command, **kwargs))
        except (OSError, EOFError) as problem:
            self.device = None
            raise ConnectionClosedException(f"{self.name}: the session ended ({problem})") from problem
        except Exception as problem:  # netmiko's ReadTimeout (imported lazily): dead session or slow device
            if type(problem).__name__ != "ReadTimeout":
                raise
            if not self._transport_alive():
                self.device = None
                raise ConnectionClosedException(f"{self.name}: the device closed the session") from problem
            raise DriverError(f"{self.name}: no answer to {command!r} within {self.timeout} s") from problem

    def _transport_alive(self) -> bool:
        """The SSH transport under netmiko is still up (a dropped session only shows as silence)."""
        channel = getattr(self.device, "remote_conn", None)
        transport = channel.get_transport() if channel is not None else None
        return bool(
            channel is not None and transport is not None and transport.is_active() and not channel.closed
        )

    def _config_prompt(self) -> str:
        """A regex for the prompt of any configuration view (``[host]``, ``[*host-GE0/0/1]``)."""
        return rf"\[[~*]?{re.escape(self.device.base_prompt)}(?:-[^\]\r\n]+)?\]"

    def _exec_prompt(self) -> str:
        """A regex for the user-view prompt (``<host>``)."""
        return rf"<{re.escape(self.device.base_prompt)}>"

    def _configure(self, lines: Sequence[str], leave: bool = True, last: str | None = None) -> str:
        """Enter configuration, type the lines, check each line's answer, then ``last`` alone, leave.

        The lines go out as one block (as an engineer pastes them) and the answer is read until one
        prompt per line has come back, so a change of hundreds of lines costs one round trip rather
        than one per line. Each line's answer is checked: at the first the device refused, this raises
        CommitError naming that line (the caller puts the device back). ``last`` (VRP8's ``commit``) is
        sent only when every line was taken. netmiko's own ``send_config_set`` waits for two seconds
        of silence on VRP and Comware; matching prompts keeps a change well under a second.
        """
        if self.device is None:
            raise ConnectionClosedException(f"{self.name}: not connected (call open() first)")
        prompt = self._config_prompt()
        out = [self._send(self.config_enter, expect_string=prompt, strip_prompt=False)]
        if lines:
            answers = self._paste(list(lines), prompt)
            out.extend(answers)
            for line, answer in zip(lines, answers, strict=True):
                if re.search(ERROR_PATTERN, answer):
                    self._abandon()
                    raise CommitError(f"{self.name}: the device refused {line!r}: {_last_error(answer)}")
        if last is not None:
            answer = self._send(last, expect_string=prompt, strip_prompt=False, strip_command=False)
            out.append(answer)
            if re.search(ERROR_PATTERN, answer):
                self._abandon()
                raise CommitError(f"{self.name}: {last!r} failed: {_last_error(answer)}")
        if leave:
            out.append(self._send(self.leave_config, expect_string=self._exec_prompt(), strip_prompt=False))
        return "\n".join(out)

    def _abandon(self) -> None:
        """After a refused line: drop what waits (VRP8's candidate), back to the user view."""
        self._refused()
        self._send(self.leave_config, expect_string=self._exec_prompt())

    def _paste(self, lines: list[str], prompt: str) -> list[str]:
        """Write the lines at once; the answer to each (its echo and output), split at the prompts."""
        self.device.write_channel("".join(line + self.device.RETURN for line in lines))
        pattern = re.compile(prompt)
        buffer = ""
        deadline = time.monotonic() + self.timeout  # moves on while answers keep coming (a slow device)
        while len(pattern.findall(buffer)) < len(lines):
            try:
                chunk = self.device.read_channel()
                if chunk:
                    buffer += chunk
                    deadline = time.monotonic() + self.timeout
            except (OSError, EOFError) as problem:
                self.device = None
                raise ConnectionClosedException(f"{self.name}: the session ended ({problem})") from problem
            if time.monotonic() > deadline:
                if not self._transport_alive():
                    self.device = None
                    raise ConnectionClosedException(f"{self.name}: the device closed the session")
                raise DriverError(f"{self.name}: no answer for {self.timeout} s while configuring")
            time.sleep(0.005)
        return pattern.split(buffer)[: len(lines)]

    def cli(self, commands: list[str], encoding: str = "text") -> dict[str, str | dict[str, Any]]:
        """Each command's output, as NAPALM's ``cli()`` gives it."""
        if encoding != "text":
            raise NotImplementedError(f"{encoding} encoding is not supported (text only)")
        return {command: self._send(command) for command in commands}

    # --- what each platform defines ------------------------------------------------------------

    def _version(self) -> Version:  # pragma: no cover - every platform defines it
        raise NotImplementedError

    def _serial(self) -> str:
        return ""

    def interfaces(self) -> dict[str, InterfaceState]:  # pragma: no cover
        """Per interface: enabled, up, speed in Mbit/s, MTU in bytes, description."""
        raise NotImplementedError

    def addresses(self) -> list[InterfaceAddress]:  # pragma: no cover
        """IPv4 and IPv6 addresses with prefix length; IPv6 with its duplicate-address state."""
        raise NotImplementedError

    def observe(self) -> Observation:
        """Interfaces (speeds in Mbit/s, counters) and addresses, each display command read once.

        What the exporter's probe asks for; platforms override it to share one ``display interface``.
        """
        return Observation(self.interfaces(), self.addresses())

    def ipv6_neighbors(self) -> list[Ipv6Neighbor]:  # pragma: no cover
        """The IPv6 neighbour table."""
        raise NotImplementedError

    def running_config(self) -> str:  # pragma: no cover
        """The running configuration as the device prints it."""
        raise NotImplementedError

    def uncommitted(self) -> bool:
        """Changes typed but not committed (only VRP8 keeps a candidate; elsewhere nothing waits)."""
        return False

    def _refused(self) -> None:
        """After a refused line, before leaving configuration mode (VRP8 drops its candidate here)."""

    def _ping_command(self, target: str) -> str:
        return f"ping ipv6 {target}"

    def _apply(self, lines: tuple[str, ...], trial_seconds: int | None) -> None:  # pragma: no cover
        raise NotImplementedError

    def _save(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def _confirm(self) -> None:  # pragma: no cover
        raise NotImplementedError

    def _abort_trial(self) -> None:  # pragma: no cover
        raise NotImplementedError

    # --- typed getters -------------------------------------------------------------------------

    def facts(self) -> Facts:
        """Vendor, model, OS version, platform, hostname, serial; uptime in seconds."""
        version = self._version()
        prompt = str(self.device.base_prompt) if self.device is not None else self.hostname
        hostname = version.hostname or prompt
        return Facts(
            version.vendor,
            version.model,
            version.os_version,
            version.platform,
            hostname,
            version.serial or self._serial(),
            version.uptime,
            tuple(sorted(self.interfaces())),
        )

    def counters(self) -> dict[str, InterfaceCounters]:
        """Per interface: octets, packets, errors, discards in and out."""
        return {name: state.counters for name, state in self.interfaces().items()}

    def ping_ipv6(self, target: str) -> PingResult:
        """Five echo requests to ``target`` from the device."""
        address = str(ipaddress.IPv6Address(target))
        return parse_ping(self._send(self._ping_command(address), read_timeout=60), address)

    # --- configuration -------------------------------------------------------------------------

    def load_candidate(self, config: str, replace: bool = True) -> ConfigDiff:
        """Stage a candidate: the full intended configuration (replace) or lines to merge."""
        running = self.running_config()
        intended = config if replace else merged(self.platform, running, config)
        change = _Change(intended, running, diff(self.platform, running, intended))
        self.state.change = change
        return change.diff

    def diff(self) -> ConfigDiff:
        """The staged change's diff (empty when nothing is staged)."""
        return self.state.change.diff if self.state.change else ConfigDiff((), ())

    def commit(self, trial_seconds: int | None = None) -> None:
        """Apply the staged diff; on a refused line the device is put back and CommitError raised."""
        change = self.state.change
        if change is None:
            raise CommitError(f"{self.name}: nothing to commit (load a candidate first)")
        if trial_seconds is not None and not self.trial_supported:
            raise NotImplementedError(f"{self.platform} offers no trial (confirmed) commit")
        if self.state.trial_pending:
            raise CommitError(f"{self.name}: a trial commit waits for confirmation or rollback")
        self.state.pre_change = change.running
        self.state.change = None
        if change.diff.empty:
            return
        try:
            self._apply(change.diff.remediation, trial_seconds)
        except CommitError:
            self._restore(change.running)
            raise
        if trial_seconds is not None:
            self.state.trial_pending = True
        elif self.save_after_commit:
            self._save()

    def confirm(self) -> None:
        """Confirm a trial commit (then save)."""
        if not self._trial_pending():
            raise CommitError(f"{self.name}: no trial commit is pending")
        self._confirm()
        self.state.trial_pending = False
        if self.save_after_commit:
            self._save()

    def adopt_trial(self, seconds: int) -> bool:
        """Take over a trial commit an earlier session left pending (none on platforms without trials)."""
        return False

    def _trial_pending(self) -> bool:
        """A trial waits for confirmation: this session's flag, unless the platform can ask the device."""
        return self.state.trial_pending

    def rollback(self) -> None:
        """Abort a pending trial, or put back the configuration saved before the last commit."""
        if self._trial_pending():
            self._abort_trial()
            self.state.trial_pending = False
            return
        if self.state.pre_change is None:
            raise CommitError(f"{self.name}: no earlier configuration is stored to roll back to")
        self._restore(self.state.pre_change)

    def rollback_to(self, config: str) -> None:
        """Put back a configuration stored elsewhere (a rollout journal), verified afterwards."""
        self._restore(config)

    def discard(self) -> None:
        """Forget the staged candidate (nothing was sent to the device)."""
        self.state.change = None

    @property
    def pre_change_config(self) -> str | None:
        """The running configuration before the last commit (what :meth:`rollback` returns to)."""
        return self.state.pre_change

    def _restore(self, config: str) -> None:
        """Type the diff from now back to ``config``, save, and verify nothing is left over."""
        back = diff(self.platform, self.running_config(), config)
        if not back.empty:
            self._apply(back.remediation, None)
        left = diff(self.platform, self.running_config(), config)
        if not left.empty:
            raise CommitError(f"{self.name}: rollback left differences:\n{left.text()}")
        if not back.empty and self.save_after_commit:
            try:
                self._save()
            except CommitError as problem:
                raise CommitError(
                    f"{problem} (the running configuration is restored, not saved)"
                ) from problem

    # --- NAPALM's interface --------------------------------------------------------------------

    def get_facts(self) -> models.FactsDict:
        """NAPALM facts (uptime in seconds as a float, -1.0 when unknown)."""
        facts = self.facts()
        version = Version(facts.vendor, facts.model, facts.os_version, 0, facts.uptime)
        return napalm_models.facts(version, facts.hostname, list(facts.interfaces), facts.serial)

    def get_interfaces(self) -> dict[str, models.InterfaceDict]:
        """NAPALM interfaces (speed in Mbit/s as a float, -1.0 when unknown)."""
        return {name: napalm_models.interface(state) for name, state in self.interfaces().items()}

    def get_interfaces_counters(self) -> dict[str, models.InterfaceCounterDict]:
        """NAPALM counters (-1 for what the device does not print)."""
        return {name: napalm_models.counters(values) for name, values in self.counters().items()}

    def get_interfaces_ip(self) -> dict[str, models.InterfacesIPDict]:
        """NAPALM addresses per interface and family, with prefix lengths."""
        out: dict[str, Any] = {}
        for entry in self.addresses():
            family = out.setdefault(entry.interface, {}).setdefault(f"ipv{entry.family}", {})
            family[entry.address] = {"prefix_length": entry.prefix_length}
        return out

    def get_ipv6_neighbors_table(self) -> list[models.IPV6NeighborDict]:
        """NAPALM IPv6 neighbours (age in seconds as a float)."""
        return [napalm_models.ipv6_neighbor(entry) for entry in self.ipv6_neighbors()]

    def get_config(
        self, retrieve: str = "all", full: bool = False, sanitized: bool = False, format: str = "text"
    ) -> models.ConfigDict:
        """Running config (and the staged candidate); the startup config is not read."""
        running = self.running_config() if retrieve in ("all", "running") else ""
        candidate = (
            self.state.change.candidate if self.state.change and retrieve in ("all", "candidate") else ""
        )
        return {"running": running, "startup": "", "candidate": candidate}

    def load_replace_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Stage the full intended configuration (from a file or a string)."""
        try:
            self.load_candidate(_config_text(filename, config), replace=True)
        except (OSError, ValueError) as problem:
            raise ReplaceConfigException(f"{self.name}: {problem}") from problem

    def load_merge_candidate(self, filename: str | None = None, config: str | None = None) -> None:
        """Stage lines to merge into the running configuration."""
        try:
            self.load_candidate(_config_text(filename, config), replace=False)
        except (OSError, ValueError) as problem:
            raise MergeConfigException(f"{self.name}: {problem}") from problem

    def compare_config(self) -> str:
        """The staged remediation as an indented tree ("" when nothing would change)."""
        return self.diff().text()

    def commit_config(self, message: str = "", revert_in: int | None = None) -> None:
        """Commit the staged candidate; ``revert_in`` (seconds) makes it a trial commit."""
        self.commit(revert_in)

    def confirm_commit(self) -> None:
        """Confirm a trial commit."""
        self.confirm()

    def has_pending_commit(self) -> bool:
        """A trial commit waits for confirmation (on the device, where the platform shows it)."""
        return self._trial_pending()

    def discard_config(self) -> None:
        """Forget the staged candidate."""
        self.discard()

    def ping(  # noqa: PLR0913, PLR0917 - NAPALM's signature, kept exactly (tests check it)
        self,
        destination: str,
        source: str = "",
        ttl: int = 255,
        timeout: int = 2,
        size: int = 100,
        count: int = 5,
        vrf: str = "",
        source_interface: str = "",
    ) -> models.PingResultDict:
        """NAPALM ping (IPv6 destinations): ``success`` with round-trip times in ms, or ``error``."""
        try:
            result = self.ping_ipv6(destination)
        except ValueError:
            return {"error": f"{destination} is not an IPv6 address (IPv6 ping only)"}
        if result.sent == 0:
            return {"error": f"no ping result from {self.name}"}
        rtt = [result.rtt_min, result.rtt_max, result.rtt_avg]
        low, high, mean = (-1.0 if value is None else value for value in rtt)
        return {
            "success": {
                "probes_sent": result.sent,
                "packet_loss": result.sent - result.received,
                "rtt_min": low,
                "rtt_max": high,
                "rtt_avg": mean,
                "rtt_stddev": 0.0 if result.received else -1.0,
                "results": [{"ip_address": destination, "rtt": mean}] if result.received else [],
            }
        }


def _config_text(filename: str | None, config: str | None) -> str:
    if config is not None:
        return config
    if filename is None:
        raise ValueError("give a filename or a config string")
    with open(filename, encoding="utf-8") as stream:
        return stream.read()


def _last_error(text: str) -> str:
    errors = [line.strip() for line in text.splitlines() if re.match(ERROR_PATTERN, line)]
    return errors[-1] if errors else text.strip().splitlines()[-1] if text.strip() else "unknown error"


def minutes(seconds: int) -> int:
    """Whole minutes covering ``seconds`` (Comware's commit delay counts minutes)."""
    return max(1, math.ceil(seconds / 60))
