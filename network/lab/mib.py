"""What a twin device's SNMP agent holds: SNMPv2-MIB's system group, IF-MIB and IP-MIB's ipAddressTable.

Every value is read from the twin at the moment of the request, from the same places its CLI reads:
sysDescr from ``display version`` (:func:`network.lab.render.sys_descr`), sysUpTime from the same
uptime, ifName and ifDescr as the CLI names the interface, ifAlias its description, ifHighSpeed the
speed the port runs at (the ``link_speed`` condition included), ifHCInOctets/ifHCOutOctets the octets
``display interface`` prints (ifInOctets/ifOutOctets are the same modulo 2^32: they wrap), admin and
oper status as the CLI's ``current state`` and ``Line protocol``. ipAddressTable lists the configured
IPv4 and global IPv6 addresses (IPv6 ones appear once the rollout has put them there).

A table is a sorted list of (OID, Value) rows; the agent answers GET, GETNEXT and GETBULK from it
(:mod:`network.lab.snmp`). Not modelled: link-local addresses (ipv6z), ifStackTable, counters of
multicast and broadcast packets (always 0 in the twin's CLI too).
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass

from network.lab.device import TwinDevice, TwinInterface
from network.lab.render import bandwidth, described, sys_descr

Oid = tuple[int, ...]

SYSTEM = (1, 3, 6, 1, 2, 1, 1)
IF_NUMBER = (1, 3, 6, 1, 2, 1, 2, 1, 0)
IF_ENTRY = (1, 3, 6, 1, 2, 1, 2, 2, 1)
IFX_ENTRY = (1, 3, 6, 1, 2, 1, 31, 1, 1, 1)
IP_ADDRESS_ENTRY = (1, 3, 6, 1, 2, 1, 4, 34, 1)
IP_ADDRESS_PREFIX_ORIGIN = (1, 3, 6, 1, 2, 1, 4, 32, 1, 5)

# IANAifType, IpAddressStatusTC
ETHERNET, LOOPBACK, L3_VLAN = 6, 24, 136
PREFERRED, TENTATIVE, DUPLICATE = 1, 6, 7
_STATUS = {"preferred": PREFERRED, "tentative": TENTATIVE, "duplicate": DUPLICATE}
COUNTER32, GAUGE32 = 2**32, 2**32 - 1


@dataclass(frozen=True)
class Value:
    """An SNMP value: its SMI type (``octets``, ``oid``, ``int``, ``gauge``, ``counter32``, ``counter64``,
    ``ticks``) and the Python value."""

    kind: str
    value: int | str | bytes | Oid


def parse_oid(text: str) -> Oid:
    """``1.3.6.1`` (a leading dot allowed) as a tuple of integers."""
    return tuple(int(part) for part in text.strip(".").split("."))


def _if_type(name: str) -> int:
    lowered = name.lower()
    if lowered.startswith("loopback"):
        return LOOPBACK
    if lowered.startswith(("vlanif", "vlan-interface", "vlan")):
        return L3_VLAN
    return ETHERNET


def _interface_rows(device: TwinDevice, interface: TwinInterface, index: int) -> list[tuple[Oid, Value]]:
    rx, tx = device.counters(interface)
    speed = bandwidth(device, interface) or 0
    admin = 2 if interface.shutdown else 1
    oper = 2 if interface.shutdown else 1  # the CLI's "Line protocol current state"
    mac = b"" if _if_type(interface.name) == LOOPBACK else bytes.fromhex(device.mac(interface.name))
    rx_packets, tx_packets = device.packets(rx), device.packets(tx)
    if_table = {
        1: Value("int", index),
        2: Value("octets", interface.name),
        3: Value("int", _if_type(interface.name)),
        4: Value("int", 1500),
        5: Value("gauge", min(speed * 1_000_000, GAUGE32)),
        6: Value("octets", mac),
        7: Value("int", admin),
        8: Value("int", oper),
        9: Value("ticks", 0),
        10: Value("counter32", rx % COUNTER32),
        11: Value("counter32", rx_packets % COUNTER32),
        13: Value("counter32", 0),
        14: Value("counter32", 0),
        16: Value("counter32", tx % COUNTER32),
        17: Value("counter32", tx_packets % COUNTER32),
        19: Value("counter32", 0),
        20: Value("counter32", 0),
    }
    ifx_table = {
        1: Value("octets", interface.name),
        6: Value("counter64", rx),
        7: Value("counter64", rx_packets),
        10: Value("counter64", tx),
        11: Value("counter64", tx_packets),
        15: Value("gauge", speed),
        18: Value("octets", described(device, interface)),
        19: Value("ticks", 0),
    }
    rows: list[tuple[Oid, Value]] = [
        ((*IF_ENTRY, column, index), value) for column, value in if_table.items()
    ]
    rows += [((*IFX_ENTRY, column, index), value) for column, value in ifx_table.items()]
    return rows


def _address_rows(device: TwinDevice, interface: TwinInterface, index: int) -> list[tuple[Oid, Value]]:
    rows: list[tuple[Oid, Value]] = []
    addresses = [(1, a, "preferred") for a in interface.ipv4]
    addresses += [(2, a, device.address_state(interface.name, a)) for a in interface.ipv6]
    for family, text, state in addresses:
        address = ipaddress.ip_interface(text)
        packed = address.ip.packed
        key = (family, len(packed), *packed)
        network = address.network
        prefix = (*IP_ADDRESS_PREFIX_ORIGIN, index, family, len(packed), *network.network_address.packed,
                  network.prefixlen)  # fmt: skip
        columns = {
            3: Value("int", index),
            4: Value("int", 1),  # unicast
            5: Value("oid", prefix),
            6: Value("int", 2),  # manual
            7: Value("int", _STATUS.get(state, PREFERRED)),
            8: Value("ticks", 0),
            9: Value("ticks", 0),
            10: Value("int", 1),  # active
            11: Value("int", 3),  # nonVolatile
        }
        rows += [((*IP_ADDRESS_ENTRY, column, *key), value) for column, value in columns.items()]
    return rows


def mib_rows(device: TwinDevice) -> list[tuple[Oid, Value]]:
    """Every object the device's agent holds now, sorted by OID."""
    uptime = int(device.uptime() * 100)
    rows: list[tuple[Oid, Value]] = [
        ((*SYSTEM, 1, 0), Value("octets", sys_descr(device))),
        ((*SYSTEM, 2, 0), Value("oid", parse_oid(device.spec.sys_object_id or "1.3.6.1.4.1"))),
        ((*SYSTEM, 3, 0), Value("ticks", uptime % COUNTER32)),
        ((*SYSTEM, 4, 0), Value("octets", "")),
        ((*SYSTEM, 5, 0), Value("octets", device.hostname)),
        ((*SYSTEM, 6, 0), Value("octets", "")),
        ((*SYSTEM, 7, 0), Value("int", 6)),  # internet and end-to-end layers: a router
        (IF_NUMBER, Value("int", len(device.running.interfaces))),
    ]
    for interface in device.running.interfaces.values():
        index = device.if_index(interface.name)
        rows += _interface_rows(device, interface, index)
        rows += _address_rows(device, interface, index)
    rows.sort(key=lambda row: row[0])
    return rows
