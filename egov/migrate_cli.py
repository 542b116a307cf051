"""``egov migrate``: the systems' migration onto the government cloud, and its ledger.

Targets: ``--lab systems-lab.json`` (the systems lab; password from EGOV_LAB_PASSWORD) or, with
``--production``, the inventory's migration.yaml. The ledger lives in ``<inventory>.state/``.
Exit codes: 0 done, 1 a step failed (rolled back) or refused, 2 unusable input, 130 interrupted.
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.console import error, fail, plain, table
from egov.options import InventoryDir

EXIT_OK, EXIT_FAILED, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    no_args_is_help=True,
    help="Migrate departments' systems onto the cloud: ledger, runbook, integrity proof, rollback.",
)

LabOption = Annotated[
    Path | None, typer.Option("--lab", help="the systems lab's systems-lab.json (`egov lab up --systems`)")
]
ProductionOption = Annotated[
    bool, typer.Option("--production", help="real systems: the endpoints in INVENTORY_DIR/migration.yaml")
]
StateOption = Annotated[
    Path | None, typer.Option("--state", help="ledger directory (default <inventory>.state)")
]
FormatOption = Annotated[str, typer.Option("--format", help="table or json")]


def _fail(problem: Any, code: int | None = None) -> typer.Exit:
    return fail(problem, code)


def _ledger(path: Path, scratch: bool = False) -> Any:
    """The ledger at ``path`` (a scratch copy when only read, or in check mode); a damaged file ends the
    command with its name (exit 2)."""
    from network.migration.ledger import Ledger, LedgerError  # noqa: PLC0415

    try:
        return Ledger(path, scratch=scratch)
    except LedgerError as problem:
        raise _fail(problem, EXIT_USAGE) from None


def _system_ledger(inventory: Path, system: str, state: Path | None, missing: int) -> Path:
    """The ledger a command about one system reads: the system must be in the inventory (else exit 2,
    the closest id suggested) and the ledger must exist (else exit ``missing``)."""
    from network.migration.context import (  # noqa: PLC0415
        MigrationContextError,
        find_system,
        ledger_file,
        load_valid_inventory,
    )

    try:
        find_system(load_valid_inventory(inventory), system)
    except MigrationContextError as problem:
        raise _fail(problem) from None
    path = ledger_file(inventory, state)
    if not path.exists():
        error(f"{path}: no ledger yet", f"nothing was migrated from {inventory}")
        raise typer.Exit(missing)
    return path


def _format(value: str) -> str:
    if value not in ("table", "json"):
        error(f"--format {value}: unknown", "use table or json")
        raise typer.Exit(EXIT_USAGE)
    return value


def _statuses(inventory: Path, state: Path | None, department: str | None = None) -> list[Any]:
    """Every system's status, read-only (a ledger that does not exist yet is not created)."""
    from network.migration.context import MigrationContextError, ledger_file, load_valid_inventory  # noqa: PLC0415
    from network.migration.ledger import Ledger, LedgerError  # noqa: PLC0415
    from network.migration.plan import statuses  # noqa: PLC0415

    try:
        loaded = load_valid_inventory(inventory)
        path = ledger_file(inventory, state)
        records = {}
        if path.exists():
            with Ledger(path, scratch=True) as ledger:  # only read
                records = {r.id: r for r in ledger.records()}
    except (MigrationContextError, LedgerError) as problem:
        raise _fail(problem) from None
    if department is not None and department not in loaded.department_by_id:
        import difflib  # noqa: PLC0415

        close = difflib.get_close_matches(department, list(loaded.department_by_id), n=1)
        error(
            f"{department}: no such department",
            f"did you mean {close[0]}?" if close else "see departments.yaml",
        )
        raise typer.Exit(EXIT_USAGE)
    found = statuses(loaded, records)
    return [s for s in found if department is None or s.department == department]


@app.command("status")
def status_command(
    inventory: InventoryDir,
    department: Annotated[str | None, typer.Option("--department", help="one department's systems")] = None,
    output_format: FormatOption = "table",
    state: StateOption = None,
) -> None:
    """Every system and where its migration stands (classified ones: retained, with the reason)."""
    _format(output_format)
    found = _statuses(inventory, state, department)
    today = dt.date.today()
    if output_format == "json":
        document = [
            {
                "system": s.id, "name": s.name, "department": s.department,
                "classification": s.classification, "mlps_level": s.mlps_level, "strategy": s.strategy,
                "wave": s.wave, "deadline": s.deadline.isoformat() if s.deadline else None,
                "state": s.state.value, "reason": s.reason, "overdue": s.overdue(today),
            }
            for s in found
        ]  # fmt: skip
        plain(json.dumps(document, ensure_ascii=False, indent=2))
        return
    rows = [
        (
            s.id, s.name, s.department, s.strategy, s.wave or "-",
            s.deadline.isoformat() if s.deadline else "-",
            s.state.label + (" (overdue)" if s.overdue(today) else ""), s.reason or "",
        )
        for s in found
    ]  # fmt: skip
    table(
        f"migration of {inventory}: {len(found)} systems",
        ["system", "name", "department", "strategy", "wave", "deadline", "state", "reason"],
        rows,
        numeric_from=4,
    )
    counts: dict[str, int] = {}
    for s in found:
        counts[s.state.label] = counts.get(s.state.label, 0) + 1
    plain(", ".join(f"{n} {label}" for label, n in sorted(counts.items(), key=lambda kv: -kv[1])))


@app.command("plan")
def plan_command(
    inventory: InventoryDir,
    output_format: FormatOption = "table",
    state: StateOption = None,
) -> None:
    """The waves: their deadlines, systems, how many are on the cloud, and whether they are on time."""
    from network.migration.plan import waves  # noqa: PLC0415

    _format(output_format)
    today = dt.date.today()
    plan = waves(_statuses(inventory, state))
    if output_format == "json":
        document = [
            {
                "wave": w.number,
                "deadline": w.deadline.isoformat() if w.deadline else None,
                "systems": [s.id for s in w.systems],
                "moving": w.moving,
                "on_cloud": w.on_cloud,
                "states": {k.value: v for k, v in sorted(w.states.items())},
                "status": w.status(today),
            }
            for w in plan
        ]
        plain(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table(
        f"migration waves of {inventory} (today {today.isoformat()})",
        ["wave", "deadline", "systems", "moving", "on cloud", "status"],
        [
            (
                w.number if w.number is not None else "none",
                w.deadline.isoformat() if w.deadline else "-",
                len(w.systems),
                w.moving,
                w.on_cloud,
                w.status(today),
            )
            for w in plan
        ],
        numeric_from=2,
    )


def _context(inventory: Path, lab: Path | None, production: bool, state: Path | None) -> Any:
    from network.migration.context import MigrationContextError, load_migration  # noqa: PLC0415

    try:
        return load_migration(inventory, lab, production, state)
    except MigrationContextError as problem:
        raise _fail(problem) from None


@app.command("run")
def run_command(
    inventory: InventoryDir,
    system: Annotated[str, typer.Argument(help="the system's id (systems.yaml)", show_default=False)],
    to: Annotated[
        str,
        typer.Option(
            "--to", help="the state to reach: replicating, verified, …, cut_over, finalized, retired"
        ),
    ] = "cut_over",
    check: Annotated[
        bool, typer.Option("--check", help="show the steps and what would change; change nothing")
    ] = False,
    lab: LabOption = None,
    production: ProductionOption = False,
    state: StateOption = None,
) -> None:
    """Migrate one system through playbooks/cloud_migrate.yml (ansible-runner), recording every step."""
    from network.migration.context import MigrationContextError, find_system  # noqa: PLC0415
    from network.migration.endpoints import EndpointsError, endpoints_of  # noqa: PLC0415
    from network.migration.ledger import LeaseHeld  # noqa: PLC0415
    from network.migration.lifecycle import State  # noqa: PLC0415
    from network.migration.runbook import MigrationRefused, refuse_unmovable  # noqa: PLC0415
    from network.migration.runner import run_migration  # noqa: PLC0415
    from network.rollout.playbooks import PlaybookError  # noqa: PLC0415

    try:
        wanted = State(to)
    except ValueError:
        error(f"--to {to}: not a state", "e.g. replicating, verified, ready_for_cutover, cut_over, finalized")
        raise typer.Exit(EXIT_USAGE) from None
    if wanted is State.RETIRED:
        _retire(inventory, system, state, check)
        return
    context = _context(inventory, lab, production, state)
    try:
        found = find_system(context.inventory, system)
    except MigrationContextError as problem:
        raise _fail(problem) from None
    with _ledger(context.ledger, scratch=check) as ledger:  # --check: a scratch copy, the file unchanged
        ledger.sync(context.inventory.systems)
        try:
            refuse_unmovable(found, ledger.record(system).state)
            endpoints_of(context.endpoints, found, context.production)  # before anything starts
        except EndpointsError as problem:
            raise _fail(problem, EXIT_USAGE) from None
        except MigrationRefused as problem:
            raise _fail(problem, EXIT_FAILED) from None
        try:
            result = run_migration(
                inventory, system, ledger, wanted, lab=lab, production=production, check=check, state=state
            )
        except (MigrationRefused, LeaseHeld) as problem:
            raise _fail(problem, EXIT_FAILED) from None
        except PlaybookError as problem:
            raise _fail(problem, EXIT_USAGE) from None
        except KeyboardInterrupt:
            error(f"{system}: interrupted", f"run `egov migrate run {inventory} {system}` again to continue")
            raise typer.Exit(EXIT_INTERRUPTED) from None
        _report_run(ledger, system, result, check)
        if not check:
            _sign_if_keyed(ledger)


def _sign_if_keyed(ledger: Any) -> None:
    """After a run: a checkpoint of the chain's head when the operator set the SM2 key reference."""
    from network.migration import sm2  # noqa: PLC0415

    try:
        key = sm2.key_file()
        if key is not None:
            seq, _ = ledger.checkpoint(key)
            plain(f"  ledger signed at event {seq} (SM2)")
    except sm2.Sm2Error as problem:
        error(f"the ledger was not signed: {problem.message}", problem.hint)


def _retire(inventory: Path, system_id: str, state: Path | None, check: bool) -> None:
    """``--to retired``: only the inventory and the ledger are needed (nothing moves)."""
    from network.migration.context import (  # noqa: PLC0415
        MigrationContextError,
        find_system,
        ledger_file,
        load_valid_inventory,
    )
    from network.migration.lifecycle import TransitionRefused  # noqa: PLC0415
    from network.migration.runbook import MigrationRefused, retire  # noqa: PLC0415
    from network.migration.runner import new_run_id  # noqa: PLC0415

    try:
        loaded = load_valid_inventory(inventory)
        found = find_system(loaded, system_id)
    except MigrationContextError as problem:
        raise _fail(problem) from None
    with _ledger(ledger_file(inventory, state), scratch=check) as ledger:
        ledger.sync(loaded.systems)
        try:
            result = retire(found, ledger, new_run_id(), check)
        except (MigrationRefused, TransitionRefused) as problem:
            raise _fail(problem, EXIT_FAILED) from None
    prefix = "check mode, nothing changed: " if check else ""
    plain(f"{system_id}: {prefix}{result.state.label}: {result.detail}")


def _report_run(ledger: Any, system: str, result: Any, check: bool) -> None:
    events = [e for e in ledger.events(system) if e.run == result.run and e.kind in ("transition", "step")]
    for event in events:
        if event.kind == "transition":
            plain(f"  {event.step or '':<15} {event.from_state} -> {event.to_state}  {event.detail or ''}")
        elif event.result not in ("ok",):
            plain(f"  {event.step or '':<15} {event.result}: {(event.detail or '')[:300]}")
    if check:
        for task, detail in result.details:
            plain(f"  {task}:")
            plain("\n".join(f"      {line}" for line in detail.splitlines()[:40]))
        plain(f"{system}: check mode, nothing changed ({result.status}); it stays {result.state.label}")
        for failure in result.failures:
            plain(f"  would fail: {failure}")
        raise typer.Exit(EXIT_OK if result.status == "successful" else EXIT_FAILED)
    plain(f"{system}: {result.state.label} (run {result.run}, playbook {result.status})")
    if not result.ok:
        for failure in result.failures[:3]:
            error(failure)
        raise typer.Exit(EXIT_FAILED)


@app.command("rollback")
def rollback_command(
    inventory: InventoryDir,
    system: Annotated[str, typer.Argument(help="the system's id (systems.yaml)", show_default=False)],
    reason: Annotated[
        str, typer.Option("--reason", help="why, for the ledger")
    ] = "rolled back by an operator",
    check: Annotated[bool, typer.Option("--check", help="show what would be undone; change nothing")] = False,
    lab: LabOption = None,
    production: ProductionOption = False,
    state: StateOption = None,
) -> None:
    """Undo a migration: the name back to the source, the source writable, the target's copy removed."""
    from network.migration.context import MigrationContextError, find_system  # noqa: PLC0415
    from network.migration.ledger import LeaseHeld  # noqa: PLC0415
    from network.migration.lifecycle import TransitionRefused  # noqa: PLC0415
    from network.migration.runbook import Runbook, StepFailed  # noqa: PLC0415
    from network.migration.runner import new_run_id  # noqa: PLC0415

    context = _context(inventory, lab, production, state)
    try:
        found = find_system(context.inventory, system)
    except MigrationContextError as problem:
        raise _fail(problem) from None
    run = new_run_id()
    with _ledger(context.ledger, scratch=check) as ledger:
        ledger.sync(context.inventory.systems)
        runbook = Runbook(found, context.endpoints, ledger, run, context.production, check)
        try:
            if not check:
                ledger.acquire(system, run)
            try:
                result = runbook.rollback(reason)
            finally:
                if not check:
                    ledger.release(system, run)
        except (LeaseHeld, TransitionRefused) as problem:
            raise _fail(problem, EXIT_FAILED) from None
        except StepFailed as problem:
            raise _fail(problem, EXIT_FAILED) from None
    prefix = "check mode, nothing changed: " if check else ""
    plain(f"{system}: {prefix}{result.state.label}: {result.detail}")


@app.command("log")
def log_command(
    inventory: InventoryDir,
    system: Annotated[str, typer.Argument(help="the system's id", show_default=False)],
    output_format: FormatOption = "table",
    evidence: Annotated[
        bool, typer.Option("--evidence", help="with --format json: include the evidence")
    ] = False,
    state: StateOption = None,
) -> None:
    """A system's event log: who did what when, each piece of evidence with its SHA-256."""
    _format(output_format)
    path = _system_ledger(inventory, system, state, EXIT_FAILED)
    with _ledger(path, scratch=True) as ledger:  # only read
        events = ledger.events(system)
    if output_format == "json":
        document = [
            {
                "seq": e.seq, "at": dt.datetime.fromtimestamp(e.at, dt.UTC).isoformat(), "actor": e.actor,
                "kind": e.kind, "step": e.step, "from": e.from_state, "to": e.to_state, "result": e.result,
                "detail": e.detail, "run": e.run, "evidence_sha256": e.evidence_sha256,
                **({"evidence": e.evidence} if evidence else {}),
            }
            for e in events
        ]  # fmt: skip
        plain(json.dumps(document, ensure_ascii=False, indent=2))
        return
    table(
        f"ledger of {system}: {len(events)} events",
        ["seq", "at (UTC)", "actor", "step", "what", "detail", "evidence"],
        [
            (
                e.seq,
                dt.datetime.fromtimestamp(e.at, dt.UTC).strftime("%Y-%m-%d %H:%M:%S"),
                e.actor,
                e.step or e.kind,
                f"{e.from_state} -> {e.to_state}" if e.kind == "transition" else (e.result or e.kind),
                (e.detail or "")[:80],
                (e.evidence_sha256 or "")[:12],
            )
            for e in events
        ],
        numeric_from=7,
    )


LedgerOption = Annotated[
    Path | None,
    typer.Option("--ledger", help="a ledger file to check instead of the inventory's (a copy, an export)"),
]
PublicKeyOption = Annotated[
    Path | None,
    typer.Option(
        "--public-key",
        help="PEM of the SM2 key checkpoints must verify with (default: EGOV_LEDGER_SM2_PUBLIC_KEY's file)",
    ),
]


@app.command("checkpoint")
def checkpoint_command(inventory: InventoryDir, state: StateOption = None) -> None:
    """Sign the ledger's chain head with SM2: the key is the PEM file EGOV_LEDGER_SM2_KEY names."""
    from network.migration import sm2  # noqa: PLC0415
    from network.migration.context import ledger_file  # noqa: PLC0415

    path = ledger_file(inventory, state)
    if not path.exists():
        error(f"{path}: no ledger yet", f"nothing was migrated from {inventory}")
        raise typer.Exit(EXIT_USAGE)
    try:
        key = sm2.key_file()
        if key is None:
            error(
                f"{sm2.KEY_VARIABLE} is not set",
                "set it to the PEM file of the SM2 key (openssl genpkey -algorithm SM2)",
            )
            raise typer.Exit(EXIT_USAGE)
        with _ledger(path) as ledger:
            seq, chain = ledger.checkpoint(key)
    except sm2.Sm2Error as problem:
        raise _fail(problem, EXIT_USAGE) from None
    plain(f"checkpoint at event {seq}: chain {chain[:16]}… signed with SM2 ({path})")


@app.command("export-evidence")
def export_evidence_command(
    inventory: InventoryDir,
    system: Annotated[str, typer.Argument(help="the system's id", show_default=False)],
    out: Annotated[Path, typer.Option("--out", help="the directory to write the bundle to")],
    state: StateOption = None,
) -> None:
    """A system's evidence bundle for the security assessment (its events and evidence, the chain's
    values, the signed checkpoints, a manifest of SHA-256 and SM3 digests): check it offline with
    ``egov migrate verify-ledger INVENTORY --bundle DIR``."""
    path = _system_ledger(inventory, system, state, EXIT_USAGE)
    if out.exists() and any(out.iterdir()):
        error(f"{out}: not empty", "give a new directory: a bundle is never written over another")
        raise typer.Exit(EXIT_USAGE)
    with _ledger(path, scratch=True) as ledger:
        manifest = ledger.export_bundle(system, out)
    plain(f"{system} ({manifest['state']}): evidence bundle in {out}")


BundleOption = Annotated[
    Path | None,
    typer.Option("--bundle", help="check an evidence bundle (egov migrate export-evidence) instead"),
]


@app.command("verify-ledger")
def verify_ledger_command(
    inventory: InventoryDir,
    ledger_path: LedgerOption = None,
    bundle: BundleOption = None,
    public_key: PublicKeyOption = None,
    output_format: FormatOption = "table",
    state: StateOption = None,
) -> None:
    """Check the ledger's SM3 chain and SM2 checkpoints (or an evidence bundle's): every edited,
    deleted, inserted or reordered event is named. Exit 0 intact, 1 tampered, 2 unusable input."""
    from network.migration import sm2  # noqa: PLC0415
    from network.migration.chain import verify_bundle  # noqa: PLC0415
    from network.migration.context import ledger_file  # noqa: PLC0415

    _format(output_format)
    path = bundle or ledger_path or ledger_file(inventory, state)
    if not path.exists() or (bundle is not None and not (bundle / "manifest.json").is_file()):
        error(
            f"{path}: no such ledger or bundle",
            "give --ledger FILE or --bundle DIR, or migrate something first",
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        key_path = public_key or sm2.key_file(sm2.PUBLIC_KEY_VARIABLE)
        pem = key_path.read_text(encoding="ascii") if key_path is not None else None
    except (OSError, UnicodeDecodeError, sm2.Sm2Error) as problem:
        error(f"the public key: {problem}", "give --public-key PEM (openssl pkey -in KEY -pubout)")
        raise typer.Exit(EXIT_USAGE) from None
    if bundle is not None:
        try:
            report = verify_bundle(bundle, pem)
        except (OSError, ValueError, KeyError, TypeError) as problem:
            error(f"{bundle}: not a readable evidence bundle ({problem})", "export it again")
            raise typer.Exit(EXIT_USAGE) from None
    else:
        with _ledger(path, scratch=True) as ledger:
            report = ledger.verify_chain(pem)
    if output_format == "json":
        document = {
            "ledger": str(path), "events": report.events, "checkpoints": report.checkpoints,
            "head": report.head, "anchored": report.anchored, "intact": report.intact,
            "findings": [
                {"seq": f.seq, "system": f.system, "kind": f.kind, "what": f.what} for f in report.findings
            ],
        }  # fmt: skip
        plain(json.dumps(document, ensure_ascii=False, indent=2))
    else:
        for finding in report.findings:
            plain(f"TAMPERED {finding.what}")
        if not report.anchored and report.checkpoints:
            plain("note: checkpoints checked against the keys they name; give --public-key to anchor them")
        verdict = "intact" if report.intact else f"{len(report.findings)} finding(s)"
        plain(f"{path}: {report.events} events, {report.checkpoints} checkpoint(s), chain {verdict}")
    raise typer.Exit(EXIT_OK if report.intact else EXIT_FAILED)
