"""The cloud program under Pulumi's mock engine: what it would declare, and which policies it breaks.

``egov cloud plan`` and the tests run the real program (the same components as ``pulumi up``) with
``pulumi.runtime.set_mocks``: every resource registration is recorded with its type token, name,
parent and inputs, and nothing leaves the process. The mocks give each resource an id (its name) and,
for values only a cloud assigns (a floating IP's address), a marker saying so. The MLPS policies then
run on the recorded resources. Inputs arrive camelCase, as the engine sends them.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from infra.blueprint import CloudBlueprint
from infra.policy import context_from
from infra.policy.rules import Resource, Violation, run_policies
from infra.settings import PROJECT, Settings

ASSIGNED = "(assigned by the cloud)"
ASSIGNED_V6 = "(assigned by the cloud: SLAAC ::)"  # holds a colon, as an IPv6 address does


@dataclass(frozen=True)
class Declared:
    """One declared resource: type token, logical name, parent's name, inputs, custom (or component)."""

    type: str
    name: str
    parent: str | None
    inputs: dict[str, Any]
    custom: bool


@dataclass
class OfflinePlan:
    """Everything the program declared, and the violations of the policies (empty when compliant)."""

    resources: list[Declared] = field(default_factory=list)
    violations: list[Violation] = field(default_factory=list)

    def of_type(self, token: str) -> list[Declared]:
        """The resources of one type token."""
        return [r for r in self.resources if r.type == token]


def _mocks() -> Any:
    import pulumi  # noqa: PLC0415 - only the offline plan needs the engine

    class Recorder(pulumi.runtime.Mocks):
        def __init__(self) -> None:
            self.declared: list[Declared] = []

        def new_resource(self, args: pulumi.runtime.MockResourceArgs) -> tuple[str, dict[str, Any]]:
            outputs = dict(args.inputs)
            if args.typ == "openstack:networking/port:Port":
                outputs["allFixedIps"] = [
                    f.get("ipAddress") or (ASSIGNED_V6 if "-v6" in str(f.get("subnetId")) else ASSIGNED)
                    for f in args.inputs.get("fixedIps", [])
                ]
            elif args.typ == "openstack:networking/floatingIp:FloatingIp":
                outputs["address"] = ASSIGNED
            self.declared.append(Declared(args.typ, args.name, None, dict(args.inputs), bool(args.custom)))
            return f"{args.name}-id", outputs

        def call(self, args: pulumi.runtime.MockCallArgs) -> tuple[dict[str, Any], list[tuple[str, str]]]:
            if args.token == "openstack:networking/getNetwork:getNetwork":
                name = args.args.get("name", "network")
                return {"id": f"{name}-id", "name": name}, []
            return {}, []

    return Recorder()


def _monitor(recorder: Any) -> Any:
    """A mock monitor that also remembers each resource's parent (the mocks are not told it)."""
    from pulumi.runtime.mocks import MockMonitor  # noqa: PLC0415

    class ParentsMonitor(MockMonitor):
        def __init__(self, mocks: Any) -> None:
            super().__init__(mocks)
            self.parents: dict[tuple[str, str], str] = {}

        def RegisterResource(self, request: Any) -> Any:
            if request.parent:
                self.parents[(request.type, request.name)] = request.parent.rsplit("::", 1)[-1]
            return super().RegisterResource(request)  # type: ignore[no-untyped-call]

    return ParentsMonitor(recorder)


def record(program: Callable[[], None], stack: str = "shanwei") -> list[Declared]:
    """Run ``program`` (which declares resources) under the mock engine in this process: what it declared.

    The engine registers in whatever order outputs resolve: the result is sorted by name (department,
    system), so the same inputs always give the same plan and a plan can be diffed against the last.
    """
    import pulumi  # noqa: PLC0415
    from pulumi.runtime import settings as runtime_settings  # noqa: PLC0415
    from pulumi.runtime.stack import run_pulumi_func  # noqa: PLC0415
    from pulumi.runtime.sync_await import _sync_await  # noqa: PLC0415

    recorder = _mocks()
    monitor = _monitor(recorder)
    runtime_settings.ROOT.set(None)
    pulumi.runtime.set_mocks(recorder, project=PROJECT, stack=stack, preview=True, monitor=monitor)
    # The engine makes many long-lived objects (futures, outputs) per resource: the cyclic collector
    # would walk them again and again. Collect less often while the program runs.
    thresholds = gc.get_threshold()
    gc.set_threshold(100_000, 50, 100)
    try:
        _sync_await(run_pulumi_func(program))
    finally:
        gc.set_threshold(*thresholds)
    return sorted(
        (
            Declared(r.type, r.name, monitor.parents.get((r.type, r.name)), r.inputs, r.custom)
            for r in recorder.declared
        ),
        key=lambda r: (r.name, r.type),
    )


def run_offline(blueprint: CloudBlueprint, settings: Settings, stack: str = "shanwei") -> OfflinePlan:
    """Run the program under mocks (in this process) and check the policies."""
    from infra.program import declare  # noqa: PLC0415 - loads pulumi_openstack

    def program() -> None:
        declare(blueprint, settings)

    plan = OfflinePlan(resources=record(program, stack))
    plan.violations = check(plan)
    return plan


def views(plan: OfflinePlan) -> list[Resource]:
    """The policies' view of the declared resources (an input holding another's id refers to it)."""
    by_id = {f"{r.name}-id": Resource(r.type, r.name, r.inputs, {}) for r in plan.resources if r.custom}
    for view in by_id.values():
        for prop, value in view.props.items():
            if isinstance(value, str) and value in by_id:
                view.refs[prop] = (by_id[value],)
    return list(by_id.values())


def check(plan: OfflinePlan) -> list[Violation]:
    """The policies on a plan's resources."""
    resources = views(plan)
    return run_policies(resources, context_from(resources))
