"""``/probe?target=DEVICE``: one device observed through its driver, within the scrape's deadline.

The multi-target pattern of snmp_exporter and blackbox_exporter: Prometheus names the device in
the ``target`` parameter and relabels ``instance`` to it; the exporter logs in (the lab twin, or in
production the management address — loopback only unless production is chosen), reads interfaces,
counters and addresses in one pass (:meth:`EgovDriver.observe`), and answers.

A probe never hangs a scrape: it runs on a bounded worker pool and is waited for until the deadline
— Prometheus's ``X-Prometheus-Scrape-Timeout-Seconds`` less half a second, at most ``max_seconds``.
Past it the answer is ``egov_device_up 0`` with ``egov_probe_timed_out 1``; the worker ends on its
own (its driver's timeout is the deadline too), and until then the device is *busy*: a second probe
of it answers ``egov_device_up 0`` at once instead of piling up sessions on a slow device.
"""

from __future__ import annotations

import ipaddress
import logging
import math
import threading
import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from dataclasses import dataclass
from typing import Any

from prometheus_client.core import Metric

from exporters.collectors import BYTES, ExporterStats, families
from exporters.source import InventorySource
from network.devices.base import Observation

log = logging.getLogger("egov.exporter")

PROBE_METRICS = (
    "egov_device_up", "egov_probe_duration_seconds", "egov_probe_timed_out", "egov_interface_up",
    "egov_interface_speed_bytes_per_second", "egov_link_capacity_bytes_per_second",
    "egov_interface_received_bytes", "egov_interface_transmitted_bytes", "egov_interface_receive_errors",
    "egov_interface_transmit_errors", "egov_interface_ipv6_address", "egov_device_ipv6_addresses",
)  # fmt: skip
MBIT = 10**6


def probe_deadline(scrape_timeout: str | None, max_seconds: float) -> float:
    """Seconds a probe may take: the scrape's timeout (Prometheus's ``X-Prometheus-Scrape-Timeout-Seconds``)
    less half a second, within [1, ``max_seconds``]."""
    try:
        offered = float(scrape_timeout) - 0.5 if scrape_timeout else max_seconds
    except ValueError:
        offered = max_seconds
    return max(1.0, min(max_seconds, offered))


class UnknownTarget(Exception):
    """A probe of a device that is neither in the inventory nor reachable (Prometheus gets HTTP 400)."""


@dataclass(frozen=True)
class ProbeAnswer:
    """The families of one probe and how it ended (success, failure, timeout, busy)."""

    families: list[Metric]
    result: str
    reason: str = ""


class Prober:
    """Probes devices through their drivers: ``targets`` by hostname, ``opener(target, timeout=…)``."""

    def __init__(
        self,
        source: InventorySource,
        targets: dict[str, Any],
        opener: Callable[..., Any],
        stats: ExporterStats,
        max_seconds: float = 10.0,
        workers: int = 16,
    ) -> None:
        self.source, self.targets, self.opener, self.stats = source, targets, opener, stats
        self.max_seconds = max_seconds
        self._pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="egov-probe")
        self._busy: set[str] = set()
        self._lock = threading.Lock()

    def deadline(self, scrape_timeout: str | None) -> float:
        """Seconds a probe may take (:func:`probe_deadline`)."""
        return probe_deadline(scrape_timeout, self.max_seconds)

    def probe(self, hostname: str, seconds: float) -> ProbeAnswer:
        """Probe one device; never longer than ``seconds`` (plus the answer's own rendering)."""
        target = self.targets.get(hostname)
        if target is None:
            known = self.source.current.inventory.device_by_hostname
            raise UnknownTarget(
                f"{hostname}: not a device of the inventory" if hostname not in known
                else f"{hostname}: not reachable here (not in the lab)"
            )  # fmt: skip
        started = time.monotonic()
        with self._lock:
            if hostname in self._busy:
                return self._down(hostname, started, "busy", "the previous probe of it is still running")
            self._busy.add(hostname)
        future: Future[Observation] = self._pool.submit(self._observe, target, seconds)
        future.add_done_callback(lambda _: self._release(hostname))
        try:
            observation = future.result(timeout=seconds)
        except FutureTimeout:
            return self._down(hostname, started, "timeout", f"no answer within {seconds:.1f} s")
        except Exception as problem:  # one device's failure is its own answer, never the exporter's
            return self._down(hostname, started, "failure", f"{type(problem).__name__}: {problem}")
        return self._up(hostname, observation, started)

    def _release(self, hostname: str) -> None:
        with self._lock:
            self._busy.discard(hostname)

    def _observe(self, target: Any, seconds: float) -> Observation:
        driver = self.opener(target, timeout=max(1, math.ceil(seconds)))
        try:
            observation: Observation = driver.observe()
            return observation
        finally:
            driver.close()

    def _down(self, hostname: str, started: float, result: str, reason: str) -> ProbeAnswer:
        self.stats.probed(result)
        out = families(["egov_device_up", "egov_probe_duration_seconds", "egov_probe_timed_out"])
        out["egov_device_up"].add_metric([], 0)
        out["egov_probe_duration_seconds"].add_metric([], time.monotonic() - started)
        out["egov_probe_timed_out"].add_metric([], 1 if result == "timeout" else 0)
        log.info("probe of %s: %s: %s", hostname, result, reason)
        return ProbeAnswer(list(out.values()), result, reason)

    def _up(self, hostname: str, seen: Observation, started: float) -> ProbeAnswer:
        self.stats.probed("success")
        links = _links_of(self.source, hostname)
        out = families(PROBE_METRICS)
        out["egov_device_up"].add_metric([], 1)
        out["egov_probe_timed_out"].add_metric([], 0)
        for name, state in sorted(seen.interfaces.items()):
            link = links.get(name, "")
            out["egov_interface_up"].add_metric([name, link], 1 if state.up else 0)
            if state.speed:
                speed = state.speed * MBIT / BYTES
                out["egov_interface_speed_bytes_per_second"].add_metric([name], speed)
                if link:
                    out["egov_link_capacity_bytes_per_second"].add_metric([link, name], speed)
            counters = state.counters
            for metric, value in (
                ("egov_interface_received_bytes", counters.rx_octets),
                ("egov_interface_transmitted_bytes", counters.tx_octets),
                ("egov_interface_receive_errors", counters.rx_errors),
                ("egov_interface_transmit_errors", counters.tx_errors),
            ):
                if value is not None:
                    out[metric].add_metric([name, link], value)
        per_state = {"preferred": 0, "tentative": 0, "duplicate": 0}
        for address in seen.addresses:
            if address.family != 6 or ipaddress.IPv6Address(address.address).is_link_local:
                continue
            per_state[address.state] = per_state.get(address.state, 0) + 1
            labels = [address.interface, address.address.lower(), str(address.prefix_length), address.state]
            out["egov_interface_ipv6_address"].add_metric(labels, {})
        for state_name, n in per_state.items():
            out["egov_device_ipv6_addresses"].add_metric([state_name], n)
        out["egov_probe_duration_seconds"].add_metric([], time.monotonic() - started)
        return ProbeAnswer(list(out.values()), "success")

    def close(self) -> None:
        """Stop taking probes (running ones end with their drivers' timeouts)."""
        self._pool.shutdown(wait=False, cancel_futures=True)


def _links_of(source: InventorySource, hostname: str) -> dict[str, str]:
    """Interface -> link id of one device (built once per inventory)."""
    loaded = source.current
    index: dict[str, dict[str, str]] | None = loaded.cache.get("links_by_device")
    if index is None:
        index = {}
        for link in loaded.inventory.links:
            for end in (link.a, link.b):
                index.setdefault(end.device, {})[end.interface] = link.id
        loaded.cache["links_by_device"] = index
    return index.get(hostname, {})
