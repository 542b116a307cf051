"""The ``egov`` command line. Exit codes: 0 ok, 1 findings (or changes with --check), 2 unusable input.

Logic lives in ``network``; this module parses options, calls it and prints.
"""

from __future__ import annotations

import json
import os
import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from egov import __version__, console
from egov.changes import apply_changes
from egov.cloud_cli import app as cloud_app
from egov.console import error, plain, readable_inventory, table
from egov.device_cli import app as device_app
from egov.lab_cli import app as lab_app
from egov.migrate_cli import app as migrate_app
from egov.monitoring_cli import exporter_app, monitoring_app
from egov.options import InventoryDir
from egov.plan_cli import app as plan_app
from egov.playbook_cli import app as playbook_app
from egov.rollout_cli import app as rollout_app
from egov.rollout_cli import render_command
from egov.services_cli import dns_app, ipv6_app
from egov.verify_cli import verify_command
from network.addressing.policy import policy_schema
from network.inventory import InventoryNotFound
from network.inventory.findings import RULES
from network.inventory.platforms import PlatformSpecError
from network.inventory.report import render_json, render_sarif, render_text
from network.inventory.schema import all_schemas
from network.inventory.summary import links_per_tier, sites_per_level, systems_per_department
from network.synthetic import generate
from network.synthetic.write import render
from network.validation import validate

EXIT_OK, EXIT_FINDINGS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    name="egov",
    help="Infrastructure as code and monitoring for a city's e-gov extranet (政务外网) and government cloud.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
inventory_app = typer.Typer(
    help="Work with inventories: generate synthetic ones, summarise.", no_args_is_help=True
)
app.add_typer(inventory_app, name="inventory")
app.add_typer(plan_app, name="plan")
app.add_typer(lab_app, name="lab")
app.add_typer(device_app, name="device")
app.add_typer(rollout_app, name="rollout")
app.add_typer(playbook_app, name="playbook")
app.add_typer(migrate_app, name="migrate")
app.add_typer(exporter_app, name="exporter")
app.add_typer(monitoring_app, name="monitoring")
app.add_typer(cloud_app, name="cloud")
app.add_typer(dns_app, name="dns")
app.add_typer(ipv6_app, name="ipv6")
app.command("render")(render_command)
app.command("verify")(verify_command)


class ReportFormat(StrEnum):
    """Output formats of ``egov validate``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


class Scale(StrEnum):
    """Sizes of generated inventories."""

    CITY = "city"
    PROVINCE = "province"


class Profile(StrEnum):
    """Built-in city profiles."""

    SHANWEI = "shanwei"


def _version(value: bool) -> None:
    if value:
        plain(f"egov {__version__}")
        raise typer.Exit(EXIT_OK)


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="print the version and exit")
    ] = False,
) -> None:
    """Infrastructure as code and monitoring for a city's e-gov extranet."""


@app.command("validate")
def validate_command(
    inventory: InventoryDir,
    output: Annotated[
        ReportFormat, typer.Option("--format", "-f", help="text, json or sarif")
    ] = ReportFormat.TEXT,
    strict: Annotated[bool, typer.Option("--strict", help="fail on warnings too")] = False,
) -> None:
    """Check an inventory: schema, references, hierarchy, uniqueness, tiers, coverage, classification.

    Exit 0 when clean, 1 on errors (or warnings with --strict), 2 when the inventory cannot be read.
    """
    try:
        report = validate(inventory)
    except InventoryNotFound as problem:
        error(str(problem), problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    if output is ReportFormat.JSON:
        plain(render_json(report))
    elif output is ReportFormat.SARIF:
        plain(render_sarif(report, __version__))
    elif console.stdout.is_terminal:
        console.findings(report)
    else:
        for line in render_text(report):
            plain(line)
    raise typer.Exit(report.exit_code(strict))


@app.command("rules")
def rules_command() -> None:
    """List every validation rule: code, name, severity and what it checks."""
    table(
        "validation rules",
        ["code", "name", "severity", "checks"],
        [(r.code, r.name, r.severity.value, r.summary) for r in RULES.values()],
        numeric_from=9,
    )


@app.command("schema")
def schema_command(
    kind: Annotated[
        str | None, typer.Argument(help="one file kind (city, sites, devices…); all when omitted")
    ] = None,
    out: Annotated[Path | None, typer.Option("--out", help="write <kind>.schema.json files here")] = None,
    check: Annotated[
        bool, typer.Option("--check", help="with --out: change nothing, exit 1 if stale")
    ] = False,
) -> None:
    """Print (or write) the JSON Schema of the inventory files, generated from the model."""
    schemas = {**all_schemas(), "addressing.schema.json": policy_schema()}
    if kind is not None:
        name = f"{kind}.schema.json"
        if name not in schemas:
            error(f"no inventory file kind {kind!r}", f"kinds: {', '.join(n.split('.')[0] for n in schemas)}")
            raise typer.Exit(EXIT_USAGE)
        schemas = {name: schemas[name]}
    if out is None:
        document = next(iter(schemas.values())) if kind else schemas
        plain(json.dumps(document, ensure_ascii=False, indent=2))
        return
    texts = {
        name: json.dumps(schema, ensure_ascii=False, indent=2) + "\n" for name, schema in schemas.items()
    }
    apply_changes(out, texts, check, force=True)


@inventory_app.command("summary")
def summary_command(
    inventory: InventoryDir,
    as_json: Annotated[bool, typer.Option("--json", help="print JSON instead of tables")] = False,
) -> None:
    """Sites per level, links per tier (against the tier targets), systems per department."""
    result = readable_inventory(inventory)
    loaded = result.inventory
    levels = sites_per_level(loaded)
    tiers = links_per_tier(loaded)
    departments = systems_per_department(loaded)
    if as_json:
        plain(
            json.dumps(
                {
                    "sites_per_level": {level.value: count for level, count in levels},
                    "links_per_tier": {
                        row.tier.value: {
                            "links": row.links,
                            "target": row.target,
                            "below_target": row.below_target,
                        }
                        for row in tiers
                    },
                    "systems_per_department": {
                        row.department: {
                            "name": row.name,
                            "systems": row.systems,
                            "to_cloud": row.to_cloud,
                            "staying": row.staying,
                        }
                        for row in departments
                    },
                },
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    name = loaded.city.name if loaded.city else str(inventory)
    table(f"{name}: sites per level", ["level", "sites"], [(level.value, n) for level, n in levels])
    table(
        f"{name}: links per tier",
        ["tier", "target", "links", "below target"],
        [(r.tier.value, r.target, r.links, r.below_target) for r in tiers],
        numeric_from=1,
    )
    table(
        f"{name}: systems per department",
        ["department", "name", "systems", "to cloud", "staying"],
        [(r.department, r.name, r.systems, r.to_cloud, r.staying) for r in departments],
        numeric_from=2,
    )


@inventory_app.command("generate")
def generate_command(
    out_dir: Annotated[Path, typer.Argument(help="directory to write the inventory files into")],
    scale: Annotated[
        Scale, typer.Option("--scale", help="city (~800 villages) or province (Guangdong-sized)")
    ] = Scale.CITY,
    seed: Annotated[int, typer.Option("--seed", help="random seed: same seed, same files")] = 441500,
    profile: Annotated[
        Profile | None, typer.Option("--profile", help="a real city's names (city scale only)")
    ] = None,
    check: Annotated[
        bool, typer.Option("--check", help="change nothing; show what would change, exit 1 if any")
    ] = False,
    force: Annotated[bool, typer.Option("--force", help="overwrite files that differ")] = False,
) -> None:
    """Write a synthetic inventory (deterministic for a seed); --profile shanwei rebuilds the sample."""
    if profile is not None and scale is Scale.PROVINCE:
        error("--profile is for city-scale inventories", "drop --profile, or use --scale city")
        raise typer.Exit(EXIT_USAGE)
    command = f"egov inventory generate --scale {scale.value} --seed {seed}"
    if profile is not None:
        command += f" --profile {profile.value}"
    generated = generate(scale.value, seed, profile.value if profile else None)
    schema_base = "../../docs/schema" if profile is not None else None
    texts = render(generated, command + " DIR", schema_base)
    apply_changes(out_dir, texts, check, force)


def main() -> None:
    """Entry point of the console script."""
    try:
        app()
    except PlatformSpecError as problem:  # a broken third-party platform package: named, no traceback
        error(problem.message, problem.hint)
        sys.exit(problem.exit_code)
    except BrokenPipeError:
        # The reader went away (`egov … | head`): stop quietly, as the Python docs advise.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(EXIT_FINDINGS)
