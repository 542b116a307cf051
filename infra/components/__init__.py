"""The program's components: CloudNode, DepartmentTenant, BusinessSystem (pulumi ComponentResources)."""

from __future__ import annotations


def tags(values: dict[str, str]) -> list[str]:
    """OpenStack tags (``key=value`` strings, sorted) from a tag mapping."""
    return sorted(f"{key}={value}" for key, value in values.items())
