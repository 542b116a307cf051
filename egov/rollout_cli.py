"""``egov render`` and ``egov rollout``: intended dual-stack configs, and the wave engine that applies them.

Targets: ``--lab lab.json`` (the twin; password from EGOV_LAB_PASSWORD) or, with ``--production``, the
inventory's management addresses (password from each device's credentials reference, e.g. env:NAME).
The journal lives in a state directory next to the inventory (``<inventory>.state/``, or ``--state``).
Exit codes: 0 done, 1 devices failed / a wave stopped / findings (with ``--check``: a device that could
not be reached or checked), 2 unusable input, 130 interrupted. ``--check`` pushes nothing and leaves
the journal as it was (it works on a scratch copy).
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.console import error, fail, plain, table
from egov.options import InventoryDir
from network.state import journal_path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130

app = typer.Typer(
    no_args_is_help=True, help="The IPv6 rollout: waves, prechecks, push, postchecks, rollback."
)

LabOption = Annotated[
    Path | None, typer.Option("--lab", help="target the lab twin described by this lab.json")
]
ProductionOption = Annotated[
    bool, typer.Option("--production", help="target the inventory's management addresses (real devices)")
]
StateOption = Annotated[
    Path | None, typer.Option("--state", help="journal directory (default <inventory>.state)")
]


def _context(inventory: Path) -> Any:
    from network.rollout.context import ContextError, load_context  # noqa: PLC0415

    try:
        return load_context(inventory)
    except ContextError as problem:
        raise fail(problem) from None


def render_command(
    inventory: InventoryDir,
    device: Annotated[str, typer.Option("--device", help="the device's hostname")],
    zones: Annotated[
        bool,
        typer.Option("--zones", help="what the zones add instead: VPN instances, access interfaces, ACLs"),
    ] = False,
) -> None:
    """Print one device's intended dual-stack configuration (what the rollout merges in), or with
    --zones what the zones and VPN instances add to it (docs/zones.md)."""
    from network.render import IntentError, render_intent, render_vpn  # noqa: PLC0415

    context = _context(inventory)
    if device not in context.inventory.device_by_hostname:
        import difflib  # noqa: PLC0415

        close = difflib.get_close_matches(device, list(context.inventory.device_by_hostname), n=1)
        error(
            f"{device}: no such device in {inventory}",
            f"did you mean {close[0]}?" if close else "see devices.yaml",
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        if zones:
            sys.stdout.write(render_vpn(context.vpns.build(device)))
        else:
            sys.stdout.write(render_intent(context.intents.build(device)))
    except IntentError as problem:
        error(str(problem), problem.hint)
        raise typer.Exit(EXIT_FINDINGS) from None


@app.command("plan")
def plan_command(
    inventory: InventoryDir,
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """The waves: number (from 1), name, devices, and the failure budget of each."""
    from network.rollout.waves import plan_waves  # noqa: PLC0415

    context = _context(inventory)
    plan = plan_waves(context.inventory, context.config)
    if output_format == "json":
        document = {
            "waves": [
                {
                    "number": w.number,
                    "name": w.name,
                    "max_fail_percentage": w.max_fail_percentage,
                    "devices": list(w.hostnames),
                }
                for w in plan.waves
            ],
            "left_out": list(plan.left_out),
        }
        plain(json.dumps(document, indent=2, ensure_ascii=False))
        return
    devices = context.inventory.device_by_hostname
    rows = []
    for wave in plan.waves:
        platforms: dict[str, int] = {}
        for host in wave.hostnames:
            platforms[devices[host].platform] = platforms.get(devices[host].platform, 0) + 1
        mix = ", ".join(f"{p} {n}" for p, n in sorted(platforms.items()))
        rows.append((wave.number, wave.name, len(wave.hostnames), f"{wave.max_fail_percentage:g}%", mix))
    table(
        f"rollout waves of {inventory}",
        ["wave", "name", "devices", "max fail", "platforms"],
        rows,
        numeric_from=2,
    )
    if plan.left_out:
        plain(f"not in any wave (never changed): {', '.join(plan.left_out)}")


def _targets(context: Any, lab: Path | None, production: bool) -> tuple[dict[str, Any], Any]:
    """Where each device answers, and how to open a driver for it (usage errors end the command)."""
    from network.rollout.targets import TargetsError, targets  # noqa: PLC0415

    try:
        return targets(context.inventory, lab, production)
    except TargetsError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None


def _engine(inventory: Path, lab: Path | None, production: bool, state: Path | None, check: bool) -> Any:
    from network.rollout.engine import Engine  # noqa: PLC0415
    from network.rollout.waves import plan_waves  # noqa: PLC0415

    context = _context(inventory)
    targets, opener = _targets(context, lab, production)
    journal = open_journal(journal_path(inventory, state), scratch=check)
    plan = plan_waves(context.inventory, context.config)
    return Engine(context, plan, journal, targets, opener, workers=context.config.workers, check=check)


def open_journal(path: Path, scratch: bool = False) -> Any:
    """The journal at ``path`` (a scratch copy in check mode); a damaged file ends the command (exit 2)."""
    from network.rollout.journal import Journal  # noqa: PLC0415
    from network.state import StateFileError  # noqa: PLC0415

    try:
        return Journal(path, scratch=scratch)
    except StateFileError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None


def _report(result: Any, check: bool) -> None:
    if check:
        for outcome in result.outcomes:
            plain(f"--- {outcome.hostname} (wave {outcome.wave})")
            if outcome.state == "failed":
                plain(f"(cannot be checked: {outcome.reason})")
            else:
                plain(outcome.diff or "(no change)")
        failed = [o for o in result.outcomes if o.state == "failed"]
        if failed:
            error(
                f"{len(failed)} device(s) could not be checked: {', '.join(o.hostname for o in failed[:5])}",
                "check mode pushed nothing and left the journal as it was",
            )
        return
    counts: dict[str, int] = {}
    for outcome in result.outcomes:
        counts[outcome.state] = counts.get(outcome.state, 0) + 1
    plain(", ".join(f"{n} {state}" for state, n in sorted(counts.items())) or "nothing to do")
    failed = result.failed()
    if failed:
        table(
            "failed devices",
            ["hostname", "wave", "state", "why"],
            [(o.hostname, o.wave, o.state, o.reason) for o in failed],
        )
    if result.stopped_wave is not None:
        error(
            f"wave {result.stopped_wave} stopped: its failures exceeded max_fail_percentage",
            "see the failed devices above",
        )
    if result.interrupted:
        error("interrupted: stopped between devices", "`egov rollout resume` carries on")


def _exit(result: Any, check: bool) -> None:
    if result.interrupted:
        raise typer.Exit(EXIT_INTERRUPTED)
    if result.failed() or result.stopped_wave is not None:
        raise typer.Exit(EXIT_FINDINGS)  # in check mode: some device could not be reached or checked


def _progress(engine: Any) -> Any:
    """A progress bar per wave on a terminal; a line per device when piped. Returns what to stop."""
    from egov.console import stdout  # noqa: PLC0415

    if not stdout.is_terminal:

        def line(wave: Any, outcome: Any) -> None:
            why = f" ({outcome.reason})" if outcome.reason and outcome.state != "pending" else ""
            plain(f"wave {wave.number} {wave.name}: {outcome.hostname} {outcome.state}{why}")

        engine.progress = line
        return None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn  # noqa: PLC0415

    bars = Progress(
        TextColumn("wave {task.fields[number]}: {task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[failed]} failed"),
        TimeElapsedColumn(),
        console=stdout,
    )
    tasks: dict[int, Any] = {}
    failed: dict[int, int] = {}

    def bar(wave: Any, outcome: Any) -> None:
        if wave.number not in tasks:
            tasks[wave.number] = bars.add_task(
                wave.name, total=len(wave.hostnames), number=wave.number, failed=0
            )
        failed[wave.number] = failed.get(wave.number, 0) + (outcome.state in ("failed", "rolled_back"))
        bars.update(tasks[wave.number], advance=1, failed=failed[wave.number])

    engine.progress = bar
    bars.start()
    return bars


@app.command("run")
def run_command(
    inventory: InventoryDir,
    wave: Annotated[
        int | None, typer.Option("--wave", min=1, help="only this wave (numbered from 1)")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="print each device's diff; push nothing")] = False,
    retry: Annotated[
        bool, typer.Option("--retry", help="also retake failed and rolled-back devices")
    ] = False,
    lab: LabOption = None,
    production: ProductionOption = False,
    state: StateOption = None,
) -> None:
    """Roll out wave by wave: precheck, push (trial commit where offered), postcheck, or roll back."""
    engine = _engine(inventory, lab, production, state, check)
    bars = _progress(engine)
    try:
        result = engine.run(wave, retry)
    finally:
        if bars is not None:
            bars.stop()
        engine.journal.close()
    _report(result, check)
    _exit(result, check)


@app.command("resume")
def resume_command(
    inventory: InventoryDir,
    lab: LabOption = None,
    production: ProductionOption = False,
    state: StateOption = None,
    settle_only: Annotated[
        bool,
        typer.Option("--settle-only", help="settle what the interruption caught; start no pending device"),
    ] = False,
) -> None:
    """After an interruption (even kill -9): settle devices caught mid-change, then carry on."""
    engine = _engine(inventory, lab, production, state, False)
    bars = _progress(engine)
    try:
        result = engine.resume(settle_only)
    finally:
        if bars is not None:
            bars.stop()
        engine.journal.close()
    _report(result, False)
    _exit(result, False)


@app.command("status")
def status_command(
    inventory: InventoryDir,
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    state: StateOption = None,
) -> None:
    """Every device with its wave and state: pending, done, failed, rolled_back (running if interrupted)."""
    path = journal_path(inventory, state)
    if not path.exists():
        error(f"no rollout journal at {path}", f"start with `egov rollout run {inventory} --lab lab.json`")
        raise typer.Exit(EXIT_FINDINGS)
    journal = open_journal(path, scratch=True)  # status only reads
    try:
        records = journal.devices()
        changes = journal.changes()
    finally:
        journal.close()
    waiting = [c for c in changes if c.outcome is None]
    if output_format == "json":
        document = [
            {
                "hostname": r.hostname,
                "wave": r.wave,
                "state": r.state,
                "reason": r.reason,
                "hash_after": r.hash_after,
                "open_changes": [
                    {"change": c.change, "trial_seconds": c.seconds}
                    for c in waiting
                    if c.hostname == r.hostname
                ],
            }
            for r in records
        ]
        plain(json.dumps(document, indent=2, ensure_ascii=False))
        return
    counts: dict[str, int] = {}
    for record in records:
        counts[record.state] = counts.get(record.state, 0) + 1
    plain(", ".join(f"{n} {s}" for s, n in sorted(counts.items())))
    for kind, chosen in (
        ("trial commits", [c for c in changes if c.trial]),
        ("plain commits", [c for c in changes if not c.trial]),
    ):
        outcomes: dict[str, int] = {}
        for change in chosen:
            outcomes[change.outcome or "open"] = outcomes.get(change.outcome or "open", 0) + 1
        if chosen:
            plain(f"{kind}: " + ", ".join(f"{n} {o}" for o, n in sorted(outcomes.items())))
    shown = [r for r in records if r.state != "pending"] or records[:20]
    table(
        "devices",
        ["hostname", "wave", "state", "reason"],
        [(r.hostname, r.wave, r.state, r.reason or "") for r in shown],
        numeric_from=4,
    )
    if waiting:
        table(
            "open changes: an interruption left them half-way, or waiting on the device (a trial)",
            ["hostname", "change", "trial seconds"],
            [(c.hostname, c.change, c.seconds or "-") for c in waiting],
            numeric_from=2,
        )
        error(f"{len(waiting)} change(s) open", f"`egov rollout resume {inventory} --lab …` settles them")
