"""The isolation check's result as text, JSON or SARIF 2.1.0 (each finding on its configuration line)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from network.inventory.report import TOOL_NAME
from network.verify.check import Blame, Verdict
from network.verify.run import Result

RULES = {
    "leak": "a flow the zone policy forbids that the configurations allow",
    "blocked": "a flow the zone policy requires that the configurations block",
    "unread": "a line of a section the check reads whose values it could not read",
}
HELP_URI = "docs/zones.md#the-offline-isolation-check"


def _title(verdict: Verdict) -> str:
    packets = ", ".join(str(p) for p in verdict.packets)
    what = "allowed, the policy forbids it" if verdict.kind == "leak" else "blocked, the policy requires it"
    return f"{verdict.source} -> {verdict.destination} IPv{verdict.family} ({packets}): {what}"


def render_text(result: Result) -> str:
    """One paragraph per finding: the flow, then each line responsible."""
    out = []
    for verdict in result.verdicts:
        out.append(f"{verdict.kind.upper()} {_title(verdict)}")
        out += [f"  {blame.text(result.sources)}" for blame in verdict.blame]
    out += [f"WARNING {host} line {line.number} not read: {line.text}" for host, line in result.unread]
    leaks, blocked = len(result.leaks), len(result.blocked)
    checked = ", ".join(sorted(result.configs))
    summary = f"{leaks} leak(s), {blocked} blocked flow(s) in the configurations of {checked}"
    out.append(summary if result.verdicts else f"no leak, nothing blocked: {checked} keep the zone policy")
    return "\n".join(out) + "\n"


def _blame_dict(blame: Blame, result: Result) -> dict[str, Any]:
    return {
        "device": blame.device,
        "source": result.sources.get(blame.device),
        "line": blame.line.number if blame.line else None,
        "text": blame.line.text if blame.line else None,
        "what": blame.what,
    }


def render_json(result: Result) -> str:
    """Every finding with its packets and the lines responsible."""
    document = {
        "devices": sorted(result.configs),
        "leaks": len(result.leaks),
        "blocked": len(result.blocked),
        "findings": [
            {
                "kind": v.kind,
                "source": v.source,
                "destination": v.destination,
                "family": f"ipv{v.family}",
                "packets": [str(p) for p in v.packets],
                "responsible": [_blame_dict(b, result) for b in v.blame],
            }
            for v in result.verdicts
        ],
        "unread": [{"device": host, "line": line.number, "text": line.text} for host, line in result.unread],
    }
    return json.dumps(document, ensure_ascii=False, indent=2)


def render_sarif(result: Result, version: str) -> str:
    """SARIF 2.1.0: each finding at the first configuration line responsible for it."""
    results = []
    for verdict in result.verdicts:
        located = [b for b in verdict.blame if b.line is not None and b.device in result.sources]
        locations = [
            {
                "physicalLocation": {
                    "artifactLocation": {"uri": Path(result.sources[b.device]).as_posix()},
                    "region": {"startLine": b.line.number if b.line else 1},
                },
                "message": {"text": f"{b.device}: {b.what}"},
            }
            for b in located[:1]
        ]
        related = [
            {"physicalLocation": {"artifactLocation": {"uri": Path(result.sources[b.device]).as_posix()},
                                  "region": {"startLine": b.line.number if b.line else 1}},
             "message": {"text": f"{b.device}: {b.what}"}}
            for b in located[1:]
        ]  # fmt: skip
        entry: dict[str, Any] = {
            "ruleId": verdict.kind,
            "level": "error",
            "message": {"text": _title(verdict)},
            "locations": locations,
        }
        if related:
            entry["relatedLocations"] = related
        results.append(entry)
    for host, line in result.unread:
        where = {"artifactLocation": {"uri": Path(result.sources.get(host, host)).as_posix()},
                 "region": {"startLine": line.number}}  # fmt: skip
        text = f"{host}: not read, the check went on without it: {line.text}"
        results.append(
            {
                "ruleId": "unread",
                "level": "warning",
                "message": {"text": text},
                "locations": [{"physicalLocation": where}],
            }
        )
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": f"{TOOL_NAME} verify",
                        "version": version,
                        "informationUri": HELP_URI,
                        "rules": [
                            {"id": rule, "shortDescription": {"text": text}, "helpUri": HELP_URI}
                            for rule, text in RULES.items()
                        ],
                    }
                },
                "results": results,
            }
        ],
    }
    return json.dumps(sarif, ensure_ascii=False, indent=2)
