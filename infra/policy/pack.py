"""The MLPS policies as pulumi-policy ``StackValidationPolicy`` objects (the pack ``__main__`` serves).

Each policy reads the stack through :func:`infra.policy.from_policy_resources` (a property's
dependencies become the resources it refers to) and reports each violation with the resource's URN and
the MLPS clause. Kept apart from ``__main__`` so the tests can run them without the policy server.
"""

from __future__ import annotations

from pulumi_policy import (
    EnforcementLevel,
    PolicyComplianceFramework,
    ReportViolation,
    Severity,
    StackValidation,
    StackValidationArgs,
    StackValidationPolicy,
)

from infra.policy import context_from, from_policy_resources
from infra.policy.rules import POLICIES, Policy

PACK = "egov-mlps"


def _validation(policy: Policy) -> StackValidation:
    def validate(args: StackValidationArgs, report: ReportViolation) -> None:
        resources = from_policy_resources(args.resources)
        urns = {r.name: r.urn for r in args.resources}
        for violation in policy.run(resources, context_from(resources)):
            report(f"{violation.message} [{violation.clause}]", urns.get(violation.resource))

    return validate


def stack_policies() -> list[StackValidationPolicy]:
    """One mandatory stack validation per MLPS policy."""
    return [
        StackValidationPolicy(
            name=p.name,
            description=f"{p.description} ({p.clause})",
            validate=_validation(p),
            enforcement_level=EnforcementLevel.MANDATORY,
            severity=Severity.HIGH,
            framework=PolicyComplianceFramework(
                name="MLPS 2.0",
                version="GB/T 22239-2019",
                reference=p.clause.removeprefix("GB/T 22239-2019 "),
                specification=p.description,
            ),
        )
        for p in POLICIES
    ]
