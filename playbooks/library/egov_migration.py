#!/usr/bin/python
"""Ansible module egov_migration: one step of a system's migration, recorded in the migration ledger."""

from __future__ import annotations

DOCUMENTATION = r"""
module: egov_migration
short_description: Run one step of a system's migration onto the government cloud
description:
  - C(begin) takes the system's lease for the run and returns the steps that reach C(to); C(end)
    releases it. The steps (precheck, transfer, verify, function_test, security_check, cutover,
    finalize, rollback) are those of network.migration.runbook; each records its state transition
    and evidence in the ledger (C(<inventory>.state/migration.sqlite)).
  - Check mode records nothing (it works on a scratch copy of the ledger): precheck runs its read-only
    checks, transfer lists what rsync would copy, later steps are described.
options:
  inventory: {description: The egov inventory directory., type: path, required: true}
  system: {description: The system id (systems.yaml)., type: str, required: true}
  step:
    description: The step to run.
    type: str
    required: true
    choices:
      [begin, precheck, transfer, verify, function_test, security_check, cutover, finalize, rollback, end]
  to: {description: "With begin: the state to reach (cut_over, finalized…).", type: str, default: cut_over}
  run: {description: The run id (begin makes one when omitted)., type: str}
  lab: {description: The systems lab's systems-lab.json., type: path}
  production: {description: Use the inventory's migration.yaml (real systems)., type: bool, default: false}
  state_dir: {description: Where the ledger is (default <inventory>.state)., type: path}
  reason: {description: "With rollback: why (the failed task and its message).", type: str, default: ""}
  manifests:
    description: "With verify: per file store, the manifests egov_manifest wrote ({store: {source, target}})."
    type: dict
"""

EXAMPLES = r"""
- name: Take the lease and plan
  egov_migration:
    inventory: inventories/shanwei
    system: sw-zsj-s01
    step: begin
    to: cut_over
    lab: "{{ lookup('ansible.builtin.env', 'EGOV_SYSTEMS_LAB_JSON') }}"
  register: egov_begin
"""

RETURN = r"""
state: {description: The system's state after the step., returned: always, type: str}
detail: {description: What the step did or found., returned: always, type: str}
steps: {description: "begin: the steps to run, in order.", returned: when step is begin, type: list}
run: {description: The run id., returned: always, type: str}
manifest_jobs: {description: "begin: what egov_manifest writes (path, dest).", returned: begin, type: list}
manifests: {description: "begin: per file store, the manifest files for verify.", returned: begin, type: dict}
"""

import traceback  # noqa: E402
import uuid  # noqa: E402
from pathlib import Path  # noqa: E402

from ansible.module_utils.basic import AnsibleModule, missing_required_lib  # noqa: E402

try:
    from network.migration.context import MigrationContextError, find_system, load_migration
    from network.migration.endpoints import EndpointsError
    from network.migration.ledger import LeaseHeld, Ledger, LedgerError
    from network.migration.lifecycle import State, TransitionRefused
    from network.migration.runbook import MigrationRefused, Runbook, StepFailed
    from network.state import state_dir
except ImportError:
    IMPORT_ERROR: str | None = traceback.format_exc()
else:
    IMPORT_ERROR = None

STEPS = ["begin", "precheck", "transfer", "verify", "function_test", "security_check", "cutover", "finalize"]


def _begin(module: AnsibleModule, runbook: Runbook, evidence_root: Path) -> None:
    try:
        to = State(module.params["to"])
    except ValueError:
        module.fail_json(
            msg=f"to: {module.params['to']!r} is not a state (replicating, cut_over, finalized…)"
        )
    steps = runbook.begin(to)
    evidence = evidence_root / runbook.id / runbook.run
    jobs, manifests = [], {}
    for store in runbook.file_stores:
        pair = {}
        for side, path in (("source", store.source), ("target", store.target)):
            dest = evidence / f"{side}-{store.name.strip('/').replace('/', '_')}.manifest.json"
            jobs.append({"store": store.name, "side": side, "path": str(path), "dest": str(dest)})
            pair[side] = str(dest)
        manifests[store.name] = pair
    if not module.check_mode:
        evidence.mkdir(parents=True, exist_ok=True)
    module.exit_json(
        changed=False,
        run=runbook.run,
        state=runbook.state().value,
        steps=steps,
        detail=" -> ".join(steps) if steps else f"already {runbook.state().label}",
        manifest_jobs=jobs,
        manifests=manifests,
    )


def main() -> None:
    """Entry point."""
    module = AnsibleModule(
        argument_spec={
            "inventory": {"type": "path", "required": True},
            "system": {"type": "str", "required": True},
            "step": {"type": "str", "required": True, "choices": [*STEPS, "rollback", "end"]},
            "to": {"type": "str", "default": "cut_over"},
            "run": {"type": "str"},
            "lab": {"type": "path"},
            "production": {"type": "bool", "default": False},
            "state_dir": {"type": "path"},
            "reason": {"type": "str", "default": ""},
            "manifests": {"type": "dict"},
        },
        supports_check_mode=True,
    )
    if IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("egov-extranet"), exception=IMPORT_ERROR)
    params = module.params
    inventory = Path(params["inventory"]).resolve()
    state = Path(params["state_dir"]) if params["state_dir"] else None
    run = params["run"] or uuid.uuid4().hex[:12]
    try:
        lab = Path(params["lab"]) if params["lab"] else None
        context = load_migration(inventory, lab, params["production"], state)
        system = find_system(context.inventory, params["system"])
        ledger = Ledger(context.ledger, scratch=module.check_mode)
    except (MigrationContextError, LedgerError) as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    try:
        ledger.sync(context.inventory.systems)
        runbook = Runbook(system, context.endpoints, ledger, run, context.production, module.check_mode)
        step = params["step"]
        if step == "begin":
            _begin(module, runbook, state_dir(inventory, state) / "evidence")
        if step == "end":
            runbook.end()
            module.exit_json(changed=False, run=run, state=runbook.state().value, detail="lease released")
        options = {}
        if step == "verify" and params["manifests"]:
            given = params["manifests"].items()
            options["manifests"] = {k: (Path(v["source"]), Path(v["target"])) for k, v in given}
        if step == "rollback":
            options["reason"] = params["reason"]
        result = runbook.run_step(step, **options)
    except StepFailed as problem:
        module.fail_json(msg=problem.message, state=ledger.record(system.id).state.value, run=run)
    except (MigrationRefused, EndpointsError, LeaseHeld, TransitionRefused) as problem:
        module.fail_json(msg=f"{problem} ({getattr(problem, 'hint', '')})", run=run)
    finally:
        ledger.close()
    module.exit_json(
        changed=result.changed,
        run=run,
        state=result.state.value,
        detail=result.detail,
        diff={"prepared": result.detail} if module.check_mode and module._diff else None,
    )


if __name__ == "__main__":
    main()
