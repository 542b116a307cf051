"""One change on one device, written once: push, postcheck, confirm — or a rollback proven by hash.

The rollout engine, a department's onboarding and a private network's cutover all run their changes
through :func:`carry_out`, and after an interruption through :func:`settle`:

1. **push** — the lines merged into the running configuration (hier_config remediation only); a trial
   commit where the platform has one (VRP8, Comware 7), a plain commit elsewhere; either is recorded
   in the journal's ``changes`` with the configuration before it *before* it is sent, so that an
   interruption at any point (kill -9 included) leaves what is needed to settle it;
2. **postcheck** — the caller's check of what the change should give;
3. **confirm** — the trial confirmed, and then the configuration read back: the change must still be
   there (a trial that ran out first took it away, and the journal says so instead of ``done``);
4. **rollback** on any failure: back to the saved configuration, verified by its hash.

Whether a trial is pending is asked of the device (VRP8 ``display configuration trial status``), not
of the session that made it: a resumed run's new session takes the trial over (``adopt_trial``),
postchecks afresh and confirms it — or puts the device back — and a trial the device already reverted
by itself is recorded as ``rolled_back`` with the hash that proves it. A plain commit an interruption
caught is settled the same way from its recorded configuration: complete (postchecked afresh), not
applied, or half-done and put back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

from network.devices.base import ChangeDriver
from network.devices.config import diff, merged
from network.rollout.journal import (
    DONE,
    FAILED,
    PENDING,
    ROLLED_BACK,
    RUNNING,
    ChangeRecord,
    Journal,
    Step,
    config_hash,
)

Postcheck = Callable[[ChangeDriver], None]  # raises when the device does not hold what the change should give


@dataclass(frozen=True)
class Change:
    """What to change on one device: ``lines`` merged into its running configuration (and ``remove``
    taken out of it); ``saved``, the running configuration before (what a rollback returns to);
    ``label`` names the change in the journal (``rollout``, ``onboard D``, ``cutover D N``)."""

    hostname: str
    label: str
    lines: str
    saved: str
    remove: tuple[str, ...] = ()  # lines of ``saved`` the change takes out (a cutover's old global routes)

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
    driver: ChangeDriver,
    change: Change,
    postcheck: Postcheck,
    recorder: Recorder,
    trial_seconds: int,
    check: bool = False,
) -> Result:
    """Push ``change`` (a trial where the platform offers one), postcheck, confirm, or put it back."""
    started = time.time()
    before = change.hash_before
    if change.remove:
        staged = driver.load_candidate(intended(driver.platform, change.saved, change), replace=True)
    else:
        staged = driver.load_candidate(change.lines, replace=False)
    text = staged.text()
    if check:
        driver.discard()
        recorder.step("check", "diff", started, text)
        return Result(PENDING, "checked: nothing pushed", text)
    recorder.state(RUNNING, "push", None, pre_change=change.saved, hash_before=before)
    record: int | None = None
    if not staged.empty:
        seconds = trial_seconds if driver.trial_supported else 0
        record = recorder.journal.open_change(
            recorder.run, change.hostname, change.label, seconds, change.saved
        )
    try:
        if not staged.empty:
            driver.commit(trial_seconds if driver.trial_supported else None)
    except Exception as problem:
        recorder.step("push", "failed", started, str(problem), before)
        result = put_back(driver, change, recorder, f"push failed: {problem}", record)
        result.diff = text
        return result
    recorder.step("push", "ok", started, text, before)
    recorder.state(RUNNING, "postcheck")
    result = finish(driver, change, postcheck, recorder, record)
    result.diff = text
    return result


def finish(
    driver: ChangeDriver, change: Change, postcheck: Postcheck, recorder: Recorder, record: int | None
) -> Result:
    """Postcheck, confirm a pending trial, and prove the change is still on the device; else put back.

    ``record``: the change's line in the journal's ``changes`` (None when nothing had to be sent)."""
    started = time.time()
    before = change.hash_before
    try:
        postcheck(driver)
    except Exception as problem:
        recorder.step("postcheck", "failed", started, str(problem))
        return put_back(driver, change, recorder, f"postcheck failed: {problem}", record)
    try:
        if driver.has_pending_commit():
            driver.confirm()
        running = driver.running_config()
    except Exception as problem:
        recorder.step("confirm", "failed", started, str(problem))
        return put_back(driver, change, recorder, f"confirm failed: {problem}", record)
    after = config_hash(running)
    if not holds(driver.platform, running, change.lines, change.remove):
        if after == before:
            return _reverted(recorder, change, record, "the trial ran out before it was confirmed", started)
        recorder.step("confirm", "failed", started, "the change is no longer on the device", before, after)
        return put_back(driver, change, recorder, "the change is no longer on the device", record)
    if record is not None:
        confirmed = driver.trial_supported
        recorder.journal.settle_change(record, "confirmed" if confirmed else "committed")
    recorder.step("postcheck", "ok", started, "", before, after)
    recorder.state(DONE, "postcheck", None, hash_after=after)
    return Result(DONE)


def put_back(
    driver: ChangeDriver, change: Change, recorder: Recorder, reason: str, record: int | None
) -> Result:
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
        return _failed(recorder, record, detail, started, before)
    if now != before:
        detail = f"{reason}; after rollback the configuration hash differs from the saved one"
        return _failed(recorder, record, detail, started, before, now)
    if record is not None:
        recorder.journal.settle_change(record, "rolled_back")
    recorder.step("rollback", "ok", started, reason, before, now)
    recorder.state(ROLLED_BACK, "rollback", reason, hash_after=now)
    return Result(ROLLED_BACK, reason)


def settle(
    driver: ChangeDriver,
    change: Change,
    postcheck: Postcheck,
    recorder: Recorder,
    record: ChangeRecord | None,
    redo: Callable[[], Result] | None,
) -> Result:
    """A change an interruption caught: complete it after a fresh postcheck, or put it back.

    ``record``: the change's open line in the journal, if it got as far as being sent; a trial's new
    session takes it over first. ``redo``: how to make the change again when the device is found
    untouched and nothing says it ever held the change (None: an untouched device is recorded as gone
    back by itself after a trial, or as not applied after a plain commit).
    """
    started = time.time()
    before = change.hash_before
    trial = record is not None and record.trial
    if record is not None and trial:
        driver.adopt_trial(record.seconds)
    running = driver.running_config()
    record_id = record.id if record is not None else None
    if config_hash(running) == before:
        if trial and driver.has_pending_commit():
            driver.confirm()  # the trial this session just gave again holds nothing of the change
        if redo is not None:
            if record_id is not None:
                recorder.journal.settle_change(record_id, "not applied")
            recorder.state(PENDING, None, "interrupted before any change; retried")
            recorder.step("resume", "unchanged", started)
            return redo()
        if trial:
            reason = "the trial ran out after the interruption"
            return _reverted(recorder, change, record_id, reason, started, step="resume")
        reason = "interrupted before the change reached the device: nothing on it changed (hash verified)"
        if record_id is not None:
            recorder.journal.settle_change(record_id, "not applied")
        recorder.step("resume", "unchanged", started, reason, before, before)
        recorder.state(PENDING, None, reason)
        return Result(PENDING, reason)
    if holds(driver.platform, running, change.lines, change.remove):
        recorder.step("resume", "complete", started)
        return finish(driver, change, postcheck, recorder, record_id)
    recorder.step("resume", "half-done", started)
    return put_back(driver, change, recorder, "interrupted half-way through the push", record_id)


def holds(platform: str, running: str, lines: str, remove: tuple[str, ...] = ()) -> bool:
    """The running configuration already has every line of the change (merging it changes nothing)
    and none of the lines it takes out."""
    present = {" ".join(line.split()) for line in running.splitlines()}
    return diff(platform, running, merged(platform, running, lines)).empty and not present & set(remove)


def intended(platform: str, running: str, change: Change) -> str:
    """The whole configuration a change with removals goes to: ``running`` with the lines merged in
    and the removed ones taken out."""
    kept = [line for line in merged(platform, running, change.lines).splitlines()
            if " ".join(line.split()) not in change.remove]  # fmt: skip
    return "\n".join(kept) + "\n"


def _reverted(
    recorder: Recorder, change: Change, record: int | None, why: str, started: float, step: str = "confirm"
) -> Result:
    """The device went back to the saved configuration by itself (its trial timer ran out)."""
    reason = f"{why}: the device went back by itself to the configuration it had (hash verified)"
    if record is not None:
        recorder.journal.settle_change(record, "reverted")
    before = change.hash_before
    recorder.step(step, "reverted", started, reason, before, before)
    recorder.state(ROLLED_BACK, step, reason, hash_after=before)
    return Result(ROLLED_BACK, reason)


def _failed(
    recorder: Recorder, record: int | None, detail: str, started: float, before: str, now: str | None = None
) -> Result:
    if record is not None:
        recorder.journal.settle_change(record, "failed")
    recorder.step("rollback", "failed", started, detail, before, now)
    recorder.state(FAILED, "rollback", detail)
    return Result(FAILED, detail)
