"""Every validation rule, table-driven: a bad input, the code it must raise and where."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml_rs

from network.inventory import RULES
from network.inventory.validate import UNREADABLE_CODES
from network.validation import validate
from tests.helpers import MINIMAL, ROOT, apply_edit, copy_inventory

CASES: list[dict[str, Any]] = yaml_rs.loads(
    (ROOT / "tests" / "fixtures" / "rule_cases.yaml").read_text(encoding="utf-8")
)["cases"]


def test_the_base_inventory_is_clean() -> None:
    report = validate(MINIMAL)
    assert report.findings == ()
    assert report.exit_code(strict=True) == 0


def test_every_rule_has_a_case() -> None:
    assert {case["code"] for case in CASES} == set(RULES)


@pytest.mark.parametrize("case", CASES, ids=[f"{c['code']}-{c['why'][:40]}" for c in CASES])
def test_rule(case: dict[str, Any], tmp_path: Path) -> None:
    root = copy_inventory(MINIMAL, tmp_path / "inv")
    for edit in case["edits"]:
        apply_edit(root, edit)
    report = validate(root)
    expect = case["expect"]
    matches = [f for f in report.findings if f.code == case["code"] and f.at.file == expect["file"]]
    assert matches, f"no {case['code']} in {expect['file']}; got " + ", ".join(
        f"{f.code}@{f.at.file}:{f.line}" for f in report.findings
    )
    lines = {f.line for f in matches}
    assert expect["line"] in lines, f"{case['code']} at lines {lines}, expected {expect['line']}"
    finding = next(f for f in matches if f.line == expect["line"])
    if "column" in expect:
        assert finding.column == expect["column"]
    if "hint" in expect:
        assert expect["hint"] in finding.hint, finding.hint
    assert finding.hint, "every finding tells how to fix it"
    assert finding.message
    # A file that cannot be read (any of them: the rules would see only a part) makes the whole
    # inventory unusable: exit 2, as docs/validation.md says.
    unreadable = case["code"] in UNREADABLE_CODES
    assert report.exit_code(strict=True) == (2 if unreadable else 1)
    if finding.level.value == "error":
        assert report.exit_code() == (2 if unreadable else 1)
