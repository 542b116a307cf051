"""The lifecycle: which transitions are legal, and what an operator is told when one is not."""

from __future__ import annotations

import itertools

import pytest

from network.migration.lifecycle import (
    FORWARD,
    TRANSITIONS,
    State,
    TransitionRefused,
    check_transition,
    reached,
    revertible,
)
from network.migration.runbook import plan_steps


def test_every_state_has_its_transitions_and_is_reachable() -> None:
    assert set(TRANSITIONS) == set(State)
    reachable = {State.NOT_STARTED}
    frontier = [State.NOT_STARTED]
    while frontier:
        for nxt in TRANSITIONS[frontier.pop()]:
            if nxt not in reachable:
                reachable.add(nxt)
                frontier.append(nxt)
    assert reachable == set(State)


@pytest.mark.parametrize(("before", "after"), list(itertools.pairwise(FORWARD)))
def test_the_forward_path_is_legal(before: State, after: State) -> None:
    check_transition("sys", before, after)


@pytest.mark.parametrize(
    ("before", "after"),
    [
        (State.NOT_STARTED, State.VERIFIED),  # no skipping the transfer
        (State.REPLICATING, State.CUT_OVER),  # no cutover without verify and tests
        (State.PROVISIONED, State.VERIFIED),
        (State.VERIFIED, State.READY_FOR_CUTOVER),  # tests come first
        (State.FINALIZED, State.ROLLED_BACK),  # finalized is final
        (State.RETIRED, State.NOT_STARTED),
        (State.FAILED, State.CUT_OVER),  # a failed rollback needs an operator first
        (State.ROLLED_BACK, State.REPLICATING),  # start again from the assessment
    ],
)
def test_illegal_transitions_are_refused_with_the_allowed_ones(before: State, after: State) -> None:
    with pytest.raises(TransitionRefused) as refused:
        check_transition("sw-x", before, after)
    message = str(refused.value)
    assert message.startswith(f"sw-x: cannot go from {before.label} to {after.label}")
    for allowed in TRANSITIONS[before]:
        assert allowed.label in message
    assert refused.value.hint


def test_hints_name_what_to_do() -> None:
    assert "classified" in TransitionRefused("s", State.RETAINED, State.ASSESSED).hint
    assert "over" in TransitionRefused("s", State.FINALIZED, State.ROLLED_BACK).hint
    assert "egov migrate rollback" in TransitionRefused("s", State.FAILED, State.CUT_OVER).hint


def test_reached_follows_the_forward_path() -> None:
    assert reached(State.CUT_OVER, State.PROVISIONED)
    assert reached(State.PROVISIONED, State.PROVISIONED)
    assert not reached(State.ASSESSED, State.PROVISIONED)
    assert not reached(State.ROLLED_BACK, State.PROVISIONED)
    assert not reached(State.RETAINED, State.NOT_STARTED)


def test_revertible_states_are_those_that_change_the_target_or_the_names() -> None:
    assert {s for s in State if revertible(s)} == {
        State.REPLICATING, State.VERIFIED, State.TESTING, State.READY_FOR_CUTOVER, State.CUT_OVER,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("state", "to", "complete", "steps"),
    [
        (State.NOT_STARTED, State.CUT_OVER, False,
         ["precheck", "transfer", "verify", "function_test", "security_check", "cutover"]),
        (State.NOT_STARTED, State.REPLICATING, False, ["precheck", "transfer"]),
        (State.PROVISIONED, State.VERIFIED, False, ["transfer", "verify"]),
        (State.REPLICATING, State.CUT_OVER, False,  # killed mid-transfer: transfer again
         ["transfer", "verify", "function_test", "security_check", "cutover"]),
        (State.REPLICATING, State.VERIFIED, True, ["verify"]),  # transfer finished: verify next
        (State.TESTING, State.READY_FOR_CUTOVER, False, ["function_test", "security_check"]),
        (State.CUT_OVER, State.FINALIZED, False, ["finalize"]),
        (State.CUT_OVER, State.CUT_OVER, False, []),
        (State.FINALIZED, State.CUT_OVER, False, []),
        (State.ROLLED_BACK, State.CUT_OVER, False,
         ["precheck", "transfer", "verify", "function_test", "security_check", "cutover"]),
    ],
)  # fmt: skip
def test_plan_steps(state: State, to: State, complete: bool, steps: list[str]) -> None:
    assert plan_steps(state, to, complete) == steps


def test_plan_steps_refuses_a_target_off_the_path() -> None:
    with pytest.raises(ValueError, match="rolled back"):
        plan_steps(State.NOT_STARTED, State.ROLLED_BACK, False)
