"""The ``egov`` command as users and CI run it: exit codes, formats, no tracebacks, plain when piped."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import MINIMAL, SHANWEI, run_egov


def _break(root: Path) -> None:
    links = root / "links.yaml"
    links.write_text(
        links.read_text(encoding="utf-8").replace("    capacity: 1G\n", "    capacity: 100M\n"),
        encoding="utf-8",
    )


def test_clean_inventory_exits_0() -> None:
    result = run_egov("validate", str(SHANWEI))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no problems" in result.stdout


def test_errors_exit_1_with_file_line_and_hint(minimal: Path) -> None:
    _break(minimal)
    result = run_egov("validate", str(minimal))
    assert result.returncode == 1
    assert f"{minimal / 'links.yaml'}\n" in result.stdout
    assert "10:5  error    T001" in result.stdout
    assert "hint: raise `capacity` to at least 1G" in result.stdout
    assert "\x1b[" not in result.stdout, "plain output when piped"


def test_warnings_fail_only_when_strict(minimal: Path) -> None:
    (minimal / "milestones.yaml").write_text("", encoding="utf-8")
    assert run_egov("validate", str(minimal)).returncode == 0
    assert run_egov("validate", "--strict", str(minimal)).returncode == 1


@pytest.mark.parametrize(
    "args",
    [
        ("validate", "/nonexistent/inventory"),
        ("validate", str(MINIMAL / "city.yaml")),
        ("validate", "--format", "xml", str(MINIMAL)),
        ("validate",),
        ("schema", "nosuchkind"),
        ("inventory", "generate", "--scale", "galaxy", "x"),
    ],
)
def test_unusable_input_exits_2_without_traceback(args: tuple[str, ...]) -> None:
    result = run_egov(*args)
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr + result.stdout


def test_missing_city_file_exits_2(minimal: Path) -> None:
    (minimal / "city.yaml").unlink()
    result = run_egov("validate", str(minimal))
    assert result.returncode == 2
    assert "S008" in result.stdout


def test_json_is_stable(minimal: Path) -> None:
    _break(minimal)
    result = run_egov("validate", "--format", "json", str(minimal))
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert report["version"] == 1
    assert report["summary"] == {"errors": 1, "warnings": 0}
    (finding,) = report["findings"]
    assert finding == {
        "code": "T001",
        "rule": "below-tier-target",
        "severity": "error",
        "message": "link cty-a-up plans 100M for county cty-a (甲县); the county tier needs 1G",
        "file": str(minimal / "links.yaml"),
        "line": 10,
        "column": 5,
        "path": "links[1].capacity",
        "hint": "raise `capacity` to at least 1G",
    }


def test_sarif_annotates_the_line(minimal: Path) -> None:
    _break(minimal)
    result = run_egov("validate", "--format", "sarif", str(minimal))
    assert result.returncode == 1
    sarif = json.loads(result.stdout)
    assert sarif["version"] == "2.1.0"
    run = sarif["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    (result_,) = run["results"]
    assert rules[result_["ruleIndex"]]["id"] == result_["ruleId"] == "T001"
    assert result_["level"] == "error"
    location = result_["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("links.yaml")
    assert location["region"] == {"startLine": 10, "startColumn": 5}


def test_summary_tables() -> None:
    result = run_egov("inventory", "summary", str(SHANWEI))
    assert result.returncode == 0
    assert "汕尾市: sites per level" in result.stdout
    assert "汕尾市: links per tier" in result.stdout
    data = json.loads(run_egov("inventory", "summary", "--json", str(SHANWEI)).stdout)
    assert data["sites_per_level"]["county"] == 6
    assert data["links_per_tier"]["county"] == {"links": 6, "target": "1G", "below_target": 0}
    assert data["systems_per_department"]["sw-gaj"]["staying"] >= 1


def test_rules_lists_every_rule() -> None:
    result = run_egov("rules")
    assert result.returncode == 0
    assert "T001" in result.stdout and "M003" in result.stdout


def test_generate_check_force_and_refusal(tmp_path: Path) -> None:
    out = tmp_path / "city"
    assert run_egov("inventory", "generate", "--check", str(out)).returncode == 1
    assert not out.exists(), "--check writes nothing"
    assert run_egov("inventory", "generate", "--seed", "7", str(out)).returncode == 0
    assert run_egov("validate", "--strict", str(out)).returncode == 0
    assert run_egov("inventory", "generate", "--seed", "7", "--check", str(out)).returncode == 0
    before = (out / "sites.yaml").read_text(encoding="utf-8")
    refused = run_egov("inventory", "generate", "--seed", "8", str(out))
    assert refused.returncode == 1 and "--force" in refused.stderr
    assert (out / "sites.yaml").read_text(encoding="utf-8") == before, "nothing half-written"
    diff = run_egov("inventory", "generate", "--seed", "8", "--check", str(out))
    assert diff.returncode == 1 and "changed" in diff.stdout and "@@" in diff.stdout
    assert run_egov("inventory", "generate", "--seed", "8", "--force", str(out)).returncode == 0
    assert (out / "sites.yaml").read_text(encoding="utf-8") != before
    assert (out / "sites.yaml").stat().st_mode & 0o044, "generated files are readable like any file"


def test_version() -> None:
    result = run_egov("--version")
    assert result.returncode == 0 and result.stdout.startswith("egov ")


def test_a_typo_in_city_yaml_is_a_finding_not_unreadable(minimal: Path) -> None:
    city = minimal / "city.yaml"
    city.write_text(city.read_text(encoding="utf-8").replace("  code:", "  cod:"), encoding="utf-8")
    result = run_egov("validate", str(minimal))
    assert result.returncode == 1
    assert "S012" in result.stdout and "did you mean 'code'" in result.stdout


def test_an_undecodable_required_file_exits_2(minimal: Path) -> None:
    (minimal / "sites.yaml").write_bytes("sites:\n  - id: prv\n    name: 省级节点\n".encode("gbk"))
    result = run_egov("validate", str(minimal))
    assert result.returncode == 2
    assert "S002" in result.stdout and "GB18030" in result.stdout


def test_sarif_paths_relative_to_the_checkout_or_file_uris(minimal: Path) -> None:
    _break(minimal)
    absolute = json.loads(run_egov("validate", "--format", "sarif", str(minimal)).stdout)
    location = absolute["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": (minimal / "links.yaml").as_uri()}
    relative = json.loads(run_egov("validate", "--format", "sarif", minimal.name, cwd=minimal.parent).stdout)
    location = relative["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]
    assert location == {"uri": "minimal/links.yaml", "uriBaseId": "%SRCROOT%"}


@pytest.mark.parametrize("target", ["file", "under-a-file"])
def test_generate_into_an_impossible_place_exits_2(tmp_path: Path, target: str) -> None:
    blocker = tmp_path / "blocker"
    blocker.write_text("not a directory", encoding="utf-8")
    out = blocker if target == "file" else blocker / "city"
    result = run_egov("inventory", "generate", str(out))
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert blocker.read_text(encoding="utf-8") == "not a directory"


def test_rich_on_a_terminal(minimal: Path) -> None:
    _break(minimal)
    leader, follower = os.openpty()
    env = {k: v for k, v in os.environ.items() if k not in ("NO_COLOR", "CI")} | {
        "TERM": "xterm-256color",
        "COLUMNS": "200",
    }
    egov = str(Path(sys.executable).with_name("egov"))
    with subprocess.Popen(
        [egov, "validate", str(minimal)], stdout=follower, stderr=follower, env=env
    ) as process:
        os.close(follower)
        chunks = []
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the terminal closes when the process exits
                break
            if not chunk:
                break
            chunks.append(chunk)
        assert process.wait(timeout=60) == 1
    os.close(leader)
    output = b"".join(chunks).decode()
    assert "\x1b[" in output, "colour on a terminal"
    assert "T001" in output and "10:5" in output
