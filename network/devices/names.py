"""Interface names: devices abbreviate them in tables (``GE0/0/1``, ``Gi0/1``); we key on full names.

``expand`` turns a printed name into the full name ``display interface`` uses, per platform family;
``abbreviate`` is the inverse the lab twin uses to print tables the way the devices do.
"""

from __future__ import annotations

import re

from network.inventory.platforms import platform_spec

# (full, short) pairs, longest full name first so that "XGigabitEthernet" wins over "GigabitEthernet".
_HUAWEI = (
    ("XGigabitEthernet", "XGE"),
    ("GigabitEthernet", "GE"),
    ("Ethernet", "Eth"),
)
_COMWARE = (
    ("Ten-GigabitEthernet", "XGE"),
    ("M-GigabitEthernet", "MGE"),
    ("GigabitEthernet", "GE"),
    ("Bridge-Aggregation", "BAGG"),
    ("Route-Aggregation", "RAGG"),
    ("Vlan-interface", "Vlan"),
    ("LoopBack", "Loop"),
)
_IOS = (
    ("TenGigabitEthernet", "Te"),
    ("GigabitEthernet", "Gi"),
    ("FastEthernet", "Fa"),
    ("Port-channel", "Po"),
    ("Loopback", "Lo"),
    ("Ethernet", "Et"),
)
_TABLES = {"huawei": _HUAWEI, "comware": _COMWARE, "ios": _IOS}
_SPLIT = re.compile(r"^(?P<kind>[A-Za-z-]+?)(?P<rest>\d.*)$")


def family(platform: str) -> str:
    """The naming family of an inventory platform: ``huawei``, ``comware`` or ``ios``."""
    return platform_spec(platform).family


def expand(name: str, platform: str) -> str:
    """``GE0/0/1`` -> ``GigabitEthernet0/0/1`` (Huawei); names already full are returned unchanged."""
    match = _SPLIT.match(name)
    if match is None:
        return name
    kind = match.group("kind")
    for full, short in _TABLES[family(platform)]:
        if kind == short or (len(kind) > len(short) and full.lower().startswith(kind.lower())):
            return full + match.group("rest")
    return name


def abbreviate(name: str, platform: str) -> str:
    """``GigabitEthernet0/0/1`` -> ``GE0/0/1`` as the platform prints it in tables."""
    for full, short in _TABLES[family(platform)]:
        if name.startswith(full) and name[len(full) : len(full) + 1].isdigit():
            return short + name[len(full) :]
    return name
