"""Configuration the twin keeps as lines: routing sections, routing and ND lines on interfaces, and
interfaces that configuration creates (VLAN interfaces, loopbacks). Shared by the VRP/Comware and IOS
sessions; the wording per family is in :mod:`network.lab.device`.
"""

from __future__ import annotations

from network.inventory.platforms import platform_spec
from network.lab.device import (
    INTERFACE_EXTRAS,
    LOGICAL_INTERFACES,
    SECTION_CHILDREN,
    SECTION_HEADS,
    TwinConfig,
    TwinInterface,
)


def family(platform: str) -> str:
    """``ios`` or ``huawei`` (VRP and Comware share these commands)."""
    return "ios" if platform_spec(platform).family == "ios" else "huawei"


def section_header(text: str, platform: str) -> str | None:
    """``ospfv3 1`` when ``text`` opens a routing section on this platform, else None."""
    lowered = " ".join(text.split()).lower()
    for head in SECTION_HEADS[family(platform)]:
        if lowered.startswith(head + " ") and lowered[len(head) + 1 :].isdigit():
            return lowered
    return None


def section_line(config: TwinConfig, header: str, line: str, undo: bool, platform: str) -> bool:
    """Add (or with ``undo`` remove) a line of a routing section; False if the section takes no such line."""
    if not line.lower().startswith(SECTION_CHILDREN[family(platform)]):
        return False
    children = config.sections.setdefault(header, [])
    if undo:
        children[:] = [c for c in children if c != line and not c.startswith(line + " ")]
    elif line not in children:
        # One router-id: a new one replaces the old.
        if line.startswith("router-id "):
            children[:] = [c for c in children if not c.startswith("router-id ")]
        children.append(line)
    return True


def interface_extra(interface: TwinInterface, line: str, undo: bool, platform: str) -> bool:
    """Keep a routing or ND line on an interface (``undo``/``no`` removes it); False if not one of them."""
    heads = INTERFACE_EXTRAS[family(platform)]
    if not line.lower().startswith(heads):
        return False
    if line.lower() == "ipv6 nd ra halt" and family(platform) == "huawei":
        # VRP and Comware halt router advertisements by default; the configuration shows the undo.
        if undo:
            interface.extra.append(
                "undo ipv6 nd ra halt"
            ) if "undo ipv6 nd ra halt" not in interface.extra else None
        else:
            interface.extra[:] = [e for e in interface.extra if e != "undo ipv6 nd ra halt"]
        return True
    if undo:
        interface.extra[:] = [e for e in interface.extra if e != line and not e.startswith(line + " ")]
    elif line not in interface.extra:
        interface.extra.append(line)
    return True


def create_logical(config: TwinConfig, name: str, platform: str) -> TwinInterface | None:
    """A VLAN interface or loopback that ``interface NAME`` creates; None for names that must exist."""
    for prefix in LOGICAL_INTERFACES[family(platform)]:
        if name.startswith(prefix) and name[len(prefix) :].isdigit():
            interface = TwinInterface(name, None, logical=True)
            config.interfaces[name] = interface
            return interface
    return None
