"""What the benchmarks share: medians of repeated timings, and writing their section of docs/benchmarks.md."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from pathlib import Path

DOCS = Path(__file__).resolve().parent.parent / "docs" / "benchmarks.md"


def median_seconds(action: Callable[[], object], repeat: int = 3) -> float:
    """The median wall time of ``repeat`` runs of ``action`` (machines are noisy)."""
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def update_docs(name: str, text: str) -> None:
    """Replace the text between ``<!-- bench:NAME:begin -->`` and its end mark in docs/benchmarks.md."""
    begin_mark, end_mark = f"<!-- bench:{name}:begin -->", f"<!-- bench:{name}:end -->"
    doc = DOCS.read_text(encoding="utf-8")
    begin, end = doc.index(begin_mark) + len(begin_mark), doc.index(end_mark)
    DOCS.write_text(doc[:begin] + "\n" + text.rstrip() + "\n" + doc[end:], encoding="utf-8")


def generated_inventory(scale: str, seed: int) -> Path:
    """A generated inventory under bench/out, made again only when the generator changed since.

    The generator is deterministic for a seed, so a copy newer than every file of
    ``network/synthetic`` is what it would write again.
    """
    import subprocess  # noqa: PLC0415
    import sys  # noqa: PLC0415

    target = Path(__file__).resolve().parent / "out" / f"{scale}-{seed}"
    stamp = target / "city.yaml"
    generator = Path(__file__).resolve().parent.parent / "network" / "synthetic"
    newest = max(path.stat().st_mtime for path in generator.glob("*.py"))
    if not stamp.exists() or stamp.stat().st_mtime < newest:
        egov = Path(sys.executable).with_name("egov")
        subprocess.run(
            [
                str(egov),
                "inventory",
                "generate",
                "--scale",
                scale,
                "--seed",
                str(seed),
                "--force",
                str(target),
            ],
            check=True,
            capture_output=True,
        )
    return target
