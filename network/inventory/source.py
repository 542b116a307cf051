"""Read one inventory file: bytes to UTF-8 text to YAML data, every problem a finding, never a crash.

yaml-rs parses (YAML 1.2 core schema: ``yes``/``on`` stay strings; duplicate keys refused; alias
expansion bounded). A duplicate key is reported at its line by a rapidyaml scan, and the file is then
read keeping the first value so that the rest of it is still checked.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import ryml
import yaml_rs

from network.inventory.findings import Finding
from network.inventory.locate import Locator
from network.inventory.refs import NodeRef

# Alias expansion budget per file: generous for real use of anchors, fatal for a billion laughs.
MAX_ALIAS_EVENTS = 100_000
_ALIAS_LIMITS = yaml_rs.AliasLimits(max_total_replayed_events=MAX_ALIAS_EVENTS, max_replay_stack_depth=32)
_NONE: int = ryml.NONE
_LINE_RE = re.compile(r"line (\d+), column (\d+)")


@dataclass
class SourceFile:
    """The outcome of reading one file: its data (None when unreadable) and its findings."""

    name: str
    data: Any = None
    readable: bool = False
    findings: list[Finding] = field(default_factory=list)


def read_source(root: Path, name: str) -> SourceFile:
    """Read ``root/name``; decoding, syntax and structural problems become findings."""
    source = SourceFile(name)
    at = NodeRef(name, ())
    try:
        raw = (root / name).read_bytes()
    except OSError as error:
        source.findings.append(
            Finding(
                "S008", f"cannot read {name}: {error.strerror}", at, hint="check the path and permissions"
            )
        )
        return source
    text = _decode(raw, source, at)
    if text is None:
        return source
    if not text.strip() or all(
        not line.strip() or line.lstrip().startswith("#") for line in text.splitlines()
    ):
        source.findings.append(
            Finding(
                "S005",
                f"{name} is empty",
                at,
                hint="an empty file declares nothing: fill it or remove it",
                line=1,
                column=1,
            )
        )
        source.readable = True
        return source
    if not text.endswith("\n"):
        last_line = text.count("\n") + 1
        source.findings.append(
            Finding(
                "S006",
                f"{name} does not end with a newline: it may have been cut short",
                at,
                hint="check the end of the file against its source; editors add the final newline",
                line=last_line,
                column=1,
            )
        )
    source.data = _parse(text, raw, source, at)
    if source.readable and source.data is None:  # e.g. only `---` or `null`
        source.findings.append(
            Finding(
                "S005",
                f"{name} holds no data",
                at,
                hint="an empty document declares nothing: fill it or remove it",
                line=1,
                column=1,
            )
        )
    return source


def _decode(raw: bytes, source: SourceFile, at: NodeRef) -> str | None:
    if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        source.findings.append(
            Finding(
                "S002",
                f"{source.name} is UTF-16, not UTF-8",
                at,
                line=1,
                column=1,
                hint="save the file as UTF-8 (without BOM)",
            )
        )
        return None
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as error:
        line = raw.count(b"\n", 0, error.start) + 1
        line_start = raw.rfind(b"\n", 0, error.start) + 1
        column = len(raw[line_start : error.start].decode("utf-8", "replace")) + 1
        hint = "save the file as UTF-8"
        try:
            raw.decode("gb18030")
            hint = "it looks like GBK/GB18030 (Chinese Windows): convert with `iconv -f GB18030 -t UTF-8`"
        except UnicodeDecodeError:
            pass
        source.findings.append(
            Finding(
                "S002",
                f"{source.name} is not UTF-8: byte 0x{raw[error.start]:02x} cannot be decoded",
                at,
                hint=hint,
                line=line,
                column=column,
            )
        )
        return None


def _parse(text: str, raw: bytes, source: SourceFile, at: NodeRef) -> Any:
    try:
        data = yaml_rs.loads(text, parse_datetime=True, alias_limits=_ALIAS_LIMITS)
    except yaml_rs.YAMLDecodeError as error:
        message = str(error)
        if message.startswith("duplicate mapping key"):
            return _read_despite_duplicates(text, raw, source, at)
        if "alias" in message and "limit" in message:
            source.findings.append(
                Finding(
                    "S004",
                    f"anchors and aliases in {source.name} expand beyond {MAX_ALIAS_EVENTS:,} nodes",
                    at,
                    hint="write the values out: an inventory needs no deeply nested aliases",
                    line=1,
                    column=1,
                )
            )
            return None
        source.findings.append(_syntax_finding(message, at))
        return None
    except (ValueError, OverflowError, RecursionError) as error:
        source.findings.append(
            Finding(
                "S001", f"cannot read YAML: {error}", at, line=1, column=1, hint="check the file's syntax"
            )
        )
        return None
    source.readable = True
    return data


def _syntax_finding(message: str, at: NodeRef) -> Finding:
    first = message.splitlines()[0] if message else "invalid YAML"
    reason = message.splitlines()[-1].strip() if "\n" in message else first
    match = _LINE_RE.search(message)
    line, column = (int(match.group(1)), int(match.group(2))) if match else (1, 1)
    return Finding(
        "S001",
        f"invalid YAML: {reason}",
        at,
        line=line,
        column=column,
        hint="check indentation, quotes and brackets around this line",
    )


def _read_despite_duplicates(text: str, raw: bytes, source: SourceFile, at: NodeRef) -> Any:
    for key, line, column, first_line in find_duplicate_keys(raw):
        source.findings.append(
            Finding(
                "S003",
                f"duplicate key {key!r} (first at line {first_line})",
                at,
                line=line,
                column=column,
                hint="YAML keeps only one of the two values: merge them or delete one",
            )
        )
    try:
        data = yaml_rs.loads(
            text,
            parse_datetime=True,
            alias_limits=_ALIAS_LIMITS,
            duplicate_key_policy=yaml_rs.DuplicateKeyPolicy.FirstWins,
        )
    except yaml_rs.YAMLDecodeError as error:
        source.findings.append(_syntax_finding(str(error), at))
        return None
    source.readable = True
    return data


def find_duplicate_keys(raw: bytes) -> list[tuple[str, int, int, int]]:
    """Every repeated mapping key: (key, line, column, line of its first occurrence)."""
    locator = Locator(raw)
    tree = locator.tree
    if tree is None:
        return []
    duplicates: list[tuple[str, int, int, int]] = []
    stack = [tree.root_id()]
    while stack:
        node = stack.pop()
        seen: dict[bytes, int] = {}
        child = tree.first_child(node)
        while child != _NONE:
            if tree.is_container(child):
                stack.append(child)
            if tree.is_map(node) and tree.has_key(child):
                key_view = tree.key(child)
                key = bytes(key_view)
                offset = locator.offset_of(key_view) or 0
                if key in seen:
                    first_line, _ = locator.line_column(seen[key])
                    line, column = locator.line_column(offset)
                    duplicates.append((key.decode("utf-8", "replace"), line, column, first_line))
                else:
                    seen[key] = offset
            child = tree.next_sibling(child)
    return sorted(duplicates, key=lambda d: (d[1], d[2]))
