"""The ledger's hash chain and its signed checkpoints: what makes a quiet edit visible.

Every event carries ``prev`` (its predecessor's chain value) and ``chain`` = SM3(``prev`` + the event's
canonical JSON: system, time, actor, kind, step, states, result, detail, evidence and its SHA-256, run;
not its sequence number, so that an event moved is told from one edited). The first event's ``prev`` is
:data:`GENESIS`. An event edited after it was written no longer hashes to its ``chain``; a deleted one
leaves a gap in the sequence; after one inserted, moved or deleted (and the numbers closed up), an
event no longer follows its predecessor. Whoever rewrites the whole chain after an edit (SM3 has no key) is
caught by a *checkpoint*: the chain value at a sequence number, signed with SM2 by a key the operator
holds (:mod:`network.migration.sm2`); a checkpoint the recomputed chain does not reach, or whose
signature fails, names what changed since it was signed.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.migration import sm2
from network.migration.integrity import canonical_json
from network.migration.sm3 import new as sm3

GENESIS = "0" * 64
SIGNED_AS = "egov migration ledger checkpoint"


def chain_hash(prev: str, content: tuple[Any, ...]) -> str:
    """SM3 of the predecessor's chain value and the event's content (its row after ``seq``, in order)."""
    digest = sm3()
    digest.update(prev.encode("ascii") + b"\n" + canonical_json(list(content)).encode("utf-8"))
    return str(digest.hexdigest())


def checkpoint_message(seq: int, chain: str, at: float) -> bytes:
    """What a checkpoint's signature covers."""
    return canonical_json({"what": SIGNED_AS, "seq": seq, "chain": chain, "at": at}).encode("utf-8")


@dataclass(frozen=True)
class Finding:
    """Something the chain or a checkpoint shows was changed: the event (or checkpoint) and what."""

    seq: int
    system: str
    kind: str  # edited | deleted | moved | checkpoint | signature | truncated
    what: str


@dataclass
class ChainReport:
    """What verifying a ledger found: its events and checkpoints, and every finding."""

    events: int = 0
    checkpoints: int = 0
    head: str = GENESIS
    findings: list[Finding] = field(default_factory=list)
    anchored: bool = False  # the checkpoints were verified with a key given by the operator

    @property
    def intact(self) -> bool:
        return not self.findings


CONTENT_COLUMNS = (
    "seq, system, at, actor, kind, step, from_state, to_state, result, detail, evidence, evidence_sha256, run"
)


def verify_chain(db: sqlite3.Connection, public_pem: str | None) -> ChainReport:
    """Walk the events in sequence, recompute the chain, check every checkpoint and its signature."""
    report = ChainReport(anchored=public_pem is not None)
    chains: dict[int, str] = {}
    previous_seq, previous_chain = 0, GENESIS
    rows = db.execute(f"SELECT {CONTENT_COLUMNS}, prev, chain FROM events ORDER BY seq")
    for row in rows:
        content, prev, chain = row[:-2], row[-2], row[-1]
        seq, system = int(row[0]), str(row[1])
        report.events += 1
        if seq != previous_seq + 1:
            missing = f"{previous_seq + 1}" if seq == previous_seq + 2 else f"{previous_seq + 1}–{seq - 1}"
            report.findings.append(
                Finding(
                    previous_seq + 1,
                    system,
                    "deleted",
                    f"event {missing} missing: {previous_seq} is followed by {seq}",
                )
            )
        recomputed = chain_hash(prev or "", content[1:])
        if recomputed != chain:
            report.findings.append(_edited(seq, system, row))
        elif prev != previous_chain and seq == previous_seq + 1:
            what = (
                f"event {seq} ({_label(row)}) does not follow event {previous_seq}: "
                "an event was inserted, moved or deleted here"
            )
            report.findings.append(Finding(seq, system, "moved", what))
        # carry on from what the event says, so one change is reported once, where it is
        chains[seq] = recomputed
        previous_seq, previous_chain = seq, str(chain)
    report.head = previous_chain
    for seq, chain, at, actor, public, signature in db.execute(
        "SELECT seq, chain, at, actor, public_key, signature FROM checkpoints ORDER BY seq"
    ):
        report.checkpoints += 1
        key = public_pem if public_pem is not None else public
        if not sm2.verify(checkpoint_message(seq, chain, at), bytes.fromhex(signature), key):
            which = "the operator's key" if public_pem is not None else "the key it names"
            report.findings.append(
                Finding(
                    seq,
                    "",
                    "signature",
                    f"checkpoint at event {seq} (by {actor}): its signature fails with {which}",
                )
            )
        elif seq not in chains:
            report.findings.append(
                Finding(
                    seq,
                    "",
                    "truncated",
                    f"checkpoint at event {seq} (by {actor}): the ledger no longer reaches it",
                )
            )
        elif chains[seq] != chain:
            what = (
                f"checkpoint at event {seq} (by {actor}): the events up to it no longer hash to what was "
                "signed: one of them was edited, inserted, deleted or reordered, and the chain rewritten"
            )
            report.findings.append(Finding(seq, "", "checkpoint", what))
    return report


def _edited(seq: int, system: str, row: tuple[Any, ...]) -> Finding:
    return Finding(
        seq, system, "edited", f"event {seq} ({_label(row)}) does not hash to its chain value: edited"
    )


def _label(row: tuple[Any, ...]) -> str:
    system, kind, step = row[1], row[4], row[5]
    return f"{system}, {step or kind}"


# --- the evidence bundle -------------------------------------------------------------------------------

BUNDLE_FILES = ("events.jsonl", "chain.jsonl", "checkpoints.json")


def export_bundle(db: sqlite3.Connection, system: str, state: str, out: Path) -> dict[str, Any]:
    """A system's evidence for the security assessment, checkable offline: its events in full (with
    their evidence), the chain's values of every event (hashes only: the other systems' content stays
    home), the checkpoints, and a manifest with each file's SHA-256 and SM3. Returns the manifest."""
    out.mkdir(parents=True, exist_ok=True)
    rows = db.execute(
        f"SELECT {CONTENT_COLUMNS}, prev, chain FROM events WHERE system = ? ORDER BY seq", (system,)
    )
    with (out / "events.jsonl").open("w", encoding="utf-8") as events:
        for row in rows:
            events.write(json.dumps(list(row), ensure_ascii=False) + "\n")
    with (out / "chain.jsonl").open("w", encoding="utf-8") as chain:
        for row in db.execute("SELECT seq, prev, chain FROM events ORDER BY seq"):
            chain.write(json.dumps(list(row)) + "\n")
    checkpoints = [
        dict(zip(("seq", "chain", "at", "actor", "public_key", "signature"), row, strict=True))
        for row in db.execute(
            "SELECT seq, chain, at, actor, public_key, signature FROM checkpoints ORDER BY seq"
        )
    ]
    (out / "checkpoints.json").write_text(json.dumps(checkpoints, indent=1) + "\n", encoding="utf-8")
    manifest = {
        "what": "egov migration evidence bundle",
        "system": system,
        "state": state,
        "files": {name: _digests(out / name) for name in BUNDLE_FILES},
    }
    (out / "manifest.json").write_text(
        json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    return manifest


def _digests(path: Path) -> dict[str, str]:
    data = path.read_bytes()
    digest = sm3()
    digest.update(data)
    return {"sha256": hashlib.sha256(data).hexdigest(), "sm3": str(digest.hexdigest())}


def verify_bundle(directory: Path, public_pem: str | None) -> ChainReport:
    """Check a bundle offline: its files against the manifest, the chain's links, each of the system's
    events against its chain value, and every checkpoint's signature and chain value."""
    report = ChainReport(anchored=public_pem is not None)
    manifest = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    system = str(manifest.get("system", ""))
    for name, want in manifest.get("files", {}).items():
        if _digests(directory / name) != want:
            report.findings.append(
                Finding(0, system, "edited", f"{name} does not match the manifest's digests")
            )
    links: dict[int, tuple[str, str]] = {}
    previous_seq, previous_chain = 0, GENESIS
    for line in (directory / "chain.jsonl").read_text(encoding="utf-8").splitlines():
        seq, prev, chain = json.loads(line)
        if seq != previous_seq + 1:
            report.findings.append(
                Finding(previous_seq + 1, "", "deleted", f"chain value of event {previous_seq + 1} missing")
            )
        elif prev != previous_chain:
            report.findings.append(
                Finding(seq, "", "moved", f"event {seq} does not follow event {previous_seq}")
            )
        links[int(seq)] = (str(prev), str(chain))
        previous_seq, previous_chain = int(seq), str(chain)
    report.head = previous_chain
    for line in (directory / "events.jsonl").read_text(encoding="utf-8").splitlines():
        row = tuple(json.loads(line))
        seq, prev, chain = int(row[0]), row[-2], row[-1]
        report.events += 1
        if links.get(seq) != (prev, chain):
            report.findings.append(
                Finding(seq, system, "moved", f"event {seq} is not where the chain has it")
            )
        elif chain_hash(prev, row[1:-2]) != chain:
            report.findings.append(_edited(seq, system, row))
    for checkpoint in json.loads((directory / "checkpoints.json").read_text(encoding="utf-8")):
        report.checkpoints += 1
        seq, chain, at = int(checkpoint["seq"]), str(checkpoint["chain"]), float(checkpoint["at"])
        key = public_pem if public_pem is not None else str(checkpoint["public_key"])
        if not sm2.verify(checkpoint_message(seq, chain, at), bytes.fromhex(checkpoint["signature"]), key):
            report.findings.append(
                Finding(seq, "", "signature", f"checkpoint at event {seq}: its signature fails")
            )
        elif links.get(seq, ("", ""))[1] != chain:
            report.findings.append(
                Finding(
                    seq,
                    "",
                    "checkpoint",
                    f"checkpoint at event {seq}: the chain no longer reaches what was signed",
                )
            )
    return report
