"""Everything a rollout or a render needs, read and checked once: inventory, current lock, settings."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from network.addressing.lock import LOCK_FILE, Lock
from network.addressing.workflow import PlanUnavailable, prepare, run_plan
from network.inventory import Finding, Inventory
from network.inventory.validate import Report
from network.render.intent import IntentBuilder
from network.render.vpn import VpnIntentBuilder
from network.rollout.config import RolloutConfig, RolloutFileError, load_rollout


class ContextError(Exception):
    """The inventory cannot be rolled out as it is: message, hint, exit code (1 findings, 2 unusable);
    ``report``/``findings``: what validation found, for the command to print (each names its file)."""

    def __init__(
        self,
        message: str,
        hint: str,
        exit_code: int = 1,
        report: Report | None = None,
        findings: tuple[Finding, ...] = (),
        root: Path | None = None,
    ) -> None:
        super().__init__(message)
        self.message, self.hint, self.exit_code = message, hint, exit_code
        self.report, self.findings, self.root = report, findings, root


@dataclass
class Context:
    """A valid inventory, its current address lock and its rollout settings."""

    root: Path
    inventory: Inventory
    lock: Lock
    config: RolloutConfig
    intents: IntentBuilder

    @cached_property
    def vpns(self) -> VpnIntentBuilder:
        """What the zones add to each PE and egress (VPN instances, access interfaces, ACLs)."""
        return VpnIntentBuilder(self.inventory, self.lock, self.config)


def load_context(root: Path) -> Context:
    """Read and check: the inventory validates, the lock exists and is current, rollout.yaml is sound."""
    try:
        prepared = prepare(root)
        planned = run_plan(prepared)
    except PlanUnavailable as problem:
        raise ContextError(
            problem.message, problem.hint, problem.exit_code, problem.report, problem.findings, root
        ) from None
    if prepared.lock is None:
        raise ContextError(f"{root / LOCK_FILE}: no such file", f"run `egov plan {root}` first", 1)
    if planned.change.status != "unchanged":
        raise ContextError(
            f"{root / LOCK_FILE} is stale: the inventory changed since it was planned",
            f"run `egov plan {root}` and review the lock before rolling out",
            1,
        )
    try:
        config = load_rollout(root)
    except RolloutFileError as problem:
        raise ContextError(str(problem), "see docs/rollout.md for rollout.yaml", 2) from None
    lock = prepared.lock
    return Context(root, prepared.inventory, lock, config, IntentBuilder(prepared.inventory, lock, config))
