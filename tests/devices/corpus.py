"""The corpus of real captures and what each should read as (tests/fixtures/captures, SOURCES.md).

Every capture is listed in ``sources.yml`` with its provenance. What it should read as comes from the
source's own expected parse, turned into the toolkit's fields by the adapters below (ntc-templates'
TextFSM rows, NAPALM getters' results, genieparser's dictionaries), overlaid by ``hand.yml``: values
read by hand where the source has no parse, and corrections where its parse is wrong (each with why).

The fields, per kind of command:
- interfaces: ``{name: {enabled, up, speed (Mbit/s), mtu, mac (12 hex digits), description,
  rx_octets, tx_octets, rx_packets, tx_packets, rx_errors, tx_errors, ipv4 ["A/L"]}}``
- version: ``{model, version, uptime (seconds), serial, hostname}``
- brief: ``{name: {enabled, up, protocol_up}}``
- neighbors: ``[{address, mac, interface, state}]``
- serial: ``{serial}``
- ipv6: ``{name: ["address state", ...]}`` (global addresses)
- routes: ``[{destination, prefix_length, next_hop, protocol, interface, preference, cost, active}]``
- config: a whole configuration's facts for the isolation check (tests/devices/test_capture_corpus.py
  ``_config``), read by hand: no source parses them
An adapter gives only what its source reads; the test compares exactly the fields given.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from network.devices.names import expand
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "captures"

KIND = {
    "display_interface": "interfaces",
    "show_interfaces": "interfaces",
    "display_version": "version",
    "show_version": "version",
    "display_interface_brief": "brief",
    "display_ipv6_neighbors": "neighbors",
    "show_ipv6_neighbors": "neighbors",
    "display_device_manuinfo": "serial",
    "display_esn": "serial",
    "display_ipv6_interface": "ipv6",
    "show_ipv6_interface_brief": "ipv6",
    "display_ipv6_routing-table_verbose": "routes",
    "display_current-configuration": "config",
    "show_running-config": "config",
}


@dataclass(frozen=True)
class Capture:
    file: str  # <platform>/<command>/<name>.raw
    repository: str
    path: str
    commit: str
    licence: str
    parse: str = ""
    changed: str = ""  # what the import changed (secrets masked in whole configurations)

    @property
    def raw(self) -> Path:
        return CORPUS / self.file

    @property
    def platform(self) -> str:
        return self.file.split("/")[0]

    @property
    def command(self) -> str:
        return self.file.split("/")[1]

    @property
    def kind(self) -> str:
        return KIND[self.command]

    @property
    def name(self) -> str:
        return Path(self.file).name

    def text(self) -> str:
        return self.raw.read_text(encoding="utf-8", errors="replace")


def capture_file(stem: str) -> Path:
    """The corpus file of a capture named ``stem`` (``huawei_vrp_display_version``), whatever its command."""
    (found,) = CORPUS.glob(f"*/*/{stem}.raw")
    return found


def captures() -> list[Capture]:
    rows = yaml.safe_load((CORPUS / "sources.yml").read_text(encoding="utf-8"))
    return [Capture(**row) for row in rows]


def hand() -> dict[str, dict[str, Any]]:
    return dict(yaml.safe_load((CORPUS / "hand.yml").read_text(encoding="utf-8")) or {})


def mac(value: object) -> str:
    """12 lowercase hex digits, whatever the vendor's punctuation."""
    return re.sub(r"[^0-9a-f]", "", str(value).lower())


_MBIT_UNITS = {"k": 1 / 1000, "m": 1, "g": 1000}


def _int(value: object) -> int | None:
    text = str(value).strip()
    return int(text) if text.isdigit() else None


def _kbit(value: object) -> int | None:
    match = re.match(r"(\d+)\s*kb", str(value), re.IGNORECASE)
    return round(int(match.group(1)) / 1000) if match else None


def _compact(row: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in row.items() if v is not None and v != ""}


# --- ntc-templates rows -------------------------------------------------------------------------


def _ntc_rows(capture: Capture) -> list[dict[str, Any]]:
    data = yaml.safe_load((capture.raw.parent / capture.parse).read_text(encoding="utf-8"))
    return list(data.get("parsed_sample") or [])


def _frame_length_only(text: str, name: str) -> bool:
    """VRP switch ports print ``The Maximum Frame Length is 9216`` (a frame length, not an MTU) and
    ntc-templates' template files it as ``mtu``: the toolkit keeps MTU for the MTU only."""
    block = re.search(rf"(?ms)^{re.escape(name)} current state.*?(?=^\S+ current state|\Z)", text)
    body = block.group(0) if block else ""
    return "Maximum Frame Length" in body and not re.search(r"Maximum Transmit Unit|The MTU is", body)


def _ntc_vrp_interfaces(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    out = {}
    for row in rows:
        link = str(row["link_status"]).upper()
        name = str(row["interface"])
        out[name] = _compact(
            {
                "enabled": "ADMINISTRATIVELY" not in link,
                "up": str(row["protocol_status"]).upper().startswith("UP"),
                "mtu": None if _frame_length_only(text, name) else _int(row.get("mtu", "")),
                "speed": _int(row.get("speed", "")),
                "mac": mac(row.get("mac_address", "")) or None,
                "description": row.get("interface_description") or None,
                "ipv4": [row["ip_address"]] if row.get("ip_address") else None,
            }
        )
    return out


def _ntc_comware_interfaces(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    out = {}
    for row in rows:
        macs = row.get("hw_address") or []
        out[str(row["interface"])] = _compact(
            {
                "enabled": "ADMINISTRATIVELY" not in str(row["line_status"]).upper(),
                "speed": _kbit(row.get("bandwidth", "")),
                "mtu": _int(row.get("mtu", "")),
                "mac": mac(macs[0]) if macs else None,
                "description": row.get("description") or None,
                "ipv4": sorted(row["ip_address"]) if row.get("ip_address") else None,
            }
        )
    return out


def _ntc_ios_interfaces(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    out = {}
    for row in rows:
        address = str(row.get("ip_address") or "")
        length = str(row.get("prefix_length") or "")
        out[str(row["interface"])] = _compact(
            {
                "enabled": str(row["link_status"]).lower() != "administratively down",
                "up": str(row["protocol_status"]).lower().startswith("up"),
                "mtu": _int(row.get("mtu", "")),
                "speed": _kbit(row.get("bandwidth", "")),
                "mac": mac(row.get("mac_address", "")) or None,
                "description": row.get("description") or None,
                "rx_packets": _int(row.get("input_packets", "")),
                "tx_packets": _int(row.get("output_packets", "")),
                "rx_errors": _int(row.get("input_errors", "")),
                "tx_errors": _int(row.get("output_errors", "")),
                "ipv4": [f"{address}/{length}"] if address and length else None,
            }
        )
    return out


_UPTIME_UNITS = {
    "year": 365 * 86_400,
    "week": 604_800,
    "day": 86_400,
    "hour": 3_600,
    "minute": 60,
    "second": 1,
}


def uptime_seconds(text: str) -> int | None:
    """``2 years, 31 weeks, 6 days, 9 hours, 55 minutes`` in seconds (a year is 365 days, as IOS counts)."""
    found = re.findall(r"(\d+)\s*(year|week|day|hour|minute|second)s?", str(text))
    return sum(int(n) * _UPTIME_UNITS[unit] for n, unit in found) if found else None


def _ntc_version(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    row = rows[0]
    hardware, serial = row.get("hardware") or [""], row.get("serial") or [""]
    return _compact(
        {
            "model": row.get("model") or hardware[0] or None,
            "version": row.get("vrp_version") or row.get("version") or None,
            "uptime": uptime_seconds(row.get("uptime", "")),
            "serial": serial[0] or None,
            "hostname": row.get("hostname") or None,
        }
    )


def _ntc_vrp_brief(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    # ntc-templates keeps VRP's tags in the name ("GigabitEthernet15/1/0(10G)", "GigabitEthernet0/0/5(v)");
    # the interface is the name without its tag.
    return {
        re.sub(r"\([^)]*\)$", "", str(row["interface"])): {
            "enabled": not str(row["phy"]).startswith("*"),
            "up": str(row["phy"]).startswith("up"),
            "protocol_up": str(row["protocol"]).startswith("up"),
        }
        for row in rows
    }


def _ntc_comware_brief(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    out = {}
    for row in rows:
        link, protocol = str(row["link"]), str(row.get("protocol") or row["link"])
        out[str(row["interface"])] = {
            "enabled": link != "ADM",
            "up": link == "UP",
            "protocol_up": protocol.startswith("UP"),
        }
    return out


def _ntc_neighbors(rows: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    return [
        {
            "address": str(row.get("ipv6_address") or row.get("address")).lower(),
            "mac": mac(row["mac_address"]),
            "interface": str(row["interface"]),
            "state": str(row.get("state") or row.get("type")).upper(),
        }
        for row in rows
    ]


def _ntc_serial(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    chassis = [r for r in rows if str(r.get("slot_type", "")).lower() == "chassis"] or rows
    return {"serial": str(chassis[0]["device_serial_number"])}


def _ntc_ipv6(rows: list[dict[str, Any]], text: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for row in rows:
        found = [a for a in row.get("ipv6_address") or [] if ":" in a and not a.lower().startswith("fe80:")]
        if found:
            out[str(row["interface"])] = [f"{a.lower()} preferred" for a in found]
    return out


def _ntc_routes(rows: list[dict[str, Any]], text: str) -> list[dict[str, Any]]:
    return [
        {
            "destination": str(row["destination"]).lower(),
            "prefix_length": int(row["prefix_length"]),
            "next_hop": str(row["next_hop"]).lower(),
            "protocol": str(row["protocol"]),
            "interface": str(row["interface"]),
            "preference": int(row["preference"] or 0),
            "cost": int(row["cost"] or 0),
            "active": str(row["state"]).startswith("Active"),
        }
        for row in rows
    ]


NTC: dict[str, Callable[[list[dict[str, Any]], str], Any]] = {
    "huawei_vrp/display_interface": _ntc_vrp_interfaces,
    "h3c_comware/display_interface": _ntc_comware_interfaces,
    "cisco_ios/show_interfaces": _ntc_ios_interfaces,
    "huawei_vrp/display_version": _ntc_version,
    "cisco_ios/show_version": _ntc_version,
    "huawei_vrp/display_interface_brief": _ntc_vrp_brief,
    "h3c_comware/display_interface_brief": _ntc_comware_brief,
    "huawei_vrp/display_ipv6_neighbors": _ntc_neighbors,
    "cisco_ios/show_ipv6_neighbors": _ntc_neighbors,
    "h3c_comware/display_device_manuinfo": _ntc_serial,
    "cisco_ios/show_ipv6_interface_brief": _ntc_ipv6,
    "huawei_vrp/display_ipv6_routing-table_verbose": _ntc_routes,
}


# --- NAPALM getters' results --------------------------------------------------------------------


def _napalm(capture: Capture, data: Any) -> Any:
    getter = capture.path.split("/")[-3]
    if getter == "test_get_interfaces":
        return {
            name: _compact(
                {
                    "enabled": row["is_enabled"],
                    "up": row["is_up"],
                    "description": row.get("description") or None,
                    "mtu": row.get("mtu") if row.get("mtu", -1) > 0 else None,
                    "speed": round(row["speed"]) if row.get("speed", -1) > 0 else None,
                    "mac": mac(row.get("mac_address", "")) or None,
                }
            )
            for name, row in data.items()
        }
    if getter == "test_get_interfaces_counters":
        keys = ("rx_octets", "tx_octets", "rx_errors", "tx_errors")
        return {name: {k: row[k] for k in keys if row.get(k, -1) >= 0} for name, row in data.items()}
    if getter == "test_get_facts":  # NAPALM's VRP drivers take serial and hostname from other commands
        own = capture.platform == "cisco_ios"
        return _compact(
            {
                "model": data.get("model") or None,
                "uptime": data.get("uptime") or None,
                "serial": (data.get("serial_number") or None) if own else None,
                "hostname": (data.get("hostname") or None) if own else None,
            }
        )
    if getter == "test_get_ipv6_neighbors_table":
        return [
            {
                "address": row["ip"].lower(),
                "mac": mac(row["mac"]),
                "interface": row["interface"],
                "state": row["state"],
            }
            for row in data
        ]
    raise KeyError(getter)


# --- genieparser dictionaries ------------------------------------------------------------------


def _genie(capture: Capture, data: Any) -> Any:
    if capture.command == "show_version":
        version = data["version"]
        return _compact(
            {
                "model": version.get("chassis") or None,
                "version": version.get("version") or None,
                "uptime": uptime_seconds(version.get("uptime", "")),
                "serial": version.get("chassis_sn") or None,
                "hostname": version.get("hostname") or None,
            }
        )
    if capture.command == "show_interfaces":
        out = {}
        for name, row in data.items():
            counters = row.get("counters") or {}
            out[name] = _compact(
                {
                    "enabled": row.get("enabled"),
                    "up": (row["line_protocol"] == "up") if "line_protocol" in row else None,
                    "mtu": row.get("mtu"),
                    "speed": round(row["bandwidth"] / 1000) if "bandwidth" in row else None,
                    "mac": mac(row.get("mac_address", "")) or None,
                    "description": row.get("description") or None,
                    "rx_octets": counters.get("in_octets"),
                    "tx_octets": counters.get("out_octets"),
                    "rx_packets": counters.get("in_pkts"),
                    "tx_packets": counters.get("out_pkts"),
                    "rx_errors": counters.get("in_errors"),
                    "tx_errors": counters.get("out_errors"),
                    "ipv4": sorted(row["ipv4"]) if row.get("ipv4") else None,
                }
            )
        return out
    if capture.command == "show_ipv6_neighbors":
        return [
            {
                "address": n["ip"].lower(),
                "mac": mac(n["link_layer_address"]),
                "interface": name,
                "state": n["neighbor_state"],
            }
            for name, row in data["interface"].items()
            for n in row["neighbors"].values()
        ]
    if capture.command == "show_ipv6_interface_brief":
        out = {}
        for name, row in data["interface"].items():
            found = [
                f"{a.lower()} preferred"
                for a in row.get("ipv6_addresses") or []
                if not a.lower().startswith("fe80:")
            ]
            if found:
                out[name] = found
        return out
    raise KeyError(capture.command)


def expected(capture: Capture) -> Any:
    """What the capture should read as: the source's parse, overlaid by hand.yml."""
    base: Any = None
    if capture.parse.endswith(".yml"):
        base = NTC[f"{capture.platform}/{capture.command}"](_ntc_rows(capture), capture.text())
    elif capture.parse.endswith(".napalm.json"):
        base = _napalm(capture, json.loads((capture.raw.parent / capture.parse).read_text(encoding="utf-8")))
    elif capture.parse.endswith(".genie.json"):
        base = _genie(capture, json.loads((capture.raw.parent / capture.parse).read_text(encoding="utf-8")))
    return overlay(full_names(capture.kind, capture.platform, base), hand().get(capture.file, {}))


# A corpus folder's naming family, as a platform of the toolkit (they name interfaces alike).
NAMING = {"huawei_vrp": "huawei_vrp8", "h3c_comware": "h3c_comware7", "cisco_ios": "cisco_ios"}


def full_names(kind: str, folder: str, reading: Any) -> Any:
    """Neighbour tables abbreviate interface names (``GE0/0/1``): compare the full ones."""
    if kind != "neighbors" or reading is None:
        return reading
    return [{**n, "interface": expand(n["interface"], NAMING[folder])} for n in reading]


def overlay(base: Any, corrections: dict[str, Any]) -> Any:
    """Hand-read values over the source's: ``replace`` wholly, ``rename`` entries, ``fields`` per entry."""
    if "replace" in corrections:
        return corrections["replace"]
    if not isinstance(base, dict):
        return base
    out = dict(base)
    for old, new in corrections.get("rename", {}).items():
        out = {new if key == old else key: value for key, value in out.items()}
    for key, value in corrections.get("fields", {}).items():
        if isinstance(value, dict) and isinstance(out.get(key), dict):
            out[key] = {**out[key], **value}
        else:
            out[key] = value
    return out
