"""Render validation reports: text for people, JSON for machines, SARIF 2.1.0 for CI annotations."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path
from typing import Any

from network.inventory.findings import RULES, Finding, Severity
from network.inventory.validate import Report

TOOL_NAME = "egov"
TOOL_URI = "docs/validation.md"
JSON_FORMAT_VERSION = 1


def _display_path(report: Report, file: str) -> str:
    return str(report.root / file) if file else str(report.root)


def render_text(report: Report) -> Iterator[str]:
    """Findings grouped by file, one line each with the hint below, then a summary line."""
    for file, group in groupby(report.findings, key=lambda f: f.at.file):
        yield _display_path(report, file)
        for finding in group:
            place = f"{finding.line}:{finding.column}" if finding.line else "-"
            level, code, name = finding.level.value, finding.code, finding.rule.name
            yield f"  {place:>9}  {level:<7}  {code}  {finding.message}  [{name}]"
            if finding.hint:
                yield f"  {'':>9}  {'':<7}        hint: {finding.hint}"
        yield ""
    yield summary_line(report)


def summary_line(report: Report) -> str:
    """E.g. ``2 errors, 1 warning in 3 files``."""
    files = len({f.at.file for f in report.findings})
    if not report.findings:
        return f"{report.root}: no problems"
    return (
        f"{report.errors} error{'s' * (report.errors != 1)}, {report.warnings} "
        f"warning{'s' * (report.warnings != 1)} in {files} file{'s' * (files != 1)}"
    )


def finding_dict(report: Report, finding: Finding) -> dict[str, Any]:
    """A finding as JSON-ready data (a stable shape: version 1)."""
    return {
        "code": finding.code,
        "rule": finding.rule.name,
        "severity": finding.level.value,
        "message": finding.message,
        "file": _display_path(report, finding.at.file),
        "line": finding.line,
        "column": finding.column,
        "path": finding.at.dotted(),
        "hint": finding.hint,
    }


def render_json(report: Report) -> str:
    """The report as JSON: ``{"version", "inventory", "summary", "findings"}``."""
    return json.dumps(
        {
            "version": JSON_FORMAT_VERSION,
            "inventory": str(report.root),
            "summary": {"errors": report.errors, "warnings": report.warnings},
            "findings": [finding_dict(report, f) for f in report.findings],
        },
        ensure_ascii=False,
        indent=2,
    )


def render_sarif(report: Report, version: str) -> str:
    """The report as SARIF 2.1.0, with every rule described, for code-scanning annotations."""
    rule_ids = sorted(RULES)
    index = {code: i for i, code in enumerate(rule_ids)}
    rules = [
        {
            "id": code,
            "name": RULES[code].name,
            "shortDescription": {"text": RULES[code].summary},
            "helpUri": f"{TOOL_URI}#{code.lower()}",
            "defaultConfiguration": {"level": _sarif_level(RULES[code].severity)},
        }
        for code in rule_ids
    ]
    results = []
    for finding in report.findings:
        region: dict[str, int] = {"startLine": finding.line or 1}
        if finding.column:
            region["startColumn"] = finding.column
        message = finding.message + (f" (hint: {finding.hint})" if finding.hint else "")
        results.append(
            {
                "ruleId": finding.code,
                "ruleIndex": index[finding.code],
                "level": _sarif_level(finding.level),
                "message": {"text": message},
                "locations": [
                    {
                        "physicalLocation": {
                            "artifactLocation": _artifact(_display_path(report, finding.at.file)),
                            "region": region,
                        }
                    }
                ],
            }
        )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": TOOL_NAME,
                        "version": version,
                        "informationUri": TOOL_URI,
                        "rules": rules,
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2)


def _artifact(path: str) -> dict[str, str]:
    """A relative path is relative to the checkout (SRCROOT); an absolute one becomes a file URI."""
    if path.startswith("/"):
        return {"uri": Path(path).as_uri()}
    return {"uri": Path(path).as_posix(), "uriBaseId": "%SRCROOT%"}


def _sarif_level(severity: Severity) -> str:
    return "error" if severity is Severity.ERROR else "warning"
