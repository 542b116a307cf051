"""One change on one device, written once: push, postcheck, confirm — or a rollback proven by hash.

The rollout engine, a department's onboarding and a private network's cutover all run their changes
through :func:`carry_out`, and after an interruption through :func:`settle`:

1. **push** — the lines merged into the running configuration (hier_config remediation only); a trial
   commit where the platform has one (VRP8, Comware 7), recorded in the journal's ``trials`` *before*
   it is sent, so that an interruption at any point leaves a trace of a change that may be waiting;
2. **postcheck** — the caller's check of what the change should give;
3. **confirm** — the trial confirmed, and then the configuration read back: the change must still be
   there (a trial that ran out first took it away, and the journal says so instead of ``done``);
4. **rollback** on any failure: back to the saved configuration, verified by its hash.

Whether a trial is pending is asked of the device (VRP8 ``display configuration trial status``), not
of the session that made it: a resumed run's new session takes the trial over (``adopt_trial``),
postchecks afresh and confirms it — or puts the device back — and a trial the device already reverted
by itself is recorded as ``rolled_back`` with the hash that proves it.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from network.devices.config import diff, merged
from network.rollout.journal import (
    DONE,
    FAILED,
    PENDING,
    ROLLED_BACK,
    RUNNING,
    Journal,
    Step,
    TrialRecord,
    config_hash,
)

Postcheck = Callable[[Any], None]  # raises when the device does not hold what the change should give


@dataclass(frozen=True)
class Change:
    """What to change on one device: ``lines`` merged into its running configuration; ``saved``, the
    running configuration before (what a rollback returns to); ``label`` names the change in the
    journal (``rollout``, ``onboard D``, ``cutover D N``)."""

    hostname: str
    label: str
    lines: str
    saved: str

    @property
    def hash_before(self) -> str:
        """The hash a rollback must reproduce."""
        return config_hash(self.saved)


@dataclass
class Recorder:
    """Where one change's steps (and, for the rollout, the device's state) go in the journal."""

    journal: Journal
    run: int
    hostname: str
    wave: int = 0
    prefix: str = ""  # "onboard D: " — onboarding's steps are named after the department
    track_state: bool = True  # the rollout keeps each device's state; onboarding only its steps

    def step(
        self,
        name: str,
        result: str,
        started: float,
        detail: str = "",
        before: str | None = None,
        after: str | None = None,
    ) -> None:
        """Append one step."""
        self.journal.step(
            Step(
                self.run, self.hostname, self.wave, self.prefix + name, result, started, detail, before, after
            )
        )

    def state(self, state: str, stage: str | None, reason: str | None = None, **fields: str | None) -> None:
        """Record the device's state (the rollout's devices table)."""
        if self.track_state:
            self.journal.set_state(self.hostname, state, stage, reason, **fields)


@dataclass
class Result:
    """How a change ended: done, rolled_back, failed (or pending in check mode), why, and its diff."""

    state: str
    reason: str = ""
    diff: str = ""


def carry_out(
    driver: Any,
    change: Change,
    postcheck: Postcheck,
    recorder: Recorder,
    trial_seconds: int,
    check: bool = False,
) -> Result:
    """Push ``change`` (a trial where the platform offers one), postcheck, confirm, or put it back."""
    started = time.time()
    before = change.hash_before
    staged = driver.load_candidate(change.lines, replace=False)
    text = staged.text()
    if check:
        driver.discard()
        recorder.step("check", "diff", started, text)
        return Result(PENDING, "checked: nothing pushed", text)
    recorder.state(RUNNING, "push", None, pre_change=change.saved, hash_before=before)
    trial: int | None = None
    if not staged.empty and driver.trial_supported:
        trial = recorder.journal.open_trial(
            recorder.run, change.hostname, change.label, trial_seconds, change.saved
        )
    try:
        if not staged.empty:
            driver.commit(trial_seconds if trial is not None else None)
    except Exception as problem:
        recorder.step("push", "failed", started, str(problem), before)
        result = put_back(driver, change, recorder, f"push failed: {problem}", trial)
        result.diff = text
        return result
    recorder.step("push", "ok", started, text, before)
    recorder.state(RUNNING, "postcheck")
    result = finish(driver, change, postcheck, recorder, trial)
    result.diff = text
    return result


def finish(
    driver: Any, change: Change, postcheck: Postcheck, recorder: Recorder, trial: int | None
) -> Result:
    """Postcheck, confirm a pending trial, and prove the change is still on the device; else put back."""
    started = time.time()
    before = change.hash_before
    try:
        postcheck(driver)
    except Exception as problem:
        recorder.step("postcheck", "failed", started, str(problem))
        return put_back(driver, change, recorder, f"postcheck failed: {problem}", trial)
    try:
        if driver.has_pending_commit():
            driver.confirm()
        running = driver.running_config()
    except Exception as problem:
        recorder.step("confirm", "failed", started, str(problem))
        return put_back(driver, change, recorder, f"confirm failed: {problem}", trial)
    after = config_hash(running)
    if not holds(driver.platform, running, change.lines):
        if after == before:
            return _reverted(recorder, change, trial, "the trial ran out before it was confirmed", started)
        recorder.step("confirm", "failed", started, "the change is no longer on the device", before, after)
        return put_back(driver, change, recorder, "the change is no longer on the device", trial)
    if trial is not None:
        recorder.journal.settle_trial(trial, "confirmed")
    recorder.step("postcheck", "ok", started, "", before, after)
    recorder.state(DONE, "postcheck", None, hash_after=after)
    return Result(DONE)


def put_back(driver: Any, change: Change, recorder: Recorder, reason: str, trial: int | None) -> Result:
    """Roll back to the saved configuration and prove it by hash; failed if that cannot be shown."""
    started = time.time()
    before = change.hash_before
    try:
        if driver.device is None:  # the session died: a new one
            driver.open()
        if driver.has_pending_commit():
            driver.rollback()
        driver.rollback_to(change.saved)
        now = config_hash(driver.running_config())
    except Exception as problem:
        detail = f"{reason}; rollback failed: {problem}"
        return _failed(recorder, trial, detail, started, before)
    if now != before:
        detail = f"{reason}; after rollback the configuration hash differs from the saved one"
        return _failed(recorder, trial, detail, started, before, now)
    if trial is not None:
        recorder.journal.settle_trial(trial, "rolled_back")
    recorder.step("rollback", "ok", started, reason, before, now)
    recorder.state(ROLLED_BACK, "rollback", reason, hash_after=now)
    return Result(ROLLED_BACK, reason)


def settle(
    driver: Any,
    change: Change,
    postcheck: Postcheck,
    recorder: Recorder,
    trial: TrialRecord | None,
    redo: Callable[[], Result] | None,
) -> Result:
    """A change an interruption caught: complete it after a fresh postcheck, or put it back.

    ``trial``: the open trial of this change, if one was sent; the new session takes it over first.
    ``redo``: how to make the change again when the device is found untouched and nothing says it
    ever held the change (None: an untouched device that had the change is recorded as gone back).
    """
    started = time.time()
    before = change.hash_before
    if trial is not None:
        driver.adopt_trial(trial.seconds)
    running = driver.running_config()
    trial_id = trial.id if trial is not None else None
    if config_hash(running) == before:
        if trial is not None and driver.has_pending_commit():
            driver.confirm()  # the trial this session just gave again holds nothing of the change
        if redo is not None:
            if trial_id is not None:
                recorder.journal.settle_trial(trial_id, "not applied")
            recorder.state(PENDING, None, "interrupted before any change; retried")
            recorder.step("resume", "unchanged", started)
            return redo()
        reason = "the trial ran out after the interruption"
        return _reverted(recorder, change, trial_id, reason, started, step="resume")
    if holds(driver.platform, running, change.lines):
        recorder.step("resume", "complete", started)
        return finish(driver, change, postcheck, recorder, trial_id)
    recorder.step("resume", "half-done", started)
    return put_back(driver, change, recorder, "interrupted half-way through the push", trial_id)


def holds(platform: str, running: str, lines: str) -> bool:
    """The running configuration already has every line of the change (merging it changes nothing)."""
    return diff(platform, running, merged(platform, running, lines)).empty


def _reverted(
    recorder: Recorder, change: Change, trial: int | None, why: str, started: float, step: str = "confirm"
) -> Result:
    """The device went back to the saved configuration by itself (its trial timer ran out)."""
    reason = f"{why}: the device went back by itself to the configuration it had (hash verified)"
    if trial is not None:
        recorder.journal.settle_trial(trial, "reverted")
    before = change.hash_before
    recorder.step(step, "reverted", started, reason, before, before)
    recorder.state(ROLLED_BACK, step, reason, hash_after=before)
    return Result(ROLLED_BACK, reason)


def _failed(
    recorder: Recorder, trial: int | None, detail: str, started: float, before: str, now: str | None = None
) -> Result:
    if trial is not None:
        recorder.journal.settle_trial(trial, "failed")
    recorder.step("rollback", "failed", started, detail, before, now)
    recorder.state(FAILED, "rollback", detail)
    return Result(FAILED, detail)
