"""A simulated device of the lab twin: its state, and a CLI session that speaks Huawei VRP5/VRP8.

The CLI is faithful where netmiko's stock ``huawei`` and ``huawei_vrpv8`` device types look:
``<host>`` user view, ``system-view`` -> ``[host]`` (VRP8 ``[~host]``, ``[*host]`` with uncommitted
changes), ``interface X`` -> ``[host-X]``, ``quit``, ``return``, ``undo …``, ``screen-length 0
temporary``, ``save`` with its Y/N question, VRP8 ``commit``; errors in the vendor's wording. Display
commands print the shapes of the real captures, so the toolkit's own parsers read them.
"""

from __future__ import annotations

import copy
import ipaddress
from dataclasses import dataclass, field

from network.inventory import Inventory
from network.inventory.model import Device
from network.lab import render

UNRECOGNIZED = "Error: Unrecognized command found at '^' position."
WRONG_PARAMETER = "Error: Wrong parameter found at '^' position."
SUPPORTED_PLATFORMS = ("huawei_vrp5", "huawei_vrp8", "h3c_comware7")


@dataclass
class TwinInterface:
    """An interface of a twin device: speed in Mbit/s (from the inventory), addresses as configured."""

    name: str
    speed: int | None
    description: str = ""
    shutdown: bool = False
    ipv6_enabled: bool = False
    ipv6: list[str] = field(default_factory=list)


@dataclass
class TwinConfig:
    """The configuration a twin holds (running, or a VRP8 candidate)."""

    interfaces: dict[str, TwinInterface]

    def lines(self, hostname: str) -> list[str]:
        """``display current-configuration`` in VRP's layout."""
        out = ["#", f" sysname {hostname}", "#", "ipv6", "#"]
        for interface in self.interfaces.values():
            out.append(f"interface {interface.name}")
            if interface.description:
                out.append(f" description {interface.description}")
            if interface.shutdown:
                out.append(" shutdown")
            if interface.ipv6_enabled:
                out.append(" ipv6 enable")
            out.extend(f" ipv6 address {address}" for address in interface.ipv6)
            out.append("#")
        out.append("return")
        return out


@dataclass
class TwinDevice:
    """One simulated device: identity, running configuration, and (VRP8) the pending candidate."""

    hostname: str
    platform: str
    model: str
    running: TwinConfig
    saved: bool = True

    @property
    def vrp8(self) -> bool:
        """VRP8 keeps a candidate configuration that only ``commit`` applies."""
        return self.platform == "huawei_vrp8"

    @property
    def comware(self) -> bool:
        """H3C Comware 7: VRP-like views, its own messages and ``save force``."""
        return self.platform == "h3c_comware7"


def build_devices(inventory: Inventory) -> dict[str, TwinDevice]:
    """One twin per inventory device on a Huawei platform, ports at the speed the inventory gives them."""
    twins = {}
    for device in inventory.devices:
        if device.platform in SUPPORTED_PLATFORMS:
            twins[device.hostname] = _twin(device)
    return twins


def _twin(device: Device) -> TwinDevice:
    interfaces = {
        i.name: TwinInterface(i.name, None if i.speed is None else i.speed // 10**6, i.description)
        for i in device.interfaces
    }
    return TwinDevice(device.hostname, device.platform, device.model or "AR6280", TwinConfig(interfaces))


class Session:
    """One CLI session on a twin: modes, prompts, commands. Feed it lines; it returns what to print."""

    def __init__(self, device: TwinDevice) -> None:
        self.device = device
        self.view = "user"  # user | system | interface
        self.interface = ""
        self.candidate: TwinConfig | None = None
        self.pending_question: str = ""

    # --- prompts -------------------------------------------------------------------------------

    def prompt(self) -> str:
        """The prompt for the current view (VRP8 marks uncommitted changes with ``*``)."""
        host = self.device.hostname
        if self.view == "user":
            return f"<{host}>"
        mark = ("*" if self.candidate is not None and self._dirty() else "~") if self.device.vrp8 else ""
        suffix = f"-{self.interface}" if self.view == "interface" else ""
        return f"[{mark}{host}{suffix}]"

    def _dirty(self) -> bool:
        return self.candidate is not None and self.candidate.lines("") != self.device.running.lines("")

    @property
    def config(self) -> TwinConfig:
        """What configuration commands change: the candidate on VRP8, the running config on VRP5."""
        if not self.device.vrp8:
            return self.device.running
        if self.candidate is None:
            self.candidate = copy.deepcopy(self.device.running)
        return self.candidate

    # --- commands ------------------------------------------------------------------------------

    def handle(self, line: str) -> str:
        """The output of one input line (without the prompt)."""
        command = " ".join(line.split())
        if self.pending_question:
            return self._answer(command)
        if not command:
            return ""
        words = command.split()
        head = words[0].lower()
        if head in ("display", "dis"):
            return self._display(words[1:])
        if command.lower() == "screen-length 0 temporary" and not self.device.comware:
            return "Info: The configuration takes effect on the current user terminal interface only."
        if command.lower() == "screen-length disable" and self.device.comware:
            return "% Screen-length configuration is disabled for current user."
        if command.lower() == "save force" and self.device.comware:  # Comware saves from any view
            self.device.saved = True
            return (
                "Validating file. Please wait...\n"
                "Saved the current configuration to mainboard device successfully."
            )
        if self.view == "user":
            return self._user(command)
        return self._config(command, words)

    def _user(self, command: str) -> str:
        lowered = command.lower()
        if lowered in ("system-view", "sys"):
            self.view = "system"
            if self.device.comware:
                return "System View: return to User View with Ctrl+Z."
            return "Enter system view, return user view with return command."
        if lowered == "save force" and self.device.comware:
            self.device.saved = True
            return (
                "Validating file. Please wait...\n"
                "Saved the current configuration to mainboard device successfully."
            )
        if lowered == "save":
            self.pending_question = "save"
            return "Warning: The current configuration will be written to the device. Continue? [Y/N]:"
        if lowered == "quit":
            return ""
        return self._error(command, UNRECOGNIZED)

    def _answer(self, answer: str) -> str:
        question, self.pending_question = self.pending_question, ""
        if question == "save" and answer.lower() in ("y", "yes"):
            self.device.saved = True
            return (
                "Now saving the current configuration to the slot 1 .\n"
                "Info: Save the configuration successfully."
            )
        return "Info: The operation was cancelled."

    def _config(self, command: str, words: list[str]) -> str:
        lowered = command.lower()
        if lowered == "return":
            self.view, self.interface = "user", ""
            return ""
        if lowered == "quit":
            self.view, self.interface = ("system", "") if self.view == "interface" else ("user", "")
            return ""
        if lowered == "commit" and self.device.vrp8:
            if self.candidate is not None:
                self.device.running, self.candidate = self.candidate, None
                self.device.saved = False
            return ""
        if lowered.startswith("interface "):
            name = command.split(maxsplit=1)[1]
            if name not in self.config.interfaces:
                return self._error(command, WRONG_PARAMETER, command.index(name))
            self.view, self.interface = "interface", name
            return ""
        if self.view == "interface":
            return self._interface_command(command, words)
        return self._error(command, UNRECOGNIZED)

    def _interface_command(self, command: str, words: list[str]) -> str:
        interface = self.config.interfaces[self.interface]
        undo = words[0].lower() == "undo"
        rest = words[1:] if undo else words
        keyword = " ".join(rest[:2]).lower()
        if rest and rest[0].lower() == "description":
            interface.description = "" if undo else " ".join(rest[1:])
        elif rest and rest[0].lower() == "shutdown":
            interface.shutdown = not undo
        elif keyword == "ipv6 enable":
            interface.ipv6_enabled = not undo
        elif keyword.startswith("ipv6 address") and len(rest) == 3:
            return self._ipv6_address(command, interface, rest[2], undo)
        else:
            return self._error(command, UNRECOGNIZED)
        self._touched()
        return ""

    def _ipv6_address(self, command: str, interface: TwinInterface, value: str, undo: bool) -> str:
        try:
            address = ipaddress.IPv6Interface(value)
        except ValueError:
            return self._error(command, WRONG_PARAMETER, command.index(value))
        text = f"{address.ip.compressed.upper()}/{address.network.prefixlen}"
        if undo:
            if text not in interface.ipv6:
                return "Error: The address does not exist."
            interface.ipv6.remove(text)
        else:
            if self.device.comware:
                interface.ipv6_enabled = True  # Comware enables IPv6 with the first address
            elif not interface.ipv6_enabled:
                return "Error: Please enable IPv6 on the interface first."
            if text not in interface.ipv6:
                interface.ipv6.append(text)
        self._touched()
        return ""

    def _touched(self) -> None:
        if not self.device.vrp8:
            self.device.saved = False

    # --- display -------------------------------------------------------------------------------

    def _display(self, words: list[str]) -> str:
        what = " ".join(words).lower()
        if what == "version":
            return render.version(self.device)
        if self.device.comware and what.startswith("interface") and what != "interface brief":
            name = " ".join(words[1:])
            if name and name not in self.device.running.interfaces:
                return self._error("display " + " ".join(words), WRONG_PARAMETER, len("display interface "))
            return render.comware_interfaces(self.device, name or None)
        if what in ("current-configuration", "current"):
            return "\n".join(self.device.running.lines(self.device.hostname))
        if what == "interface brief":
            return render.interface_brief(self.device)
        if what.startswith("interface"):
            name = " ".join(words[1:])
            if name and name not in self.device.running.interfaces:
                return self._error("display " + " ".join(words), WRONG_PARAMETER, len("display interface "))
            return render.interfaces(self.device, name or None)
        return self._error("display " + " ".join(words), UNRECOGNIZED, len("display "))

    def _error(self, command: str, message: str, column: int = 0) -> str:
        """An error in the platform's wording: Comware starts its messages with ``%``."""
        text = _error(command, message, column)
        return text.replace("Error: ", "% ") if self.device.comware else text


def _error(command: str, message: str, column: int = 0) -> str:
    """VRP's error: a caret under the offending position, then the message."""
    return f"{' ' * (column + 1)}^\n{message}"
