"""Platforms: every device runs a platform a driver knows."""

from __future__ import annotations

import difflib
from collections.abc import Iterator

from network.inventory.findings import Finding
from network.inventory.inventory import Inventory
from network.inventory.platforms import known_platforms


def check(inv: Inventory) -> Iterator[Finding]:
    """D001."""
    known = known_platforms()
    for device in inv.devices:
        if device.platform not in known:
            close = difflib.get_close_matches(device.platform, sorted(known), n=1, cutoff=0.6)
            hint = f"did you mean {close[0]!r}?" if close else f"known platforms: {', '.join(sorted(known))}"
            yield Finding(
                "D001",
                f"device {device.hostname}: unknown platform {device.platform!r}",
                device.at.child("platform"),
                hint=hint,
            )
