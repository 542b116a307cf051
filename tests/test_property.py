"""Property: whatever an inventory is mutated into, validation ends in findings or a clean pass.

Mutations: delete keys, change value types, break references, inject duplicate keys, non-UTF-8
bytes, truncation, YAML punctuation. Never an exception, and every report renders in every format.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Any

import pytest
import yaml_rs
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from network.emit import dump_file
from network.inventory import RULES
from network.inventory.loader import FILE_KINDS
from network.inventory.report import render_json, render_sarif, render_text
from network.validation import validate
from tests.helpers import MINIMAL, SHANWEI

FILES = [kind.filename for kind in FILE_KINDS]
ODD_VALUES = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-5, 10**12),
    st.text(max_size=12),
    st.lists(st.integers(), max_size=2),
    st.dictionaries(st.text(max_size=4), st.integers(), max_size=2),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix] if prefix else []
    if isinstance(value, dict):
        for key, child in value.items():
            out.extend(_paths(child, (*prefix, key)))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            out.extend(_paths(child, (*prefix, index)))
    return out


def _parent(data: Any, path: tuple[Any, ...]) -> Any:
    for step in path[:-1]:
        data = data[step]
    return data


@st.composite
def structural(draw: st.DrawFn, base: Path = MINIMAL) -> tuple[str, str]:
    """A file rewritten after deleting a key, changing a value's type or breaking a reference."""
    name = draw(st.sampled_from(FILES))
    data = yaml_rs.loads((base / name).read_text(encoding="utf-8"))
    paths = _paths(data)
    path = draw(st.sampled_from(paths))
    parent = _parent(data, path)
    action = draw(st.sampled_from(["delete", "retype", "rename"]))
    if action == "delete":
        del parent[path[-1]]
    elif action == "retype":
        parent[path[-1]] = draw(ODD_VALUES)
    else:
        parent[path[-1]] = draw(st.sampled_from(["cty-x", "NOPE-01", "GigabitEthernet9/9/9", "", "village"]))
    kind = name.removesuffix(".yaml")
    body = data.get(kind) if isinstance(data, dict) else data
    return name, dump_file(kind, body, []) if isinstance(data, dict) and kind in data else str(data)


@st.composite
def textual(draw: st.DrawFn, base: Path = MINIMAL) -> tuple[str, bytes]:
    """A file with bytes changed: duplicated lines, bad bytes, truncation, YAML punctuation."""
    name = draw(st.sampled_from([*FILES, "addressing.yaml", "allocations.lock.yaml"]))
    raw = (base / name).read_bytes()
    action = draw(st.sampled_from(["duplicate", "bytes", "truncate", "punctuate"]))
    lines = raw.split(b"\n")
    if action == "duplicate":
        i = draw(st.integers(0, len(lines) - 1))
        lines.insert(i, lines[i])
        return name, b"\n".join(lines)
    at = draw(st.integers(0, len(raw)))
    if action == "bytes":
        return name, raw[:at] + draw(
            st.sampled_from([b"\xff", b"\xc3", b"\xca\xa1\xbc", b"\x00", b"\xfe\xff"])
        ) + raw[at:]
    if action == "truncate":
        return name, raw[:at]
    punctuation = draw(st.sampled_from([b":", b"- ", b"[", b"{", b"&a ", b"*a", b"\t", b"'", b"!!int "]))
    return name, raw[:at] + punctuation + raw[at:]  # inserted: the rest of the file stays
    +raw[at:]


def _check(root: Path) -> None:
    report = validate(root)
    for finding in report.findings:
        assert finding.code in RULES
        assert (root / finding.at.file).parent == root
        assert finding.line is None or finding.line >= 1
        assert finding.message
    # 2 exactly when city.yaml or sites.yaml cannot be read at all; otherwise findings decide.
    assert report.exit_code() == (2 if report.unusable else (1 if report.errors else 0))
    "\n".join(render_text(report))
    render_json(report)
    render_sarif(report, "test")


def _mutated(base: Path, change: tuple[str, str | bytes], tmp_path_factory: Any) -> None:
    """Copy ``base``, replace one file with the mutated content, validate."""
    root = tmp_path_factory.mktemp("inv")
    shutil.copytree(base, root, dirs_exist_ok=True)
    name, content = change
    (root / name).write_bytes(content.encode() if isinstance(content, str) else content)
    _check(root)


# EGOV_PROPERTY_EXAMPLES raises the count for a deeper local run (CI keeps the default).
SETTINGS = settings(
    max_examples=int(os.environ.get("EGOV_PROPERTY_EXAMPLES", "120")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
# The Shanwei sample itself: fewer examples, each validates ~900 sites, 1,700 devices and links.
SAMPLE_SETTINGS = settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


@pytest.mark.parametrize("mutation", [structural, textual])
@SETTINGS
@given(data=st.data())
def test_mutations_never_crash(mutation: Any, data: st.DataObject, tmp_path_factory: Any) -> None:
    _mutated(MINIMAL, data.draw(mutation()), tmp_path_factory)


@pytest.mark.parametrize("mutation", [structural, textual])
@SAMPLE_SETTINGS
@given(data=st.data())
def test_mutations_of_the_sample_never_crash(
    mutation: Any, data: st.DataObject, tmp_path_factory: Any
) -> None:
    _mutated(SHANWEI, data.draw(mutation(SHANWEI)), tmp_path_factory)
