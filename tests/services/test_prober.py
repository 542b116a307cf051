"""The IPv6 prober on the real services lab: each indicator follows the condition that breaks it."""

from __future__ import annotations

import json
import time

from network.inventory import load_inventory
from network.services.probe import Deadline, Prober, resolvers_answering, summarise
from tests.helpers import SHANWEI, run_egov
from tests.services.conftest import ServicesLab

INVENTORY = load_inventory(SHANWEI).inventory
SITES = {w.host: w for w in INVENTORY.websites}
PORTAL, SERVICE_HALL, IPV4_ONLY = (
    SITES["www.sw.gov.example"],
    SITES["zwfw.sw.gov.example"],
    SITES["swb.sw.gov.example"],
)


def _prober(lab: ServicesLab) -> Prober:
    return Prober(INVENTORY, lab.reach, repeats=3)


def test_a_dual_stack_site_scores_and_an_ipv4_only_one_does_not(services_lab: ServicesLab) -> None:
    prober = _prober(services_lab)
    portal, ipv4_only = prober.site(PORTAL), prober.site(IPV4_ONLY)
    assert portal.ready and portal.aaaa and portal.same_content and portal.success_rate == 1.0
    assert portal.delegation is not None and portal.delegation.complete
    assert portal.links[2][1] == 5 and portal.links[3] == (
        6,
        6,
    )  # 3 own sections, 2 other sites; 6 pages below
    assert 0 < portal.links[2][0] < 5  # the IPv4-only department site it links to does not count
    assert portal.score >= 85
    assert not ipv4_only.aaaa and not ipv4_only.ready and ipv4_only.home_v4 and ipv4_only.home_v4.ok
    assert ipv4_only.score == 10  # only the zone's delegation counts for it
    assert "no AAAA record" in ipv4_only.problems


def test_no_fallback_when_the_ipv6_listener_is_down(services_lab: ServicesLab) -> None:
    services_lab.set_conditions({"sites": {PORTAL.host: ["v6-down"]}})
    try:
        result = _prober(services_lab).site(PORTAL)
    finally:
        services_lab.set_conditions({})
    assert result.aaaa and result.home_v4 and result.home_v4.ok  # IPv4 still works ...
    assert result.home_v6 is not None and not result.home_v6.ok  # ... and is not used in IPv6's place
    assert result.success_rate == 0.0 and not result.ready
    assert any("Connection" in p for p in result.problems)


def test_no_aaaa_other_content_and_a_name_server_without_ipv6(services_lab: ServicesLab) -> None:
    services_lab.set_conditions(
        {"sites": {PORTAL.host: ["no-aaaa"], SERVICE_HALL.host: ["v6-content"]},
         "nameservers": {"ns2.sw.gov.example": ["no-ipv6"]}}
    )  # fmt: skip
    try:
        prober = _prober(services_lab)
        portal, hall = prober.site(PORTAL), prober.site(SERVICE_HALL)
    finally:
        services_lab.set_conditions({})
    assert not portal.aaaa and portal.home_v6 is None
    assert hall.aaaa and hall.home_v6 and hall.home_v6.ok and not hall.same_content and not hall.ready
    assert hall.delegation is not None and not hall.delegation.complete
    assert hall.delegation.glue_aaaa == 1 and hall.delegation.in_zone == 2
    assert any("ns2.sw.gov.example." in p for p in hall.delegation.problems)


def test_a_slow_ipv6_site_answers_within_the_deadline_with_what_it_has(services_lab: ServicesLab) -> None:
    services_lab.set_conditions({"sites": {PORTAL.host: ["v6-slow"]}})
    try:
        started = time.monotonic()
        result = Prober(INVENTORY, services_lab.reach, repeats=1).site(PORTAL, seconds=8.0)
        elapsed = time.monotonic() - started
    finally:
        services_lab.set_conditions({})
    assert elapsed < 9.5
    assert result.home_v6 is not None and result.home_v6.ok
    ratio = result.latency_ratio("total")
    assert ratio is not None and ratio > 10  # 6 KB at 2 KB/s against loopback speed
    assert result.parts()["latency"] < 0.2
    assert not result.complete  # the crawl was cut short by the deadline


def test_cdn_edges_and_the_city_roll_up(services_lab: ServicesLab) -> None:
    services_lab.set_conditions({"edges": {"sw-lh-cdn": ["v6-down"]}})
    try:
        prober = _prober(services_lab)
        edges = [prober.edge(e) for e in INVENTORY.cdn_edges]
        sites = prober.sites(INVENTORY.websites, seconds=30)
        summary = summarise(sites, edges, prober.zones(), resolvers_answering(prober, Deadline(5)))
    finally:
        services_lab.set_conditions({})
    by_id = {e.edge.id: e for e in edges}
    assert not by_id["sw-lh-cdn"].serves("ipv6") and by_id["sw-lh-cdn"].serves("ipv4")
    assert all(e.serves("ipv6") for i, e in by_id.items() if i != "sw-lh-cdn")
    planned_dual = sum(1 for s in sites if s.aaaa)
    assert summary.city[0] == 45 and summary.city[1] == planned_dual == 16
    assert summary.edges_v6 == (3, 4) and summary.zones_complete == (2, 2) and summary.resolvers_v6 == (2, 2)
    assert summary.services_ratio == (2 + 2 + 16 + 3) / (2 + 2 + 45 + 4)
    assert summary.departments["sw-zfb"][1] == 1


def test_egov_ipv6_check_json_and_bad_input(services_lab: ServicesLab) -> None:
    run = run_egov("ipv6", "check", str(SHANWEI), "--lab", str(services_lab.json), "--site", "sw-zfb-web",
                   "--format", "json")  # fmt: skip
    assert run.returncode == 0, run.stderr
    document = json.loads(run.stdout)
    assert document["sites"][0]["host"] == "www.sw.gov.example" and document["sites"][0]["ready"] is True
    assert set(document["sites"][0]["indicators"]) == {
        "aaaa", "delegation", "home_v6", "success_rate", "same_content", "links_l2", "links_l3", "latency"
    }  # fmt: skip
    missing = run_egov("ipv6", "check", str(SHANWEI), "--lab", str(services_lab.directory / "nope.json"))
    assert missing.returncode == 2 and "nope.json: no such file" in missing.stderr
    unknown = run_egov("ipv6", "check", str(SHANWEI), "--lab", str(services_lab.json), "--site", "nothing*")
    assert unknown.returncode == 2 and "no website matches" in unknown.stderr
