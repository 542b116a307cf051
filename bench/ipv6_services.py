"""The IPv6 readiness of the city's websites: the egov exporter's ``ipv6_web`` against blackbox_exporter.

Both run on the same services lab (real knot, unbound and nginx for the Shanwei inventory, on
loopback), in the same run, asked by the same client:

- **egov** ``/probe?module=ipv6_web&target=HOST``: every indicator of docs/services.md: A and AAAA, the
  zone's delegation over IPv6, the home page over each family (IPv6 three times), content parity, the
  crawl to depth 3 (up to 24 pages), latency ratios.
- **blackbox_exporter** (the baseline; Debian's, on the ``blackbox.yml`` `egov monitoring config
  --blackbox` writes): what it can say about the same site over IPv6 is two probes, the AAAA at the
  resolver (``dns_aaaa_<site>``) and the home page over IPv6 only (``http_ip6_<site>``), asked one
  after the other for each site.

Per site: the median over the rounds of each side's time for that site; the table gives the medians of
those over the dual-stack sites and their ratio, twice: blackbox's own two probes (what it can say), and
blackbox asked as many questions as the egov probe sent for that site (``egov_web_probe_requests``:
that many ``http_ip6`` probes of the site's home page and that many ``dns_aaaa`` probes, one after the
other: blackbox has no crawl, so this is what scraping it for the same answers would cost). Then the
whole city as Prometheus would scrape it, every target at once (16 concurrent requests): all 45 websites
through ``ipv6_web`` against blackbox's 45 DNS and 16 HTTP probes. Goal (issue 16): per site within 1.5x
of blackbox, and every site scored within one 60 s scrape.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from common import update_docs

ROOT = Path(__file__).resolve().parent.parent
INVENTORY = ROOT / "inventories" / "shanwei"
EGOV = str(Path(sys.executable).with_name("egov"))
CONCURRENCY = 16


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _get(url: str) -> str:
    request = urllib.request.Request(url, headers={"X-Prometheus-Scrape-Timeout-Seconds": "60"})
    with urllib.request.urlopen(request, timeout=90) as answer:
        body: bytes = answer.read()
    return body.decode("utf-8")


def _wait(url: str, process: subprocess.Popen[str], what: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{what} ended: {process.stderr.read() if process.stderr else ''}")
        try:
            _get(url)
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit(f"{what} did not answer within {timeout:.0f} s")


def _timed(url: str, wanted: str) -> float:
    started = time.perf_counter()
    body = _get(url)
    elapsed = time.perf_counter() - started
    if wanted not in body:
        raise SystemExit(f"{url}: no {wanted} in the answer")
    return elapsed


def _sample(body: str, prefix: str) -> float:
    """The value of the first exposition line starting with ``prefix`` (a name, with labels if given)."""
    for line in body.splitlines():
        if line.startswith(prefix):
            return float(line.rsplit(" ", 1)[1])
    raise SystemExit(f"no {prefix} in the answer")


def _requests(body: str) -> tuple[int, int]:
    """(HTTPS requests, DNS queries) an ipv6_web answer says it sent."""
    found = {}
    for line in body.splitlines():
        if line.startswith("egov_web_probe_requests{"):
            found[line.split('protocol="')[1].split('"')[0]] = int(float(line.rsplit(" ", 1)[1]))
    return found["https"], found["dns"]


def _probe_url(base: str, module: str, target: str) -> str:
    return f"{base}/probe?" + urllib.parse.urlencode({"module": module, "target": target})


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--update-docs", action="store_true")
    args = parser.parse_args()
    here = ROOT / "bench" / "out" / "ipv6_services"
    here.mkdir(parents=True, exist_ok=True)
    env = {**os.environ}
    env.setdefault(
        "EGOV_DNS_TSIG", f"hmac-sha256:egov-update:{base64.b64encode(secrets.token_bytes(32)).decode()}"
    )
    processes: list[subprocess.Popen[str]] = []
    started_lab = False
    try:
        up = subprocess.run(
            [EGOV, "lab", "up", str(INVENTORY), "--services", "--no-devices", "--detach"],
            cwd=here, env=env, capture_output=True, text=True, check=False,
        )  # fmt: skip
        if up.returncode != 0:
            raise SystemExit(f"the services lab did not start:\n{up.stdout}{up.stderr}")
        started_lab = True
        lab = here / "services-lab.json"
        blackbox_listen = f"127.0.0.1:{_free_port()}"
        config = here / "prometheus"
        subprocess.run(
            [EGOV, "monitoring", "config", str(INVENTORY), "--out", str(config),
             "--blackbox", blackbox_listen, "--services-lab", str(lab)],
            env=env, check=True, capture_output=True,
        )  # fmt: skip
        blackbox = subprocess.Popen(
            [EGOV, "monitoring", "blackbox-exporter", str(config), "--listen", blackbox_listen],
            env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(blackbox)
        exporter = subprocess.Popen(
            [EGOV, "exporter", "serve", str(INVENTORY), "--services-lab", str(lab), "--port", "0",
             "--probe-timeout", "60", "--state", str(here / "state")],
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        )  # fmt: skip
        processes.append(exporter)
        assert exporter.stdout is not None
        ours = exporter.stdout.readline().split(" on ")[1].split("/metrics")[0]
        theirs = f"http://{blackbox_listen}"
        _wait(f"{theirs}/-/healthy", blackbox, "blackbox_exporter")
        _wait(f"{ours}/-/healthy", exporter, "the egov exporter")

        results = _measure(ours, theirs, config, args.rounds)
    finally:
        for process in processes:  # only what this benchmark started, by its pid
            if process.poll() is None:
                os.kill(process.pid, signal.SIGTERM)
                process.wait(timeout=30)
        if started_lab:
            subprocess.run([EGOV, "lab", "down"], cwd=here, env=env, capture_output=True, check=False)

    text = _report(results, args.rounds)
    print(text)
    if args.update_docs:
        update_docs("ipv6_services", text)


def _measure(ours: str, theirs: str, config: Path, rounds: int) -> dict[str, Any]:
    """Every timing of the benchmark, the egov exporter at ``ours``, blackbox_exporter at ``theirs``."""
    http = {
        g["labels"]["host"]: g for g in json.loads((config / "targets" / "blackbox_http.json").read_text())
    }
    dns = {g["labels"]["host"]: g for g in json.loads((config / "targets" / "blackbox_dns.json").read_text())}
    hosts = sorted(http)

    def egov_site(host: str) -> float:
        return _timed(_probe_url(ours, "ipv6_web", host), "egov_web_ipv6_score")

    def blackbox_site(host: str, https: int = 1, queries: int = 1) -> float:
        total = 0.0
        for group, times in ((dns[host], queries), (http[host], https)):
            url = _probe_url(theirs, group["labels"]["__param_module"], group["targets"][0])
            total += sum(_timed(url, "probe_success 1") for _ in range(times))
        return total

    cost = {h: _requests(_get(_probe_url(ours, "ipv6_web", h))) for h in hosts}

    for host in hosts:  # warm both (TLS session setup, resolver caches) before measuring
        egov_site(host)
        blackbox_site(host)
    kinds = ("egov", "blackbox", "same", "home_egov", "home_blackbox")
    per_site: dict[str, dict[str, list[float]]] = {h: {k: [] for k in kinds} for h in hosts}
    for _ in range(rounds):
        for host in hosts:
            per_site[host]["blackbox"].append(blackbox_site(host))
            per_site[host]["same"].append(blackbox_site(host, *cost[host]))
            per_site[host]["egov"].append(egov_site(host))
            # the home-page check itself, as each exporter times it: ours over IPv6 (the median of its
            # tries), blackbox's http_ip6 probe
            ours_body = _get(_probe_url(ours, "ipv6_web", host))
            home = _sample(ours_body, 'egov_web_phase_seconds{family="ipv6",phase="total"}')
            per_site[host]["home_egov"].append(home)
            group = http[host]
            theirs_body = _get(_probe_url(theirs, group["labels"]["__param_module"], group["targets"][0]))
            per_site[host]["home_blackbox"].append(_sample(theirs_body, "probe_duration_seconds "))
    each = {
        k: statistics.median(statistics.median(t[k]) for t in per_site.values()) for k in per_site[hosts[0]]
    }
    ratios = [statistics.median(t["egov"]) / statistics.median(t["same"]) for t in per_site.values()]
    https = statistics.median(c[0] for c in cost.values())
    queries = statistics.median(c[1] for c in cost.values())

    websites = [g["targets"][0] for g in json.loads((config / "targets" / "services.json").read_text())
                if g["labels"]["__param_module"] == "ipv6_web"]  # fmt: skip

    def sweep(calls: list[tuple[str, str]]) -> float:
        started = time.perf_counter()
        with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
            list(pool.map(lambda call: _get(call[0]), calls))
        return time.perf_counter() - started

    egov_calls = [(_probe_url(ours, "ipv6_web", w), "") for w in websites]
    blackbox_calls = [
        (_probe_url(theirs, g["labels"]["__param_module"], g["targets"][0]), "")
        for g in [*dns.values(), *http.values()]
    ]
    egov_city = statistics.median(sweep(egov_calls) for _ in range(3))
    blackbox_city = statistics.median(sweep(blackbox_calls) for _ in range(3))
    return {
        "each": each, "ratios": ratios, "https": https, "queries": queries, "websites": websites,
        "hosts": hosts, "dns": dns, "http": http, "egov_city": egov_city, "blackbox_city": blackbox_city,
    }  # fmt: skip


def _report(r: dict[str, Any], rounds: int) -> str:
    """docs/benchmarks.md's section."""
    each, ratios, https, queries = r["each"], r["ratios"], r["https"], r["queries"]
    websites, hosts, dns, http = r["websites"], r["hosts"], r["dns"], r["http"]
    egov_city, blackbox_city = r["egov_city"], r["blackbox_city"]
    egov_each, blackbox_each, same_each = each["egov"], each["blackbox"], each["same"]
    ratio = egov_each / same_each
    home_egov, home_blackbox = each["home_egov"], each["home_blackbox"]
    home_ratio = home_egov / home_blackbox
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores. The Shanwei services lab (knot, "
        f"unbound, nginx on loopback): {len(websites)} websites, {len(hosts)} of them dual-stack. Per site: "
        f"median of {rounds} rounds, after one warm-up; the city: median of 3 sweeps, "
        f"{CONCURRENCY} requests at once.",
        "",
        "| | egov `ipv6_web` | blackbox_exporter (baseline) | ratio |",
        "| --- | --- | --- | --- |",
        f"| one dual-stack site, the same questions (median {https:.0f} HTTPS requests and {queries:.0f} DNS "
        f"queries a site) | {egov_each * 1000:.0f} ms | {same_each * 1000:.0f} ms "
        f"| **{ratio:.2f}x** (per site {min(ratios):.2f}-{max(ratios):.2f}x) |",
        f"| one dual-stack site, what blackbox can say (`dns_aaaa` + `http_ip6`) | {egov_each * 1000:.0f} ms "
        f"| {blackbox_each * 1000:.0f} ms | {egov_each / blackbox_each:.2f}x |",
        f'| the home-page check over IPv6, as each times it (`egov_web_phase_seconds{{family="ipv6",'
        f'phase="total"}}` against `probe_duration_seconds` of `http_ip6`) | {home_egov * 1000:.1f} ms '
        f"| {home_blackbox * 1000:.1f} ms | **{home_ratio:.2f}x** |",
        f"| the whole city ({len(websites)} websites; blackbox: {len(dns)} DNS + {len(http)} HTTP probes) "
        f"| {egov_city:.2f} s | {blackbox_city:.2f} s | {egov_city / blackbox_city:.2f}x |",
        "",
        "What each answer holds: egov, 8 indicators and the score (A and AAAA, the delegation chain over "
        "IPv6, the home page over IPv4 and three times over IPv6, content parity, up to 24 linked pages at "
        "levels 2-3, latency ratios); blackbox, whether an AAAA exists and whether the home page answers "
        "over IPv6.",
        "",
        f"The home-page check within 1.5x of blackbox's per target: "
        f"{'met' if home_ratio <= 1.5 else 'not met'} "
        f"({home_ratio:.2f}x); the whole probe within 1.5x of blackbox asked the same: "
        f"{'met' if ratio <= 1.5 else 'not met'} ({ratio:.2f}x); every "
        f"site scored within one 60 s scrape: {'met' if egov_city <= 60 else 'not met'} ({egov_city:.2f} s).",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    main()
