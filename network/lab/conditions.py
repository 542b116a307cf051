"""What the lab's world is like now: injected faults, link utilisation, duplicate-address detection time.

Set at start (``egov lab up --faults FILE``) and changed while the lab runs (``egov lab set`` rewrites the
control file and signals the lab, which reloads it; tests change the object directly). Faults apply per
device (a hostname glob) or at a random rate to every device.

Fault kinds:

- ``auth``: the device refuses every login (``Authentication failed``), whatever the password.
- ``drop``: the connection is closed after ``after`` commands of a session.
- ``drop-commit``: the connection is closed when a commit (VRP8 ``commit``) or ``save`` is entered; a
  VRP8 candidate is lost, VRP5/Comware/IOS running changes stay unsaved.
- ``slow``: each answer waits ``delay`` seconds.
- ``reject``: configuration commands are refused with the platform's ``Unrecognized command`` error.
- ``commit-fail``: ``commit`` (VRP8) or ``save`` answers with an error and changes nothing.

Besides faults: ``utilisation`` (all links) and ``link_utilisation`` (per link id) drive the counters,
and ``link_speed`` (per link id, Mbit/s) makes both ends of a link run below their planned capacity,
as a port that negotiated 100M on a 1G circuit does. ``restarts`` (hostname glob -> a number) restarts
the matching devices each time its number goes up: uptime and every interface counter start over from 0,
as after a reload (a counter discontinuity for Prometheus' rate()).

The SNMP agents meet the same faults: ``drop`` leaves requests unanswered (the manager times out),
``slow`` answers each request after ``delay`` seconds, ``auth`` drops every request as a wrong
community or USM key does.
"""

from __future__ import annotations

import fnmatch
import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

FAULT_KINDS = ("auth", "drop", "drop-commit", "slow", "reject", "commit-fail")


class ConditionsError(ValueError):
    """A control file or option the lab cannot use (names the key and what is allowed)."""


@dataclass
class Fault:
    """An injected fault: its kind; ``delay`` (seconds) for ``slow``, ``after`` (commands) for ``drop``."""

    kind: str
    delay: float = 2.0
    after: int = 3

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ConditionsError(f"unknown fault kind {self.kind!r}; kinds: {', '.join(FAULT_KINDS)}")


@dataclass
class Conditions:
    """Faults per hostname glob, a random fault rate, utilisation per link (0..1), DAD time in seconds.

    ``trial_scale`` shortens trial-commit timers (VRP8 ``commit trial 60`` with 0.05 reverts after 3 s)
    so that tests can watch a revert happen; a real device has 1.0.
    """

    faults: dict[str, Fault] = field(default_factory=dict)
    rate: float = 0.0
    rate_kinds: tuple[str, ...] = ("drop", "slow", "reject")
    utilisation: float = 0.3
    link_utilisation: dict[str, float] = field(default_factory=dict)
    link_speed: dict[str, int] = field(default_factory=dict)
    restarts: dict[str, int] = field(default_factory=dict)
    dad_seconds: float = 1.0
    trial_scale: float = 1.0
    seed: int | None = None
    _random: random.Random = field(default_factory=random.Random, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.seed is not None:
            self._random.seed(self.seed)

    def fault_for(self, hostname: str) -> Fault | None:
        """The fault a new session on ``hostname`` meets: a configured one, else one drawn at the rate."""
        for pattern, fault in self.faults.items():
            if fnmatch.fnmatchcase(hostname, pattern):
                return fault
        if self.rate > 0 and self._random.random() < self.rate:
            return Fault(self._random.choice(self.rate_kinds))
        return None

    def speed(self, link_id: str | None) -> int | None:
        """The speed (Mbit/s) a link was set to run at, if the lab degraded it."""
        return None if link_id is None else self.link_speed.get(link_id)

    def restart_for(self, hostname: str) -> int:
        """The restart number for a device: the highest of the globs that match it (0 for none)."""
        return max(
            (n for pattern, n in self.restarts.items() if fnmatch.fnmatchcase(hostname, pattern)), default=0
        )

    def link(self, link_id: str | None) -> float:
        """Utilisation of a link (the default for links without their own)."""
        if link_id is None:
            return 0.0
        return self.link_utilisation.get(link_id, self.utilisation)

    # --- the control file ------------------------------------------------------------------------

    def to_json(self) -> dict[str, Any]:
        """What the control file holds."""
        return {
            "faults": {glob: asdict(fault) for glob, fault in self.faults.items()},
            "rate": self.rate,
            "rate_kinds": list(self.rate_kinds),
            "utilisation": self.utilisation,
            "link_utilisation": dict(self.link_utilisation),
            "link_speed": dict(self.link_speed),
            "restarts": dict(self.restarts),
            "dad_seconds": self.dad_seconds,
            "trial_scale": self.trial_scale,
            "seed": self.seed,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any], where: str = "conditions") -> Conditions:
        """Conditions from a control file's content; ConditionsError names the key that is wrong."""
        known = {
            "faults",
            "rate",
            "rate_kinds",
            "utilisation",
            "link_utilisation",
            "link_speed",
            "restarts",
            "dad_seconds",
            "trial_scale",
            "seed",
        }
        unknown = sorted(set(data) - known)
        if unknown:
            raise ConditionsError(f"{where}: unknown key {unknown[0]!r}; keys: {', '.join(sorted(known))}")
        try:
            faults = {glob: Fault(**spec) for glob, spec in (data.get("faults") or {}).items()}
            conditions = cls(
                faults=faults,
                rate=float(data.get("rate", 0.0)),
                rate_kinds=tuple(data.get("rate_kinds", ("drop", "slow", "reject"))),
                utilisation=float(data.get("utilisation", 0.3)),
                link_utilisation={k: float(v) for k, v in (data.get("link_utilisation") or {}).items()},
                link_speed={k: int(v) for k, v in (data.get("link_speed") or {}).items()},
                restarts={k: int(v) for k, v in (data.get("restarts") or {}).items()},
                dad_seconds=float(data.get("dad_seconds", 1.0)),
                trial_scale=float(data.get("trial_scale", 1.0)),
                seed=data.get("seed"),
            )
        except (TypeError, ValueError) as problem:
            raise ConditionsError(f"{where}: {problem}") from None
        conditions.check(where)
        return conditions

    def check(self, where: str = "conditions") -> None:
        """Ranges: rates and utilisations within 0..1, known fault kinds."""
        for kind in self.rate_kinds:
            Fault(kind)
        values = {"rate": self.rate, "utilisation": self.utilisation, **self.link_utilisation}
        for key, value in values.items():
            if not 0.0 <= value <= 1.0:
                raise ConditionsError(f"{where}: {key} is {value}; it must be between 0 and 1")
        for link, mbits in self.link_speed.items():
            if mbits <= 0:
                raise ConditionsError(
                    f"{where}: link_speed of {link} is {mbits}; it must be a positive Mbit/s"
                )
        for pattern, number in self.restarts.items():
            if number < 0:
                raise ConditionsError(f"{where}: restarts of {pattern} is {number}; it must not be negative")
        if self.dad_seconds < 0 or self.trial_scale <= 0:
            raise ConditionsError(f"{where}: dad_seconds must not be negative, trial_scale must be positive")

    def update(self, other: Conditions) -> None:
        """Take another's settings in place (sessions hold a reference to this object)."""
        self.faults, self.rate, self.rate_kinds = other.faults, other.rate, other.rate_kinds
        self.utilisation, self.link_utilisation = other.utilisation, other.link_utilisation
        self.link_speed, self.restarts = other.link_speed, other.restarts
        self.dad_seconds, self.trial_scale, self.seed = other.dad_seconds, other.trial_scale, other.seed
        if other.seed is not None:
            self._random.seed(other.seed)


def load_conditions(path: Path) -> Conditions:
    """Read a control file (JSON); ConditionsError names the file."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as problem:
        raise ConditionsError(f"{path}: cannot be read ({problem.strerror})") from None
    except ValueError as problem:
        raise ConditionsError(f"{path}: not JSON ({problem})") from None
    if not isinstance(data, dict):
        raise ConditionsError(f"{path}: must hold a JSON object")
    return Conditions.from_json(data, str(path))
