"""Benchmark: our parsers against ntc-templates' TextFSM on the real captures both can parse, same run.

Every capture of tests/fixtures/captures for whose platform and command ntc-templates has a template is
parsed, in a round, by:

- **ours**: the parser(s) the driver uses for that command (``display interface``: interfaces and
  counters, and the IPv4 addresses, as the drivers read it);
- **TextFSM, compiled once**: the template loaded and compiled once per command, then ``Reset`` and
  ``ParseText`` per capture (the fastest way to use TextFSM);
- **ntc-templates' parse_output**: what a user calls (it finds the template through its index each time).

Reported: the median of ``--repeat`` rounds each, captures per second and the ratios. Goal: ours at
least 3x TextFSM compiled once.

    python bench/parse_corpus.py [--repeat 5] [--rounds 20] [--update-docs]
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import textfsm  # type: ignore[import-untyped]
import yaml
from common import median_seconds, update_docs
from ntc_templates.parse import _get_template_dir, parse_output  # type: ignore[attr-defined]
from textfsm import clitable

from network.devices import addresses, brief, facts, interfaces

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "fixtures" / "captures"


def _with_ipv4(parse: Callable[[str], Any], family: str) -> Callable[[str], Any]:
    """``display interface`` as the drivers read it: interfaces and counters, and the IPv4 addresses."""
    return lambda text: (parse(text), addresses.parse_ipv4_addresses(text, family))


# Our parser for each <platform>/<command> folder of the corpus that ntc-templates has a template for;
# the command is the folder's name with spaces, the platform ntc-templates' name for the folder's.
NTC_PLATFORM = {"huawei_vrp": "huawei_vrp", "h3c_comware": "hp_comware", "cisco_ios": "cisco_ios"}
OURS: dict[str, Callable[[str], Any]] = {
    "huawei_vrp/display_interface": _with_ipv4(interfaces.parse_vrp_interfaces, "huawei"),
    "huawei_vrp/display_interface_brief": brief.parse_vrp_brief,
    "huawei_vrp/display_version": facts.parse_vrp_version,
    "huawei_vrp/display_ipv6_neighbors": facts.parse_vrp_ipv6_neighbors,
    "huawei_vrp/display_ipv6_routing-table_verbose": addresses.parse_vrp_ipv6_routes,
    "h3c_comware/display_interface": _with_ipv4(interfaces.parse_comware_interfaces, "comware"),
    "h3c_comware/display_interface_brief": brief.parse_comware_brief,
    "h3c_comware/display_device_manuinfo": facts.parse_serial,
    "cisco_ios/show_version": facts.parse_ios_version,
    "cisco_ios/show_interfaces": _with_ipv4(interfaces.parse_ios_interfaces, "ios"),
    "cisco_ios/show_ipv6_neighbors": facts.parse_ios_ipv6_neighbors,
    "cisco_ios/show_ipv6_interface_brief": addresses.parse_ios_ipv6_brief,
}


def _compiled(platform: str, command: str) -> textfsm.TextFSM:
    """The TextFSM template ntc-templates' index picks for the command, compiled once."""
    table = clitable.CliTable("index", _get_template_dir())
    row = table.index.GetRowMatch({"Platform": platform, "Command": command})
    if row < 1:
        raise SystemExit(f"ntc-templates has no template for {platform} {command!r}")
    name = table.index.index[row]["Template"].split(":")[0]
    with open(Path(_get_template_dir()) / name, encoding="utf-8") as handle:
        return textfsm.TextFSM(handle)


skipped: list[str] = []


def corpus() -> list[tuple[str, str, Callable[[str], Any], textfsm.TextFSM, str]]:
    rows = yaml.safe_load((CORPUS / "sources.yml").read_text(encoding="utf-8"))
    compiled: dict[tuple[str, str], textfsm.TextFSM] = {}
    out = []
    skipped.clear()
    for row in rows:
        platform, command = row["file"].split("/")[:2]
        ours = OURS.get(f"{platform}/{command}")
        if ours is None:
            continue
        ntc_platform, typed = NTC_PLATFORM[platform], command.replace("_", " ")
        if (ntc_platform, typed) not in compiled:
            compiled[(ntc_platform, typed)] = _compiled(ntc_platform, typed)
        text = (CORPUS / row["file"]).read_text(encoding="utf-8", errors="replace")
        fsm = compiled[(ntc_platform, typed)]
        try:  # only what both can parse: TextFSM's templates raise on some real captures
            fsm.Reset()
            fsm.ParseText(text)
            ours(text)
        except (textfsm.TextFSMError, facts.ParseError):
            skipped.append(row["file"])
            continue
        out.append((ntc_platform, typed, ours, fsm, text))
    return out


def _ours(items: list[Any], rounds: int) -> None:
    for _ in range(rounds):
        for _platform, _command, ours, _fsm, text in items:
            ours(text)


def _textfsm(items: list[Any], rounds: int) -> None:
    for _ in range(rounds):
        for _platform, _command, _ours, fsm, text in items:
            fsm.Reset()
            fsm.ParseText(text)


def _parse_output(items: list[Any], rounds: int) -> None:
    for _ in range(rounds):
        for platform, command, _ours, _fsm, text in items:
            parse_output(platform=platform, command=command, data=text)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--rounds", type=int, default=20, help="passes over the captures per timing")
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    items = corpus()
    size = sum(len(text) for *_, text in items)
    ours = median_seconds(lambda: _ours(items, args.rounds), args.repeat)
    fsm = median_seconds(lambda: _textfsm(items, args.rounds), args.repeat)
    ntc = median_seconds(lambda: _parse_output(items, max(1, args.rounds // 4)), args.repeat) * (
        args.rounds / max(1, args.rounds // 4)
    )
    per = args.rounds * len(items)
    lines = [
        f"{len(items)} captures ({size / 1000:.0f} kB) that both can parse ({len(skipped)} more that "
        f"TextFSM's templates raise on), {args.rounds} passes per timing, median of {args.repeat}:",
        "",
        "| parser | seconds | captures/s | ours is |",
        "| --- | ---: | ---: | ---: |",
        f"| ours | {ours:.3f} | {per / ours:,.0f} | |",
        f"| TextFSM, compiled once | {fsm:.3f} | {per / fsm:,.0f} | {fsm / ours:.1f}x faster |",
        f"| ntc-templates parse_output | {ntc:.3f} | {per / ntc:,.0f} | {ntc / ours:.1f}x faster |",
        "",
        f"Goal: ours at least 3x TextFSM compiled once: {'met' if fsm / ours >= 3 else 'NOT met'}.",
    ]
    text = "\n".join(lines)
    print(text)
    if args.update_docs:
        update_docs("parse_corpus", text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
