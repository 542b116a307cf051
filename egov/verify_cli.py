"""``egov verify``: the offline isolation check of the zones (docs/zones.md).

Exit codes: 0 the configurations keep the zone policy, 1 leaks or blocked flows (each named with its
device and configuration line), 2 unusable input (an invalid inventory, a stale lock, a missing
configuration file, an unreachable lab).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from egov import __version__
from egov.console import error, plain
from egov.options import InventoryDir
from egov.rollout_cli import EXIT_FINDINGS, EXIT_OK, EXIT_USAGE, _context, _targets


class VerifyFormat(StrEnum):
    """Output formats of ``egov verify``."""

    TEXT = "text"
    JSON = "json"
    SARIF = "sarif"


def verify_command(
    inventory: InventoryDir,
    output: Annotated[
        VerifyFormat, typer.Option("--format", "-f", help="text, json or sarif")
    ] = VerifyFormat.TEXT,
    from_lab: Annotated[
        Path | None, typer.Option("--from-lab", help="check the configurations read back from the lab twin")
    ] = None,
    configs: Annotated[
        Path | None,
        typer.Option("--configs", help="check HOST.cfg files of this directory (as devices print them)"),
    ] = None,
    production: Annotated[
        bool, typer.Option("--production", help="read the configurations back from the real devices")
    ] = False,
) -> None:
    """Check, before anything is pushed, that the configurations keep the zones apart as the flow policy
    says, in both families: every flow it forbids that they allow (a leak) and every flow it requires
    that they block, with the device and line responsible. Without --from-lab, --configs or
    --production: the intended configurations."""
    from network.verify.report import render_json, render_sarif, render_text  # noqa: PLC0415
    from network.verify.run import VerifyError, from_directory, intended, read_back, verify  # noqa: PLC0415

    context = _context(inventory)
    chosen = [o for o in (from_lab is not None, configs is not None, production) if o]
    if len(chosen) > 1:
        error(
            "give one of --from-lab, --configs and --production",
            "each is a different source of configurations",
        )
        raise typer.Exit(EXIT_USAGE)
    try:
        if configs is not None:
            sources = from_directory(context, configs)
        elif from_lab is not None or production:
            targets, opener = _targets(context, from_lab, production)
            sources = read_back(context, targets, opener)
        else:
            sources = intended(context)
    except VerifyError as problem:
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    except OSError as problem:
        error(f"cannot read the configurations: {problem}", "is the lab up (`egov lab up … --detach`)?")
        raise typer.Exit(EXIT_USAGE) from None
    result = verify(context, sources)
    if output is VerifyFormat.JSON:
        plain(render_json(result))
    elif output is VerifyFormat.SARIF:
        plain(render_sarif(result, __version__))
    else:
        for line in render_text(result).splitlines():
            plain(line)
    raise typer.Exit(EXIT_FINDINGS if result.verdicts else EXIT_OK)
