"""Our parsers on the corpus of real captures (tests/fixtures/captures, provenance in SOURCES.md).

Each capture is checked against the source's own expected parse (ntc-templates' TextFSM result, an
independent reading) for the fields both read, and against the capture's own counter lines for what
ntc-templates does not keep (octets). Truncated and interleaved output never raises.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from network.devices.interfaces import parse_comware_interfaces
from tests.helpers import ROOT

CORPUS = ROOT / "tests" / "fixtures" / "captures"
COMWARE = sorted((CORPUS / "h3c_comware" / "display_interface").glob("*.raw"))


# Where ntc-templates' own parse is wrong on a capture, the test says so and uses the hand-read value.
NTC_WRONG: dict[str, dict[str, object]] = {
    "hp_comware_display_interface_release_0615P16.raw": {
        "why": "ntc reads `Output:` as the interface's name; the capture's first line is Eth-channel2/0:0",
        "names": ["Eth-channel2/0:0"],
    },
    "hp_comware_display_interface_stp-down_jumbo.raw": {
        "why": "ntc keeps `DOWN` of `current state: DOWN ( Administratively )`: the port is shut down",
        "enabled": {"GigabitEthernet12/0/17": False},
    },
}


def _expected(raw: Path) -> list[dict[str, object]]:
    return list(yaml.safe_load(raw.with_suffix(".yml").read_text(encoding="utf-8"))["parsed_sample"])


def _kbps(value: object) -> int | None:
    match = re.match(r"(\d+)\s*kbps", str(value))
    return round(int(match.group(1)) / 1000) if match else None


@pytest.mark.parametrize("raw", COMWARE, ids=lambda p: p.name)
def test_comware_display_interface_agrees_with_ntc_templates(raw: Path) -> None:
    text = raw.read_text(encoding="utf-8", errors="replace")
    ours = parse_comware_interfaces(text)
    theirs = {str(row["interface"]): row for row in _expected(raw)}
    wrong = NTC_WRONG.get(raw.name, {})
    if "names" in wrong:  # ntc misread the blocks: the hand-read names, and nothing of its rows
        assert list(ours) == wrong["names"], wrong["why"]
        return
    assert list(ours) == list(theirs), "every interface found, in order, and nothing else"
    enabled: dict[str, bool] = wrong.get("enabled", {})  # type: ignore[assignment]
    for name, row in theirs.items():
        state = ours[name]
        shut = "ADMINISTRATIVELY" in str(row["line_status"]).upper()
        assert state.enabled == enabled.get(name, not shut), name
        if _kbps(row["bandwidth"]) is not None:
            assert state.speed == _kbps(row["bandwidth"]), name
        if str(row.get("mtu") or "").isdigit():
            assert state.mtu == int(str(row["mtu"])), name
        macs = row.get("hw_address") or []
        if macs:
            assert state.mac_address == str(macs[0]), name  # type: ignore[index]
        if row.get("description"):
            assert state.description == str(row["description"]), name


@pytest.mark.parametrize("raw", COMWARE, ids=lambda p: p.name)
def test_comware_octets_wherever_the_capture_prints_them(raw: Path) -> None:
    text = raw.read_text(encoding="utf-8", errors="replace")
    ours = parse_comware_interfaces(text)
    names = list(ours)
    for i, name in enumerate(names):  # the block of each interface: up to the next one's header
        start = text.index(name)
        end = text.find(names[i + 1], start + len(name)) if i + 1 < len(names) else len(text)
        block = text[start:end]
        printed = re.search(r"(?im)^\s*(?:input(?: \(total\))?:\s*)?\d+ packets(?: input)?, \d+ bytes", block)
        if printed:
            assert ours[name].counters.rx_octets is not None, f"{name}: octets printed, none read"


CHUNKS = st.sampled_from([p.read_text(encoding="utf-8", errors="replace") for p in COMWARE])


@settings(max_examples=200, deadline=None)
@given(text=CHUNKS, cut=st.integers(0, 20_000), other=CHUNKS, at=st.integers(0, 20_000))
def test_truncated_and_interleaved_output_never_raises(text: str, cut: int, other: str, at: int) -> None:
    parse_comware_interfaces(text[:cut])
    parse_comware_interfaces(text[:at] + other + text[at:])
    parse_comware_interfaces("\n".join(line[: cut % 40] for line in text.splitlines()))
