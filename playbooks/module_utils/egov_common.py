"""What the egov modules share: the library import check, the target options, context and journal."""

from __future__ import annotations

import traceback
from pathlib import Path
from typing import Any

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

try:  # the egov library, installed in the python Ansible runs modules with
    from network.rollout.context import ContextError, load_context
    from network.rollout.journal import Journal
    from network.rollout.targets import TargetsError, targets
    from network.state import StateFileError, journal_path
except ImportError:
    EGOV_IMPORT_ERROR: str | None = traceback.format_exc()
else:
    EGOV_IMPORT_ERROR = None

TARGET_OPTIONS: dict[str, dict[str, Any]] = {
    "inventory": {"type": "path", "required": True},
    "lab": {"type": "path"},
    "production": {"type": "bool", "default": False},
}


def egov_module(**options: dict[str, Any]) -> AnsibleModule:
    """An AnsibleModule with the target options (and ``options``), failing clearly without the library."""
    module = AnsibleModule(argument_spec={**TARGET_OPTIONS, **options}, supports_check_mode=True)
    if EGOV_IMPORT_ERROR is not None:
        module.fail_json(msg=missing_required_lib("egov-extranet"), exception=EGOV_IMPORT_ERROR)
    return module


def context_and_targets(module: AnsibleModule) -> tuple[Any, dict[str, Any], Any]:
    """The checked inventory context, each device's target, and the driver opener."""
    params = module.params
    try:
        context = load_context(Path(params["inventory"]).resolve())
        found, opener = targets(
            context.inventory, Path(params["lab"]) if params["lab"] else None, params["production"]
        )
    except (ContextError, TargetsError) as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")
    return context, found, opener


def journal_of(module: AnsibleModule) -> Any:
    """The rollout journal beside the inventory (``<inventory>.state/rollout.sqlite``); in check mode a
    scratch copy, so that a check run never changes it."""
    try:
        return Journal(journal_path(Path(module.params["inventory"])), scratch=module.check_mode)
    except StateFileError as problem:
        module.fail_json(msg=f"{problem.message} ({problem.hint})")


def finish_department_change(module: AnsibleModule, result: Any) -> None:
    """Exit with the gateway and state; a failed or rolled-back change fails the task."""
    values = {"gateway": result.hostname, "state": result.state, "diff": {"prepared": result.diff}}
    if result.state in ("failed", "rolled_back"):
        module.fail_json(msg=f"{result.hostname}: {result.state}: {result.reason}", **values)
    module.exit_json(changed=bool(result.diff), **values)
