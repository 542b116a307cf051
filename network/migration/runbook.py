"""The migration runbook, one method per step; each records its transition and evidence in the ledger.

precheck → transfer → verify → function test → security check → cutover → finalize, and rollback.

- **precheck** assesses the source (stores, sizes, health) and checks the target is provisioned
  (servers, roles, space): ``assessed``, then ``provisioned``.
- **transfer** copies every file store (rsync with checksums) and database (pg_dump | pg_restore):
  ``replicating`` is recorded *before* anything moves, and the step's ``ok`` event after, so a run
  killed half-way is recognised and the transfer starts again.
- **verify** compares manifests (SHA-256 and SM3 of every file) and, per table, row counts and
  ordered-row digests: ``verified`` only when everything is identical; the manifests are the evidence.
- **function test** asks the target's health endpoint and compares with what the source said.
- **security check** scans the target's ports, checks TLS and default credentials: ``ready_for_cutover``.
- **cutover** freezes the source (read-only, the previous permissions recorded first), makes a final
  copy, verifies it again, points the service name at the target and tests through the name: ``cut_over``.
- **finalize** confirms the name and the answer once more: ``finalized`` (no rollback after this).
- **rollback** points the name back, unfreezes the source with the recorded permissions, removes the
  target's copy and checks the source against its manifest: ``rolled_back`` (``failed`` when the
  rollback itself cannot finish — then an operator must look).

Every step refuses to run from a state it does not belong to, so a step re-run by hand, by a second
operator or after kill -9 either continues, does nothing, or is refused with the reason.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.inventory.model import StoreKind, Strategy, System
from network.migration import checks, files, integrity, names, postgres, sm3
from network.migration.endpoints import (
    Database,
    Endpoints,
    EndpointsError,
    Service,
    SystemEndpoints,
    endpoints_of,
)
from network.migration.ledger import Event, LeaseHeld, Ledger
from network.migration.lifecycle import State, TransitionRefused, check_transition, revertible

STEPS = ("precheck", "transfer", "verify", "function_test", "security_check", "cutover", "finalize")
_DONE_AT = {
    State.ASSESSED: 0,
    State.PROVISIONED: 0,
    State.REPLICATING: 1,
    State.VERIFIED: 2,
    State.TESTING: 3,
    State.READY_FOR_CUTOVER: 4,
    State.CUT_OVER: 5,
    State.FINALIZED: 6,
}
_PLANNED = {
    "verify": "compare SHA-256 and SM3 manifests of every file and the ordered rows of every table",
    "function_test": "ask the target's health endpoint and compare with the source's answer",
    "security_check": "scan the target's ports, check TLS and that default logins are refused",
    "cutover": "freeze the source, copy and verify once more, point the service name at the target",
    "finalize": "confirm the name and the answer; after this there is no rollback",
}
_STEP_ERRORS = (
    postgres.DatabaseError,
    files.FilesError,
    checks.CheckError,
    integrity.ManifestError,
    names.NameMapError,
    EndpointsError,
)


class MigrationRefused(Exception):
    """The system may not be migrated (classified, retained, over) or not from where it stands."""

    def __init__(self, system: str, message: str, hint: str) -> None:
        super().__init__(f"{system}: {message}")
        self.system, self.message, self.hint = system, f"{system}: {message}", hint


class StepFailed(Exception):
    """A step found a problem; its failure and evidence are already in the ledger."""

    def __init__(self, system: str, step: str, message: str, evidence: Any = None) -> None:
        super().__init__(f"{system}: {step} failed: {message}")
        self.system, self.step, self.message, self.evidence = system, step, message, evidence


@dataclass(frozen=True)
class StepResult:
    """What a step did: whether it changed anything, the state after, a line for people, the evidence."""

    step: str
    changed: bool
    state: State
    detail: str
    evidence: Any = None


@dataclass(frozen=True)
class FileStore:
    """A file store: its name in systems.yaml and its directory on each side."""

    name: str
    source: Path
    target: Path


@dataclass(frozen=True)
class DatabaseStore:
    """A PostgreSQL store: its name in systems.yaml and its database on each side."""

    name: str
    source: Database
    target: Database


def refuse_unmovable(system: System, state: State) -> None:
    """MigrationRefused for a classified, retained, retired or finished system."""
    if system.classification.value == "classified":
        raise MigrationRefused(
            system.id,
            "is classified (涉密): classified systems never move to the cloud",
            "it stays retained in its department's machine room",
        )
    if state in (State.RETAINED, State.RETIRED, State.FINALIZED):
        raise MigrationRefused(system.id, f"is {state.label}", "nothing to migrate")


def plan_steps(state: State, to: State, transfer_complete: bool) -> list[str]:
    """The steps that take a system from ``state`` to ``to`` (empty when it is already there)."""
    if to not in _DONE_AT:
        raise ValueError(f"--to must be a state on the way to the cloud, not {to.label}")
    last = _DONE_AT[to]
    if state in (State.NOT_STARTED, State.ASSESSED, State.ROLLED_BACK):
        first = 0
    elif state is State.REPLICATING:
        first = 2 if transfer_complete else 1
    elif state in (State.TESTING,):
        first = 3
    elif state in _DONE_AT:
        first = _DONE_AT[state] + 1
    else:
        return []
    return list(STEPS[first : last + 1])


def retire(system: System, ledger: Ledger, run: str, check: bool = False) -> StepResult:
    """Record a system whose strategy is retire as retired: nothing moves, so no endpoints are needed."""
    state = ledger.record(system.id).state
    if system.migration.strategy is not Strategy.RETIRE:
        raise MigrationRefused(
            system.id,
            f"its strategy is {system.migration.strategy.value}, not retire",
            "change systems.yaml first",
        )
    check_transition(system.id, state, State.RETIRED)
    reason = system.migration.reason or "retired"
    if check:
        return StepResult("retire", False, state, f"would record retired ({reason})")
    ledger.transition(system.id, State.RETIRED, expect=state, step="retire", detail=reason, run=run)
    return StepResult("retire", True, State.RETIRED, reason)


@dataclass
class Runbook:
    """One system's migration on one migration host, recorded in the ledger under one run id."""

    system: System
    endpoints: Endpoints
    ledger: Ledger
    run: str
    production: bool = False
    check: bool = False
    say: Callable[[str], None] = field(default=lambda _line: None)

    def __post_init__(self) -> None:
        if self.check and not self.ledger.scratch:  # so that check mode cannot write by accident
            raise ValueError("check mode runs on a scratch copy of the ledger: Ledger(path, scratch=True)")
        self.service = Service(self.system)
        self.sides: SystemEndpoints = endpoints_of(self.endpoints, self.system, self.production)
        self.names: names.NameService = names.name_service(self.endpoints.names, self.production)
        self.file_stores = [
            FileStore(s.name, self.sides.source.files[s.name], self.sides.target.files[s.name])
            for s in self.system.data_stores
            if s.kind is StoreKind.FILES
        ]
        self.database_stores = [
            DatabaseStore(s.name, self.sides.source.databases[s.name], self.sides.target.databases[s.name])
            for s in self.system.data_stores
            if s.kind is StoreKind.POSTGRESQL
        ]

    # --- where the system stands ---------------------------------------------------------------

    @property
    def id(self) -> str:
        """The system's id."""
        return self.system.id

    def state(self) -> State:
        """The system's state in the ledger now."""
        return self.ledger.record(self.id).state

    def transfer_complete(self) -> bool:
        """True when the latest transfer finished after the system last entered ``replicating``."""
        entered = self.ledger.entered(self.id, State.REPLICATING)
        done = self.ledger.last_step(self.id, "transfer")
        return bool(entered and done and done.seq > entered.seq and done.result == "ok")

    def begin(self, to: State) -> list[str]:
        """Take the system's lease for this run (not in check mode); the steps that reach ``to``."""
        state = self.state()
        refuse_unmovable(self.system, state)
        if state is State.FAILED:
            raise MigrationRefused(
                self.id,
                "is failed: an earlier rollback did not finish",
                f"put it back by hand, then `egov migrate rollback INVENTORY {self.id}`",
            )
        if self.check:  # check mode takes no lease, but says who holds one
            lease = self.ledger.lease(self.id)
            if lease is not None and lease.run != self.run:
                raise LeaseHeld(self.id, lease)
        else:
            self.ledger.acquire(self.id, self.run, _lease_pid())
        return plan_steps(state, to, self.transfer_complete())

    def run_step(self, step: str, **options: Any) -> StepResult:
        """Run one step by name. In check mode a step the system has not reached yet is only described."""
        if step not in (*STEPS, "rollback"):
            raise ValueError(f"unknown step {step!r}")
        if self.check and step in STEPS[2:] and not self._reached_for(step):
            return StepResult(step, False, self.state(), f"planned: {_PLANNED[step]}")
        method: Callable[..., StepResult] = getattr(self, step)
        return method(**options)

    def _reached_for(self, step: str) -> bool:
        allowed = {
            "verify": (State.REPLICATING, State.VERIFIED),
            "function_test": (State.VERIFIED, State.TESTING),
            "security_check": (State.TESTING,),
            "cutover": (State.READY_FOR_CUTOVER,),
            "finalize": (State.CUT_OVER,),
        }
        return self.state() in allowed[step]

    def end(self) -> None:
        """Release the lease."""
        if not self.check:
            self.ledger.release(self.id, self.run)

    # --- helpers -------------------------------------------------------------------------------

    def _move(self, to: State, step: str, detail: str, evidence: Any = None) -> Event:
        return self.ledger.transition(
            self.id, to, expect=self.state(), step=step, detail=detail, evidence=evidence, run=self.run
        )

    def _failed(self, step: str, message: str, evidence: Any = None) -> StepFailed:
        self.ledger.record_step(self.id, step, "failed", message, evidence, self.run)
        return StepFailed(self.id, step, message, evidence)

    def _expect(self, step: str, *allowed: State) -> State:
        state = self.state()
        refuse_unmovable(self.system, state)
        if state not in allowed:
            raise MigrationRefused(
                self.id,
                f"{step.replace('_', ' ')} runs from {' or '.join(s.label for s in allowed)}; "
                f"it is {state.label}",
                f"see `egov migrate status` for {self.id}",
            )
        return state

    def _answer(self, address: str, declared: int) -> checks.Answer:
        side = self.sides.target if address == self.sides.target.address else self.sides.source
        return checks.fetch(address, side.port(declared), self.service, self.endpoints.ca)

    # --- precheck ------------------------------------------------------------------------------

    def precheck(self) -> StepResult:
        """Assess the source and check the target is provisioned: ``assessed``, then ``provisioned``."""
        state = self._expect(
            "precheck", State.NOT_STARTED, State.ASSESSED, State.PROVISIONED, State.ROLLED_BACK
        )
        if self.system.migration.strategy is Strategy.RETIRE:
            raise MigrationRefused(
                self.id, "is to be retired, not moved", f"egov migrate run … {self.id} --to retired"
            )
        try:
            assessment = self._assess()
            provision = self._provisioned(assessment["bytes"])
        except _STEP_ERRORS as problem:
            if self.check:
                raise StepFailed(self.id, "precheck", _message(problem)) from None
            raise self._failed("precheck", _message(problem)) from None
        if self.check:
            detail = f"would record assessed and provisioned ({_size(assessment['bytes'])} to move)"
            return StepResult(
                "precheck", False, state, detail, {"assessment": assessment, "target": provision}
            )
        changed = state is not State.PROVISIONED
        if state in (State.NOT_STARTED, State.ROLLED_BACK):
            self._move(State.ASSESSED, "precheck", f"{_size(assessment['bytes'])} to move", assessment)
        if state is not State.PROVISIONED:
            self._move(State.PROVISIONED, "precheck", "target servers, roles and space ready", provision)
        else:
            self.ledger.record_step(self.id, "precheck", "ok", "re-checked", provision, self.run)
        return StepResult("precheck", changed, State.PROVISIONED, "source assessed, target provisioned")

    def _assess(self) -> dict[str, Any]:
        stores: list[dict[str, Any]] = []
        for store in self.file_stores:
            if not store.source.is_dir():
                raise files.FilesError(f"file store {store.name}: {store.source} does not exist")
            total = count = 0
            for directory, _, names_here in os.walk(store.source):
                for name in names_here:
                    total += (Path(directory) / name).lstat().st_size
                    count += 1
            stores.append({"store": store.name, "kind": "files", "files": count, "bytes": total})
        for db in self.database_stores:
            stores.append({"store": db.name, "kind": "postgresql", "bytes": postgres.size(db.source)})
            with postgres.session(db.source):
                pass  # the application's own login works on the source
        answer = self._answer(self.sides.source.address, self.service.port)
        if answer.status != 200:
            raise checks.CheckError(f"the source's health endpoint answers HTTP {answer.status}")
        return {
            "stores": stores,
            "bytes": sum(s["bytes"] for s in stores),
            "mlps_level": self.system.mlps_level,
            "strategy": self.system.migration.strategy.value,
            "source_answer": {"status": answer.status, "body": answer.body},
        }

    def _provisioned(self, needed: int) -> dict[str, Any]:
        out: dict[str, Any] = {"databases": [], "files": []}
        for db in self.database_stores:
            if not postgres.role_exists(db.target):
                raise postgres.DatabaseError(
                    f"target server {db.target.host}:{db.target.port} has no role {db.target.user}",
                    "provision the target (the cloud program creates it) before migrating",
                )
            out["databases"].append({"store": db.name, "server": f"{db.target.host}:{db.target.port}"})
        file_bytes = sum(
            sum(f.stat().st_size for f in store.source.rglob("*") if f.is_file() and not f.is_symlink())
            for store in self.file_stores
        )
        for store in self.file_stores:
            free = files.free_bytes(store.target)
            if free < file_bytes * 1.1:
                raise files.FilesError(
                    f"target {store.target} has {_size(free)} free; {_size(file_bytes)} (+10%) is needed",
                    "grow the target volume",
                )
            out["files"].append({"store": store.name, "target": str(store.target), "free": free})
        out["needed"] = needed
        return out

    # --- transfer ------------------------------------------------------------------------------

    def transfer(self) -> StepResult:
        """Copy every store to the target (``replicating`` first; the ``ok`` event when it is complete)."""
        before = (State.NOT_STARTED, State.ASSESSED, State.ROLLED_BACK) if self.check else ()
        state = self._expect(
            "transfer", *before, State.PROVISIONED, State.REPLICATING, State.VERIFIED, State.READY_FOR_CUTOVER
        )
        if self.check:
            return self._transfer_preview(state)
        if state is State.REPLICATING and self.transfer_complete():
            return StepResult("transfer", False, state, "already transferred")
        if state is State.REPLICATING:
            self.ledger.record_step(
                self.id, "transfer", "restarted", "the previous transfer did not finish; copying again",
                run=self.run,
            )  # fmt: skip
        else:
            self._move(State.REPLICATING, "transfer", "transfer starting")
        try:
            evidence = self._copy(final=False)
            answer = self._answer(self.sides.source.address, self.service.port)
        except _STEP_ERRORS as problem:
            raise self._failed("transfer", _message(problem)) from None
        evidence["source_answer"] = {"status": answer.status, "body": answer.body}
        detail = f"{_size(evidence['bytes'])} in {evidence['seconds']:.1f} s"
        self.ledger.record_step(self.id, "transfer", "ok", detail, evidence, self.run)
        return StepResult("transfer", True, State.REPLICATING, detail, evidence)

    def _copy(self, final: bool) -> dict[str, Any]:
        started = time.monotonic()
        stores: list[dict[str, Any]] = []
        limit = self.endpoints.bandwidth_limit_kbps
        for store in self.file_stores:
            self.say(f"{self.id}: rsync {store.name}")
            copied = files.copy_tree(store.source, store.target, limit, keep_target_modes=final)
            stores.append({"store": store.name, "kind": "files", "sent": copied.sent, "bytes": copied.total})
        for db in self.database_stores:
            self.say(f"{self.id}: pg_dump | pg_restore {db.name}")
            copied_db = postgres.copy_database(db.source, db.target)
            stores.append({"store": db.name, "kind": "postgresql", "bytes": copied_db.bytes})
        total = sum(s["bytes"] for s in stores)
        return {"stores": stores, "bytes": total, "seconds": round(time.monotonic() - started, 3)}

    def _transfer_preview(self, state: State) -> StepResult:
        lines = []
        for store in self.file_stores:
            preview = files.copy_tree(store.source, store.target, check=True)
            changes = [c for c in preview.changes if not c.startswith("cd")]  # directories: implied
            created = sum(1 for c in changes if "+++++++" in c)
            deleted = sum(1 for c in changes if c.startswith("*deleting"))
            lines.append(
                f"{store.name}: rsync would create {created}, update {len(changes) - created - deleted}, "
                f"delete {deleted} ({_size(preview.total)} in the source tree)"
            )
            lines += [f"    {change}" for change in changes[:5]]
            if len(changes) > 5:
                lines.append(f"    … and {len(changes) - 5} more")
        for db in self.database_stores:
            lines.append(
                f"{db.name}: recreate {db.target.dbname} on {db.target.host}:{db.target.port} from the "
                f"source ({_size(postgres.size(db.source))})"
            )
        return StepResult("transfer", False, state, "\n".join(lines))

    # --- verify --------------------------------------------------------------------------------

    def verify(self, manifests: dict[str, tuple[Path, Path]] | None = None) -> StepResult:
        """Compare every store, source against target: ``verified`` only when all are identical.

        ``manifests`` may give, per file store, manifest files already written (by the egov_manifest
        Ansible module, where the files are); otherwise manifests are built here.
        """
        state = self._expect("verify", State.REPLICATING, State.VERIFIED)
        if state is State.REPLICATING and not self.transfer_complete():
            raise MigrationRefused(self.id, "its transfer did not finish", "run the transfer again")
        try:
            evidence, problems = self._compare(manifests or {})
        except _STEP_ERRORS as problem:
            raise self._failed("verify", _message(problem)) from None
        if problems:
            if self.check:
                raise StepFailed(self.id, "verify", "; ".join(problems), evidence)
            raise self._failed("verify", "; ".join(problems), evidence)
        detail = (
            f"{_count(len(self.file_stores), 'file store')} and "
            f"{_count(len(self.database_stores), 'database')} identical on both sides"
        )
        if self.check or state is State.VERIFIED:
            return StepResult("verify", False, state, detail, evidence)
        self._move(State.VERIFIED, "verify", detail, evidence)
        return StepResult("verify", True, State.VERIFIED, detail, evidence)

    def _compare(
        self, given: dict[str, tuple[Path, Path]], modes: dict[str, dict[str, int]] | None = None
    ) -> tuple[dict[str, Any], list[str]]:
        problems: list[str] = []
        evidence: dict[str, Any] = {"files": {}, "databases": {}, "sm3": sm3.implementation()}
        for store in self.file_stores:
            if store.name in given:
                source = _read_manifest(given[store.name][0])
                target = _read_manifest(given[store.name][1])
            else:
                source = integrity.build_manifest(store.source)
                target = integrity.build_manifest(store.target)
            diff = integrity.compare(source, target, modes=modes is None)  # frozen: compare pre-freeze bits
            if modes is not None:
                diff = _with_modes(diff, modes.get(store.name, {}), target)
            record: dict[str, Any] = {
                "files": source.files,
                "bytes": source.bytes,
                "source_sha256": source.digest("sha256"),
                "source_sm3": source.digest("sm3"),
                "target_sha256": target.digest("sha256"),
                "target_sm3": target.digest("sm3"),
                "manifest": source.to_json(),
            }
            if not diff.equal:
                record["diff"] = diff.to_json()
                record["target_manifest"] = target.to_json()
                problems.append(f"file store {store.name}: {diff.summary()}")
            evidence["files"][store.name] = record
        for db in self.database_stores:
            source_digests = postgres.table_digests(db.source)
            target_digests = postgres.table_digests(db.target)
            found = postgres.compare_digests(source_digests, target_digests)
            problems += [f"database {db.name}: {p}" for p in found]
            evidence["databases"][db.name] = {
                "source": source_digests,
                "target": target_digests,
                "problems": found,
            }
        return evidence, problems

    # --- function test and security check ------------------------------------------------------

    def function_test(self) -> StepResult:
        """The target's health endpoint answers 200 (TLS verified) and says what the source said."""
        state = self._expect("function_test", State.VERIFIED, State.TESTING)
        expected = self._source_answer()
        try:
            answer = self._answer(self.sides.target.address, self.service.port)
        except checks.CheckError as problem:
            if self.check:
                raise StepFailed(self.id, "function_test", str(problem)) from None
            if state is State.VERIFIED:
                self._move(State.TESTING, "function_test", "testing the target")
            raise self._failed("function_test", str(problem)) from None
        problems = checks.function_test(answer, expected)
        evidence = {"answer": {"status": answer.status, "body": answer.body}, "tls": answer.tls}
        if self.check:
            if problems:
                raise StepFailed(self.id, "function_test", "; ".join(problems), evidence)
            return StepResult("function_test", False, state, "the target answers like the source", evidence)
        if state is State.VERIFIED:
            self._move(State.TESTING, "function_test", "testing the target")
        if problems:
            raise self._failed("function_test", "; ".join(problems), evidence)
        self.ledger.record_step(self.id, "function_test", "ok", self.service.url, evidence, self.run)
        return StepResult(
            "function_test", True, State.TESTING, "the target answers like the source", evidence
        )

    def _source_answer(self) -> checks.Answer | None:
        event = self.ledger.last_step(self.id, "transfer")
        recorded = (event.evidence or {}).get("source_answer") if event and event.result == "ok" else None
        return checks.Answer(recorded["status"], recorded["body"]) if recorded else None

    def security_check(self) -> StepResult:
        """Declared ports only, TLS where declared, no default credentials: ``ready_for_cutover``."""
        state = self._expect("security_check", State.TESTING)
        tested = self.ledger.last_step(self.id, "function_test")
        entered = self.ledger.entered(self.id, State.TESTING)
        if not (tested and entered and tested.seq > entered.seq and tested.result == "ok"):
            raise MigrationRefused(self.id, "its function test has not passed", "run the function test first")
        target = self.sides.target
        try:
            evidence, problems = self._security(target)
        except _STEP_ERRORS as problem:
            raise self._failed("security_check", _message(problem)) from None
        if problems:
            if self.check:
                raise StepFailed(self.id, "security_check", "; ".join(problems), evidence)
            raise self._failed("security_check", "; ".join(problems), evidence)
        extra = sorted(set(evidence["open_ports"]) & set(evidence["baseline"]))
        detail = f"listens on its declared port {', '.join(map(str, evidence['declared']))} only" + (
            f" (and the baseline's {', '.join(map(str, extra))})" if extra else ""
        )
        detail += "; TLS verified; default logins refused"
        if self.check:
            return StepResult("security_check", False, state, detail, evidence)
        self._move(State.READY_FOR_CUTOVER, "security_check", detail, evidence)
        return StepResult("security_check", True, State.READY_FOR_CUTOVER, detail, evidence)

    def _security(self, target: Any) -> tuple[dict[str, Any], list[str]]:
        first, last = self.endpoints.scan_ports
        declared = {target.port(self.service.port)}
        allowed = declared | set(self.endpoints.baseline_ports)
        found = checks.open_ports(target.address, first, last)
        problems = [f"{target.address} listens on undeclared port {p}" for p in sorted(set(found) - allowed)]
        problems += [
            f"{target.address}: declared port {p} is not listening" for p in sorted(declared - set(found))
        ]
        answer = self._answer(target.address, self.service.port)
        problems += checks.tls_problems(answer, self.service)
        defaults = {db.name: postgres.accepted_defaults(db.target) for db in self.database_stores}
        problems += [
            f"database server of {name} accepts the default login {login}"
            for name, logins in defaults.items()
            for login in logins
        ]
        evidence = {
            "open_ports": found,
            "declared": sorted(declared),
            "baseline": sorted(self.endpoints.baseline_ports),
            "tls": answer.tls,
            "default_logins_tried": len(postgres.DEFAULT_CREDENTIALS),
            "default_logins_accepted": defaults,
        }
        return evidence, problems

    # --- cutover and finalize ------------------------------------------------------------------

    def cutover(self) -> StepResult:
        """Freeze the source, copy and verify once more, repoint the service name, test through it."""
        state = self._expect("cutover", State.READY_FOR_CUTOVER)
        if self.check:
            return StepResult(
                "cutover", False, state,
                f"would freeze the source, make a final copy, verify it and point {self.service.name} "
                f"from {self.sides.source.address} to {self.sides.target.address}",
            )  # fmt: skip
        self.ledger.record_step(self.id, "cutover", "freezing", "the source becomes read-only", run=self.run)
        try:
            modes = {store.name: files.freeze(store.source) for store in self.file_stores}
            self.ledger.record_step(
                self.id, "cutover", "frozen", "source read-only", {"modes": modes}, self.run
            )
            for db in self.database_stores:
                postgres.freeze(db.source)
            expected = self._answer(self.sides.source.address, self.service.port)
            copied = self._copy(final=True)
            for store in self.file_stores:
                _restore_modes(store.target, modes[store.name])
            verified, problems = self._compare({}, modes)
            if problems:
                raise self._failed("cutover", "final copy differs: " + "; ".join(problems), verified)
            previous = self.names.point(self.service.name, self.sides.target.address)
            self.ledger.record_step(
                self.id, "cutover", "repointed",
                f"{self.service.name}: {', '.join(previous) or 'nothing'} -> {self.sides.target.address}"
                f" in {self.names.where(self.service.name)}",
                {"name": self.service.name, "from": previous, "to": self.sides.target.address,
                 "names": self.names.where(self.service.name)}, self.run,
            )  # fmt: skip
            answer = self._through_name()
        except _STEP_ERRORS as problem:
            raise self._failed("cutover", _message(problem)) from None
        problems = checks.function_test(answer, expected)
        if problems:
            raise self._failed("cutover", "through the service name: " + "; ".join(problems))
        evidence = {
            "final_copy": copied,
            "verify": verified,
            "name": {"name": self.service.name, "to": self.sides.target.address},
            "answer": {"status": answer.status, "body": answer.body},
        }
        detail = f"{self.service.name} now points to the target"
        self._move(State.CUT_OVER, "cutover", detail, evidence)
        return StepResult("cutover", True, State.CUT_OVER, detail, evidence)

    def _through_name(self) -> checks.Answer:
        addresses = self.names.addresses(self.service.name)
        if not addresses:
            raise checks.CheckError(f"{self.service.name} is not in {self.names.where(self.service.name)}")
        return self._answer(addresses[0], self.service.port)

    def finalize(self) -> StepResult:
        """Confirm the cutover: the name still points at the target and it answers (no rollback after)."""
        state = self._expect("finalize", State.CUT_OVER)
        try:
            addresses = self.names.addresses(self.service.name)
            answer = self._through_name()
        except _STEP_ERRORS as problem:
            raise self._failed("finalize", _message(problem)) from None
        problems = checks.function_test(answer, None)
        if addresses != [self.sides.target.address]:
            problems.append(f"{self.service.name} points to {', '.join(addresses)}, not (only) the target")
        if problems:
            raise self._failed("finalize", "; ".join(problems))
        detail = "finalized; the source stays read-only until the department decommissions it"
        if self.check:
            return StepResult("finalize", False, state, "would record finalized")
        evidence = {"name": self.service.name, "address": addresses[0], "answer": answer.body}
        self._move(State.FINALIZED, "finalize", detail, evidence)
        return StepResult("finalize", True, State.FINALIZED, detail, evidence)

    # --- rollback ------------------------------------------------------------------------------

    def rollback(self, reason: str = "") -> StepResult:
        """Undo what the migration changed; ``rolled_back`` with what was undone, or ``failed``."""
        state = self.state()
        if state is State.FAILED:
            self._check_source()  # an operator put things back: record it once the source is sound
            if self.check:
                return StepResult("rollback", False, state, "would record rolled back")
            self._move(State.ROLLED_BACK, "rollback", reason or "put back by an operator")
            return StepResult("rollback", True, State.ROLLED_BACK, reason)
        if not revertible(state):
            if state in (State.FINALIZED,):
                raise TransitionRefused(self.id, state, State.ROLLED_BACK)
            return StepResult("rollback", False, state, f"nothing to roll back ({state.label})")
        plan = self._undo_plan()
        if self.check:
            return StepResult("rollback", False, state, "would " + "; ".join(plan))
        undone: list[str] = []
        try:
            undone += self._undo_name()
            undone += self._undo_freeze()
            for db in self.database_stores:
                if postgres.drop(db.target):
                    undone.append(f"dropped the target database {db.target.dbname}")
            for store in self.file_stores:
                if files.clear(store.target):
                    undone.append(f"emptied {store.target}")
            source = self._check_source()
        except _STEP_ERRORS as problem:
            partial = {"reason": reason, "undone": undone, "error": _message(problem)}
            self._move(State.FAILED, "rollback", f"rollback did not finish: {_message(problem)}", partial)
            raise StepFailed(self.id, "rollback", _message(problem), partial) from None
        evidence = {"reason": reason, "from": state.value, "undone": undone, "source": source}
        self._move(State.ROLLED_BACK, "rollback", reason or "rolled back", evidence)
        return StepResult(
            "rollback", True, State.ROLLED_BACK, "; ".join(undone) or "nothing had changed", evidence
        )

    def _undo_plan(self) -> list[str]:
        plan = []
        if self.sides.target.address in self.names.addresses(self.service.name):
            plan.append(f"point {self.service.name} back to {', '.join(self._previous_names())}")
        if self._frozen_modes() is not None:
            plan.append("restore the source's permissions and let its databases be written")
        plan += [f"drop {db.target.dbname} on the target" for db in self.database_stores]
        plan += [f"empty {store.target}" for store in self.file_stores]
        return plan

    def _undo_name(self) -> list[str]:
        if self.sides.target.address not in self.names.addresses(self.service.name):
            return []
        previous = self._previous_names()
        self.names.put_back(self.service.name, previous)
        where = self.names.where(self.service.name)
        return [f"{self.service.name} points to {', '.join(previous)} again ({where})"]

    def _previous_names(self) -> list[str]:
        """What the current cutover attempt's repoint found (the ledger's record), else the source."""
        ready = self.ledger.entered(self.id, State.READY_FOR_CUTOVER)
        marks = [] if ready is None else [
            e for e in self.ledger.events(self.id, since=ready.seq)
            if e.step == "cutover" and e.result == "repointed"
        ]  # fmt: skip
        if marks:
            found = marks[-1].evidence.get("from")
            previous = [found] if isinstance(found, str) else [str(a) for a in found or []]
            if previous and self.sides.target.address not in previous:
                return previous
        return [self.sides.source.address]

    def _frozen_modes(self) -> dict[str, dict[str, int]] | None:
        """The source's permissions recorded by the current cutover attempt's freeze (None: no freeze)."""
        ready = self.ledger.entered(self.id, State.READY_FOR_CUTOVER)
        undone = self.ledger.entered(self.id, State.ROLLED_BACK)
        if ready is None or (undone is not None and undone.seq > ready.seq):
            return None
        marks = [
            e
            for e in self.ledger.events(self.id, since=ready.seq)
            if e.step == "cutover" and e.result == "frozen"
        ]
        return {k: dict(v) for k, v in marks[-1].evidence["modes"].items()} if marks else None

    def _undo_freeze(self) -> list[str]:
        undone = []
        modes = self._frozen_modes()
        if modes is not None:
            for store in self.file_stores:
                files.unfreeze(store.source, {k: int(v) for k, v in modes.get(store.name, {}).items()})
            undone.append("the source's permissions are restored")
        frozen_db = False
        for db in self.database_stores:
            if postgres.is_frozen(db.source):
                postgres.unfreeze(db.source)
                frozen_db = True
        if frozen_db:
            undone.append("the source databases accept writes again")
        return undone

    def _check_source(self) -> dict[str, Any]:
        """The source now, against what the latest verify recorded of it: is it untouched?"""
        verified = self.ledger.last_step(self.id, "verify")
        recorded: dict[str, Any] = (verified.evidence or {}) if verified else {}
        out: dict[str, Any] = {}
        for store in self.file_stores:
            now = integrity.build_manifest(store.source)
            before = recorded.get("files", {}).get(store.name)
            out[store.name] = {
                "sha256": now.digest("sha256"),
                "sm3": now.digest("sm3"),
                "unchanged": None if before is None else before["source_sha256"] == now.digest("sha256"),
            }
        for db in self.database_stores:
            if postgres.is_frozen(db.source):
                raise postgres.DatabaseError(f"source database {db.source.dbname} is still read-only")
            now_db = postgres.table_digests(db.source)
            before_db = recorded.get("databases", {}).get(db.name, {}).get("source")
            out[db.name] = {
                "tables": len(now_db["tables"]),
                "unchanged": None if before_db is None else not postgres.compare_digests(before_db, now_db),
            }
        return out


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"


def _message(problem: Exception) -> str:
    return str(getattr(problem, "message", "") or problem)


def _size(n: int) -> str:
    for unit, factor in (("GB", 10**9), ("MB", 10**6), ("kB", 10**3)):
        if n >= factor:
            return f"{n / factor:.1f} {unit}"
    return f"{n} B"


def _read_manifest(path: Path) -> integrity.Manifest:
    import json  # noqa: PLC0415

    try:
        return integrity.Manifest.from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError, KeyError) as problem:
        raise integrity.ManifestError(f"{path}: not a manifest ({problem})") from None


def _with_modes(
    diff: integrity.ManifestDiff, modes: dict[str, int], target: integrity.Manifest
) -> integrity.ManifestDiff:
    """Add to a mode-blind diff the paths whose target bits differ from the source's pre-freeze bits."""
    changed = list(diff.changed)
    for path, mode in modes.items():
        entry = target.entries.get(path)
        if entry is not None and entry.mode != int(mode):
            changed.append((path, "mode"))
    return integrity.ManifestDiff(diff.missing, diff.extra, tuple(changed))


def _restore_modes(root: Path, modes: dict[str, int]) -> None:
    """Give the target the source's permission bits as they were before the freeze."""
    files.unfreeze(root, modes)


def _lease_pid() -> int:
    """The process that holds a run's lease: ``egov migrate run`` or ansible-playbook, not this module.

    Ansible runs each module in a short-lived process; the lease must name the long-lived one, so
    the nearest ancestor that is ansible-playbook or the egov command is taken (else this process).
    """
    pid, holder = os.getpid(), os.getpid()
    for _ in range(32):  # the outermost one: ansible's workers are forks that share its command line
        try:
            stat = Path(f"/proc/{pid}/stat").read_text(encoding="ascii")
            cmdline = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
        except OSError:
            break
        if any(part.endswith((b"ansible-playbook", b"/egov")) for part in cmdline[:2]):
            holder = pid
        parent = int(stat.rsplit(")", 1)[1].split()[1])
        if parent <= 1:
            break
        pid = parent
    return holder
