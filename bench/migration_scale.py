"""Benchmark: moving and proving about 1 GB (files and a PostgreSQL database) on the systems lab.

One sample system with a file share and a database of about 500 MB each, on the lab's two real
PostgreSQL servers. Measured, in the same run:

- transfer: the share with rsync (``--checksum``, as the runbook runs it) against ``cp -a`` of the same
  tree; the database with pg_dump | pg_restore (the runbook's copy);
- verify, files: our manifest with SHA-256 only against ``sha256sum`` over the same files (one
  ``find | xargs sha256sum``, the way an operator checks by hand, and the same on every core); then
  SM3 only, and both at once (what the runbook records);
- verify, database: the ordered-row digests of every table (rows per second and MB of rows per second).

Every timing is the median of three, the page cache warm for both sides of each comparison.
Target (issue 8): manifest SHA-256 throughput >= 0.8x sha256sum's.

And the ledger (issue 18): ``egov migrate verify-ledger``'s check of 100,000 events written by the
ledger itself (SM3 chain, one SM2 checkpoint), against reading the same events (what ``egov migrate
log`` does), same run. Target: at most 5 s.

    python bench/migration_scale.py [--megabytes 500] [--events 100000] [--ledger-only] [--update-docs]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import median_seconds, update_docs

from network.inventory.loader import load_inventory
from network.lab.systems.lab import SystemsLab, choose_systems
from network.migration import files, postgres, sm3
from network.migration.integrity import build_manifest

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out" / "migration"
PASSWORD = "bench-migration-password"  # a throwaway password for a lab on loopback


def sha256sum(root: Path, jobs: int = 1) -> None:
    """The operator's baseline: sha256sum over every file of the tree (``jobs`` processes at once)."""
    command = f"find {root} -type f -print0 | xargs -0 -P {jobs} -n 64 sha256sum > /dev/null"
    subprocess.run(command, shell=True, check=True)


def ledger_chain(events: int, update: bool) -> None:
    """Verify a ledger of ``events`` events (written by Ledger, chained, one checkpoint) against a read."""
    from network.migration import sm2  # noqa: PLC0415
    from network.migration.ledger import Ledger  # noqa: PLC0415

    OUT.mkdir(parents=True, exist_ok=True)
    key = OUT / "bench-sm2.pem"
    subprocess.run(
        ["openssl", "genpkey", "-algorithm", "SM2", "-out", str(key)], check=True, capture_output=True
    )
    inventory = load_inventory(ROOT / "inventories" / "shanwei").inventory
    path = OUT / "ledger.sqlite"
    path.unlink(missing_ok=True)
    started = time.perf_counter()
    with Ledger(path, actor="bench@lab") as ledger:
        ledger.sync(inventory.systems)
        ids = [s.id for s in inventory.systems]
        with ledger.bulk():  # one transaction: the bench measures checking, not fsyncs
            for i in range(events - ledger.count()):
                ledger.note(ids[i % len(ids)], f"bench event {i}: step evidence recorded")
        ledger.checkpoint(key)
        total = ledger.count()
    written = time.perf_counter() - started
    public = sm2.public_key(key)

    def verify() -> None:
        with Ledger(path, scratch=True) as opened:
            report = opened.verify_chain(public)
        assert report.intact and report.events == total, report.findings[:3]

    def read() -> None:
        with Ledger(path, scratch=True) as opened:
            assert len(opened.events()) == total

    ours, baseline = median_seconds(verify), median_seconds(read)
    verdict = "met" if ours <= 5.0 else "NOT met"
    text = (
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores: a ledger of {total:,} events "
        f"(written by the ledger in {written:.1f} s, one SM2 checkpoint). Medians of 3.\n\n"
        "| | egov migrate verify-ledger | reading every event (baseline) | ratio |\n"
        "| --- | --- | --- | --- |\n"
        f"| {total:,} events | {ours:.2f} s | {baseline:.2f} s | {ours / baseline:.2f}x the read |\n\n"
        f"At most 5 s for 100,000 events: {verdict} ({ours:.2f} s)."
    )
    print(text)
    if update:
        update_docs("migration_ledger", text)


def _arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser()
    parser.add_argument("--megabytes", type=float, default=500.0, help="per store (two stores)")
    parser.add_argument("--events", type=int, default=100_000, help="events in the ledger to verify")
    parser.add_argument("--ledger-only", action="store_true", help="only the ledger's verification")
    parser.add_argument("--update-docs", action="store_true")
    return parser.parse_args()


def main() -> None:
    args = _arguments()
    ledger_chain(args.events, args.update_docs)
    if args.ledger_only:
        return
    for leftover in OUT.iterdir():
        if leftover.name not in ("ledger.sqlite", "bench-sm2.pem"):
            shutil.rmtree(leftover) if leftover.is_dir() else leftover.unlink()
    os.environ["EGOV_LAB_PASSWORD"] = PASSWORD
    inventory = load_inventory(ROOT / "inventories" / "shanwei").inventory
    both = [s for s in choose_systems(inventory) if len({d.kind for d in s.data_stores}) == 2]
    lab = SystemsLab(OUT / "lab", PASSWORD, both, megabytes=args.megabytes)
    started = time.perf_counter()
    endpoints = lab.start()
    built = time.perf_counter() - started
    try:
        sides = endpoints.systems[both[0].id]
        ((store, source_dir),) = sides.source.files.items()
        target_dir = sides.target.files[store]
        ((db_store, source_db),) = sides.source.databases.items()
        target_db = sides.target.databases[db_store]
        tree_bytes = sum(
            p.stat().st_size for p in source_dir.rglob("*") if p.is_file() and not p.is_symlink()
        )
        tree_files = sum(1 for p in source_dir.rglob("*") if p.is_file() and not p.is_symlink())

        def rsync_fresh() -> None:
            files.clear(target_dir)
            files.copy_tree(source_dir, target_dir)

        def cp_fresh() -> None:
            files.clear(target_dir)
            subprocess.run(["cp", "-a", f"{source_dir}/.", str(target_dir)], check=True)

        sha256sum(source_dir)  # warm the page cache for everything below
        rsync_t, cp_t = median_seconds(rsync_fresh), median_seconds(cp_fresh)
        db_t = median_seconds(lambda: postgres.copy_database(source_db, target_db))
        db_bytes = postgres.size(target_db)

        ours_sha = median_seconds(lambda: build_manifest(source_dir, ("sha256",)))
        theirs_sha = median_seconds(lambda: sha256sum(source_dir))
        theirs_parallel = median_seconds(lambda: sha256sum(source_dir, os.cpu_count() or 1))
        ours_sm3 = median_seconds(lambda: build_manifest(source_dir, ("sm3",)))
        ours_both = median_seconds(lambda: build_manifest(source_dir))
        digests = postgres.table_digests(source_db)
        rows = sum(t["rows"] for t in digests["tables"].values())
        db_verify = median_seconds(lambda: postgres.table_digests(source_db))
    finally:
        lab.stop()

    mb = 10**6
    ratio = theirs_sha / ours_sha
    ratio_parallel = theirs_parallel / ours_sha
    lines = [
        f"Measured {time.strftime('%Y-%m-%d')} on {os.cpu_count()} cores; SM3 from {sm3.implementation()}; "
        f"one system with a {tree_bytes / mb:.0f} MB share ({tree_files} files) and a "
        f"{db_bytes / mb:.0f} MB database ({rows:,} rows); lab built in {built:.1f} s. Medians of 3.",
        "",
        "| step | ours | baseline (same run) | ratio |",
        "| --- | --- | --- | --- |",
        f"| transfer, share (rsync --checksum) | {tree_bytes / mb / rsync_t:.0f} MB/s | cp -a: "
        f"{tree_bytes / mb / cp_t:.0f} MB/s | {cp_t / rsync_t:.2f}x |",
        f"| transfer, database (pg_dump \\| pg_restore) | {db_bytes / mb / db_t:.0f} MB/s | - | - |",
        f"| verify, share, SHA-256 (manifest) | {tree_bytes / mb / ours_sha:.0f} MB/s | sha256sum: "
        f"{tree_bytes / mb / theirs_sha:.0f} MB/s | **{ratio:.2f}x** (target >= 0.8x) |",
        f"| the same, against sha256sum on every core (xargs -P {os.cpu_count()}) | "
        f"{tree_bytes / mb / ours_sha:.0f} MB/s | {tree_bytes / mb / theirs_parallel:.0f} MB/s | "
        f"{ratio_parallel:.2f}x |",
        f"| verify, share, SM3 (manifest) | {tree_bytes / mb / ours_sm3:.0f} MB/s | - | - |",
        f"| verify, share, SHA-256 + SM3 (what the runbook records) | {tree_bytes / mb / ours_both:.0f} MB/s "
        "| - | - |",
        f"| verify, database, ordered-row digests (SHA-256 + SM3) | {rows / db_verify:,.0f} rows/s, "
        f"{db_bytes / mb / db_verify:.0f} MB/s of table | - | - |",
    ]
    text = "\n".join(lines)
    print(text)
    if args.update_docs:
        update_docs("migration_scale", text)


if __name__ == "__main__":
    main()
