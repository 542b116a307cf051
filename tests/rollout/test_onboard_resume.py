"""An onboarding or a cutover interrupted in its postcheck leaves a trial waiting on the gateway: the next
change at that gateway, or `egov rollout resume`, settles it — confirmed after a fresh postcheck, or
recorded as gone back — and the device holds what the journal says once the trial time has passed.
On platforms without trial commits (VRP5, IOS) the journal holds the change and the configuration
before it all the same, and the next run completes it, or finds it never reached the device.

The interruption is a KeyboardInterrupt raised inside the postcheck (what Ctrl-C or a dying process
does to the module): it escapes every handler, so the trial stays pending on the device. The gateways
are VRP8 in the sample; the Comware 7 case runs the same inventory with those gateways on Comware.
"""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from network.devices.base import ChangeDriver
from network.devices.collect import Target
from network.programme.sources import read_snapshot
from network.rollout import onboard as onboarding
from network.rollout.context import Context, load_context
from network.rollout.journal import Journal
from network.rollout.transaction import holds
from tests.helpers import SHANWEI
from tests.rollout.test_engine_lab import Twin

GATEWAYS = ("SW-HQ-CORE-01", "SW-CORE-01")
TRIAL_SCALE = 0.05  # trial_seconds 60 (VRP8 `commit trial 60`, Comware `delay 1`) run out in 3 s


MODELS = {"h3c_comware7": "MSR3660", "huawei_vrp5": "AR6280", "cisco_ios": "ISR4331"}


def _setting(tmp_path: Path, platform: str) -> Iterator[tuple[Context, Twin, Journal]]:
    """The sample with its two gateways on ``platform``, their twin in this process, a fresh journal."""
    inventory = tmp_path / "shanwei"
    shutil.copytree(SHANWEI, inventory)
    (inventory / "rollout.yaml").write_text("rollout:\n  trial_seconds: 60\n", encoding="utf-8")
    if platform != "huawei_vrp8":
        devices = inventory / "devices.yaml"
        text = devices.read_text(encoding="utf-8")
        for hostname in GATEWAYS:
            head = f"  - hostname: {hostname}\n"
            start = text.index(head)
            block = text[start : text.index("  - hostname:", start + len(head))]
            text = text.replace(
                block,
                block.replace("platform: huawei_vrp8", f"platform: {platform}").replace(
                    block.split("model: ")[1].split("\n")[0], MODELS[platform]
                ),
            )
        devices.write_text(text, encoding="utf-8")
    context = load_context(inventory)
    assert {context.inventory.device_by_hostname[h].platform for h in GATEWAYS} == {platform}
    gateways = Twin(context, set(GATEWAYS))  # the rollout tests' twin, in this process
    gateways.fabric.conditions.trial_scale = TRIAL_SCALE
    journal = Journal(tmp_path / "shanwei.state" / "rollout.sqlite")
    yield context, gateways, journal
    journal.close()
    gateways.close()


@pytest.fixture(params=["huawei_vrp8", "h3c_comware7"])
def setting(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Context, Twin, Journal]]:
    yield from _setting(tmp_path, request.param)


@pytest.fixture(params=["huawei_vrp5", "cisco_ios"])
def plain(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[tuple[Context, Twin, Journal]]:
    yield from _setting(tmp_path, request.param)


def _interrupt(*_: object) -> None:
    raise KeyboardInterrupt  # as Ctrl-C or a dying process: escapes every handler


@pytest.mark.parametrize("late", [False, True], ids=["rerun-in-time", "rerun-after-the-trial-ran-out"])
def test_an_interrupted_onboarding_is_settled_by_the_next_run(
    setting: tuple[Context, Twin, Journal], monkeypatch: pytest.MonkeyPatch, late: bool
) -> None:
    context, gateways, journal = setting
    plan = onboarding.plan_onboarding(context, "sw-hq-gaj")
    platform = context.inventory.device_by_hostname[plan.hostname].platform
    before = gateways.running(plan.hostname)
    with monkeypatch.context() as patch:
        patch.setattr(onboarding, "_postcheck", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            onboarding.onboard(context, journal, "sw-hq-gaj", gateways.targets, gateways.open)
    interrupted = time.monotonic()
    (trial,) = journal.open_changes(plan.hostname)
    assert trial.change == "onboard sw-hq-gaj" and trial.pre_change == before
    assert holds(platform, gateways.running(plan.hostname), plan.config), "the trial holds the change"
    if late:
        time.sleep(max(0.0, interrupted + 60 * TRIAL_SCALE + 1 - time.monotonic()))
        assert gateways.running(plan.hostname) == before, "unconfirmed, the gateway went back by itself"
    again = onboarding.onboard(context, journal, "sw-hq-gaj", gateways.targets, gateways.open)
    assert again.state == "done", again.reason
    outcomes = [t.outcome for t in journal.changes(plan.hostname)]
    # In time: the waiting trial confirmed, nothing left to push. Late: it had gone back, so the run
    # recorded that and made the change afresh, with a trial of its own, confirmed.
    assert outcomes == (["reverted", "confirmed"] if late else ["confirmed"])
    assert not journal.open_changes()
    time.sleep(60 * TRIAL_SCALE + 1)  # past every trial timer: nothing confirmed may revert now
    assert holds(platform, gateways.running(plan.hostname), plan.config), "done means on the device"
    assert "sw-hq-gaj" in read_snapshot(journal.path.parent).onboarded


def test_an_interrupted_cutover_is_settled_by_resume(
    setting: tuple[Context, Twin, Journal], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Interrupted in its first PE's postcheck (the city core, where the network's routes go): resume
    # confirms that PE's change after a fresh postcheck; the county PE is not in this twin, so the
    # cutover's second change never started.
    context, gateways, journal = setting
    plan = onboarding.plan_cutover(context, "sw-czj", "sw-czj-pn1")[0]
    assert plan.hostname == "SW-CORE-01"
    platform = context.inventory.device_by_hostname[plan.hostname].platform
    with monkeypatch.context() as patch:
        patch.setattr(onboarding, "_vpn_postcheck", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            onboarding.cutover(context, journal, "sw-czj", "sw-czj-pn1", gateways.targets, gateways.open)
    interrupted = time.monotonic()
    (trial,) = journal.open_changes()
    assert trial.change == "cutover sw-czj sw-czj-pn1" and trial.hostname == "SW-CORE-01"
    settled = onboarding.settle_interrupted(context, journal, gateways.targets, gateways.open)
    assert [(s.label, s.state) for s in settled] == [("cutover sw-czj sw-czj-pn1", "done")], settled
    assert [t.outcome for t in journal.changes(plan.hostname)][-1] == "confirmed"
    time.sleep(max(0.0, interrupted + 60 * TRIAL_SCALE + 1 - time.monotonic()))
    assert holds(platform, gateways.running(plan.hostname), plan.config), "the instance stayed"
    # One PE of two is not the network merged: the programme counts it when a cutover run completes.
    assert ("sw-czj", "sw-czj-pn1") not in read_snapshot(journal.path.parent).merged


def test_an_onboarding_interrupted_after_a_plain_commit_is_completed_by_the_next_run(
    plain: tuple[Context, Twin, Journal], monkeypatch: pytest.MonkeyPatch
) -> None:
    context, gateways, journal = plain
    plan = onboarding.plan_onboarding(context, "sw-hq-gaj")
    platform = context.inventory.device_by_hostname[plan.hostname].platform
    before = gateways.running(plan.hostname)
    with monkeypatch.context() as patch:
        patch.setattr(onboarding, "_postcheck", _interrupt)
        with pytest.raises(KeyboardInterrupt):
            onboarding.onboard(context, journal, "sw-hq-gaj", gateways.targets, gateways.open)
    (record,) = journal.open_changes(plan.hostname)
    assert (record.change, record.trial, record.pre_change) == ("onboard sw-hq-gaj", False, before)
    assert holds(platform, gateways.running(plan.hostname), plan.config), "committed, not yet checked"
    settled = onboarding.settle_interrupted(context, journal, gateways.targets, gateways.open)
    assert [(s.label, s.state) for s in settled] == [("onboard sw-hq-gaj", "done")], settled
    assert [c.outcome for c in journal.changes(plan.hostname)] == ["committed"]
    steps = [(step, result) for _, _, _, step, result, *_ in journal.steps(plan.hostname)]
    assert ("onboard sw-hq-gaj: resume", "complete") in steps
    assert "sw-hq-gaj" in read_snapshot(journal.path.parent).onboarded


def test_an_onboarding_interrupted_half_way_through_its_push_is_put_back(
    plain: tuple[Context, Twin, Journal],
) -> None:
    # The process dies after the device took the first lines of the change and before the rest: the
    # configuration the journal recorded before the push is what resume puts back, proven by hash.
    context, gateways, journal = plain
    plan = onboarding.plan_onboarding(context, "sw-hq-gaj")
    before = gateways.running(plan.hostname)

    def dying(target: Target) -> ChangeDriver:
        driver = gateways.open(target)
        apply = driver._apply  # type: ignore[attr-defined]

        def half_then_die(lines: tuple[str, ...], trial_seconds: int | None) -> None:
            apply(lines[: len(lines) // 2], trial_seconds)
            raise KeyboardInterrupt

        driver._apply = half_then_die  # type: ignore[attr-defined]
        return driver

    with pytest.raises(KeyboardInterrupt):
        onboarding.onboard(context, journal, "sw-hq-gaj", gateways.targets, dying)
    assert gateways.running(plan.hostname) != before, "half the change is on the device"
    (record,) = journal.open_changes(plan.hostname)
    assert record.pre_change == before
    settled = onboarding.settle_interrupted(context, journal, gateways.targets, gateways.open)
    assert [(s.label, s.state) for s in settled] == [("onboard sw-hq-gaj", "rolled_back")], settled
    assert gateways.running(plan.hostname) == before
    assert [c.outcome for c in journal.changes(plan.hostname)] == ["rolled_back"]
    again = onboarding.onboard(context, journal, "sw-hq-gaj", gateways.targets, gateways.open)
    assert again.state == "done", again.reason
