"""Benchmark: what the trial safety (issue 20) costs a rollout, against the code before it, same run.

A county of the Shanwei twin (华侨管理区, sw-hq: 37 devices, 2 of them VRP8 and 3 Comware 7 with
trial commits) rolled out by `egov rollout run`, each time on a fresh lab and journal, by:

- **before**: the engine as it was before issue 20 (a git worktree of ``--before``, default the commit
  before the trial work), run with that tree first on PYTHONPATH — its lab twin too;
- **after**: this tree, which also asks each trial platform's device whether a trial waits
  (``display configuration trial status``), journals every trial before sending it, and reads the
  configuration back after confirming.

Reported: the median of ``--repeat`` runs each and their ratio (after / before); every device must end
``done``. Target: the safety costs at most 15 % of the rollout's time.

    python bench/rollout_safety.py [--repeat 3] [--before COMMIT] [--update-docs]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import update_docs

ROOT = Path(__file__).resolve().parent.parent
SHANWEI = ROOT / "inventories" / "shanwei"
EGOV = Path(sys.executable).with_name("egov")
PASSWORD = "bench-safety-password"  # a throwaway password for a lab on loopback
BEFORE = "b1319b9"  # the last commit before issue 20's trial work
ROLLOUT = """rollout:
  workers: 16
  waves:
    - {name: core, counties: [sw-hq], levels: [county]}
    - {name: towns, counties: [sw-hq], levels: [town]}
    - {name: villages, counties: [sw-hq], levels: [village]}
"""


def _egov(args: list[str], cwd: Path, tree: Path | None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "EGOV_LAB_PASSWORD": PASSWORD, "NO_COLOR": "1"}
    if tree is not None:  # the older tree's modules before this one's (installed editable)
        env["PYTHONPATH"] = str(tree)
    return subprocess.run(
        [str(EGOV), *args], cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=900
    )


def one_rollout(tree: Path | None) -> float:
    """Seconds for `egov rollout run` of the county on a fresh lab; every device must end done."""
    with tempfile.TemporaryDirectory(prefix="egov-safety-") as scratch:
        work = Path(scratch)
        inventory = work / "shanwei"
        shutil.copytree(SHANWEI, inventory)
        (inventory / "rollout.yaml").write_text(ROLLOUT, encoding="utf-8")
        (work / "conditions.json").write_text(json.dumps({"dad_seconds": 0.3}), encoding="utf-8")
        up = _egov(
            [
                "lab",
                "up",
                str(inventory),
                "--detach",
                "--devices",
                "SW-HQ-*",
                "--conditions",
                "conditions.json",
            ],
            work,
            tree,
        )
        if up.returncode != 0:
            raise SystemExit(f"the lab did not start: {up.stderr}")
        try:
            started = time.perf_counter()
            run = _egov(["rollout", "run", str(inventory), "--lab", "lab.json"], work, tree)
            seconds = time.perf_counter() - started
            status = json.loads(
                _egov(["rollout", "status", str(inventory), "--format", "json"], work, tree).stdout
            )
        finally:
            _egov(["lab", "down"], work, tree)
        states = {d["state"] for d in status if d["hostname"].startswith("SW-HQ-")}
        if run.returncode != 0 or states != {"done"}:
            raise SystemExit(f"not every device ended done ({states}): {run.stdout[-800:]}")
        return seconds


def main() -> None:
    """Alternate before and after, ``--repeat`` times each; report medians and the ratio."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else "")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--before", default=BEFORE)
    parser.add_argument("--update-docs", action="store_true")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="egov-before-") as scratch:
        old = Path(scratch) / "tree"
        subprocess.run(["git", "-C", str(ROOT), "worktree", "add", "--detach", str(old), options.before],
                       check=True, capture_output=True)  # fmt: skip
        try:
            times: dict[str, list[float]] = {"before": [], "after": []}
            for _ in range(options.repeat):  # alternated, so that drift in the machine hits both
                times["before"].append(one_rollout(old))
                times["after"].append(one_rollout(None))
        finally:
            subprocess.run(["git", "-C", str(ROOT), "worktree", "remove", "--force", str(old)], check=False)
    before, after = statistics.median(times["before"]), statistics.median(times["after"])
    lines = [
        f"Rollout of 华侨管理区 on the twin (37 devices: 2 VRP8, 3 Comware 7 with trials; 16 workers), "
        f"median of {options.repeat} runs each, alternated, same machine and run (2 cores):",
        "",
        "| code | runs (s) | median (s) |",
        "| --- | --- | --- |",
        f"| before issue 20 ({options.before}) | "
        f"{', '.join(f'{t:.1f}' for t in times['before'])} | {before:.1f} |",
        f"| after (trials asked of the device, journaled, read back) | "
        f"{', '.join(f'{t:.1f}' for t in times['after'])} | {after:.1f} |",
        "",
        f"Ratio after / before: **{after / before:.2f}x** (target <= 1.15x). Every device ended `done`.",
    ]
    text = "\n".join(lines)
    print(text)
    if options.update_docs:
        update_docs("rollout_safety", text)


if __name__ == "__main__":
    main()
