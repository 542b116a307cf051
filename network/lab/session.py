"""A CLI session on a Huawei VRP5/VRP8 or H3C Comware 7 twin: views, prompts, commands, faults.

The CLI is faithful where netmiko's stock ``huawei``, ``huawei_vrpv8`` and ``hp_comware`` device
types look: ``<host>`` user view, ``system-view`` -> ``[host]`` (VRP8 ``[~host]``, ``[*host]`` with
uncommitted changes), ``interface X`` -> ``[host-X]``, ``quit``, ``return``, ``undo …``,
``screen-length 0 temporary`` (Comware ``screen-length disable``), ``save`` with its Y/N question
(Comware ``save force``), VRP8 ``commit`` and ``commit trial N [persist ID]`` / ``commit persist ID`` /
``abort trial [persist ID]`` / ``display configuration trial status`` (a trial without a persist id
ends with its session, as on the device), Comware ``configuration commit delay N`` (again before it
runs out: a new timer, the same rollback point) / ``configuration commit``; errors in the vendor's
wording.
"""

from __future__ import annotations

import ipaddress
import time
from collections.abc import Callable

from network.devices.names import expand
from network.lab import extras, render, vpn
from network.lab.conditions import Fault
from network.lab.device import Trial, TwinConfig, TwinDevice, TwinInterface

UNRECOGNIZED = "Error: Unrecognized command found at '^' position."
WRONG_PARAMETER = "Error: Wrong parameter found at '^' position."
INCOMPLETE = "Error: Incomplete command found at '^' position."
COMMIT_FAILED = "Error: Failed to generate committed config because the configuration database is locked."
SAVE_FAILED = "Error: Failed to save the configuration because the storage is busy."


class Closed(Exception):
    """The session ends now (``quit`` from user view, or an injected drop)."""


class BaseSession:
    """What every platform's session shares: the fault it meets and the command count."""

    def __init__(self, device: TwinDevice, fault: Fault | None = None) -> None:
        self.device = device
        self.fault = fault
        self.commands = 0
        self.pending_question = ""

    def prompt(self) -> str:  # pragma: no cover - every platform defines its own
        raise NotImplementedError

    def respond(self, line: str) -> str:  # pragma: no cover
        raise NotImplementedError

    def handle(self, line: str) -> str:
        """The output of one input line; raises Closed when the connection must end."""
        self.commands += 1
        expire_trial(self.device)
        if self.faulty("drop") and self.fault is not None and self.commands > self.fault.after:
            raise Closed("injected drop")
        return self.respond(line)

    def faulty(self, kind: str) -> bool:
        """This session runs under an injected fault of ``kind``."""
        return self.fault is not None and self.fault.kind == kind

    def end(self) -> None:
        """The connection is gone (logout, drop or a killed client): a VRP8 trial of this session
        without a persist id is rolled back, as the device does when the session that made it ends."""
        trial = self.device.trial
        if trial is not None and trial.persist is None and trial.owner == id(self):
            self.device.set_running(trial.previous)
            self.device.trial = None


def expire_trial(device: TwinDevice) -> None:
    """Revert a trial commit whose timer ran out (checked whenever the device is used)."""
    trial = device.trial
    if trial is not None and time.monotonic() >= trial.deadline:
        device.set_running(trial.previous)
        device.trial = None


def start_trial(
    device: TwinDevice,
    previous: TwinConfig,
    seconds: float,
    persist: str | None = None,
    owner: int | None = None,
) -> None:
    """Keep ``previous`` to return to unless the trial is confirmed within ``seconds`` (scaled for tests)."""
    scale = device.fabric.conditions.trial_scale if device.fabric else 1.0
    device.trial = Trial(previous, time.monotonic() + seconds * scale, persist, owner)


def trial_status(device: TwinDevice) -> str:
    """VRP8 ``display configuration trial status``, in the layout of Huawei's command reference."""
    trial = device.trial
    if trial is None:
        return "Trial status: INACTIVE\nTrial time left (sec): 0"
    scale = device.fabric.conditions.trial_scale if device.fabric else 1.0
    left = max(0, round((trial.deadline - time.monotonic()) / scale))
    persist = f"Persist id: {trial.persist}\n" if trial.persist else ""
    return f"Trial status: ACTIVE\n{persist}Trial time left (sec): {left}"


def in_trial(device: TwinDevice) -> bool:
    """A trial commit waits for its confirmation."""
    return device.trial is not None


class Session(BaseSession):
    """One VRP or Comware CLI session on a twin. Feed it lines; it returns what to print."""

    def __init__(self, device: TwinDevice, fault: Fault | None = None) -> None:
        super().__init__(device, fault)
        self.view = "user"  # user | system | interface | section
        self.interface = ""
        self.section = ""  # the routing section being configured (``ospfv3 1``)
        self.path: list[vpn.Block] = []  # the block views entered (``ip vpn-instance X`` → ``ipv4-family``)
        self.candidate: TwinConfig | None = None

    # --- prompts -------------------------------------------------------------------------------

    def prompt(self) -> str:
        """The prompt for the current view (VRP8 marks uncommitted changes and trials with ``*``)."""
        host = self.device.hostname
        if self.view == "user":
            return f"<{host}>"
        mark = ""
        if self.device.vrp8:
            mark = "*" if self._dirty() or in_trial(self.device) else "~"
        suffix = f"-{self.interface}" if self.view == "interface" else ""
        if self.view == "section":
            suffix = "-" + self.section.replace(" ", "-")
        if self.view == "block" and self.path:
            suffix = "-" + vpn.prompt_suffix(self.path)
        return f"[{mark}{host}{suffix}]"

    def _dirty(self) -> bool:
        platform = self.device.platform
        return self.candidate is not None and self.candidate.lines("", platform) != self.device.running.lines(
            "", platform
        )

    @property
    def config(self) -> TwinConfig:
        """What configuration commands change: the candidate on VRP8, the running config elsewhere."""
        if not self.device.vrp8:
            return self.device.running
        if self.candidate is None:
            self.candidate = self.device.running.copy()
        return self.candidate

    # --- commands ------------------------------------------------------------------------------

    def respond(self, line: str) -> str:
        """The output of one input line (without the prompt)."""
        command = " ".join(line.split())
        if self.pending_question:
            return self._answer(command)
        if not command:
            return ""
        words = command.split()
        lowered = command.lower()
        if words[0].lower() in ("display", "dis"):
            return self._display(words[1:])
        if lowered.startswith(("ping -vpn-instance ", "ping ipv6 -vpn-instance ")) and len(words) >= 4:
            return self._vpn_ping(words[-2], words[-1])
        if lowered.startswith("ping ipv6 "):
            return self._ping(words[-1])
        anywhere = self._anywhere(lowered)
        if anywhere is not None:
            return anywhere
        if self.view == "user":
            return self._user(lowered, command)
        return self._config(command, words)

    def _anywhere(self, lowered: str) -> str | None:
        """Commands every view takes: paging off, Comware's ``save force``."""
        if lowered == "screen-length 0 temporary" and not self.device.comware:
            return "Info: The configuration takes effect on the current user terminal interface only."
        if lowered == "screen-length disable" and self.device.comware:
            return "% Screen-length configuration is disabled for current user."
        if lowered == "save force" and self.device.comware:
            return self._save()
        return None

    def _user(self, lowered: str, command: str) -> str:
        if lowered in ("system-view", "sys"):
            self.view = "system"
            if self.device.comware:
                return "System View: return to User View with Ctrl+Z."
            return "Enter system view, return user view with return command."
        if lowered == "save":
            self.pending_question = "save"
            return "Warning: The current configuration will be written to the device. Continue? [Y/N]:"
        if lowered == "quit":
            raise Closed("quit")
        return self._error(command, UNRECOGNIZED)

    def _answer(self, answer: str) -> str:
        question, self.pending_question = self.pending_question, ""
        yes = answer.lower() in ("y", "yes")
        if question == "save" and yes:
            return self._save()
        if question == "leave":
            if answer.lower() in ("c", "cancel"):
                return ""
            if yes:
                self._commit()
            self.candidate = None
            self.view, self.interface = "user", ""
            return ""
        return "Info: The operation was cancelled."

    def _save(self) -> str:
        if self.faulty("drop-commit"):
            raise Closed("injected drop during save")
        if self.faulty("commit-fail"):
            return SAVE_FAILED.replace("Error: ", "% ") if self.device.comware else SAVE_FAILED
        self.device.saved = True
        if self.device.comware:
            return (
                "Validating file. Please wait...\n"
                "Saved the current configuration to mainboard device successfully."
            )
        return (
            "Now saving the current configuration to the slot 1 .\nInfo: Save the configuration successfully."
        )

    def _config(self, command: str, words: list[str]) -> str:
        lowered = command.lower()
        if lowered in ("return", "quit"):
            return self._leave(lowered)
        if self.device.vrp8 and words[0].lower() in ("commit", "abort", "clear"):
            return self._vrp8_transaction(command, lowered)
        if self.device.comware and not self.device.comware5 and lowered.startswith("configuration commit"):
            return self._comware_commit(command, words)
        if lowered.startswith("interface "):
            return self._enter_interface(command)
        if self.faulty("reject"):
            return self._error(command, UNRECOGNIZED)
        return self._in_view(command, words)

    def _in_view(self, command: str, words: list[str]) -> str:
        """A configuration line, handled by the view it is typed in."""
        handlers: dict[str, Callable[[str, list[str]], str]] = {
            "section": self._section_command,
            "block": self._block_command,
            "interface": self._interface_command,
        }
        return handlers.get(self.view, self._system_command)(command, words)

    def _section_command(self, command: str, words: list[str]) -> str:
        undo = words[0].lower() == "undo"
        line = " ".join(words[1:] if undo else words)
        if extras.section_line(self.config, self.section, line, undo, self.device.platform):
            self._touched()
            return ""
        if extras.section_header(command, self.device.platform) or words[0].lower() in ("ipv6", "ip"):
            self.view, self.section = "system", ""  # VRP takes system-view commands from a sub-view
            return self._system_command(command, words)
        return self._error(command, UNRECOGNIZED)

    def _block_command(self, command: str, words: list[str]) -> str:
        """A line in a block view: a sub-view, a line of the block, or a system-view command (VRP looks
        a command up in the parent views)."""
        undo = words[0].lower() == "undo"
        line = " ".join(words[1:] if undo else words)
        if vpn.subview(self.path, line):
            existing = self.path[-1].sub(line)
            if undo:
                if existing is not None:
                    self.path[-1].children.remove(existing)
                    self._touched()
                return ""
            if existing is None:
                existing = vpn.Block(line)
                self.path[-1].children.append(existing)
                self._touched()
            self.path.append(existing)
            return ""
        if vpn.block_header(line) or line.lower().startswith(("ip route-static", "ipv6 route-static")):
            self.view, self.path = "system", []
            return self._system_command(command, words)
        if vpn.rd_conflict(self.config, self.path, line) and not undo:
            return self._message(vpn.RD_CHANGED)
        leaves = self.path[-1].children
        if undo:
            gone = [c for c in leaves if isinstance(c, str) and (c == line or c.startswith(line + " "))]
            if not gone:
                return self._error(command, WRONG_PARAMETER, len("undo "))
            for child in gone:
                leaves.remove(child)
        elif line not in leaves:
            head = line.split()[0]
            if head in ("description", "route-distinguisher"):  # one of each: a new one replaces
                leaves[:] = [c for c in leaves if not (isinstance(c, str) and c.split()[0] == head)]
            leaves.append(line)
        self._touched()
        return ""

    def _leave(self, lowered: str) -> str:
        if lowered == "quit" and self.view == "block":
            self.path.pop()
            if not self.path:
                self.view = "system"
            return ""
        if lowered == "quit" and self.view in ("interface", "section"):
            self.view, self.interface, self.section = "system", "", ""
            return ""
        if self.device.vrp8 and self._dirty():
            self.pending_question = "leave"
            return (
                "Warning: Uncommitted configurations found. Are you sure to commit them before exiting? "
                "[Y(yes)/N(no)/C(cancel)]:"
            )
        self.view, self.interface = "user", ""
        return ""

    def _enter_interface(self, command: str) -> str:
        name = command.split(maxsplit=1)[1]
        full = expand(name, self.device.platform)
        if full not in self.config.interfaces:
            if extras.create_logical(self.config, full, self.device.platform) is None:
                return self._error(command, WRONG_PARAMETER, command.index(name))
            self._touched()
        self.view, self.interface, self.section, self.path = "interface", full, "", []
        return ""

    # --- VRP8 two-stage commit, Comware commit delay -------------------------------------------

    def _vrp8_transaction(self, command: str, lowered: str) -> str:
        words = lowered.split()
        if words[:2] == ["abort", "trial"]:
            return self._abort_trial(command, words[2:])
        if lowered == "clear configuration candidate":
            self.candidate = None
            return ""
        if words[0] != "commit":
            return self._error(command, UNRECOGNIZED)
        if self.faulty("drop-commit"):
            raise Closed("injected drop during commit")
        if self.faulty("commit-fail"):
            return COMMIT_FAILED
        return self._commit_command(command, words)

    def _commit_command(self, command: str, words: list[str]) -> str:
        """``commit``, ``commit trial [N] [persist ID]``, ``commit persist ID``."""
        if len(words) > 1 and words[1] == "trial":
            return self._commit_trial(command, words)
        if len(words) == 3 and words[1] == "persist":
            return self._confirm_persistent(command.split()[2])
        if len(words) > 1:
            return self._error(command, WRONG_PARAMETER, command.lower().index(words[1]))
        trial = self.device.trial
        if trial is not None and trial.owner == id(self) and not self._dirty():
            self.device.trial = None
            return "Info: The trial configuration is confirmed."
        self._commit()
        return ""

    def _confirm_persistent(self, persist: str) -> str:
        """``commit persist ID``: confirms a persistent trial from any session."""
        trial = self.device.trial
        if trial is None or trial.persist != persist:
            return f"Error: No trial configuration with persist ID {persist} is running."
        self.device.trial = None
        return "Info: The trial configuration is confirmed."

    def _abort_trial(self, command: str, rest: list[str]) -> str:
        trial = self.device.trial
        if trial is None:
            return "Error: No trial is running."
        if rest[:1] == ["persist"] and len(rest) == 2:
            if trial.persist != command.split()[3]:
                return f"Error: No trial configuration with persist ID {command.split()[3]} is running."
        elif rest:
            return self._error(command, WRONG_PARAMETER, command.lower().index(rest[0]))
        elif trial.owner != id(self) and trial.persist is None:
            return "Error: The trial was started by another session."
        self.device.set_running(trial.previous)
        self.device.trial = None
        return (
            "Warning: The trial configuration will be aborted and the system will be rolled back.\n"
            "Info: Succeeded in aborting the trial."
        )

    def _commit_trial(self, command: str, words: list[str]) -> str:
        seconds, rest = 600, words[2:]
        if rest and rest[0].isdigit():
            seconds, rest = int(rest[0]), rest[1:]
            if not 60 <= seconds <= 65535:
                return self._error(command, WRONG_PARAMETER, command.lower().index(words[2]))
        persist = None
        if rest[:1] == ["persist"] and len(rest) == 2:
            persist = command.rsplit(maxsplit=1)[-1]
            if persist[0].isdigit() or persist == "-":
                return self._error(command, WRONG_PARAMETER, command.rindex(persist))
        elif rest:
            return self._error(command, WRONG_PARAMETER, command.lower().index(rest[0]))
        if self.device.trial is not None:
            return "Error: The system is in trial configuration mode."
        previous = self.device.running.copy()
        self._commit()
        start_trial(self.device, previous, seconds, persist, None if persist else id(self))
        return (
            "Committing..done.\nInfo: The system enters the trial configuration mode. The system will revert "
            f"to previous configuration if the trial configuration is not confirmed in {seconds} seconds."
        )

    def _commit(self) -> None:
        if self.candidate is not None:
            self.device.set_running(self.candidate)
            self.candidate = None
            self.device.saved = False

    def _comware_commit(self, command: str, words: list[str]) -> str:
        if len(words) == 2:
            if not in_trial(self.device):
                return "% No configuration commit delay is set."
            self.device.trial = None
            return ""
        if (
            len(words) == 4
            and words[2].lower() == "delay"
            and words[3].isdigit()
            and 1 <= int(words[3]) <= 65535
        ):
            # Again before it runs out: a new timer, but the rollback point stays (H3C's guide).
            trial = self.device.trial
            previous = trial.previous if trial is not None else self.device.running.copy()
            start_trial(self.device, previous, int(words[3]) * 60)
            return (
                f"The settings will be rolled back in {words[3]} minutes unless you execute "
                "configuration commit."
            )
        return self._error(command, INCOMPLETE if len(words) < 4 else WRONG_PARAMETER)

    # --- configuration -------------------------------------------------------------------------

    def _system_command(self, command: str, words: list[str]) -> str:
        undo = words[0].lower() == "undo"
        rest = [w.lower() for w in (words[1:] if undo else words)]
        header = extras.section_header(" ".join(rest), self.device.platform)
        block = vpn.block_header(" ".join(words[1:] if undo else words))
        if block is not None:
            return self._block(block, undo)
        if rest == ["ipv6"] and self.device.spec.ipv6_global == "ipv6":
            self.config.ipv6 = not undo
        elif header is not None:
            if undo:
                self.config.sections.pop(header, None)
            else:
                self.config.sections.setdefault(header, [])
                self.view, self.section = "section", header
        elif rest[:1] == ["interface"] and undo and len(words) == 3:
            name = expand(words[2], self.device.platform)
            interface = self.config.interfaces.get(name)
            if interface is None or not interface.logical:
                return self._error(command, WRONG_PARAMETER, command.index(words[2]))
            del self.config.interfaces[name]
        elif rest[:2] in (["ip", "route-static"], ["ipv6", "route-static"]):
            line = " ".join(words[1:] if undo else words)
            if undo:
                if line not in self.config.statics:
                    return "Error: The route does not exist."
                self.config.statics.remove(line)
            elif line not in self.config.statics:
                self.config.statics.append(line)
        else:
            return self._error(command, UNRECOGNIZED)
        self._touched()
        return ""

    def _block(self, header: str, undo: bool) -> str:
        """Enter (creating it) or delete a block; deleting a VPN instance unbinds its interfaces, whose
        addresses go with the binding, as on the device."""
        if undo:
            if self.config.blocks.pop(header, None) is None:
                return self._message(
                    vpn.NO_INSTANCE
                    if header.startswith("ip vpn-instance")
                    else "Error: The ACL does not exist."
                )
            if header.startswith("ip vpn-instance "):
                name = header.split()[2]
                for interface in self.config.interfaces.values():
                    if interface.vpn == name:
                        _unbound(interface)
            self._touched()
            return ""
        block = self.config.blocks.get(header)
        if block is None:
            block = self.config.blocks[header] = vpn.Block(header)
            self._touched()
        self.view, self.path = "block", [block]
        return ""

    def _binding(self, command: str, interface: TwinInterface, rest: list[str], undo: bool) -> str:
        """``ip binding vpn-instance X``: into the instance (it must exist), the addresses removed."""
        if len(rest) != 4:
            return self._error(command, INCOMPLETE, len(command))
        name = rest[3]
        if undo:
            if interface.vpn != name:
                return self._message("Error: The interface is not bound to this VPN instance.")
        elif f"ip vpn-instance {name}" not in self.config.blocks:
            return self._message(vpn.NO_INSTANCE)
        elif interface.vpn == name:
            return ""
        interface.vpn = None if undo else name
        _unbound(interface, keep_binding=not undo)
        self._touched()
        return "" if self.device.comware else f"{vpn.BOUND_IPV4}\n{vpn.BOUND_IPV6}"

    def _interface_command(self, command: str, words: list[str]) -> str:
        interface = self.config.interfaces[self.interface]
        undo = words[0].lower() == "undo"
        rest = words[1:] if undo else words
        keyword = " ".join(rest[:2]).lower()
        handlers: dict[str, Callable[[], str]] = {
            "description": lambda: self._set(interface, "description", "" if undo else " ".join(rest[1:])),
            "shutdown": lambda: self._set(interface, "shutdown", not undo),
            "ipv6 enable": lambda: self._ipv6_enable(interface, undo),
            "ipv6 address": lambda: self._ipv6_address(command, interface, rest, undo),
            "ip address": lambda: self._ipv4_address(command, interface, rest, undo),
            "ip binding": lambda: self._binding(command, interface, rest, undo),
        }
        key = keyword if keyword in handlers else (rest[0].lower() if rest else "")
        if key not in handlers or (key == "ipv6 enable" and self.device.comware):
            if extras.interface_extra(interface, " ".join(rest), undo, self.device.platform):
                self._touched()
                return ""
            answer = self._system_command(command, words)  # VRP looks for it in the parent view
            if not answer:
                self.view, self.interface = ("system" if self.view == "interface" else self.view), ""
            return answer
        return handlers[key]()

    def _ipv6_enable(self, interface: TwinInterface, undo: bool) -> str:
        if not undo and not self.config.ipv6:
            return "Error: Please enable IPv6 in the system view first."
        return self._set(interface, "ipv6_enabled", not undo)

    def _set(self, interface: TwinInterface, attribute: str, value: object) -> str:
        setattr(interface, attribute, value)
        self._touched()
        return ""

    def _ipv6_address(self, command: str, interface: TwinInterface, rest: list[str], undo: bool) -> str:
        if undo and len(rest) == 2:  # "undo ipv6 address": all of them
            interface.ipv6.clear()
            self._touched()
            return ""
        if len(rest) != 3:
            return self._error(command, INCOMPLETE, len(command))
        try:
            address = ipaddress.IPv6Interface(rest[2])
        except ValueError:
            return self._error(command, WRONG_PARAMETER, command.index(rest[2]))
        text = f"{address.ip.compressed.upper()}/{address.network.prefixlen}"
        if undo:
            if text not in interface.ipv6:
                return self._message("Error: The address does not exist.")
            interface.ipv6.remove(text)
        else:
            if not interface.ipv6_enabled and not self.device.comware:
                return "Error: Please enable IPv6 on the interface first."
            if self.device.comware5 and not self.config.ipv6:  # Comware 5: `ipv6` in system view first
                return self._error(command, UNRECOGNIZED, command.index(rest[0]))
            interface.ipv6_enabled = True  # Comware enables IPv6 with the first address
            if text not in interface.ipv6:
                interface.ipv6.append(text)
        self._touched()
        return ""

    def _ipv4_address(self, command: str, interface: TwinInterface, rest: list[str], undo: bool) -> str:
        if undo and len(rest) == 2:
            interface.ipv4.clear()
            self._touched()
            return ""
        try:
            value = "/".join(rest[2:4]) if len(rest) == 4 else rest[2]
            address = ipaddress.IPv4Interface(value)
        except (ValueError, IndexError):
            return self._error(command, WRONG_PARAMETER if len(rest) > 2 else INCOMPLETE, len("ip address "))
        text = f"{address.ip}/{address.network.prefixlen}"
        if undo:
            if text not in interface.ipv4:
                return self._message("Error: The address does not exist.")
            interface.ipv4.remove(text)
        elif text not in interface.ipv4:
            interface.ipv4[:] = [text]  # a primary address replaces the previous one
        self._touched()
        return ""

    def _touched(self) -> None:
        if not self.device.vrp8:
            self.device.saved = False
            self.device.refresh()

    # --- display and ping ----------------------------------------------------------------------

    def _display(self, words: list[str]) -> str:
        what = " ".join(words).lower()
        device = self.device
        simple: dict[str, Callable[[], str]] = {
            "version": lambda: render.version(device),
            "esn": lambda: render.serial(device),
            "device manuinfo": lambda: render.serial(device),
            "current-configuration": lambda: "\n".join(
                device.running.lines(device.hostname, device.platform)
            ),
            "current": lambda: "\n".join(device.running.lines(device.hostname, device.platform)),
            "interface brief": lambda: render.interface_brief(device),
            "ipv6 interface brief": lambda: render.ipv6_interface_brief(device),
            "ipv6 neighbors": lambda: render.ipv6_neighbors(device),
            "ipv6 neighbors all": lambda: render.ipv6_neighbors(device),
            "ipv6 routing-table verbose": lambda: render.ipv6_routes(device),
        }
        if what in simple:
            return simple[what]()
        shown = self._display_vpn(words, what)
        if shown is not None:
            return shown
        if what == "configuration trial status" and device.vrp8:
            return trial_status(device)
        if what == "configuration candidate" and device.vrp8:
            return "\n".join((self.candidate or device.running).lines(device.hostname, device.platform))
        for prefix, show in (("ipv6 interface", render.ipv6_interfaces), ("interface", render.interfaces)):
            if what == prefix or what.startswith(prefix + " "):
                name = " ".join(words[len(prefix.split()) :])
                full = expand(name, device.platform) if name else ""
                if full and full not in device.running.interfaces:
                    return self._error(
                        "display " + " ".join(words), WRONG_PARAMETER, len(f"display {prefix} ")
                    )
                return show(device, full or None)
        return self._error("display " + " ".join(words), UNRECOGNIZED, len("display "))

    def _ping(self, target: str) -> str:
        try:
            address = ipaddress.IPv6Address(target)
        except ValueError:
            return self._error(f"ping ipv6 {target}", WRONG_PARAMETER, len("ping ipv6 "))
        fabric = self.device.fabric
        reachable = fabric is not None and fabric.reachable(self.device, str(address))
        return render.ping(self.device, str(address), reachable)

    def _display_vpn(self, words: list[str], what: str) -> str | None:
        """VPN instances, their routing tables and the ACLs (None: not one of these displays)."""
        device = self.device
        comware7 = device.comware and not device.comware5
        if what in ("ip vpn-instance", "ip vpn-instance verbose"):
            return vpn.display_instances_comware(device) if comware7 else vpn.display_instances(device)
        if what in ("acl all", "acl ipv6 all"):
            return vpn.display_acls(device, 6 if "ipv6" in what else 4)
        one = comware7 and what.startswith("ip vpn-instance instance-name ") and len(words) == 4
        table = (words[3], 0) if one else _vpn_table(words)
        if table is None:
            return None
        name, family = table
        if name not in vpn.instances(device.running):
            return self._message(vpn.NO_INSTANCE)
        if family == 0:
            return vpn.display_instance_comware(device, name)
        if comware7 and family == 4:
            return vpn.display_routes_comware(device, name)
        return vpn.display_routes(device, name, family)

    def _vpn_ping(self, name: str, target: str) -> str:
        """``ping [ipv6] -vpn-instance X A``: answered when the instance routes A over an up interface
        (the business network's router answers for what is behind it)."""
        if name not in vpn.instances(self.device.running):
            return self._message(vpn.NO_INSTANCE)
        try:
            ipaddress.ip_address(target)
        except ValueError:
            return self._error(f"ping -vpn-instance {name} {target}", WRONG_PARAMETER, len("ping "))
        route = vpn.route_lookup(self.device, name, target)
        interface = self.device.running.interfaces.get(route.interface) if route is not None else None
        return render.ping(self.device, target, interface is not None and not interface.shutdown)

    def _message(self, text: str) -> str:
        return text.replace("Error: ", "% ") if self.device.comware else text

    def _error(self, command: str, message: str, column: int = 0) -> str:
        """An error in the platform's wording: Comware starts its messages with ``%``."""
        return self._message(f"{' ' * (column + 1)}^\n{message}")


def _unbound(interface: TwinInterface, keep_binding: bool = False) -> None:
    """What binding or unbinding clears on the interface: its IPv4 and IPv6 addresses and their lines."""
    interface.ipv4.clear()
    interface.ipv6.clear()
    interface.ipv6_enabled = False
    interface.extra[:] = [e for e in interface.extra if not e.startswith(("ospfv3", "ipv6"))]
    if not keep_binding:
        interface.vpn = None


def _vpn_table(words: list[str]) -> tuple[str, int] | None:
    """``ip[v6] routing-table vpn-instance X [verbose]`` -> (X, family)."""
    lowered = [w.lower() for w in words]
    table = (
        len(words) >= 4 and lowered[0] in ("ip", "ipv6") and lowered[1:3] == ["routing-table", "vpn-instance"]
    )
    if table and lowered[4:] in ([], ["verbose"]):
        return words[3], 6 if lowered[0] == "ipv6" else 4
    return None
