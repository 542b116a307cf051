"""The built-in Shanwei inventory: it validates clean, and it looks like the real city."""

from __future__ import annotations

import ipaddress
import re
from collections import Counter
from pathlib import Path

import pytest

from network.inventory import Level, load_inventory
from network.inventory.model import Classification, Strategy, Target
from network.synthetic import generate
from network.synthetic.write import render
from network.textfiles import plan_changes
from network.validation import validate
from tests.helpers import SHANWEI

DOCUMENTATION = [
    ipaddress.ip_network(n) for n in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24", "2001:db8::/32")
]


@pytest.fixture(scope="module")
def shanwei():  # type: ignore[no-untyped-def]
    return load_inventory(SHANWEI).inventory


def test_validates_clean_even_strict() -> None:
    # Full validation: the inventory's rules and its IPv6 plan (the committed lock is current).
    report = validate(SHANWEI)
    assert report.findings == ()
    assert report.exit_code(strict=True) == 0


def test_is_the_real_city(shanwei) -> None:  # type: ignore[no-untyped-def]
    assert shanwei.city.name == "汕尾市"
    assert shanwei.city.code == "441500"
    counties = {s.name for s in shanwei.sites if s.level is Level.COUNTY}
    assert counties == {"城区", "海丰县", "陆丰市", "陆河县", "华侨管理区", "红海湾经济开发区"}
    towns = {s.name for s in shanwei.sites if s.level is Level.TOWN and not s.synthetic}
    assert {"海城镇", "甲子镇", "碣石镇", "河田镇", "遮浪街道", "香洲街道"} <= towns


def test_sizes(shanwei) -> None:  # type: ignore[no-untyped-def]
    levels = Counter(s.level for s in shanwei.sites)
    assert 700 <= levels[Level.VILLAGE] <= 900
    assert all(s.synthetic for s in shanwei.sites if s.level is Level.VILLAGE)
    assert len([d for d in shanwei.departments if d.site == "sw"]) >= 40
    assert 130 <= len(shanwei.systems) <= 170
    names = {d.name for d in shanwei.departments}
    assert {"市政务服务数据管理局", "市公安局", "市财政局"} <= names


def test_every_site_has_devices_and_a_platform_mix(shanwei) -> None:  # type: ignore[no-untyped-def]
    with_devices = {d.site for d in shanwei.devices}
    assert with_devices == {s.id for s in shanwei.sites}
    platforms = Counter(d.platform for d in shanwei.devices)
    assert set(platforms) == {"huawei_vrp8", "huawei_vrp5", "h3c_comware5", "h3c_comware7", "cisco_ios"}
    by_level = {
        d.platform
        for d in shanwei.devices
        if shanwei.site_by_id[d.site].level in (Level.CITY,) and d.role == "core"
    }
    assert by_level == {"huawei_vrp8"}


def test_systems_include_classified_and_retained(shanwei) -> None:  # type: ignore[no-untyped-def]
    classified = [s for s in shanwei.systems if s.classification is Classification.CLASSIFIED]
    assert len(classified) >= 3
    assert all(s.migration.target is not Target.CLOUD for s in classified)
    retained = [
        s
        for s in shanwei.systems
        if s.migration.strategy is Strategy.RETAIN and s.classification is Classification.NON_CLASSIFIED
    ]
    assert retained, "a few non-classified systems stay in their rooms, with a reason"
    assert all(s.migration.reason for s in retained)


def test_milestones_cover_the_annex_tasks(shanwei) -> None:  # type: ignore[no-untyped-def]
    assert {m.task for m in shanwei.milestones} == set(range(3, 15))


def test_addresses_only_from_documentation_ranges() -> None:
    pattern = re.compile(
        r"(?<![\w:.])((?:\d{1,3}\.){3}\d{1,3}(?:/\d+)?|[0-9a-f]{1,4}:[0-9a-f:]*:[0-9a-f:]*(?:/\d+)?)"
    )
    found = 0
    for path in SHANWEI.glob("*.yaml"):
        for match in pattern.finditer(path.read_text(encoding="utf-8")):
            network = ipaddress.ip_network(match.group(1), strict=False)
            assert any(network.version == d.version and network.subnet_of(d) for d in DOCUMENTATION), (
                f"{path.name}: {network} is not a documentation address"
            )
            found += 1
    assert found > 800


def test_no_secrets_only_references() -> None:
    for path in SHANWEI.glob("*.yaml"):
        text = path.read_text(encoding="utf-8")
        for value in re.findall(r"credentials: (\S+)", text):
            assert re.match(r'"?(env|vault):', value), f"{path.name}: {value}"


def test_the_sample_is_what_the_generator_makes(tmp_path: Path) -> None:
    texts = render(
        generate("city", 441500, "shanwei"),
        "egov inventory generate --scale city --seed 441500 --profile shanwei DIR",
        "../../docs/schema",
    )
    stale = [c.name for c in plan_changes(SHANWEI, texts) if c.status != "unchanged"]
    assert stale == [], (
        "regenerate with: egov inventory generate --profile shanwei --force inventories/shanwei"
    )


def test_records_know_their_file_and_line(shanwei) -> None:  # type: ignore[no-untyped-def]
    link = next(link for link in shanwei.links if link.id == "sw-hf-up")
    where = shanwei.where(link)
    file, line = where.rsplit(":", 1)
    assert file.endswith("links.yaml")
    assert (SHANWEI / "links.yaml").read_text(encoding="utf-8").splitlines()[
        int(line) - 1
    ] == "  - id: sw-hf-up"
