"""Collect from many devices at once: a bounded pool of driver sessions, one result (or error) per device.

Each device's session is independent: a device that refuses, drops or times out gives an error entry
naming it, never a stopped run. Targets come from the lab's ``lab.json`` (or, in production, the
inventory's management addresses through the same safety check).
"""

from __future__ import annotations

import fnmatch
import json
import time
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from network.devices.base import EgovDriver, Facts
from network.devices.interfaces import InterfaceState
from network.devices.transport import TargetRefused, check_target


@dataclass(frozen=True)
class Target:
    """Where a device answers and how to log in (the secret is passed separately)."""

    hostname: str
    host: str
    port: int
    platform: str
    username: str
    snmp_port: int | None = None  # the lab twin's SNMP agent on ``host`` (lab.json), when it runs one


@dataclass
class Collected:
    """What one device gave: facts and interfaces, or the error that stopped it; ``seconds`` it took."""

    hostname: str
    platform: str
    facts: Facts | None = None
    interfaces: dict[str, InterfaceState] = field(default_factory=dict)
    error: str = ""
    seconds: float = 0.0


class LabFileError(ValueError):
    """lab.json cannot be used (names the file and what is wrong)."""


def targets_from_lab(lab_json: Path, pattern: str | None = None) -> list[Target]:
    """The devices a running lab serves, optionally those whose hostname matches a glob."""
    try:
        document = json.loads(lab_json.read_text(encoding="utf-8"))
        entries = document["devices"]
        targets = [
            Target(
                e["hostname"], e["host"], int(e["port"]), e["platform"], e["username"],
                int(e["snmp_port"]) if e.get("snmp_port") is not None else None,
            )
            for e in entries
        ]  # fmt: skip
    except OSError as problem:
        raise LabFileError(f"{lab_json}: cannot be read ({problem.strerror})") from None
    except (ValueError, KeyError, TypeError) as problem:
        raise LabFileError(f"{lab_json}: not a lab.json written by `egov lab up` ({problem})") from None
    for target in targets:  # a lab runs on loopback: anything else in lab.json is refused before any use
        try:
            check_target(target.host, resolver=lambda _name: ())  # addresses only: no name is resolved
        except TargetRefused:
            raise LabFileError(
                f"{lab_json}: device {target.hostname}: host {target.host} is not a loopback address "
                "(the lab twin listens on 127.0.0.0/8 and ::1; real devices are reached with --production)"
            ) from None
    return [t for t in targets if pattern is None or fnmatch.fnmatchcase(t.hostname, pattern)]


def _one(target: Target, password: str, with_facts: bool, timeout: int, production: bool) -> Collected:
    from network.devices.drivers import driver_for  # noqa: PLC0415 - SSH code loads only when collecting

    started = time.monotonic()
    result = Collected(target.hostname, target.platform)
    driver: EgovDriver = driver_for(target.platform)(
        target.host,
        target.username,
        password,
        timeout=timeout,
        optional_args={"port": target.port, "production": production, "name": target.hostname},
    )
    try:
        driver.open()
        result.interfaces = driver.interfaces()
        if with_facts:
            result.facts = driver.facts()
    except Exception as problem:  # one device's failure is its own result, never the run's
        result.error = f"{type(problem).__name__}: {problem}"
    finally:
        driver.close()
        result.seconds = time.monotonic() - started
    return result


def collect(
    targets: Iterable[Target],
    password: str,
    workers: int = 32,
    with_facts: bool = False,
    timeout: int = 30,
    production: bool = False,
    progress: Callable[[Collected], Any] | None = None,
) -> list[Collected]:
    """Interfaces (and facts) of every target, ``workers`` sessions at a time, in the targets' order."""
    chosen = list(targets)
    with ThreadPoolExecutor(max_workers=max(1, workers), thread_name_prefix="egov-collect") as pool:
        futures = [pool.submit(_one, t, password, with_facts, timeout, production) for t in chosen]
        results = []
        for future in futures:
            result = future.result()
            if progress is not None:
                progress(result)
            results.append(result)
    return results
