"""Model units: bandwidths, tiers, levels."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from network.inventory.inventory import tier_between
from network.inventory.model import Interface, Level, Site, Tier, format_bandwidth


@pytest.mark.parametrize(
    ("text", "bits"),
    [
        ("10G", 10 * 10**9),
        ("1G", 10**9),
        ("100M", 10**8),
        ("512k", 512_000),
        ("1.5G", 1_500_000_000),
        ("20 Mbps", 20 * 10**6),
        ("40Gbit/s", 40 * 10**9),
        (1000, 1000),
    ],
)
def test_bandwidth_parses(text: str | int, bits: int) -> None:
    assert Interface(name="x", speed=text).speed == bits


@pytest.mark.parametrize("bad", ["fast", "10X", "", "-1G", True, 0, "0M"])
def test_bandwidth_refuses(bad: object) -> None:
    with pytest.raises(ValidationError):
        Interface(name="x", speed=bad)


@pytest.mark.parametrize(
    ("bits", "text"),
    [
        (10 * 10**9, "10G"),
        (10**8, "100M"),
        (20 * 10**6, "20M"),
        (1_500_000_000, "1500M"),
        (512_000, "512k"),
        (999, "999"),
    ],
)
def test_bandwidth_prints(bits: int, text: str) -> None:
    assert format_bandwidth(bits) == text


def _site(site_id: str, level: Level, parent: str | None = None) -> Site:
    return Site(id=site_id, name=site_id, level=level, parent=parent)


@pytest.mark.parametrize(
    ("upper", "lower", "tier"),
    [
        (Level.PROVINCE, Level.CITY, Tier.PROVINCE),
        (Level.CITY, Level.COUNTY, Tier.COUNTY),
        (Level.COUNTY, Level.TOWN, Tier.TOWN),
        (Level.TOWN, Level.VILLAGE, Tier.VILLAGE),
        (Level.COUNTY, Level.COUNTY, Tier.LOCAL),
        (Level.COUNTY, Level.VILLAGE, Tier.VILLAGE),
    ],
)
def test_tier_is_named_by_the_level_served(upper: Level, lower: Level, tier: Tier) -> None:
    assert tier_between(_site("u", upper), _site("l", lower)) is tier
    assert tier_between(_site("l", lower), _site("u", upper)) is tier


def test_a_link_inside_one_site_is_local() -> None:
    site = _site("s", Level.CITY)
    assert tier_between(site, site) is Tier.LOCAL


def test_levels_know_their_parents() -> None:
    assert [level.parent_level for level in Level] == [
        None,
        Level.PROVINCE,
        Level.CITY,
        Level.COUNTY,
        Level.TOWN,
    ]


def test_records_are_immutable() -> None:
    site = _site("s", Level.CITY)
    with pytest.raises(ValidationError):
        site.name = "other"  # type: ignore[misc]
