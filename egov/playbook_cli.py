"""``egov playbook``: run the playbooks of playbooks/ through ansible-runner, events into the journal."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from egov.console import error, plain, readable_inventory, table
from egov.options import InventoryDir
from egov.rollout_cli import open_journal
from network.state import journal_path

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(no_args_is_help=True, help="Run the toolkit's Ansible playbooks through ansible-runner.")


@app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="the playbook, e.g. ipv6_rollout")],
    inventory: InventoryDir,
    lab: Annotated[
        Path | None, typer.Option("--lab", help="target the twin described by this lab.json")
    ] = None,
    limit: Annotated[
        str | None, typer.Option("--limit", help="an Ansible host pattern, e.g. county_sw_hq")
    ] = None,
    check: Annotated[bool, typer.Option("--check", help="check mode with diffs: change nothing")] = False,
    state: Annotated[
        Path | None, typer.Option("--state", help="journal directory (default <inventory>.state)")
    ] = None,
) -> None:
    """Run playbooks/NAME.yml on INVENTORY_DIR; host events are written into the rollout journal."""
    from network.rollout.playbooks import PlaybookError, available, run_playbook  # noqa: PLC0415

    if name not in available():
        error(f"no playbook {name!r}", f"playbooks: {', '.join(available())}")
        raise typer.Exit(EXIT_USAGE)
    readable_inventory(inventory)  # a file that cannot be read is named here, not deep in Ansible's output
    journal = open_journal(journal_path(inventory, state), scratch=check)  # --check records nothing
    try:
        result = run_playbook(name, inventory, journal, lab=lab, limit=limit, check=check)
        events = journal.playbook_events(result.run)
    except PlaybookError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    finally:
        journal.close()
    counts: dict[str, int] = {}
    for _, _, event, host, _, _ in events:
        if host:
            counts[str(event)] = counts.get(str(event), 0) + 1
    plain(f"playbook {name}: {result.status} (rc {result.rc}); journal run {result.run}")
    plain(
        ", ".join(f"{n} {e.removeprefix('runner_on_')}" for e, n in sorted(counts.items()))
        or "no host events"
    )
    if result.failed_hosts:
        table("failed hosts", ["host"], [(h,) for h in result.failed_hosts], numeric_from=1)
    if result.status != "successful":
        raise typer.Exit(EXIT_FINDINGS)
