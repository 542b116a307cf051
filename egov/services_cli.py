"""``egov dns`` (zone files as code) and ``egov ipv6`` (websites, zones and CDN edges probed over IPv6)."""

from __future__ import annotations

import difflib
import fnmatch
import json
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.console import error, fail, plain, table
from egov.options import InventoryDir

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

dns_app = typer.Typer(
    no_args_is_help=True, help="DNS as code: the city's zone files from the inventory and lock."
)
ipv6_app = typer.Typer(
    no_args_is_help=True,
    help="IPv6 readiness of the city's websites, DNS and CDN, measured like the national platform.",
)


@dns_app.command("zones")
def zones_command(
    inventory: InventoryDir,
    out: Annotated[
        Path | None, typer.Option("--out", help="where the zone files go (default INVENTORY/dns)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="change nothing; show the diff, exit 1 if stale")
    ] = False,
) -> None:
    """Write (or check) one RFC 1035 zone file per zone; serials go up only when records change."""
    from network.services.context import ServicesUnavailable, load_services  # noqa: PLC0415
    from network.services.zonefile import ZoneFileError, zone_files  # noqa: PLC0415
    from network.textfiles import write_files  # noqa: PLC0415

    try:
        context = load_services(inventory)
        directory = out or inventory / "dns"
        files = zone_files(context.zones, directory)
    except ServicesUnavailable as problem:
        raise fail(problem) from None
    except ZoneFileError as problem:
        error(str(problem), "move the file away to start its serials again, or restore it")
        raise typer.Exit(EXIT_USAGE) from None
    changed = [f for f in files if f.changed]
    for zone_file in files:
        state = "unchanged" if not zone_file.changed else ("new" if zone_file.before is None else "changed")
        plain(f"{state:<10} {directory / zone_file.name} (serial {zone_file.serial})")
        if check and zone_file.changed:
            before = (zone_file.before or "").splitlines()
            for line in difflib.unified_diff(
                before, zone_file.text.splitlines(), zone_file.name, zone_file.name, lineterm=""
            ):
                plain(f"  {line}")
    if check:
        raise typer.Exit(EXIT_FINDINGS if changed else EXIT_OK)
    if changed:
        write_files(directory, {f.name: f.text for f in changed})
        plain(f"wrote {len(changed)} of {len(files)} zone files to {directory}")


@ipv6_app.command("check")
def check_command(  # noqa: PLR0913, PLR0917 - typer: each option is one of the check's settings
    inventory: InventoryDir,
    lab: Annotated[
        Path | None, typer.Option("--lab", help="the services-lab.json of a running services lab")
    ] = None,
    production: Annotated[
        bool, typer.Option("--production", help="probe the real addresses (no lab): only where allowed")
    ] = False,
    site: Annotated[
        list[str] | None, typer.Option("--site", help="website id or host glob (repeatable)")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
    repeats: Annotated[
        int, typer.Option("--repeats", min=1, max=20, help="IPv6 home-page probes per site")
    ] = 3,
    seconds: Annotated[float, typer.Option("--deadline", min=1, help="seconds for the whole check")] = 50.0,
    record: Annotated[
        bool,
        typer.Option("--record", help="record the counts as m04-dns-cdn's measured progress"),
    ] = False,
    state: Annotated[
        Path | None, typer.Option("--state", help="state directory (default <inventory>.state)")
    ] = None,
) -> None:
    """Score every website over IPv6 (AAAA, delegation, home page, success rate, content, links, latency)."""
    from network.services.context import ServicesUnavailable, load_services  # noqa: PLC0415
    from network.services.probe import (  # noqa: PLC0415
        Deadline,
        Prober,
        resolvers_answering,
        summarise,
    )
    from network.services.reach import Reach, ReachError  # noqa: PLC0415

    if output_format not in ("table", "json"):
        error(f"--format {output_format}: unknown", "use table or json")
        raise typer.Exit(EXIT_USAGE)
    if record and site:
        error("--record measures the whole city", "leave out --site to record m04-dns-cdn's progress")
        raise typer.Exit(EXIT_USAGE)
    if (lab is None) == (not production):
        error(
            "give --lab services-lab.json, or --production",
            "start a lab with `egov lab up INVENTORY --services --detach`",
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        context = load_services(inventory)
        reach = Reach(production=True) if production else Reach.from_lab(lab)  # type: ignore[arg-type]
    except ServicesUnavailable as problem:
        raise fail(problem) from None
    except ReachError as problem:
        error(str(problem), "start a lab with `egov lab up INVENTORY --services --detach` in this directory")
        raise typer.Exit(EXIT_USAGE) from None
    websites = [
        w for w in context.inventory.websites
        if not site or any(fnmatch.fnmatch(w.id, g) or fnmatch.fnmatch(w.host, g) for g in site)
    ]  # fmt: skip
    if not websites:
        error(f"no website matches {', '.join(site or [])}", "give a website id or host from websites.yaml")
        raise typer.Exit(EXIT_USAGE)
    started = time.monotonic()
    prober = Prober(context.inventory, reach, repeats=repeats)
    results = prober.sites(websites, seconds=seconds * 0.8)
    edges = [prober.edge(e, seconds=max(1.0, seconds * 0.1)) for e in context.inventory.cdn_edges]
    deadline = Deadline(max(1.0, seconds - (time.monotonic() - started)))
    summary = summarise(
        results, edges, prober.zones(deadline.left(10.0)), resolvers_answering(prober, deadline)
    )
    elapsed = time.monotonic() - started
    if record:
        _record(inventory, state, summary, quiet=output_format == "json")
    if output_format == "json":
        plain(json.dumps(_document(results, edges, summary, elapsed), indent=2, ensure_ascii=False))
    else:
        _print_table(results, edges, summary, elapsed)


def _record(inventory: Path, state: Path | None, summary: Any, quiet: bool) -> None:
    """Write the summary's counts as the latest IPv6 services measurement."""
    from network.programme.measured import ServicesMeasure, write_measure  # noqa: PLC0415
    from network.state import state_dir  # noqa: PLC0415

    measure = ServicesMeasure(
        {"website": summary.city[1], "zone": summary.zones_complete[0],
         "resolver": summary.resolvers_v6[0], "cdn_edge": summary.edges_v6[0]},
        {"website": summary.city[0], "zone": summary.zones_complete[1],
         "resolver": summary.resolvers_v6[1], "cdn_edge": summary.edges_v6[1]},
        time.time(),
    )  # fmt: skip
    try:
        path = write_measure(state_dir(inventory, state), measure)
    except OSError as problem:
        error(f"cannot record the measurement: {problem}", "check the state directory (--state)")
        raise typer.Exit(EXIT_USAGE) from None
    if not quiet:  # JSON on stdout stays one document
        plain(f"recorded in {path}: m04-dns-cdn measured {measure.ratio:.3f}")


def _document(results: list[Any], edges: list[Any], summary: Any, elapsed: float) -> dict[str, Any]:
    from network.services.probe import as_json  # noqa: PLC0415

    city = {
        "sites": summary.city[0],
        "ready": summary.city[1],
        "score": summary.city[2],
        "edges_ipv6": summary.edges_v6,
        "zones_complete": summary.zones_complete,
        "resolvers_ipv6": summary.resolvers_v6,
        "services_ratio": round(summary.services_ratio, 4),
    }
    return {
        "sites": [as_json(r) for r in results],
        "edges": [
            {"edge": e.edge.id, "ipv4": e.serves("ipv4"), "ipv6": e.serves("ipv6"), "problems": e.problems}
            for e in edges
        ],
        "departments": {
            d: {"sites": n, "ready": k, "score": s} for d, (n, k, s) in summary.departments.items()
        },
        "city": city,
        "seconds": round(elapsed, 2),
    }


def _print_table(results: list[Any], edges: list[Any], summary: Any, elapsed: float) -> None:
    rows = []
    for r in results:
        l2, l3 = r.links.get(2, (0, 0)), r.links.get(3, (0, 0))
        ratio = r.latency_ratio("total")
        home = "ok" if r.home_v6 and r.home_v6.ok else "-"
        rows.append((
            r.website.host, "yes" if r.aaaa else "no", home, f"{r.success_rate:.0%}",
            "yes" if r.same_content else "no", f"{l2[0]}/{l2[1]}", f"{l3[0]}/{l3[1]}",
            "-" if ratio is None else f"{ratio:.2f}", f"{r.score:.0f}", "; ".join(r.problems)[:60],
        ))  # fmt: skip
    table(
        f"{len(results)} websites over IPv6 in {elapsed:.1f} s",
        ["host", "AAAA", "home v6", "success", "same", "links L2", "links L3", "v6/v4", "score", "problems"],
        rows,
        numeric_from=8,
    )
    plain(
        f"city: {summary.city[1]}/{summary.city[0]} sites IPv6-ready, mean score {summary.city[2]}; "
        f"zones with a complete IPv6 delegation {summary.zones_complete[0]}/{summary.zones_complete[1]}; "
        f"resolvers over IPv6 {summary.resolvers_v6[0]}/{summary.resolvers_v6[1]}; "
        f"CDN edges over IPv6 {summary.edges_v6[0]}/{summary.edges_v6[1]}; "
        f"m04-dns-cdn measured {summary.services_ratio:.3f}"
    )
    for edge in edges:
        for note in edge.problems:
            plain(f"edge {edge.edge.id}: {note}")
