"""Planning and writing text files: statuses, diffs (full and for large files), atomic writes."""

from __future__ import annotations

from pathlib import Path

from network.textfiles import FULL_DIFF_MAX_LINES, plan_changes, write_files


def test_statuses_and_a_full_diff(tmp_path: Path) -> None:
    (tmp_path / "same.yaml").write_text("a: 1\n", encoding="utf-8")
    (tmp_path / "old.yaml").write_text("a: 1\nb: 2\n", encoding="utf-8")
    changes = {
        c.name: c
        for c in plan_changes(
            tmp_path, {"same.yaml": "a: 1\n", "old.yaml": "a: 1\nb: 3\n", "new.yaml": "c: 1\n"}
        )
    }
    assert {n: c.status for n, c in changes.items()} == {
        "same.yaml": "unchanged",
        "old.yaml": "changed",
        "new.yaml": "created",
    }
    diff = changes["old.yaml"].diff()
    assert "-b: 2" in diff and "+b: 3" in diff
    assert changes["same.yaml"].diff() == []


def test_a_large_file_shows_its_first_difference(tmp_path: Path) -> None:
    lines = [f"- id: site-{i}" for i in range(FULL_DIFF_MAX_LINES + 10)]
    (tmp_path / "big.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    lines[12345] = "- id: changed"
    (change,) = plan_changes(tmp_path, {"big.yaml": "\n".join(lines) + "\n"})
    diff = change.diff()
    assert "-- id: site-12345" in diff and "+- id: changed" in diff
    assert diff[-1].startswith("(large file: first difference at line 12346;")


def test_writes_replace_files_whole(tmp_path: Path) -> None:
    write_files(tmp_path / "out", {"a.yaml": "a: 1\n", "b.yaml": "b: 2\n"})
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.yaml", "b.yaml"], "no temporary left"
    write_files(tmp_path / "out", {"a.yaml": "a: 2\n"})
    assert (tmp_path / "out" / "a.yaml").read_text(encoding="utf-8") == "a: 2\n"
