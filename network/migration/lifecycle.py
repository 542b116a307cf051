"""The lifecycle of a system's migration: its states and the transitions between them.

Modelled on AWS Application Migration Service (test, then cutover, then finalize; revert) and Azure
Migrate (test migration in isolation, clean-up), with what they lack: a ``verified`` state that is only
reached with a data-integrity proof. Classified systems are ``retained`` for good.
"""

from __future__ import annotations

from enum import StrEnum


class State(StrEnum):
    """Where a system's migration stands."""

    NOT_STARTED = "not_started"
    ASSESSED = "assessed"
    PROVISIONED = "provisioned"
    REPLICATING = "replicating"
    VERIFIED = "verified"
    TESTING = "testing"
    READY_FOR_CUTOVER = "ready_for_cutover"
    CUT_OVER = "cut_over"
    FINALIZED = "finalized"
    ROLLED_BACK = "rolled_back"
    FAILED = "failed"
    RETAINED = "retained"
    RETIRED = "retired"

    @property
    def label(self) -> str:
        """The state as people write it: ``ready for cutover``."""
        return self.value.replace("_", " ")

    @property
    def on_cloud(self) -> bool:
        """True when the system runs on the cloud (cut over, whether finalized or not)."""
        return self in (State.CUT_OVER, State.FINALIZED)


FORWARD: tuple[State, ...] = (
    State.NOT_STARTED,
    State.ASSESSED,
    State.PROVISIONED,
    State.REPLICATING,
    State.VERIFIED,
    State.TESTING,
    State.READY_FOR_CUTOVER,
    State.CUT_OVER,
    State.FINALIZED,
)
"""The path of a successful migration, in order."""

_REVERTIBLE = frozenset(
    {State.REPLICATING, State.VERIFIED, State.TESTING, State.READY_FOR_CUTOVER, State.CUT_OVER}
)
"""States in which something may have changed on the target or the names: a rollback undoes it."""

TRANSITIONS: dict[State, frozenset[State]] = {
    State.NOT_STARTED: frozenset({State.ASSESSED, State.RETAINED, State.RETIRED}),
    State.ASSESSED: frozenset({State.PROVISIONED, State.RETAINED, State.RETIRED}),
    State.PROVISIONED: frozenset({State.REPLICATING, State.RETAINED}),
    State.REPLICATING: frozenset({State.VERIFIED, State.ROLLED_BACK, State.FAILED}),
    # A verified copy can be refreshed (replicating again) before it is tested or cut over.
    State.VERIFIED: frozenset({State.TESTING, State.REPLICATING, State.ROLLED_BACK, State.FAILED}),
    State.TESTING: frozenset({State.READY_FOR_CUTOVER, State.ROLLED_BACK, State.FAILED}),
    State.READY_FOR_CUTOVER: frozenset({State.CUT_OVER, State.REPLICATING, State.ROLLED_BACK, State.FAILED}),
    State.CUT_OVER: frozenset({State.FINALIZED, State.ROLLED_BACK, State.FAILED}),
    State.FINALIZED: frozenset(),
    # After a rollback the system starts again from its assessment (or is set aside).
    State.ROLLED_BACK: frozenset({State.ASSESSED, State.RETAINED, State.RETIRED}),
    # A failed rollback needs an operator; once they have put things back it is recorded as rolled back.
    State.FAILED: frozenset({State.ROLLED_BACK}),
    State.RETAINED: frozenset({State.NOT_STARTED}),
    State.RETIRED: frozenset(),
}


class TransitionRefused(Exception):
    """A transition the lifecycle does not allow, or one another operator got to first."""

    def __init__(self, system: str, current: State, wanted: State, reason: str = "") -> None:
        self.system, self.current, self.wanted = system, current, wanted
        allowed = sorted(s.label for s in TRANSITIONS[current])
        self.reason = reason or f"{current.label} can go to: {', '.join(allowed) or 'nothing (final)'}"
        super().__init__(f"{system}: cannot go from {current.label} to {wanted.label} ({self.reason})")

    @property
    def hint(self) -> str:
        """What the operator can do instead."""
        if self.current is State.RETAINED:
            return "a retained system stays where it is; classified systems never move"
        if self.current in (State.FINALIZED, State.RETIRED):
            return "this system's migration is over"
        if self.current is State.FAILED:
            return f"put it back by hand, then `egov migrate rollback INVENTORY {self.system}`"
        return f"see `egov migrate status INVENTORY` for where {self.system} stands"


def check_transition(system: str, current: State, wanted: State) -> None:
    """Raise :class:`TransitionRefused` unless ``current`` may go to ``wanted``."""
    if wanted not in TRANSITIONS[current]:
        raise TransitionRefused(system, current, wanted)


def revertible(state: State) -> bool:
    """True when a rollback from ``state`` has something to undo (target data, names, a frozen source)."""
    return state in _REVERTIBLE


def rank(state: State) -> int:
    """Position on the forward path (-1 for states off it), for "has it reached X yet?" questions."""
    return FORWARD.index(state) if state in FORWARD else -1


def reached(state: State, milestone: State) -> bool:
    """True when ``state`` is ``milestone`` or further along the forward path."""
    return rank(state) >= rank(milestone) >= 0
