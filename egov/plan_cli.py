"""``egov plan``: the IPv6 address plan. ``egov plan DIR`` plans; show, export and release are subcommands."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import typer
from typer._click.core import Context  # typer >= 0.25 vendors click here
from typer.core import TyperGroup

from egov.console import error, fail, plain, table
from egov.options import InventoryDir
from network.addressing.export import ansible_inventory, as_json, netbox_csv
from network.addressing.lock import LOCK_FILE
from network.addressing.show import level_use, tree
from network.addressing.workflow import PlanUnavailable, prepare, release, run_plan, write_lock
from network.textfiles import plan_changes, write_files

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2


class _PlanGroup(TyperGroup):
    """``egov plan DIR [--check]`` runs the default command; ``egov plan show DIR`` the subcommand."""

    def parse_args(self, ctx: Context, args: list[str]) -> list[str]:
        if args and args[0] not in self.commands and args[0] not in ("--help", "-h"):
            args = ["run", *args]
        return super().parse_args(ctx, args)


app = typer.Typer(
    cls=_PlanGroup,
    no_args_is_help=True,
    help="The IPv6 address plan: plan, show, export, "
    "release. `egov plan DIR [--check]` writes or checks allocations.lock.yaml.",
)


class ExportFormat(StrEnum):
    """Formats of ``egov plan export``."""

    NETBOX_CSV = "netbox-csv"
    JSON = "json"
    ANSIBLE_VARS = "ansible-vars"


def _fail(problem: PlanUnavailable) -> typer.Exit:
    return fail(problem)


@app.command("run", help="Plan: write or update allocations.lock.yaml (the default command).")
def run_command(
    inventory: InventoryDir,
    check: Annotated[
        bool, typer.Option("--check", help="change nothing; exit 1 with the diff if the lock is stale")
    ] = False,
) -> None:
    """Plan IPv6 addresses: keep every existing allocation, add the new, quarantine the gone."""
    try:
        planned = run_plan(prepare(inventory))
    except PlanUnavailable as problem:
        raise _fail(problem) from None
    result = planned.result
    for note in result.notes:
        plain(f"note: {note}")
    for code, message, hint in result.warnings:
        plain(f"warning: {code} {message} (hint: {hint})")
    plain(
        f"{result.added} allocated, {result.kept} kept, {len(result.quarantined)} quarantined, "
        f"{len(result.moved)} moved"
    )
    path = inventory / LOCK_FILE
    if planned.change.status == "unchanged":
        plain(f"{path} is up to date")
        return
    if check:
        plain(f"{path} is stale ({planned.change.status}):")
        for line in planned.change.diff()[:60]:
            plain(f"  {line}")
        raise typer.Exit(EXIT_FINDINGS)
    try:
        write_lock(planned)
    except OSError as problem:
        error(f"cannot write {path}: {problem.strerror}", "nothing was changed")
        raise typer.Exit(EXIT_USAGE) from None
    plain(f"wrote {path}")


@app.command("show")
def show_command(
    inventory: InventoryDir,
    site: Annotated[str | None, typer.Option("--site", help="show this site's subtree, all levels")] = None,
    depth: Annotated[int, typer.Option("--depth", help="levels below the root to show (without --site)")] = 2,
) -> None:
    """The tree of prefixes, with the utilisation of each level."""
    try:
        prepared = prepare(inventory)
    except PlanUnavailable as problem:
        raise _fail(problem) from None
    lock = prepared.lock
    if lock is None:
        error(f"there is no {inventory / LOCK_FILE}", f"run `egov plan {inventory}` first")
        raise typer.Exit(EXIT_FINDINGS)
    if site is not None and site not in lock.sites:
        error(f"site {site!r} has no prefix in the lock", "give a site id from sites.yaml")
        raise typer.Exit(EXIT_USAGE)
    table(
        "prefix lengths and utilisation per level",
        ["level", "length", "sites", "slots per parent", "busiest parent", "mean use"],
        [
            (u.level.value, f"/{u.length}", u.sites, u.slots_per_parent, u.busiest, f"{u.mean_used:.0%}")
            for u in level_use(lock, prepared.inventory)
        ],
    )
    for line in tree(lock, prepared.inventory, site, None if site else depth):
        plain(line)
    if lock.quarantine:
        plain("")
        plain(f"quarantine ({len(lock.quarantine)}; reusable after `egov plan release`):")
        for key in sorted(lock.quarantine):
            plain(f"  {key}")


@app.command("export")
def export_command(
    inventory: InventoryDir,
    output: Annotated[ExportFormat, typer.Option("--format", "-f", help="netbox-csv, json or ansible-vars")],
) -> None:
    """Print the plan for NetBox (prefix bulk import CSV), as JSON, or as an Ansible inventory with vars."""
    try:
        prepared = prepare(inventory)
    except PlanUnavailable as problem:
        raise _fail(problem) from None
    if prepared.lock is None:
        error(f"there is no {inventory / LOCK_FILE}", f"run `egov plan {inventory}` first")
        raise typer.Exit(EXIT_FINDINGS)
    if run_plan(prepared).change.status != "unchanged":
        error(
            f"{LOCK_FILE} is stale: the export would not match the inventory", f"run `egov plan {inventory}`"
        )
        raise typer.Exit(EXIT_FINDINGS)
    writers: dict[ExportFormat, Any] = {
        ExportFormat.NETBOX_CSV: lambda: netbox_csv(prepared.lock, prepared.inventory),
        ExportFormat.JSON: lambda: as_json(prepared.lock),
        ExportFormat.ANSIBLE_VARS: lambda: ansible_inventory(prepared.lock, prepared.inventory),
    }
    text = writers[output]()
    plain(text.rstrip("\n"))


@app.command("release")
def release_command(
    inventory: InventoryDir,
    keys: Annotated[list[str] | None, typer.Argument(help="quarantine keys, e.g. sites/sw-hf-old")] = None,
    everything: Annotated[bool, typer.Option("--all", help="release the whole quarantine")] = False,
    check: Annotated[
        bool, typer.Option("--check", help="change nothing; show what would be released")
    ] = False,
) -> None:
    """Release quarantined prefixes so that the planner may reuse them."""
    if not keys and not everything:
        error("name the quarantine keys to release, or --all", "see them with `egov plan show`")
        raise typer.Exit(EXIT_USAGE)
    try:
        prepared = prepare(inventory)
        lock, released = release(prepared, keys or [], everything)
    except PlanUnavailable as problem:
        raise _fail(problem) from None
    (change,) = plan_changes(inventory, {LOCK_FILE: lock.to_text()})
    for key in released:
        plain(f"{'would release' if check else 'released'} {key}")
    if check:
        for line in change.diff():
            plain(f"  {line}")
        raise typer.Exit(EXIT_FINDINGS if released else EXIT_OK)
    if change.status != "unchanged":
        write_files(inventory, {LOCK_FILE: lock.to_text()})
