"""Helpers shared by the tests: copy an inventory, apply edits, run the real command."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SHANWEI = ROOT / "inventories" / "shanwei"
MINIMAL = ROOT / "tests" / "fixtures" / "minimal"


def copy_inventory(source: Path, target: Path) -> Path:
    """A writable copy of an inventory directory."""
    shutil.copytree(source, target)
    return target


def apply_edit(root: Path, edit: dict[str, Any]) -> None:
    """Apply one edit of tests/fixtures/rule_cases.yaml to the inventory at ``root``."""
    path = root / edit["file"]
    if edit.get("delete"):
        path.unlink()
        return
    if "write" in edit:
        path.write_bytes(edit["write"].encode(edit.get("encoding", "utf-8")))
        return
    text = path.read_text(encoding="utf-8")
    for old, new in edit["replace"]:
        assert text.count(old) == 1, f"{edit['file']}: {old!r} must occur exactly once"
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")


def run_egov(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    """Run the installed ``egov`` command as a user would, output piped."""
    executable = Path(sys.executable).with_name("egov")
    env = {**os.environ, "NO_COLOR": "1", "COLUMNS": "200"}
    return subprocess.run(
        [str(executable), *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=300, check=False
    )


def lab_up(inventory: Path, cwd: Path, devices: str, conditions: dict[str, Any] | None = None) -> Path:
    """`egov lab up --detach` for the devices matching ``devices`` (with these conditions); its lab.json.

    The caller stops it with `egov lab down` (run in ``cwd``).
    """
    extra: list[str] = []
    if conditions is not None:
        path = cwd / "conditions.json"
        path.write_text(json.dumps(conditions), encoding="utf-8")
        extra = ["--conditions", str(path)]
    up = run_egov("lab", "up", str(inventory), "--detach", "--devices", devices, *extra, cwd=cwd)
    assert up.returncode == 0, up.stdout + up.stderr
    return cwd / "lab.json"
