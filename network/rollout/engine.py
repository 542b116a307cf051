"""The rollout engine: wave by wave, each device prechecked, changed, postchecked, or put back.

Per device:

1. **precheck** — reachable; platform (and model, when inventoried) as the inventory says; no
   uncommitted changes; the interfaces of its links up; the running configuration saved in the journal.
2. **push** — the rendered dual-stack lines merged (hier_config remediation only); a trial commit where
   the platform has one (VRP8, Comware 7), so that a device that becomes unreachable reverts by itself.
3. **postcheck** — every planned address present and no longer tentative; every link peer that is
   already dual-stack answers ``ping ipv6`` on its /127; IPv4 addresses unchanged. Then the trial is
   confirmed, the configuration saved, and read back: the change must still be there.
4. **rollback** on any postcheck failure (or a failed push): back to the saved configuration,
   verified by comparing the device's configuration hash with the one saved before.

Steps 2–4 are :mod:`network.rollout.transaction`, shared with onboarding and the cutover. ``resume``
settles what an interruption caught: each device left ``running`` (its pending trial, asked of the
device, confirmed after a fresh postcheck or put back; one the device already reverted recorded as
``rolled_back``), and every onboarding or cutover an interruption left open (its change, trial or
plain commit, recorded in the journal with the configuration before it).

A wave stops taking new devices once its failures exceed its ``max_fail_percentage``. Devices whose
uplink peer failed are not touched (kept pending, with the reason). Ctrl-C stops between devices.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field
from typing import Any

from network.devices.addresses import PREFERRED
from network.devices.base import ChangeDriver
from network.devices.collect import Target
from network.inventory.model import Level
from network.render import render_intent
from network.rollout import transaction
from network.rollout.context import Context
from network.rollout.journal import DONE, FAILED, PENDING, ROLLED_BACK, RUNNING, Journal, config_hash
from network.rollout.onboard import settle_interrupted
from network.rollout.transaction import Change, Recorder, Result
from network.rollout.waves import Wave, WavePlan

POSTCHECK_SECONDS = 20.0  # how long planned addresses may stay tentative before the postcheck fails
ROLLOUT = "rollout"  # the journal's name for the rollout's change of a device (changes.change)


class DeviceFailure(Exception):
    """A check or step that failed on one device (the reason goes into the journal)."""


@dataclass
class Outcome:
    """What happened to one device in this run."""

    hostname: str
    wave: int
    state: str
    reason: str = ""
    diff: str = ""


@dataclass
class RunResult:
    """A run's outcomes, whether a wave stopped it (and which), and whether Ctrl-C did."""

    outcomes: list[Outcome] = field(default_factory=list)
    stopped_wave: int | None = None
    interrupted: bool = False

    def failed(self) -> list[Outcome]:
        """Devices that failed or were rolled back in this run."""
        return [o for o in self.outcomes if o.state in (FAILED, ROLLED_BACK)]


Opener = Callable[
    [Target], ChangeDriver
]  # opens a driver for a target (the CLI binds password and production)


@dataclass
class Engine:
    """Rolls out the waves of one inventory onto the devices behind ``targets``."""

    context: Context
    plan: WavePlan
    journal: Journal
    targets: dict[str, Target]
    opener: Opener
    workers: int = 16
    check: bool = False
    progress: Callable[[Wave, Outcome], None] | None = None
    postcheck_seconds: float = POSTCHECK_SECONDS
    stop: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.waves = {wave.number: wave for wave in self.plan.waves}
        self.wave_of = self.plan.wave_of()
        self.run_id = 0

    # --- runs ----------------------------------------------------------------------------------

    def run(self, only_wave: int | None = None, retry: bool = False) -> RunResult:
        """Every pending device of every wave in order (or of one wave); ``retry`` retakes failed ones."""
        self.journal.sync(self.wave_of.items())
        self.run_id = self.journal.start_run("check" if self.check else f"run wave={only_wave or 'all'}")
        result = RunResult()
        for wave in self.plan.waves:
            if only_wave is not None and wave.number != only_wave:
                continue
            if not self._run_wave(wave, retry, result):
                break
        status = "interrupted" if result.interrupted else f"stopped at wave {result.stopped_wave}"
        self.journal.finish_run(
            self.run_id, status if result.interrupted or result.stopped_wave else "completed"
        )
        return result

    def resume(self, settle_only: bool = False) -> RunResult:
        """After an interruption: settle devices caught mid-change, then (unless ``settle_only``) carry
        on with the pending ones."""
        self.journal.sync(self.wave_of.items())
        self.run_id = self.journal.start_run("resume")
        result = RunResult()
        for record in self.journal.devices():
            if record.state == RUNNING and record.hostname in self.targets:
                result.outcomes.append(self._settle(record.hostname, record.wave))
        for change in settle_interrupted(self.context, self.journal, self.targets, self.opener):
            number = self.wave_of.get(change.hostname, 0)
            result.outcomes.append(
                Outcome(change.hostname, number, change.state, f"{change.label}: {change.reason}")
            )
        for wave in () if settle_only else self.plan.waves:
            if not self._run_wave(wave, False, result):
                break
        self.journal.finish_run(self.run_id, "settled" if settle_only else "resumed")
        return result

    def _run_wave(self, wave: Wave, retry: bool, result: RunResult) -> bool:
        """Run one wave; False when the run must not go on (budget exceeded or interrupted)."""
        states = {r.hostname: r for r in self.journal.devices()}
        wanted = (PENDING, FAILED, ROLLED_BACK) if retry else (PENDING,)
        todo = [h for h in wave.hostnames if states.get(h) is None or states[h].state in wanted]
        if not todo:
            return True
        failures, done_count = 0, 0
        budget = wave.max_fail_percentage
        pool = ThreadPoolExecutor(max_workers=max(1, self.workers), thread_name_prefix="egov-rollout")
        running: set[Future[Outcome]] = set()
        queue = list(todo)
        try:
            while queue or running:
                over = failures * 100.0 > budget * len(wave.hostnames)
                while queue and len(running) < self.workers and not over and not self.stop.is_set():
                    running.add(pool.submit(self.device, queue.pop(0), wave.number))
                if not running:
                    break
                finished, running = wait(running, timeout=0.5, return_when=FIRST_COMPLETED)
                for future in finished:
                    outcome = future.result()
                    result.outcomes.append(outcome)
                    done_count += 1
                    failures += outcome.state in (FAILED, ROLLED_BACK)
                    if self.progress is not None:
                        self.progress(wave, outcome)
        except KeyboardInterrupt:
            self.stop.set()
            wait(running)
            for future in running:
                result.outcomes.append(future.result())
        finally:
            pool.shutdown(wait=True)
        if self.stop.is_set():
            result.interrupted = True
            return False
        if failures * 100.0 > budget * len(wave.hostnames):
            result.stopped_wave = wave.number
            return False
        return True

    # --- one device ----------------------------------------------------------------------------

    def _blocked_by(self, hostname: str) -> str | None:
        """A failed uplink peer (shallower level) of this device, if any."""
        intent = self.context.intents.build(hostname)
        inventory = self.context.inventory
        mine = self.context.intents.level(inventory.device_by_hostname[hostname]).depth
        for link in intent.links:
            peer = inventory.device_by_hostname[link.peer]
            record = self.journal.device(link.peer)
            shallower = self.context.intents.level(peer).depth < mine
            if shallower and record is not None and record.state in (FAILED, ROLLED_BACK):
                return link.peer
        return None

    def device(self, hostname: str, wave: int) -> Outcome:
        """Precheck, push, postcheck (or roll back) one device; the outcome is also in the journal."""
        if self.stop.is_set():
            return Outcome(hostname, wave, PENDING, "stopped before it started")
        target = self.targets.get(hostname)
        if target is None:
            return self._fail(
                hostname, wave, "precheck", "not reachable: no address for it in the lab or inventory"
            )
        blocker = self._blocked_by(hostname)
        if blocker is not None:
            reason = f"left pending: its uplink peer {blocker} failed"
            self.journal.set_state(hostname, PENDING, None, reason)
            return Outcome(hostname, wave, PENDING, reason)
        try:
            driver = self.opener(target)
        except Exception as problem:  # unreachable, refused: a precheck failure of this device
            return self._fail(hostname, wave, "precheck", f"not reachable: {problem}")
        try:
            return self._change(driver, hostname, wave)
        finally:
            driver.close()

    def _recorder(self, hostname: str, wave: int) -> Recorder:
        return Recorder(self.journal, self.run_id, hostname, wave)

    def _change(self, driver: ChangeDriver, hostname: str, wave: int) -> Outcome:
        started = time.time()
        recorder = self._recorder(hostname, wave)
        try:
            saved, ipv4 = self._precheck(driver, hostname)
        except Exception as problem:
            recorder.step("precheck", "failed", started, str(problem))
            return self._fail(hostname, wave, "precheck", str(problem))
        recorder.step("precheck", "ok", started, "", config_hash(saved))
        change = Change(hostname, ROLLOUT, render_intent(self.context.intents.build(hostname)), saved)
        result = transaction.carry_out(
            driver,
            change,
            lambda device: self._postcheck(device, hostname, ipv4),
            recorder,
            self.context.config.trial_seconds,
            self.check,
        )
        return Outcome(hostname, wave, result.state, result.reason, result.diff)

    def _fail(self, hostname: str, wave: int, stage: str, reason: str) -> Outcome:
        self.journal.set_state(hostname, FAILED, stage, reason)
        return Outcome(hostname, wave, FAILED, reason)

    # --- checks --------------------------------------------------------------------------------

    def _precheck(self, driver: ChangeDriver, hostname: str) -> tuple[str, set[str]]:
        device = self.context.inventory.device_by_hostname[hostname]
        facts = driver.facts()
        if facts.platform != device.platform:
            raise DeviceFailure(f"runs {facts.platform}, the inventory says {device.platform}")
        if device.model and facts.model and not facts.model.upper().startswith(device.model.upper()):
            raise DeviceFailure(f"is a {facts.model}, the inventory says {device.model}")
        if driver.has_pending_commit() or driver.uncommitted():
            raise DeviceFailure("has uncommitted changes: someone else is configuring it")
        interfaces = driver.interfaces()
        for link in self.context.intents.build(hostname).links:
            state = interfaces.get(link.interface)
            if state is None or not (state.enabled and state.up):
                raise DeviceFailure(f"interface {link.interface} (link {link.link}) is not up")
        ipv4 = {f"{a.interface} {a.address}/{a.prefix_length}" for a in driver.addresses() if a.family == 4}
        return driver.running_config(), ipv4

    def _postcheck(self, driver: ChangeDriver, hostname: str, ipv4: set[str]) -> None:
        intent = self.context.intents.build(hostname)
        wanted = {(interface, address) for interface, address, _ in intent.addresses}
        deadline = time.monotonic() + self.postcheck_seconds
        while True:
            addresses = driver.addresses()
            present = {(a.interface, a.address): a.state for a in addresses if a.family == 6}
            missing = sorted(f"{i} {a}" for i, a in wanted if (i, a) not in present)
            waiting = sorted(
                f"{i} {a} ({present[(i, a)]})"
                for i, a in wanted
                if present.get((i, a), PREFERRED) != PREFERRED
            )
            if missing:
                raise DeviceFailure(f"planned addresses missing: {', '.join(missing[:5])}")
            if not waiting:
                break
            if time.monotonic() > deadline:
                raise DeviceFailure(f"addresses still not usable: {', '.join(waiting[:5])}")
            time.sleep(0.5)
        now = {f"{a.interface} {a.address}/{a.prefix_length}" for a in addresses if a.family == 4}
        if now != ipv4:
            raise DeviceFailure(f"IPv4 changed: {sorted(ipv4 ^ now)[:5]}")
        for link in intent.links:
            peer = self.journal.device(link.peer)
            peer_level = self.context.intents.level(self.context.inventory.device_by_hostname[link.peer])
            if peer_level == Level.PROVINCE or peer is None or peer.state != DONE:
                continue  # a peer not yet dual-stack cannot answer
            result = driver.ping_ipv6(link.peer_address)
            if not result.success:
                raise DeviceFailure(
                    f"{link.peer} does not answer ping ipv6 {link.peer_address} on link {link.link}"
                )

    def _settle(self, hostname: str, wave: int) -> Outcome:
        """A device caught mid-change by an interruption: complete it, or put it back.

        Its open change (if the push got that far) is taken over by the new session; a device found
        untouched is changed afresh only if its push never got through (stage ``push``).
        """
        record = self.journal.device(hostname)
        assert record is not None and record.pre_change is not None
        records = [c for c in self.journal.open_changes(hostname) if c.change == ROLLOUT]
        try:
            driver = self.opener(self.targets[hostname])
        except Exception as problem:
            return self._fail(hostname, wave, "resume", f"not reachable after the interruption: {problem}")
        try:
            change = Change(
                hostname, ROLLOUT, render_intent(self.context.intents.build(hostname)), record.pre_change
            )
            ipv4 = ipv4_in_config(record.pre_change)
            pushed = record.stage == "postcheck"
            result = transaction.settle(
                driver,
                change,
                lambda device: self._postcheck(device, hostname, ipv4),
                self._recorder(hostname, wave),
                records[-1] if records else None,
                None if pushed else lambda: _as_result(self._change(driver, hostname, wave)),
            )
            for stale in records[:-1]:  # older ones cannot be pending any more: one change at a time
                self.journal.settle_change(stale.id, "superseded")
            return Outcome(hostname, wave, result.state, result.reason, result.diff)
        except Exception as problem:  # the device dropped the session while being settled
            return self._fail(hostname, wave, "resume", f"could not be settled: {problem}")
        finally:
            driver.close()


def _as_result(outcome: Outcome) -> Result:
    return Result(outcome.state, outcome.reason, outcome.diff)


def ipv4_in_config(text: str) -> set[str]:
    """``INTERFACE ADDRESS/LENGTH`` of every ``ip address A MASK`` in a saved configuration."""
    out: set[str] = set()
    interface = ""
    for line in text.splitlines():
        if line.startswith("interface "):
            interface = line.split(maxsplit=1)[1].strip()
        elif not line.startswith(" "):
            interface = ""
        elif interface and line.split()[:2] == ["ip", "address"] and len(line.split()) >= 4:
            words = line.split()
            try:
                network = ipaddress.IPv4Interface(f"{words[2]}/{words[3]}")
            except ValueError:
                continue
            out.add(f"{interface} {network.ip}/{network.network.prefixlen}")
    return out


def roll_one(context: Context, plan: WavePlan, journal: Journal, hostname: str, **kwargs: Any) -> Outcome:
    """One device through the same steps as a wave (what the Ansible module runs per host).

    ``kwargs``: ``targets``, ``opener``, ``check`` (as :class:`Engine`). The journal records a run per call.
    """
    engine = Engine(
        context, plan, journal, kwargs["targets"], kwargs["opener"], workers=1, check=kwargs["check"]
    )
    journal.sync(engine.wave_of.items())
    wave = engine.wave_of.get(hostname, 0)
    engine.run_id = journal.start_run(f"ansible {hostname}" + (" check" if engine.check else ""))
    outcome = engine.device(hostname, wave)
    journal.finish_run(engine.run_id, outcome.state)
    return outcome
