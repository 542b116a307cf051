"""What was measured rather than recorded by a run: the city's services over IPv6 (m04-dns-cdn).

``egov ipv6 check --record`` writes the measurement's counts to ``<state>/ipv6-services.json``
(atomically: a reader sees the previous measurement or the new one, never half of one); the
programme reads it as the progress of ``ipv6_services_ratio``. Only counts and times are kept: no
address, key or page content.
"""

from __future__ import annotations

import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from network.state import SERVICES_FILE

KINDS = ("website", "zone", "resolver", "cdn_edge")


class MeasureError(Exception):
    """The measurement file exists but cannot be read (names the file)."""


@dataclass(frozen=True)
class ServicesMeasure:
    """Per kind, how many passed over IPv6 of how many were measured, and when (Unix time)."""

    passing: dict[str, int]
    measured: dict[str, int]
    measured_at: float

    @property
    def ratio(self) -> float:
        """Passing of measured (1.0 when nothing was to be measured)."""
        total = sum(self.measured.values())
        return sum(self.passing.values()) / total if total else 1.0


def write_measure(state_dir: Path, measure: ServicesMeasure) -> Path:
    """Record ``measure`` as the latest one; returns the file's path."""
    state_dir.mkdir(parents=True, exist_ok=True)
    path = state_dir / SERVICES_FILE
    document = {"measured_at": measure.measured_at, "passing": measure.passing, "measured": measure.measured}
    handle, temporary = tempfile.mkstemp(prefix=".ipv6-services.", dir=state_dir)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as out:
            json.dump(document, out, indent=1, sort_keys=True)
            out.write("\n")
            out.flush()
            os.fsync(out.fileno())
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return path


def read_measure(state_dir: Path) -> ServicesMeasure | None:
    """The latest recorded measurement (None when none was recorded)."""
    path = state_dir / SERVICES_FILE
    try:
        document: Any = json.loads(path.read_text(encoding="utf-8"))
        return ServicesMeasure(
            {k: int(document["passing"].get(k, 0)) for k in KINDS},
            {k: int(document["measured"].get(k, 0)) for k in KINDS},
            float(document["measured_at"]),
        )
    except FileNotFoundError:
        return None
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as problem:
        kind = type(problem).__name__
        raise MeasureError(f"{path}: not a recorded measurement ({kind}: {problem})") from None
