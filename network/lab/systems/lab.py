"""The systems lab as a whole: choose sample systems, build their two sides, describe them, stop.

Source side 127.0.81.0/24 (PostgreSQL on .1, system N's application on .(10+N)); target side
127.0.82.0/24 the same way. A system's declared port (its health URL's, 443) is reached on one free
lab port, recorded as the side's ``port_map``. Before anything starts, the ports already answering on
an unused lab address are recorded as the target's *baseline*: they are this machine's wildcard
listeners, not a system's, and the security check must not blame a migration for them.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path

from network.inventory import Inventory
from network.inventory.model import MOVING_STRATEGIES, Classification, StoreKind, System, Target
from network.lab.systems.app import App, AppSpec, AppStore
from network.lab.systems.cluster import Cluster, free_port
from network.lab.systems.data import fill_database, fill_files
from network.lab.systems.pki import LabCA
from network.migration import names
from network.migration.checks import open_ports
from network.migration.endpoints import (
    SUPPORTED_STORES,
    Database,
    DnsNameMap,
    Endpoints,
    HostsNameMap,
    Service,
    Side,
    SystemEndpoints,
    lab_document,
)

SOURCE_NET, TARGET_NET = "127.0.81.", "127.0.82."
PASSWORD_REFERENCE = "env:EGOV_LAB_PASSWORD"
_BASELINE_PROBE = "127.0.82.250"
_KINDS = (frozenset({StoreKind.FILES}), frozenset({StoreKind.POSTGRESQL}), frozenset(SUPPORTED_STORES))


class SystemsLabError(Exception):
    """The systems lab cannot be built as asked (names the system or the step, with a hint)."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message, self.hint = message, hint


def _movable(system: System) -> str | None:
    """Why a system cannot be in the lab (None: it can)."""
    if system.classification is Classification.CLASSIFIED:
        return "it is classified (涉密): classified systems never move"
    if system.migration.target is not Target.CLOUD or system.migration.strategy not in MOVING_STRATEGIES:
        return f"it is not moving to the cloud (strategy {system.migration.strategy.value})"
    kinds = {s.kind for s in system.data_stores}
    if not kinds or not kinds <= SUPPORTED_STORES:
        return f"its stores ({', '.join(sorted(k.value for k in kinds)) or 'none'}) are not files/postgresql"
    if system.health is None:
        return "it declares no health endpoint"
    return None


def choose_systems(inventory: Inventory, ids: tuple[str, ...] = ()) -> list[System]:
    """The named systems, or one of each kind: files only, PostgreSQL only, both."""
    if ids:
        chosen = []
        for system_id in ids:
            system = inventory.system_by_id.get(system_id)
            if system is None:
                raise SystemsLabError(f"{system_id}: no such system in {inventory.root}", "see systems.yaml")
            why = _movable(system)
            if why:
                raise SystemsLabError(
                    f"{system_id} cannot be in the systems lab: {why}", "choose another system"
                )
            chosen.append(system)
        return chosen
    chosen = []
    for kinds in _KINDS:
        match = next(
            (
                s
                for s in inventory.systems
                if _movable(s) is None and {d.kind for d in s.data_stores} == kinds
            ),
            None,
        )
        if match is not None:
            chosen.append(match)
    if not chosen:
        raise SystemsLabError(
            f"{inventory.root}: no system moves to the cloud with files or PostgreSQL stores",
            "name systems with --system",
        )
    return chosen


def _slug(name: str) -> str:
    return name.strip("/").replace("/", "_") or "root"


@dataclass
class SystemsLab:
    """Sample systems on loopback; :meth:`start` builds and returns the endpoints, :meth:`stop` ends it."""

    directory: Path
    password: str
    systems: list[System]
    megabytes: float = 2.0
    bandwidth_limit_kbps: int | None = None
    clusters: dict[str, Cluster] = field(default_factory=dict)
    apps: list[App] = field(default_factory=list)
    endpoints: Endpoints | None = None
    names_dns: DnsNameMap | None = None  # the services lab's zones: the cutover repoints real DNS

    @property
    def names_path(self) -> Path:
        """The lab's service-name map."""
        return self.directory / "names.hosts"

    def start(self) -> Endpoints:
        """Build everything; on any failure stop what was started and raise."""
        try:
            return self._build()
        except BaseException:
            self.stop()
            raise

    def _build(self) -> Endpoints:
        self.directory.mkdir(parents=True, exist_ok=True)
        baseline = tuple(open_ports(_BASELINE_PROBE))
        ca = LabCA(self.directory / "pki")
        for side, net in (("source", SOURCE_NET), ("target", TARGET_NET)):
            cluster = Cluster(side, net + "1", self.password)
            self.clusters[side] = cluster
            cluster.start()
        addresses = [
            (f"{SOURCE_NET}{10 + n}", f"{TARGET_NET}{10 + n}") for n in range(1, len(self.systems) + 1)
        ]
        port = _common_port([a for pair in addresses for a in pair])
        described: dict[str, SystemEndpoints] = {}
        for system, (source_address, target_address) in zip(self.systems, addresses, strict=True):
            described[system.id] = self._system(system, source_address, target_address, port, ca)
        name_map = self.names_dns or HostsNameMap(path=self.names_path)
        service_names = names.name_service(name_map)
        for system, (source_address, _) in zip(self.systems, addresses, strict=True):
            service_names.put_back(Service(system).name, [source_address])
        self.endpoints = Endpoints(
            names=name_map,
            ca=ca.path,
            baseline_ports=baseline,
            bandwidth_limit_kbps=self.bandwidth_limit_kbps,
            systems=described,
        )
        return self.endpoints

    def _system(
        self, system: System, source_address: str, target_address: str, port: int, ca: LabCA
    ) -> SystemEndpoints:
        service = Service(system)
        issued = ca.issue(service.name, (source_address, target_address))
        sides: dict[str, Side] = {}
        for side, address in (("source", source_address), ("target", target_address)):
            cluster = self.clusters[side]
            files: dict[str, Path] = {}
            databases: dict[str, Database] = {}
            stores: list[AppStore] = []
            for store in system.data_stores:
                if store.kind is StoreKind.FILES:
                    directory = self.directory / "files" / side / system.id / _slug(store.name)
                    if side == "source":
                        fill_files(directory, self.megabytes)
                    directory.mkdir(parents=True, exist_ok=True)
                    files[store.name] = directory
                    stores.append(AppStore(store.name, directory=directory))
                    continue
                role = store.name
                cluster.execute(f"CREATE ROLE \"{role}\" LOGIN PASSWORD '{self.password}'")
                if side == "source":
                    fill_database(cluster, store.name, role, self.megabytes)
                databases[store.name] = Database(
                    host=cluster.address, port=cluster.port, dbname=store.name, user=role,
                    password=PASSWORD_REFERENCE, admin_user="egov_admin", admin_password=PASSWORD_REFERENCE,
                )  # fmt: skip
                stores.append(AppStore(store.name, dsn=cluster.dsn(store.name, role)))
            app = App(
                AppSpec(
                    system.id,
                    side,
                    address,
                    port,
                    issued.certificate,
                    issued.key,
                    service.path,
                    tuple(stores),
                )
            )
            app.start()
            self.apps.append(app)
            sides[side] = Side(
                address=address, port_map={service.port: port}, files=files, databases=databases
            )
        return SystemEndpoints(source=sides["source"], target=sides["target"])

    def document(self, pid: int) -> str:
        """The text of systems-lab.json (no password in it)."""
        assert self.endpoints is not None
        lab = {
            "pid": pid,
            "directory": str(self.directory),
            "postgres": {side: {"address": c.address, "port": c.port} for side, c in self.clusters.items()},
            "systems": [s.id for s in self.systems],
        }
        return lab_document(self.endpoints, {"lab": lab, "pid": pid})

    def stop(self) -> None:
        """Stop the applications and the servers this lab started."""
        for app in self.apps:
            with contextlib.suppress(OSError):
                app.stop()
        self.apps.clear()
        for cluster in self.clusters.values():
            cluster.stop()
        self.clusters.clear()


def _common_port(addresses: list[str], start: int = 8443) -> int:
    """A port free on every address (the lab's stand-in for the declared 443)."""
    port = start
    for _ in range(200):
        if all(free_port(a, port) == port for a in addresses):
            return port
        port += 1
    raise SystemsLabError(f"no common free port from {start}", "stop what listens on 127.0.81-82.x")
