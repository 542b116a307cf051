"""Our typed results as NAPALM's models (``napalm.base.models``), for NAPALM and nornir-napalm users.

NAPALM writes ``-1`` (``-1.0`` for floats) for what a device does not report; MAC addresses are
``XX:XX:XX:XX:XX:XX`` (napalm.base.helpers.mac).
"""

from __future__ import annotations

from napalm.base import models
from napalm.base.helpers import mac as napalm_mac

from network.devices.facts import Ipv6Neighbor, Version
from network.devices.interfaces import InterfaceCounters, InterfaceState

_UNKNOWN = -1


def _int(value: int | None) -> int:
    return _UNKNOWN if value is None else value


def interface(state: InterfaceState) -> models.InterfaceDict:
    """``get_interfaces()`` entry: speed in Mbit/s (float), -1.0 when unknown."""
    return {
        "is_up": state.up,
        "is_enabled": state.enabled,
        "description": state.description,
        "last_flapped": -1.0,
        "mtu": _int(state.mtu),
        "speed": float(state.speed) if state.speed is not None else -1.0,
        "mac_address": napalm_mac(state.mac_address) if state.mac_address else "",
    }


def counters(values: InterfaceCounters) -> models.InterfaceCounterDict:
    """``get_interfaces_counters()`` entry: octets and packets, -1 for what the device does not print."""
    return {
        "tx_errors": _int(values.tx_errors),
        "rx_errors": _int(values.rx_errors),
        "tx_discards": _int(values.tx_discards),
        "rx_discards": _int(values.rx_discards),
        "tx_octets": _int(values.tx_octets),
        "rx_octets": _int(values.rx_octets),
        "tx_unicast_packets": _int(values.tx_unicast_packets),
        "rx_unicast_packets": _int(values.rx_unicast_packets),
        "tx_multicast_packets": _int(values.tx_multicast_packets),
        "rx_multicast_packets": _int(values.rx_multicast_packets),
        "tx_broadcast_packets": _int(values.tx_broadcast_packets),
        "rx_broadcast_packets": _int(values.rx_broadcast_packets),
    }


def facts(version: Version, hostname: str, interfaces: list[str], serial: str = "") -> models.FactsDict:
    """``get_facts()``: uptime in seconds (float)."""
    return {
        "os_version": version.os_version,
        "uptime": float(version.uptime) if version.uptime is not None else -1.0,
        "interface_list": sorted(interfaces),
        "vendor": version.vendor,
        "serial_number": serial,
        "model": version.model,
        "hostname": hostname,
        "fqdn": hostname,
    }


def ipv6_neighbor(entry: Ipv6Neighbor) -> models.IPV6NeighborDict:
    """``get_ipv6_neighbors_table()`` entry: age in seconds (float)."""
    return {
        "interface": entry.interface,
        "mac": napalm_mac(entry.mac) if entry.mac else "",
        "ip": entry.address,
        "age": float(entry.age) if entry.age is not None else -1.0,
        "state": entry.state,
    }
