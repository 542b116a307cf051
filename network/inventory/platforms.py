"""The device platforms the toolkit knows, extensible through the ``egov.platforms`` entry points."""

from __future__ import annotations

from functools import cache
from importlib.metadata import entry_points

BUILTIN_PLATFORMS = frozenset({"huawei_vrp5", "huawei_vrp8", "h3c_comware7", "cisco_ios"})


@cache
def known_platforms() -> frozenset[str]:
    """Built-in platforms plus those registered by installed packages (entry point group egov.platforms)."""
    extra = {ep.name for ep in entry_points(group="egov.platforms")}
    return BUILTIN_PLATFORMS | extra
