"""Benchmark: `egov validate` at city and province scale against a bare PyYAML (C loader) parse.

Both are measured in the same run, on the same generated files, each repetition in a fresh
process (so peak memory is per run), alternating baseline and candidate to spread machine noise.
Reports medians and the ratio validate / bare parse. Targets (issue 2): province-scale validate
<= 1.5x the bare parse, <= 10 s and <= 2 GB peak memory on a 2-core machine.

    python bench/validate_scale.py [--repeat-city 7] [--repeat-province 3] [--update-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import generated_inventory, update_docs

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"

BASELINE = """
import json, resource, sys, time, pathlib, yaml
start = time.perf_counter()
for path in sorted(pathlib.Path(sys.argv[1]).glob("*.yaml")):
    yaml.load(path.read_bytes(), Loader=yaml.CSafeLoader)
elapsed = time.perf_counter() - start
print(json.dumps({"seconds": elapsed, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""

CANDIDATE = """
import json, resource, sys, time, pathlib
from network.inventory import validate
start = time.perf_counter()
report = validate(pathlib.Path(sys.argv[1]))
elapsed = time.perf_counter() - start
assert report.errors == 0, f"{report.errors} errors"
print(json.dumps({"seconds": elapsed, "rss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


@dataclass
class Sample:
    seconds: float
    rss_mb: float


def _run(code: str, inventory: Path) -> Sample:
    done = subprocess.run(
        [sys.executable, "-c", code, str(inventory)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    data = json.loads(done.stdout)
    return Sample(data["seconds"], data["rss_kb"] / 1024)


def _run_cli(inventory: Path) -> Sample:
    egov = Path(sys.executable).with_name("egov")
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/env", "time", "-f", "%M", str(egov), "validate", str(inventory)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"egov validate failed: {done.stdout[-2000:]}{done.stderr[-2000:]}")
    return Sample(elapsed, int(done.stderr.strip().splitlines()[-1]) / 1024)


def _size_mb(path: Path) -> float:
    return sum(p.stat().st_size for p in path.glob("*.yaml")) / 2**20


def measure(scale: str, seed: int, repeat: int) -> dict[str, object]:
    """Median seconds and peak memory of the baseline, validate in-process, and the whole command."""
    inventory = generated_inventory(scale, seed)
    baseline, candidate, cli = [], [], []
    for i in range(repeat):
        print(f"  {scale}: run {i + 1}/{repeat}", file=sys.stderr, flush=True)
        baseline.append(_run(BASELINE, inventory))
        candidate.append(_run(CANDIDATE, inventory))
        cli.append(_run_cli(inventory))

    def median(samples: list[Sample]) -> float:
        return statistics.median(s.seconds for s in samples)

    return {
        "scale": scale,
        "size_mb": round(_size_mb(inventory), 1),
        "repeat": repeat,
        "baseline_s": median(baseline),
        "validate_s": median(candidate),
        "cli_s": median(cli),
        "ratio": median(candidate) / median(baseline),
        "baseline_rss_mb": max(s.rss_mb for s in baseline),
        "validate_rss_mb": max(s.rss_mb for s in candidate),
        "cli_rss_mb": max(s.rss_mb for s in cli),
        "validate_all_s": [round(s.seconds, 2) for s in candidate],
        "baseline_all_s": [round(s.seconds, 2) for s in baseline],
    }


def table(results: list[dict[str, object]]) -> str:
    """The results as a markdown table, with the machine it ran on."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    lines = [
        f"Machine: {os.cpu_count()} cores, {cpu}, Python {platform.python_version()}. Medians of each run's "
        "in-process time; peak memory is the largest maximum RSS of any run.",
        "",
        "| scale | YAML | runs | bare parse, PyYAML C (baseline) | `validate` in-process | ratio | "
        "`egov validate` whole command | peak memory validate / command / baseline |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        lines.append(
            f"| {r['scale']} | {r['size_mb']} MB | {r['repeat']} | {r['baseline_s']:.2f} s | "
            f"{r['validate_s']:.2f} s | **{r['ratio']:.2f}x** | {r['cli_s']:.2f} s | "
            f"{r['validate_rss_mb']:.0f} / {r['cli_rss_mb']:.0f} / {r['baseline_rss_mb']:.0f} MB |"
        )
    province = next((r for r in results if r["scale"] == "province"), None)
    if province is not None:
        ok = (
            float(province["ratio"]) <= 1.5
            and float(province["cli_s"]) <= 10  # type: ignore[arg-type]
            and float(province["cli_rss_mb"]) <= 2048
        )  # type: ignore[arg-type]
        lines += [
            "",
            f"Province-scale targets (<= 1.5x the bare parse, <= 10 s, <= 2 GB): "
            f"{'met' if ok else 'NOT met'}.",
        ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat-city", type=int, default=7)
    parser.add_argument("--repeat-province", type=int, default=3)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--update-docs", action="store_true", help="write the table into docs/benchmarks.md")
    args = parser.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    results = [
        measure("city", args.seed, args.repeat_city),
        measure("province", args.seed, args.repeat_province),
    ]
    (OUT / "validate_scale.json").write_text(json.dumps(results, indent=2), encoding="utf-8")
    text = table(results)
    print(text)
    if args.update_docs:
        update_docs("validate_scale", text)


if __name__ == "__main__":
    main()
