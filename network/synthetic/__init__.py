"""Synthetic inventories: the Shanwei sample, and city- and province-scale inventories for benchmarks."""

from __future__ import annotations

import random

from network.synthetic.generator import GeneratedInventory, generate_city, generate_province, synthetic_city
from network.synthetic.profiles import SHANWEI

SCALES = ("city", "province")
PROFILES = {"shanwei": SHANWEI}


def generate(scale: str, seed: int, profile: str | None = None) -> GeneratedInventory:
    """An inventory of the given scale; ``profile`` (city scale only) uses a real city's names."""
    if scale not in SCALES:
        raise ValueError(f"unknown scale {scale!r}")
    if scale == "province":
        if profile is not None:
            raise ValueError("profiles are for city-scale inventories")
        return generate_province(seed)
    if profile is not None:
        return generate_city(PROFILES[profile], seed)
    # A Shanwei-sized city with made-up names: 6 counties, ~54 towns, ~800 villages.
    city = synthetic_city(random.Random(seed), "sc", "合成市", "449900", 6, (6, 12), (12, 19))
    return generate_city(city, seed)


__all__ = ["PROFILES", "SCALES", "GeneratedInventory", "generate"]
