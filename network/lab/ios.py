"""A minimal Cisco IOS session for the twin: enough for netmiko's stock ``cisco_ios`` device type.

``host#`` (the lab user is privileged), ``configure terminal`` -> ``host(config)#``, ``interface X`` ->
``host(config-if)#``, ``exit``, ``end``, ``no …``, ``terminal length 0``, ``terminal width``,
``write memory``; ``show version``, ``show running-config``, ``show interfaces [X]``,
``show ipv6 interface brief``, ``show ipv6 neighbors``, ``ping ipv6 X``; VRFs (``vrf definition X``,
``vrf forwarding X``, ``show vrf``, ``show ip[v6] route vrf X``, ``ping vrf X A``), access lists and
``router bgp`` as blocks with their modes (network.lab.vpn). Errors as IOS words them.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

from network.devices.names import expand
from network.lab import extras, render, vpn
from network.lab.conditions import Fault
from network.lab.device import TwinDevice, TwinInterface
from network.lab.session import BaseSession, Closed

INVALID = "% Invalid input detected at '^' marker."
INCOMPLETE = "% Incomplete command."


class IosSession(BaseSession):
    """One IOS CLI session on a twin."""

    view = "exec"  # exec | config | interface | router | block
    interface = ""
    section = ""

    def __init__(self, device: TwinDevice, fault: Fault | None = None) -> None:
        super().__init__(device, fault)
        self.path: list[vpn.Block] = []  # the block and sub-mode entered (``vrf definition X`` → its AF)

    def prompt(self) -> str:
        """``host#``, ``host(config)#``, ``host(config-if)#``, ``host(config-vrf)#`` and the like."""
        if self.view == "block" and self.path:
            return f"{self.device.hostname}{vpn.ios_prompt(self.path)}#"
        prompts = {"exec": "#", "config": "(config)#", "interface": "(config-if)#", "router": "(config-rtr)#"}
        return self.device.hostname + prompts[self.view]

    def respond(self, line: str) -> str:
        """The output of one input line (without the prompt)."""
        command = " ".join(line.split())
        if not command:
            return ""
        lowered = command.lower()
        if lowered.startswith(("show ", "sh ")) or lowered.startswith("do show "):
            return self._show(lowered.removeprefix("do ").split()[1:], command)
        if lowered.startswith("ping vrf ") and len(command.split()) == 4:
            return self._vrf_ping(command.split()[2], command.split()[3])
        if lowered.startswith("ping "):
            return self._ping(command.split()[-1])
        if self.view == "exec":
            return self._exec(lowered, command)
        return self._configure(lowered, command)

    def _configure(self, lowered: str, command: str) -> str:
        if self.view == "block":
            answer = self._block_line(lowered, command)
            if answer is not None:
                return answer
        if lowered in ("end", "exit"):
            back = "config" if lowered == "exit" and self.view in ("interface", "router") else "exec"
            self.view, self.interface, self.section = back, "", ""
            return ""
        if lowered.startswith("interface "):
            name = expand(command.split(maxsplit=1)[1].replace(" ", ""), self.device.platform)
            if name not in self.device.running.interfaces:
                if extras.create_logical(self.device.running, name, self.device.platform) is None:
                    return self._error(command, len("interface "))
                self._touched()
            self.view, self.interface = "interface", name
            return ""
        if self.faulty("reject"):
            return self._error(command)
        if self.view == "router":
            words = command.split()
            negate = words[0].lower() == "no"
            line = " ".join(words[1:] if negate else words)
            if extras.section_line(self.device.running, self.section, line, negate, self.device.platform):
                self._touched()
                return ""
            self.view, self.section = "config", ""  # IOS takes global commands from a sub-mode
        if self.view == "interface":
            return self._interface(command)
        return self._global(command)

    def _exec(self, lowered: str, command: str) -> str:
        if lowered in ("terminal length 0", "terminal no monitor") or lowered.startswith("terminal width"):
            return ""
        if lowered in ("configure terminal", "conf t"):
            self.view = "config"
            return "Enter configuration commands, one per line.  End with CNTL/Z."
        if lowered in ("write memory", "write mem", "write", "wr", "copy running-config startup-config"):
            return self._save()
        if lowered in ("exit", "quit", "logout"):
            raise Closed("exit")
        return self._error(command)

    def _save(self) -> str:
        if self.faulty("drop-commit"):
            raise Closed("injected drop during write memory")
        if self.faulty("commit-fail"):
            return "Building configuration...\n%Error opening nvram:startup-config (Device or resource busy)"
        self.device.saved = True
        return "Building configuration...\n[OK]"

    def _global(self, command: str) -> str:
        words = command.split()
        negate = words[0].lower() == "no"
        rest = words[1:] if negate else words
        lowered = [w.lower() for w in rest]
        config = self.device.running
        header = extras.section_header(" ".join(rest), self.device.platform)
        block = vpn.ios_block_header(" ".join(rest))
        if block is not None:
            return self._open_block(block, negate)
        if lowered == ["ipv6", "unicast-routing"]:
            config.ipv6 = not negate
        elif header is not None:
            if negate:
                config.sections.pop(header, None)
            else:
                config.sections.setdefault(header, [])
                self.view, self.section = "router", header
        elif lowered[:1] == ["interface"] and negate and len(rest) == 2:
            name = expand(rest[1], self.device.platform)
            found = config.interfaces.get(name)
            if found is None or not found.logical:
                return self._error(command, len("no interface "))
            del config.interfaces[name]
        elif lowered[:2] in (["ip", "route"], ["ipv6", "route"]):
            line = " ".join(rest)
            if negate and line in config.statics:
                config.statics.remove(line)
            elif not negate and line not in config.statics:
                config.statics.append(line)
        else:
            return self._error(command)
        self._touched()
        return ""

    def _interface(self, command: str) -> str:
        interface = self.device.running.interfaces[self.interface]
        words = command.split()
        negate = words[0].lower() == "no"
        rest = words[1:] if negate else words
        keyword = " ".join(rest[:2]).lower()
        handlers: dict[str, Callable[[], str]] = {
            "description": lambda: self._set(interface, "description", "" if negate else " ".join(rest[1:])),
            "shutdown": lambda: self._set(interface, "shutdown", not negate),
            "ipv6 enable": lambda: self._set(interface, "ipv6_enabled", not negate),
            "ipv6 address": lambda: self._ipv6(command, interface, rest, negate),
            "ip address": lambda: self._ipv4(command, interface, rest, negate),
            "vrf forwarding": lambda: self._vrf_forwarding(interface, rest, negate),
        }
        key = keyword if keyword in handlers else (rest[0].lower() if rest else "")
        if key not in handlers:
            if extras.interface_extra(interface, " ".join(rest), negate, self.device.platform):
                self._touched()
                return ""
            answer = self._global(command)  # IOS takes a global command in a sub-mode and leaves it
            if not answer:
                self.view, self.interface = "config" if self.view == "interface" else self.view, ""
            return answer
        return handlers[key]()

    def _open_block(self, header: str, negate: bool) -> str:
        """``vrf definition X``, an access list, ``router bgp N``: enter it (created when new); ``no``
        deletes it, and a deleted VRF's interfaces leave it with their addresses, as on IOS."""
        config = self.device.running
        if negate:
            config.blocks.pop(header, None)
            if header.startswith("vrf definition "):
                name = header.split()[2]
                for interface in config.interfaces.values():
                    if interface.vpn == name:
                        interface.vpn = None
                        interface.ipv4.clear()
                        interface.ipv6.clear()
            self._touched()
            return ""
        block = config.blocks.setdefault(header, vpn.Block(header))
        self.view, self.path, self.interface, self.section = "block", [block], "", ""
        self._touched()
        return ""

    def _block_line(self, lowered: str, command: str) -> str | None:
        """A line in a block's mode; None when it is a global command (which leaves the block)."""
        if lowered == "exit-address-family" and len(self.path) > 1:
            self.path.pop()
            return ""
        if lowered == "exit":
            self.path.pop()
            if not self.path:
                self.view = "config"
            return ""
        if lowered == "end":
            self.view, self.path = "exec", []
            return ""
        if vpn.ios_subview(self.path, command):
            header = " ".join(command.split())
            existing = self.path[-1].sub(header)
            if existing is None:
                existing = vpn.Block(header)
                self.path[-1].children.append(existing)
            self.path.append(existing)
            self._touched()
            return ""
        words = command.split()
        negate = words[0].lower() == "no"
        line = " ".join(words[1:] if negate else words)
        if not vpn.ios_leaf(self.path, line):
            self.view, self.path = "config", []
            return None
        leaves = self.path[-1].children
        if negate:
            leaves[:] = [
                c for c in leaves if not (isinstance(c, str) and (c == line or c.startswith(line + " ")))
            ]
        elif line not in leaves:
            leaves.append(line)
        self._touched()
        return ""

    def _vrf_forwarding(self, interface: TwinInterface, rest: list[str], negate: bool) -> str:
        """``vrf forwarding X``: the VRF must exist; entering or leaving it removes the interface's
        addresses, and IOS says so for each family that had one."""
        name = rest[2] if len(rest) > 2 else ""
        if not name:
            return INCOMPLETE
        if not negate and f"vrf definition {name}" not in self.device.running.blocks:
            return vpn.IOS_VRF_MISSING.format(name=name)
        if negate and interface.vpn != name:
            return ""
        action = "disabling" if negate else "enabling"
        said = [
            vpn.IOS_VRF_CLEARED.format(interface=interface.name, family=family, action=action, name=name)
            for family, held in (("IPv4", interface.ipv4), ("IPv6", interface.ipv6))
            if held and interface.vpn != (None if negate else name)
        ]
        if interface.vpn != (None if negate else name):
            interface.ipv4.clear()
            interface.ipv6.clear()
        interface.vpn = None if negate else name
        self._touched()
        return "\n".join(said)

    def _vrf_ping(self, name: str, target: str) -> str:
        """``ping vrf X A``: answered when the VRF routes A over an up interface."""
        if name not in vpn.instances(self.device.running):
            return f"% VRF {name} does not have a usable source address"
        try:
            ipaddress.ip_address(target)
        except ValueError:
            return "% Unrecognized host or address, or protocol not running."
        route = vpn.route_lookup(self.device, name, target)
        interface = self.device.running.interfaces.get(route.interface) if route is not None else None
        return render.ios_ping(target, interface is not None and not interface.shutdown)

    def _set(self, interface: TwinInterface, attribute: str, value: object) -> str:
        setattr(interface, attribute, value)
        self._touched()
        return ""

    def _ipv6(self, command: str, interface: TwinInterface, rest: list[str], negate: bool) -> str:
        if negate and len(rest) == 2:
            interface.ipv6.clear()
            return self._set(interface, "ipv6_enabled", interface.ipv6_enabled)
        try:
            address = ipaddress.IPv6Interface(rest[2])
        except (ValueError, IndexError):
            return INCOMPLETE if len(rest) < 3 else self._error(command, command.index(rest[2]))
        text = f"{address.ip.compressed.upper()}/{address.network.prefixlen}"
        if negate and text in interface.ipv6:
            interface.ipv6.remove(text)
        elif not negate and text not in interface.ipv6:
            interface.ipv6.append(text)
        self._touched()
        return ""

    def _ipv4(self, command: str, interface: TwinInterface, rest: list[str], negate: bool) -> str:
        if negate and len(rest) == 2:
            interface.ipv4.clear()
            self._touched()
            return ""
        try:
            address = ipaddress.IPv4Interface("/".join(rest[2:4]))
        except (ValueError, IndexError):
            return INCOMPLETE if len(rest) < 4 else self._error(command, len("ip address "))
        text = f"{address.ip}/{address.network.prefixlen}"
        if negate:
            if text in interface.ipv4:
                interface.ipv4.remove(text)
        else:
            interface.ipv4[:] = [text]
        self._touched()
        return ""

    def _touched(self) -> None:
        self.device.saved = False
        self.device.refresh()

    def _show(self, words: list[str], command: str) -> str:
        what = " ".join(words)
        device = self.device
        shows: dict[str, Callable[[], str]] = {
            "version": lambda: render.ios_version(device),
            "running-config": lambda: "\n".join(device.running.lines(device.hostname, device.platform)),
            "run": lambda: "\n".join(device.running.lines(device.hostname, device.platform)),
            "ipv6 interface brief": lambda: render.ios_ipv6_interface_brief(device),
            "ipv6 neighbors": lambda: render.ios_ipv6_neighbors(device),
        }
        if what in shows:
            return shows[what]()
        if what == "vrf":
            return vpn.show_vrf(device)
        if len(words) == 4 and words[0] in ("ip", "ipv6") and words[1:3] == ["route", "vrf"]:
            name = command.rsplit(maxsplit=1)[-1]
            if name not in vpn.instances(device.running):
                return f"% IP routing table {name} does not exist"
            show = vpn.show_ip_route_vrf if words[0] == "ip" else vpn.show_ipv6_route_vrf
            return show(device, name)
        if what == "interfaces" or what.startswith("interfaces "):
            name = expand("".join(words[1:]), device.platform) if len(words) > 1 else ""
            if name and name not in device.running.interfaces:
                return self._error(command, len("show interfaces "))
            return render.ios_interfaces(device, name or None)
        return self._error(command, len("show "))

    def _ping(self, target: str) -> str:
        try:
            address = str(ipaddress.IPv6Address(target))
        except ValueError:
            return "% Unrecognized host or address, or protocol not running."
        fabric = self.device.fabric
        return render.ios_ping(address, fabric is not None and fabric.reachable(self.device, address))

    def _error(self, command: str, column: int = 0) -> str:
        # IOS puts the caret under the offending character, counting the prompt.
        return f"{' ' * (len(self.prompt()) + column)}^\n{INVALID}"
