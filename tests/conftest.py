"""Shared fixtures."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers import MINIMAL, SHANWEI, copy_inventory


@pytest.fixture
def minimal(tmp_path: Path) -> Path:
    """A writable copy of the minimal valid inventory."""
    return copy_inventory(MINIMAL, tmp_path / "minimal")


@pytest.fixture
def shanwei_copy(tmp_path: Path) -> Path:
    """A writable copy of the Shanwei sample inventory."""
    return copy_inventory(SHANWEI, tmp_path / "shanwei")
