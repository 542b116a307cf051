"""``egov cloud plan``: the cloud program run offline, under Pulumi's mock engine — what it would declare.

For reviewers and CI without cloud credentials or the Pulumi CLI: the same program as ``pulumi
preview``, its resources per department with their key properties, and the MLPS policies' findings.
Exit codes: 0 compliant, 1 policy violations, 2 unusable input (settings, inventory, lock).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Annotated, Any

import typer

from egov.console import error, plain, table
from egov.options import InventoryDir

EXIT_OK, EXIT_VIOLATIONS, EXIT_USAGE = 0, 1, 2

app = typer.Typer(
    no_args_is_help=True, help="The government cloud node (Pulumi, OpenStack): the offline plan."
)

KEY_PROPERTIES = {
    "openstack:identity/project:Project": ("name",),
    "openstack:networking/network:Network": ("name",),
    "openstack:networking/subnet:Subnet": ("name", "cidr", "ipVersion", "ipv6AddressMode", "gatewayIp"),
    "openstack:networking/router:Router": ("name", "externalNetworkId"),
    "openstack:networking/secGroup:SecGroup": ("name", "description"),
    "openstack:networking/secGroupRule:SecGroupRule": (
        "direction",
        "ethertype",
        "protocol",
        "portRangeMin",
        "portRangeMax",
        "remoteIpPrefix",
        "remoteGroupId",
    ),
    "openstack:networking/port:Port": ("name", "fixedIps", "securityGroupIds"),
    "openstack:compute/instance:Instance": ("name", "flavorName", "imageName"),
    "openstack:blockstorage/volume:Volume": ("name", "size"),
    "openstack:networking/floatingIp:FloatingIp": ("pool",),
    "openstack:dns/zone:Zone": ("name",),
    "openstack:dns/recordSet:RecordSet": ("name", "type", "records"),
    "openstack:compute/quotaSetV2:QuotaSetV2": ("instances", "cores", "ram"),
    "openstack:networking/quotaV2:QuotaV2": ("port", "securityGroupRule"),
    "openstack:blockstorage/quoteSetV3:QuoteSetV3": ("volumes", "gigabytes"),
}


def _department(resource: Any, owners: dict[str, str]) -> str:
    """The department a resource belongs to: its tag, else its component's."""
    for tag in resource.inputs.get("tags") or []:
        if str(tag).startswith("department="):
            return str(tag).split("=", 1)[1]
    metadata = resource.inputs.get("metadata") or {}
    if "department" in metadata:
        return str(metadata["department"])
    return owners.get(resource.parent or "", owners.get(resource.name, "cloud-node"))


@app.command("plan")
def plan_command(
    inventory: InventoryDir,
    stack: Annotated[
        str, typer.Option("--stack", help="the stack file Pulumi.<stack>.yaml to read")
    ] = "shanwei",
    provision: Annotated[
        str | None, typer.Option("--provision", help="ledger (systems whose migration started) or plan (all)")
    ] = None,
    output_format: Annotated[str, typer.Option("--format", help="table or json")] = "table",
) -> None:
    """List what the cloud program declares (offline, under mocks) per department, and policy violations."""
    from infra.blueprint import BlueprintError, load_blueprint  # noqa: PLC0415 - loads the Pulumi SDK
    from infra.offline import run_offline  # noqa: PLC0415
    from infra.settings import ROOT, SettingsError, read_stack_file, settings_from  # noqa: PLC0415

    if output_format not in ("table", "json"):
        error(f"--format {output_format}: unknown", "use table or json")
        raise typer.Exit(EXIT_USAGE)
    stack_file = ROOT / f"Pulumi.{stack}.yaml"
    if not stack_file.is_file():
        error(f"{stack_file} does not exist", f"stacks here: {', '.join(_stacks(ROOT))}")
        raise typer.Exit(EXIT_USAGE)
    try:
        values = read_stack_file(stack_file)
        values["inventory"] = str(inventory.resolve())
        if provision is not None:
            values["provision"] = provision
        settings = settings_from(values, root=Path.cwd())
        blueprint = load_blueprint(settings)
    except (SettingsError, BlueprintError) as problem:
        for line in getattr(problem, "details", ()):
            plain(line)
        error(problem.message, problem.hint)
        raise typer.Exit(EXIT_USAGE) from None
    plan = run_offline(blueprint, settings, stack)
    owners = {t.department: t.department for t in blueprint.tenants}
    owners.update({s.id: s.department for s in blueprint.systems})
    if output_format == "json":
        _json(plan, owners, stack, settings.provision)
    else:
        _tables(plan, owners, stack, settings.provision, blueprint)
    raise typer.Exit(EXIT_VIOLATIONS if plan.violations else EXIT_OK)


def _stacks(root: Path) -> list[str]:
    return sorted(p.name.removeprefix("Pulumi.").removesuffix(".yaml") for p in root.glob("Pulumi.*.yaml"))


def _json(plan: Any, owners: dict[str, str], stack: str, provision: str) -> None:
    document = {
        "offline": True,
        "note": "an offline plan: the program under Pulumi's mock engine; nothing was sent to a cloud",
        "stack": stack,
        "provision": provision,
        "resources": [
            {
                "type": r.type,
                "name": r.name,
                "parent": r.parent,
                "department": _department(r, owners),
                "properties": {k: r.inputs[k] for k in KEY_PROPERTIES.get(r.type, ()) if k in r.inputs},
            }
            for r in plan.resources
        ],
        "violations": [
            {"policy": v.policy, "clause": v.clause, "resource": v.resource, "message": v.message}
            for v in plan.violations
        ],
    }
    plain(json.dumps(document, ensure_ascii=False, indent=2))


def _tables(plan: Any, owners: dict[str, str], stack: str, provision: str, blueprint: Any) -> None:
    plain(
        f"OFFLINE PLAN of stack {stack} (Pulumi's mock engine; nothing was sent to a cloud; "
        f"provision: {provision})"
    )
    per: dict[str, Counter[str]] = {}
    for resource in plan.resources:
        per.setdefault(_department(resource, owners), Counter())[resource.type.rsplit(":", 1)[-1]] += 1
    kinds = [
        "Project",
        "Network",
        "Subnet",
        "SecGroup",
        "SecGroupRule",
        "Port",
        "Instance",
        "Volume",
        "RecordSet",
    ]
    table(
        f"{len(plan.resources)} resources, per department",
        ["department", *kinds, "other", "all"],
        [
            (d, *(c.get(k, 0) for k in kinds), sum(c.values()) - sum(c.get(k, 0) for k in kinds), c.total())
            for d, c in sorted(per.items())
        ],
        numeric_from=1,
    )
    rows = []
    for system in blueprint.systems:
        for host in system.hosts:
            rows.append(
                (
                    system.id,
                    system.mlps_level,
                    host.tier,
                    str(host.ipv4 or "-"),
                    str(host.ipv6),
                    host.size,
                    " ".join(f"{v.size_gb}G" for v in host.volumes) or "-",
                )
            )
    if rows:
        table(
            "hosts: fixed addresses from the lock",
            ["system", "MLPS", "tier", "IPv4", "IPv6", "size", "volumes"],
            rows,
            numeric_from=7,
        )
    else:
        plain("no system has started its migration: `--provision plan` shows every system to move")
    if plan.violations:
        table(
            f"{len(plan.violations)} policy violations",
            ["policy", "clause", "resource", "what"],
            [(v.policy, v.clause, v.resource, v.message) for v in plan.violations],
            numeric_from=4,
        )
    else:
        plain("policies: every MLPS policy passes")
