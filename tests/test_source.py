"""Reading files: encodings, emptiness, truncation, duplicates, alias bombs, odd shapes."""

from __future__ import annotations

import shutil
from pathlib import Path

from network.inventory import validate
from network.inventory.source import MAX_ALIAS_EVENTS, find_duplicate_keys, read_source


def _write(root: Path, name: str, data: bytes) -> None:
    (root / name).write_bytes(data)


def test_a_bom_is_accepted(minimal: Path) -> None:
    text = (minimal / "sites.yaml").read_bytes()
    _write(minimal, "sites.yaml", b"\xef\xbb\xbf" + text)
    assert validate(minimal).findings == ()


def test_gbk_is_named_with_a_conversion_hint(minimal: Path) -> None:
    _write(minimal, "departments.yaml", "departments:\n  - id: a\n    name: 市公安局\n".encode("gbk"))
    finding = next(f for f in validate(minimal).findings if f.code == "S002")
    assert finding.line == 3
    assert "GB18030" in finding.hint and "iconv" in finding.hint


def test_comment_only_file_is_empty(minimal: Path) -> None:
    _write(minimal, "systems.yaml", b"# nothing yet\n\n")
    report = validate(minimal)
    assert [f.code for f in report.findings if f.at.file == "systems.yaml"] == ["S005"]
    # An empty file is read (not unreadable): the milestone's system is now really unknown.
    assert [(f.code, f.line) for f in report.findings if f.at.file == "milestones.yaml"] == [("M003", 11)]
    assert report.exit_code() == 1


def test_empty_file_is_a_warning_that_strict_fails(minimal: Path) -> None:
    _write(minimal, "milestones.yaml", b"")
    report = validate(minimal)
    assert [f.code for f in report.findings] == ["S005"]
    assert report.exit_code() == 0
    assert report.exit_code(strict=True) == 1


def test_duplicates_are_reported_and_the_rest_still_checked(minimal: Path) -> None:
    text = (minimal / "devices.yaml").read_text(encoding="utf-8")
    text = text.replace("    role: access\n", "    role: access\n    role: core\n", 1)
    text = text.replace("    management: 192.0.2.1\n", "    management: 192.0.2.999\n", 1)
    _write(minimal, "devices.yaml", text.encode())
    codes = {(f.code, f.line) for f in validate(minimal).findings}
    assert ("S003", 33) in codes
    assert ("S010", 6) in codes  # a later problem in the same file is not hidden by the duplicate


def test_duplicate_scan_reports_both_lines() -> None:
    found = find_duplicate_keys(b"a:\n  x: 1\n  y: 2\n  x: 3\nb: [1]\nb: 2\n")
    assert found == [("x", 4, 3, 2), ("b", 6, 1, 5)]


def test_an_alias_bomb_is_refused_quickly(minimal: Path) -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    for i in range(1, 9):
        lines.append(f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]")
    lines.append("sites: [*a8]")
    _write(minimal, "sites.yaml", ("\n".join(lines) + "\n").encode())
    source = read_source(minimal, "sites.yaml")
    assert [f.code for f in source.findings] == ["S004"]
    assert f"{MAX_ALIAS_EVENTS:,}" in source.findings[0].message


def test_ordinary_anchors_are_allowed(minimal: Path) -> None:
    text = (minimal / "devices.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "    credentials: env:EGOV_SSH_CORE\n", "    credentials: &core env:EGOV_SSH_CORE\n", 1
    )
    text = text.replace("    credentials: env:EGOV_SSH_CORE\n", "    credentials: *core\n")
    _write(minimal, "devices.yaml", text.encode())
    assert validate(minimal).findings == ()


def test_several_documents_are_refused_with_a_hint(minimal: Path) -> None:
    _write(minimal, "links.yaml", b"links: []\n---\nlinks: []\n")
    finding = next(f for f in validate(minimal).findings if f.at.file == "links.yaml")
    assert finding.code == "S007"
    assert "---" in finding.hint


def test_unknown_top_level_key_suggests_the_right_one(minimal: Path) -> None:
    text = (minimal / "links.yaml").read_text(encoding="utf-8").replace("links:", "link:", 1)
    _write(minimal, "links.yaml", text.encode())
    findings = [f for f in validate(minimal).findings if f.at.file == "links.yaml"]
    assert {f.code for f in findings} == {"S012", "S011"}
    assert any("did you mean 'links'" in f.hint for f in findings)


def test_merge_keys_get_their_own_hint(minimal: Path) -> None:
    text = (minimal / "sites.yaml").read_text(encoding="utf-8")
    text = text.replace("  - id: prv\n", "  - <<: {id: x}\n    id: prv\n", 1)
    _write(minimal, "sites.yaml", text.encode())
    finding = next(f for f in validate(minimal).findings if f.code == "S012")
    assert "merge keys" in finding.hint
    assert finding.line == 2


def test_a_broken_record_does_not_cascade(minimal: Path) -> None:
    # The county fails the schema: its devices, links and towns must not be called unknown.
    text = (
        (minimal / "sites.yaml")
        .read_text(encoding="utf-8")
        .replace("    level: county\n", "    level: shire\n")
    )
    _write(minimal, "sites.yaml", text.encode())
    report = validate(minimal)
    assert [f.code for f in report.findings] == ["S010"]
    assert "use one of" in report.findings[0].hint


def test_unreadable_kind_suppresses_reference_findings(minimal: Path) -> None:
    _write(minimal, "devices.yaml", b"devices: [\n")
    codes = [f.code for f in validate(minimal).findings]
    assert codes == ["S001"]


def test_a_document_with_no_data_is_empty(minimal: Path) -> None:
    for content in (b"---\n", b"null\n", b"~\n", b"--- # nothing\n...\n"):
        _write(minimal, "milestones.yaml", content)
        assert [f.code for f in validate(minimal).findings] == ["S005"], content


def test_an_empty_required_file_is_an_error(minimal: Path) -> None:
    for name, content in (("city.yaml", b""), ("sites.yaml", b"sites: []\n"), ("city.yaml", b"city:\n")):
        root = minimal.parent / f"{name}-{len(content)}"
        shutil.copytree(minimal, root)
        _write(root, name, content)
        report = validate(root)
        empty = [f for f in report.findings if f.code == "S005"]
        assert empty and all(f.level.value == "error" for f in empty), (name, content)
        assert report.exit_code() == 1
