"""The MLPS policy pack for ``pulumi preview --policy-pack infra/policy`` (pulumi-policy, CrossGuard)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))  # the project root

from pulumi_policy import (
    EnforcementLevel,
    PolicyPack,
    ReportViolation,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra.policy import context_from, from_policy_resources
from infra.policy.rules import POLICIES, Policy


def _validation(policy: Policy):  # type: ignore[no-untyped-def]
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = from_policy_resources(args.resources)
        by_name = {r.name: r for r in args.resources}
        for violation in policy.run(resources, context_from(resources)):
            urn = by_name[violation.resource].urn if violation.resource in by_name else None
            report(f"{violation.message} [{violation.clause}]", urn)

    return validate


PolicyPack(
    name="egov-mlps",
    enforcement_level=EnforcementLevel.MANDATORY,
    policies=[
        StackValidationPolicy(
            name=p.name, description=f"{p.description} ({p.clause})", validate=_validation(p)
        )
        for p in POLICIES
    ],
)
