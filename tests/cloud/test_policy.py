"""The MLPS policies: each catches a crafted violation — as pure functions, in the pulumi-policy pack, and
through the program itself — and the Shanwei stack passes every one."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import pytest
from pulumi_policy import (
    EnforcementLevel,
    PolicyCustomTimeouts,
    PolicyResource,
    PolicyResourceOptions,
    StackValidationArgs,
)

from infra.blueprint import CloudBlueprint
from infra.offline import OfflinePlan, run_offline, views
from infra.policy import context_from
from infra.policy.pack import PACK, stack_policies
from infra.policy.rules import GROUP, POLICIES, RULE, Resource, run_policies
from infra.security import Rule
from infra.settings import Settings

Craft = Callable[[list[Resource]], tuple[list[Resource], list[str]]]


def find(resources: list[Resource], name: str) -> Resource:
    return next(r for r in resources if r.name == name)


def add_rule(
    resources: list[Resource], group: str, props: dict[str, object], remote: str | None = None
) -> str:
    """Add a rule to ``group`` (its view), returning the rule's name."""
    name = f"{group}-crafted-{len(resources)}"
    refs = {"securityGroupId": (find(resources, group),)}
    if remote is not None:
        refs["remoteGroupId"] = (find(resources, remote),)
        props = {**props, "remoteGroupId": f"{remote}-id"}
    resources.append(Resource(RULE, name, {"securityGroupId": f"{group}-id", **props}, refs))
    return name


def tcp(port: int, direction: str = "ingress", **extra: object) -> dict[str, object]:
    return {"direction": direction, "protocol": "tcp", "portRangeMin": port, "portRangeMax": port, **extra}


def a_level3_department(resources: list[Resource]) -> str:
    groups = {r.name for r in resources if r.type == GROUP}
    return next(g.removesuffix("-l3-db") for g in sorted(groups) if g.endswith("-l3-db"))


def open_app(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    dept = a_level3_department(resources)  # (into the db zone it would break the isolation policy too)
    return resources, [
        add_rule(resources, f"{dept}-l3-app", tcp(8443, ethertype="IPv4", remoteIpPrefix="0.0.0.0/0")),
        add_rule(resources, f"{dept}-l3-app", tcp(8443, ethertype="IPv6", remoteIpPrefix="::/0")),
    ]


def rdp_from_an_office(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    dept = a_level3_department(resources)
    office_v4 = tcp(3389, ethertype="IPv4", remoteIpPrefix="198.51.100.0/24")
    office_v6 = tcp(3389, ethertype="IPv6", remoteIpPrefix="2001:db8:ffff::/48")
    return resources, [
        add_rule(resources, f"{dept}-l3-app", office_v4),
        add_rule(resources, f"{dept}-l3-app", office_v6),
    ]


def web_to_level3_db(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    dept = a_level3_department(resources)
    return resources, [
        add_rule(resources, f"{dept}-l3-db", tcp(5432, ethertype=family), remote=f"{dept}-l3-web")
        for family in ("IPv4", "IPv6")
    ]


def untagged_port(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    port = next(r for r in resources if r.type.endswith("port:Port"))
    stripped = {**port.props, "tags": [t for t in port.props["tags"] if not t.startswith("system=")]}
    resources[resources.index(port)] = dataclasses.replace(port, props=stripped)
    return resources, [port.name]


def lost_twin(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    dept = a_level3_department(resources)
    mine = [r for r in resources if r.type == RULE and r.name.startswith(f"{dept}-l3-app-")]
    v6 = next(r for r in mine if r.props["ethertype"] == "IPv6" and "remoteGroupId" in r.props)
    v4 = next(
        r
        for r in mine
        if r.props["ethertype"] == "IPv4"
        and r.props.get("remoteGroupId") == v6.props["remoteGroupId"]
        and r.props["portRangeMin"] == v6.props["portRangeMin"]
        and r.props["direction"] == v6.props["direction"]
    )
    resources.remove(v6)
    return resources, [v4.name]


def ipv6_under_default_ethertype(resources: list[Resource]) -> tuple[list[Resource], list[str]]:
    dept = a_level3_department(resources)
    node = "2001:db8:e000::/64"
    first = add_rule(resources, f"{dept}-l3-app", tcp(9100, remoteIpPrefix=node))
    add_rule(resources, f"{dept}-l3-app", tcp(9100, ethertype="IPv6", remoteIpPrefix=node))
    return resources, [first]


CASES: list[tuple[str, Craft, str]] = [
    ("egov-no-open-ingress", open_app, "8.1.3.1"),
    ("egov-management-from-management-network", rdp_from_an_office, "8.1.4.4"),
    ("egov-level3-db-isolated-from-web", web_to_level3_db, "8.1.2.1"),
    ("egov-tagged", untagged_port, "8.1.10.2"),
    ("egov-dual-stack-parity", lost_twin, "8.1.3.2"),
    ("egov-ethertype-matches-prefix", ipv6_under_default_ethertype, "8.1.3.2"),
]


def test_every_policy_has_a_case_and_names_its_clause() -> None:
    assert {p.name for p in POLICIES} == {name for name, _, _ in CASES}
    for policy in POLICIES:
        assert policy.clause.startswith("GB/T 22239-2019 8.1.") and policy.description


def test_the_shanwei_stack_passes_every_policy(full_plan: OfflinePlan) -> None:
    resources = views(full_plan)
    context = context_from(resources)
    assert len(context.management) == 2  # the node's management network, IPv4 and IPv6
    assert run_policies(resources, context) == []


@pytest.mark.parametrize(("policy", "craft", "clause"), CASES, ids=[c[0] for c in CASES])
def test_each_policy_catches_its_crafted_violation(
    full_plan: OfflinePlan, policy: str, craft: Craft, clause: str
) -> None:
    resources, culprits = craft(views(full_plan))
    found = run_policies(resources, context_from(resources))
    assert {v.policy for v in found} == {policy}
    assert sorted(v.resource for v in found) == sorted(culprits)
    assert clause in found[0].clause and found[0].message


def test_https_from_anywhere_into_a_web_zone_is_allowed(full_plan: OfflinePlan) -> None:
    resources = views(full_plan)
    dept = a_level3_department(resources)
    add_rule(resources, f"{dept}-l3-web", tcp(443, ethertype="IPv4", remoteIpPrefix="0.0.0.0/0"))
    add_rule(resources, f"{dept}-l3-web", tcp(443, ethertype="IPv6", remoteIpPrefix="::/0"))
    assert run_policies(resources, context_from(resources)) == []
    add_rule(resources, f"{dept}-l3-web", tcp(22, ethertype="IPv4", remoteIpPrefix="0.0.0.0/0"))
    add_rule(resources, f"{dept}-l3-web", tcp(22, ethertype="IPv6", remoteIpPrefix="::/0"))
    assert {v.policy for v in run_policies(resources, context_from(resources))} == {
        "egov-no-open-ingress",
        "egov-management-from-management-network",
    }


def test_a_level3_db_rule_from_a_prefix_holding_the_web_zone_is_caught(full_plan: OfflinePlan) -> None:
    resources = views(full_plan)
    dept = a_level3_department(resources)
    web_v6 = find(resources, f"{dept}-web-v6").props["cidr"]
    add_rule(resources, f"{dept}-l3-db", tcp(5432, ethertype="IPv6", remoteIpPrefix=web_v6))
    found = run_policies(resources, context_from(resources))
    assert any(v.policy == "egov-level3-db-isolated-from-web" and web_v6 in v.message for v in found)


def _policy_resources(resources: list[Resource]) -> list[PolicyResource]:
    """The same stack as pulumi-policy hands it to a pack: URNs, and property dependencies."""
    urn = {r.name: f"urn:pulumi:shanwei::egov-cloud::{r.type}::{r.name}" for r in resources}
    timeouts = PolicyCustomTimeouts(0, 0, 0)
    out: dict[str, PolicyResource] = {}
    for r in resources:
        options = PolicyResourceOptions(False, [], None, [], timeouts, [])
        out[r.name] = PolicyResource(r.type, r.props, urn[r.name], r.name, options, None, None, [], {})
    for r in resources:
        out[r.name].property_dependencies = {
            prop: [out[ref.name] for ref in refs] for prop, refs in r.refs.items()
        }
    return list(out.values())


def _run_pack(resources: list[Resource]) -> list[tuple[str, str, str | None]]:
    reported: list[tuple[str, str, str | None]] = []
    args = StackValidationArgs(_policy_resources(resources))
    for policy in stack_policies():
        assert policy.enforcement_level is EnforcementLevel.MANDATORY
        policy.validate(args, lambda message, urn, name=policy.name: reported.append((name, message, urn)))
    return reported


def test_the_policy_pack_reports_with_the_resource_urn(full_plan: OfflinePlan) -> None:
    assert PACK == "egov-mlps"
    assert _run_pack(views(full_plan)) == []
    resources, culprits = web_to_level3_db(views(full_plan))
    reported = _run_pack(resources)
    assert sorted((name, urn) for name, _, urn in reported) == [
        ("egov-level3-db-isolated-from-web", f"urn:pulumi:shanwei::egov-cloud::{RULE}::{culprit}")
        for culprit in sorted(culprits)
    ]
    assert "[GB/T 22239-2019 8.1.2.1" in reported[0][1]


def test_a_violation_declared_by_the_program_is_caught(
    full_blueprint: CloudBlueprint, plan_settings: Settings
) -> None:
    tenant = next(t for t in full_blueprint.tenants if any(g.key == "l3-db" for g in t.groups))
    groups = tuple(
        dataclasses.replace(g, rules=(*g.rules, Rule("ingress", "tcp", 5432, 5432, "IPv4", None, "l3-web")))
        if g.key == "l3-db"
        else g
        for g in tenant.groups
    )
    crafted = dataclasses.replace(full_blueprint, tenants=(dataclasses.replace(tenant, groups=groups),))
    plan = run_offline(crafted, plan_settings)
    assert {v.policy for v in plan.violations} == {
        "egov-level3-db-isolated-from-web",
        "egov-dual-stack-parity",  # written without its IPv6 twin, too
    }
    assert all(v.resource.startswith(f"{tenant.department}-l3-db-") for v in plan.violations)
