"""Benchmark: the cloud program under Pulumi's mock engine — Shanwei's stack and a province-scale stack.

What is timed is what ``egov cloud plan --provision plan`` does: the blueprint (inventory validated,
address lock checked current, ledger read), the program's declarations through the mock engine
(``set_mocks`` with a ``MockMonitor``, in process), and the MLPS policies over the result. Each
measurement runs in a fresh process (the engine's state is process-wide), which also gives its peak
memory (``ru_maxrss``).

Baseline, measured in the same run: the Pulumi SDK's own cost of a resource — as many bare resources
(an ``openstack.identity.Project`` with a name and a tag each) registered through the same mock
engine. The ratio says what the program costs over Pulumi's floor per resource.

Target (issue 7): Shanwei <= 10 s on 2 cores. Province: reported.

    python bench/cloud_scale.py [--update-docs] [--repeat 3] [--no-province]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import generated_inventory, update_docs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))

PROVINCE_IPV4 = '["192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24"]'
PROVINCE_POLICY = """\
addressing:
  ipv6:
    aggregate: "2001:db8::/32"
    reserved: ["2001:db8:ff00::/40", "2001:db8:fe00::/40"]   # the generator's management and LAN blocks
    levels:
      city: {mode: sparse}
      county: {mode: sparse}
      town: {mode: sparse}
      village: {mode: sequential}
    cloud: {tenant_length: 52}            # ~950 department tenants in the province's cloud block
  ipv4:
    cloud:
      block: "198.51.100.0/24"            # web /25, app /26, db /26 in every department project
      zone_lengths: [25, 26, 26]
      shared_block: "203.0.113.0/26"
"""


def shanwei() -> Path:
    """A copy of Shanwei without a state directory: every system to move is built (provision: plan)."""
    target = OUT / "cloud" / "shanwei"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(ROOT / "inventories" / "shanwei", target)
    return target


def province() -> Path:
    """The generated province (~9,500 systems bound for the cloud), dual-stack: its extranet's IPv4
    aggregates (the generator writes IPv6 ones only), a cloud address plan, and the lock."""
    target = OUT / "cloud" / "province"
    if target.exists():
        shutil.rmtree(target)
    shutil.copytree(generated_inventory("province", 1), target)
    city = target / "city.yaml"
    text = city.read_text(encoding="utf-8")
    ipv6 = '    ipv6: ["2001:db8::/32"]\n'
    assert text.count(ipv6) == 1, "the generated city.yaml changed shape"
    city.write_text(text.replace(ipv6, f"    ipv4: {PROVINCE_IPV4}\n{ipv6}"), encoding="utf-8")
    (target / "addressing.yaml").write_text(PROVINCE_POLICY, encoding="utf-8")
    egov = Path(sys.executable).with_name("egov")
    subprocess.run([str(egov), "plan", str(target)], check=True, capture_output=True)
    return target


def child(kind: str, argument: str) -> dict[str, Any]:
    """One measurement in this (fresh) process."""
    if kind == "floor":
        return _floor(int(argument))
    from infra.blueprint import load_blueprint  # noqa: PLC0415
    from infra.offline import check, run_offline  # noqa: PLC0415
    from infra.settings import read_stack_file, settings_from  # noqa: PLC0415

    values = {**read_stack_file(ROOT / "Pulumi.shanwei.yaml"), "inventory": argument, "provision": "plan"}
    started = time.perf_counter()
    settings = settings_from(values)
    blueprint = load_blueprint(settings)
    loaded = time.perf_counter()
    plan = run_offline(blueprint, settings)
    declared = time.perf_counter()
    violations = check(plan)  # once more, on its own, to time the policies
    checked = time.perf_counter()
    return {
        "blueprint": loaded - started,
        "program": declared - loaded - (checked - declared),
        "policies": checked - declared,
        "total": declared - started,
        "resources": len(plan.resources),
        "systems": len(blueprint.systems),
        "tenants": len(blueprint.tenants),
        "violations": len(violations),
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def _floor(count: int) -> dict[str, Any]:
    import pulumi_openstack as openstack  # noqa: PLC0415

    from infra.offline import record  # noqa: PLC0415

    def program() -> None:
        for n in range(count):
            openstack.identity.Project(f"p{n}", name=f"p{n}", tags=["department=x"])

    started = time.perf_counter()
    declared = record(program)
    seconds = time.perf_counter() - started
    assert len(declared) == count
    return {
        "total": seconds,
        "resources": count,
        "rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    }


def measure(kind: str, argument: str, repeat: int) -> dict[str, Any]:
    """The median of ``repeat`` fresh-process runs (memory: the largest)."""
    runs = []
    for _ in range(repeat):
        done = subprocess.run(
            [sys.executable, __file__, "--child", kind, argument],
            check=True,
            capture_output=True,
            text=True,
            env={**os.environ, "PYTHONWARNINGS": "ignore"},
        )
        runs.append(json.loads(done.stdout.strip().splitlines()[-1]))
    out: dict[str, Any] = {k: statistics.median(r[k] for r in runs) for k in runs[0] if k != "rss_mb"}
    out["rss_mb"] = max(r["rss_mb"] for r in runs)
    out["runs"] = [round(r["total"], 2) for r in runs]
    return out


def table(results: dict[str, dict[str, Any]]) -> str:
    lines = [
        "| stack | tenants | systems | resources | blueprint | program (mock engine) | policies | total | "
        "SDK floor, same count | ratio | peak RSS | violations |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        if name.startswith("floor"):
            continue
        floor = results[f"floor-{name}"]
        lines.append(
            f"| {name} | {r['tenants']:,} | {r['systems']:,} | {r['resources']:,} | {r['blueprint']:.2f} s | "
            f"{r['program']:.2f} s | {r['policies']:.2f} s | **{r['total']:.2f} s** | "
            f"{floor['total']:.2f} s | "
            f"{r['program'] / floor['total']:.2f}x | {r['rss_mb']:,.0f} MB | {r['violations']:.0f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--update-docs", action="store_true")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-province", action="store_true")
    parser.add_argument("--child", nargs=2, metavar=("KIND", "ARGUMENT"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(child(*args.child)))
        return
    results: dict[str, dict[str, Any]] = {}
    results["shanwei"] = measure("stack", str(shanwei()), args.repeat)
    results["floor-shanwei"] = measure("floor", str(results["shanwei"]["resources"]), args.repeat)
    if not args.no_province:
        results["province"] = measure("stack", str(province()), 1)
        results["floor-province"] = measure("floor", str(results["province"]["resources"]), 1)
    text = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores (Python "
        f"{sys.version.split()[0]}); medians of {args.repeat} fresh-process runs for Shanwei, one for the "
        "province.\n\n" + table(results) + "\n\n"
        f"Shanwei runs: {results['shanwei']['runs']} s. Target: Shanwei <= 10 s — "
        f"{'met' if results['shanwei']['total'] <= 10 else 'NOT met'}."
    )
    print(text)
    (OUT / "cloud" / "results.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    if args.update_docs:
        update_docs("cloud_scale", text)


if __name__ == "__main__":
    main()
