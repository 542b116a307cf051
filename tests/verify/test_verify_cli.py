"""`egov verify` as CI runs it: exit codes, the line of a planted leak in SARIF, unusable input."""

from __future__ import annotations

import json
from pathlib import Path

from network.rollout.context import load_context
from network.verify.run import intended
from tests.helpers import SHANWEI, run_egov


def _configs(tmp_path: Path) -> Path:
    """The intended configurations of the devices in scope, as HOST.cfg files."""
    directory = tmp_path / "configs"
    directory.mkdir()
    for source in intended(load_context(SHANWEI)):
        (directory / f"{source.hostname}.cfg").write_text(source.text, encoding="utf-8")
    return directory


def test_the_sample_passes() -> None:
    result = run_egov("verify", str(SHANWEI))
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no leak, nothing blocked" in result.stdout


def test_a_planted_leak_fails_with_its_line_in_sarif(tmp_path: Path) -> None:
    directory = _configs(tmp_path)
    path = directory / "SW-CORE-01.cfg"
    text = path.read_text(encoding="utf-8")
    planted = "ip route-static 203.0.113.136 255.255.255.248 198.51.100.62"
    text = text.replace(
        "ip route-static vpn-instance sw-jyj-pn1", planted + "\nip route-static vpn-instance sw-jyj-pn1", 1
    )
    path.write_text(text, encoding="utf-8")
    line = text.splitlines().index(planted) + 1
    result = run_egov("verify", str(SHANWEI), "--configs", str(directory), "--format", "sarif")
    assert result.returncode == 1, result.stderr
    (finding,) = json.loads(result.stdout)["runs"][0]["results"]
    assert finding["ruleId"] == "leak"
    location = finding["locations"][0]["physicalLocation"]
    assert location["artifactLocation"]["uri"].endswith("SW-CORE-01.cfg")
    assert location["region"]["startLine"] == line
    text_out = run_egov("verify", str(SHANWEI), "--configs", str(directory))
    assert text_out.returncode == 1 and f"SW-CORE-01.cfg:{line}" in text_out.stdout
    assert "zone:sw-zone-public -> vpn:sw-gaj-pn1 IPv4" in text_out.stdout


def test_a_missing_configuration_is_unusable_input(tmp_path: Path) -> None:
    directory = _configs(tmp_path)
    (directory / "SW-FW-01.cfg").unlink()
    result = run_egov("verify", str(SHANWEI), "--configs", str(directory))
    assert result.returncode == 2
    assert "no configuration for SW-FW-01" in result.stderr and "Traceback" not in result.stderr


def test_two_sources_at_once_are_refused(tmp_path: Path) -> None:
    result = run_egov("verify", str(SHANWEI), "--configs", str(tmp_path), "--production")
    assert result.returncode == 2 and "give one of" in result.stderr


def test_a_line_that_cannot_be_read_is_a_warning_with_its_line(tmp_path: Path) -> None:
    """A garbled address in a section the check reads: the run goes on, says which line it skipped
    (text, JSON and SARIF), and the exit code stays the verdicts'."""
    directory = _configs(tmp_path)
    path = directory / "SW-CORE-01.cfg"
    lines = path.read_text(encoding="utf-8").splitlines()
    at = next(i for i, line in enumerate(lines) if line.startswith("interface ")) + 1
    lines.insert(at, " ip address 192.0.2.300 255.255.255.0")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    text_out = run_egov("verify", str(SHANWEI), "--configs", str(directory))
    assert text_out.returncode == 0, text_out.stdout + text_out.stderr
    assert (
        f"WARNING SW-CORE-01 line {at + 1} not read: ip address 192.0.2.300 255.255.255.0" in text_out.stdout
    )
    document = json.loads(
        run_egov("verify", str(SHANWEI), "--configs", str(directory), "--format", "json").stdout
    )
    assert document["unread"] == [
        {"device": "SW-CORE-01", "line": at + 1, "text": "ip address 192.0.2.300 255.255.255.0"}
    ]
    sarif = json.loads(
        run_egov("verify", str(SHANWEI), "--configs", str(directory), "--format", "sarif").stdout
    )
    (warning,) = sarif["runs"][0]["results"]
    assert warning["ruleId"] == "unread" and warning["level"] == "warning"
    assert warning["locations"][0]["physicalLocation"]["region"]["startLine"] == at + 1
