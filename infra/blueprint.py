"""What the cloud program builds, from the inventory, the address lock and the migration ledger (pure).

Every address comes from the lock: the shared networks and each department tenant's zones (IPv6
/64s and the project's IPv4 zones) and each system's host per tier. Which systems get hosts: those
whose migration has started in the ledger (assessed or further; rolled-back ones keep their hosts
for the next attempt), or, with ``provision: plan``, every system that is to move. Classified systems
never appear. A system that should be built but has no address in the lock is an error naming it,
raised before any resource is declared — as is a stale lock, or an inventory with errors.

Sizing: the web host is ``small``, the app host ``medium``, the database host by its data (``medium``
below 50 GB, ``large`` below 200 GB, else ``xlarge``); a volume per data store (files on the app host
where there is one, else on the web host; databases on the db host), as large as systems.yaml says.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from ipaddress import IPv4Address, IPv4Network, IPv6Address, IPv6Network

from infra.security import DB_PORTS, Boundaries, GroupSpec, tenant_groups
from infra.settings import Settings
from network.addressing.hosts import cloud_systems, tiers
from network.addressing.lock import LOCK_FILE, SHARED_TENANT, Lock
from network.inventory import Inventory
from network.inventory.findings import Severity
from network.inventory.model import StoreKind, System
from network.migration.lifecycle import State, reached
from network.programme.sources import read_snapshot
from network.state import LEDGER_FILE

Network = IPv4Network | IPv6Network


class BlueprintError(Exception):
    """The cloud cannot be planned as it stands: names the system, file or key, with a hint."""

    def __init__(self, message: str, hint: str, details: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.message, self.hint, self.details = message, hint, details


@dataclass(frozen=True)
class Zone:
    """A network zone of a project: its name, IPv4 (None: IPv6 only) and IPv6 subnets."""

    name: str
    ipv4: IPv4Network | None
    ipv6: IPv6Network


@dataclass(frozen=True)
class Volume:
    """A data volume: the data store it holds, its size in GB."""

    store: str
    kind: str
    size_gb: int


@dataclass(frozen=True)
class Host:
    """One tier of a system: its zone, fixed addresses, flavour size, image, volumes."""

    tier: str
    ipv4: IPv4Address | None
    ipv6: IPv6Address
    size: str
    volumes: tuple[Volume, ...]


@dataclass(frozen=True)
class SystemBlueprint:
    """A business system on the cloud: who owns it, its MLPS level, its hosts, its DNS names."""

    id: str
    name: str
    department: str
    mlps_level: int
    service_name: str
    state: str
    hosts: tuple[Host, ...]

    @property
    def tags(self) -> dict[str, str]:
        """The tags every resource of the system carries."""
        return {"department": self.department, "mlps_level": str(self.mlps_level), "system": self.id}


@dataclass(frozen=True)
class TenantBlueprint:
    """A department's tenant: its project, zones, security groups, systems."""

    department: str
    name: str
    zones: dict[str, Zone]
    groups: tuple[GroupSpec, ...]
    systems: tuple[SystemBlueprint, ...]
    mlps_level: int

    @property
    def tags(self) -> dict[str, str]:
        """The tags of the tenant's own resources (system ``*``: the whole department)."""
        return {"department": self.department, "mlps_level": str(self.mlps_level), "system": "*"}


@dataclass(frozen=True)
class CloudBlueprint:
    """The whole node: the city, its shared networks, the tenants, the boundaries the rules name."""

    city: str
    node_name: str
    mlps_level: int
    shared: dict[str, Zone]
    tenants: tuple[TenantBlueprint, ...]
    boundaries: Boundaries
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def systems(self) -> list[SystemBlueprint]:
        """Every system, tenant by tenant."""
        return [s for t in self.tenants for s in t.systems]


def _size_of_db(system: System) -> str:
    gigabytes = sum(s.size_gb for s in system.data_stores if s.kind is not StoreKind.FILES)
    return "medium" if gigabytes < 50 else "large" if gigabytes < 200 else "xlarge"


def _volumes(system: System, tier: str, present: tuple[str, ...]) -> tuple[Volume, ...]:
    files_tier = "app" if "app" in present else "web"
    out = []
    for store in system.data_stores:
        home = files_tier if store.kind is StoreKind.FILES else "db"
        if home == tier:
            out.append(Volume(store.name, store.kind.value, max(1, math.ceil(store.size_gb))))
    return tuple(out)


def _zones(lock: Lock, tenant: str) -> dict[str, Zone]:
    v6 = lock.subnets.get(tenant, {})
    v4 = lock.tenant_ipv4.get(tenant, {})
    return {
        name: Zone(
            name,
            IPv4Network(v4[name]) if name in v4 else None,
            IPv6Network((network, 64)),
        )
        for name, network in v6.items()
    }


def wanted(state: State, provision: str) -> bool:
    """Whether a system in ``state`` gets its hosts (``provision``: ledger or plan)."""
    if provision == "plan":
        return state not in (State.RETAINED, State.RETIRED)
    return reached(state, State.ASSESSED) or state in (State.ROLLED_BACK, State.FAILED)


def _system(system: System, lock: Lock, state: State, where: str) -> SystemBlueprint:
    addresses = lock.hosts.get(system.id)
    needed = tiers(system)
    if addresses is None or any(tier not in addresses for tier in needed):
        missing = [t for t in needed if addresses is None or t not in addresses]
        raise BlueprintError(
            f"{system.id} ({system.name}): no address in {where} for its {', '.join(missing)} tier",
            "run `egov plan INVENTORY_DIR` and commit the lock before building the cloud",
        )
    hosts = []
    for tier in needed:
        v4, v6 = addresses[tier]
        size = {"web": "small", "app": "medium"}.get(tier) or _size_of_db(system)
        hosts.append(
            Host(
                tier,
                None if v4 is None else IPv4Address(v4),
                IPv6Address(v6),
                size,
                _volumes(system, tier, needed),
            )
        )
    host = str(system.health.host) if system.health and system.health.host else f"{system.id}.invalid"
    return SystemBlueprint(
        system.id, system.name, system.department, system.mlps_level, host, state.value, tuple(hosts)
    )


def _boundaries(inventory: Inventory, shared: dict[str, Zone]) -> Boundaries:
    city = inventory.city
    extranet: list[Network] = [*city.aggregates.ipv4, *city.aggregates.ipv6] if city else []

    def both(zone: Zone | None) -> tuple[Network, ...]:
        if zone is None:
            return ()
        return (zone.ipv4, zone.ipv6) if zone.ipv4 is not None else (zone.ipv6,)

    return Boundaries(tuple(extranet), both(shared.get("management")), both(shared.get("services")))


def build_blueprint(
    inventory: Inventory, lock: Lock, states: dict[str, State], provision: str
) -> CloudBlueprint:
    """The blueprint of a valid inventory with its current lock (pure)."""
    city = inventory.city
    if city is None or city.cloud is None:
        raise BlueprintError(
            f"{inventory.root / 'city.yaml'}: the city declares no cloud node",
            "add `cloud: {name: …, site: …, mlps_level: 3}` to city.yaml",
        )
    if SHARED_TENANT not in lock.subnets:
        raise BlueprintError(
            f"{inventory.root / LOCK_FILE}: the cloud node has no networks in the plan",
            "give addressing.yaml an `ipv6.cloud` section and run `egov plan`",
        )
    where = str(inventory.root / LOCK_FILE)
    shared = _zones(lock, SHARED_TENANT)
    boundaries = _boundaries(inventory, shared)
    if lock.tenant_ipv4 and not city.aggregates.ipv4:
        raise BlueprintError(
            f"{inventory.where(city) if city.at.file else inventory.root / 'city.yaml'}: the city declares "
            "no IPv4 aggregate, but the cloud projects are "
            "dual-stack: their web zones could take HTTPS from the extranet over IPv6 only",
            "add `aggregates: {ipv4: [...]}` (the extranet's IPv4 blocks) to city.yaml, or drop "
            "`ipv4.cloud` from addressing.yaml for an IPv6-only cloud",
        )
    by_department: dict[str, list[SystemBlueprint]] = {}
    for system in cloud_systems(inventory):
        state = states.get(system.id, State.NOT_STARTED)
        if wanted(state, provision):
            by_department.setdefault(system.department, []).append(_system(system, lock, state, where))
    tenants = []
    for department in sorted(by_department):
        systems = tuple(by_department[department])
        zones: dict[int, set[str]] = {}
        ports: dict[int, set[int]] = {}
        for blueprint, system in ((b, inventory.system_by_id[b.id]) for b in systems):
            zones.setdefault(blueprint.mlps_level, set()).update(h.tier for h in blueprint.hosts)
            ports.setdefault(blueprint.mlps_level, set()).update(
                DB_PORTS[s.kind] for s in system.data_stores if s.kind in DB_PORTS
            )
        record = inventory.department_by_id[department]
        tenants.append(
            TenantBlueprint(
                department,
                record.name,
                _zones(lock, department),
                tuple(tenant_groups(zones, ports, boundaries)),
                systems,
                max(s.mlps_level for s in systems),
            )
        )
    return CloudBlueprint(
        city.code, city.cloud.name, city.cloud.mlps_level, shared, tuple(tenants), boundaries
    )


def load_blueprint(settings: Settings) -> CloudBlueprint:
    """Read and check everything (inventory valid, lock current), then build the blueprint."""
    from network.addressing.workflow import PlanUnavailable, prepare, run_plan  # noqa: PLC0415

    try:
        prepared = prepare(settings.inventory)  # validates the inventory and reads the lock
        planned = run_plan(prepared)
    except PlanUnavailable as problem:
        findings = problem.report.findings if problem.report is not None else problem.findings
        details = tuple(
            f"{settings.inventory / f.at.file}:{f.line or '-'}: {f.code} {f.message}"
            + (f" (hint: {f.hint})" if f.hint else "")
            for f in findings
            if f.level is Severity.ERROR
        )
        raise BlueprintError(problem.message, problem.hint, details) from None
    if prepared.lock is None:
        raise BlueprintError(f"there is no {settings.inventory / LOCK_FILE}", "run `egov plan` first")
    if planned.change.status != "unchanged":
        raise BlueprintError(
            f"{settings.inventory / LOCK_FILE} is stale: the inventory changed since it was planned",
            f"run `egov plan {settings.inventory}` and review the lock",
        )
    snapshot = read_snapshot(settings.state_dir)
    if LEDGER_FILE in snapshot.problems:
        raise BlueprintError(
            f"{settings.state_dir / LEDGER_FILE}: the migration ledger cannot be read "
            f"({snapshot.problems[LEDGER_FILE]})",
            "restore it from its backup (the ledger is append-only: never edit it by hand)",
        )
    states = snapshot.systems
    return build_blueprint(prepared.inventory, prepared.lock, states, settings.provision)
