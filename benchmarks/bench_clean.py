"""Measure throughput and peak memory of ``dataaudit clean`` on synthetic data.

Why: cleaning streams like the audit, so its memory should follow the chunk size, not the
file size. The script cleans generated files of several sizes (the largest gives the
throughput) and prints peak RSS beside each, with the growth per extra row, and audits the
same files for reference (a clean runs the audit twice: before and after), with the ratio
clean / audit of wall time, CPU time and peak RSS and the load average. Every run is
its own process, measured by ``bench_audit``'s launcher (wall time of the whole process,
peak RSS from the kernel); the datasets are ``bench_audit``'s cached ones.

This script only reports; it never asserts a time or memory limit.

    python benchmarks/bench_clean.py --sizes 250000,1000000 --repeat 1
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import bench_audit as ba  # the sibling script: one launcher, one dataset cache


def bench_clean(data: Path, workdir: Path, rows: int, repeat: int, timeout: float | None) -> ba.Result:
    """`dataaudit clean` into a CSV beside the data; exit 0 and 1 (gate still fails) both count."""
    output = workdir / f"clean-{rows}.csv"
    cmd = [*ba.dataaudit_command(), "clean", str(data), "--target", "label", "--ignore-column", "id",
           "-o", str(output), "--force"]
    result = ba.measure("dataaudit clean", cmd, rows, repeat, (0, 1), timeout)
    manifest = output.with_name(f"{output.stem}.manifest.json")
    if result.status == "ok" and manifest.exists():
        result.detail = json.loads(manifest.read_text(encoding="utf-8"))["rows"]
    return result


def growth(results: list[ba.Result]) -> float | None:
    """Extra peak RSS per extra row between the smallest and the largest run, in bytes."""
    ok = [r for r in results if r.status == "ok" and r.max_rss_mib is not None]
    if len(ok) < 2:
        return None
    small, large = min(ok, key=lambda r: r.rows), max(ok, key=lambda r: r.rows)
    if large.rows == small.rows:
        return None
    return (large.max_rss_mib - small.max_rss_mib) * 2**20 / (large.rows - small.rows)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--sizes", default="250000,1000000", help="comma list of row counts (default 250000,1000000)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--repeat", type=int, default=1, help="runs per size; median time, max peak RSS")
    p.add_argument("--format", default="csv", choices=["csv", "parquet", "jsonl"])
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dataaudit-bench")
    p.add_argument("--timeout", type=float, default=1800.0)
    p.add_argument("--json", type=Path, help="also save the results as JSON here")
    args = p.parse_args(argv)
    args.sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    if not args.sizes or min(args.sizes) < 1 or args.repeat < 1:
        p.error("--sizes and --repeat must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(ba.compiled_package())
    load_before = ba.load_average()
    results = []
    for rows in args.sizes:
        data, _ = ba.ensure_dataset(args.workdir, rows, args.seed, args.format)
        print(f"dataset: {data} ({data.stat().st_size / 2**20:.1f} MiB)", flush=True)
        results.append(bench_clean(data, args.workdir, rows, args.repeat, args.timeout))
        # the audit of the same file at the same moment: clean runs it twice (before and after),
        # so the ratio says what cleaning adds, whatever the machine's load
        reference = ba.bench_dataaudit(data, args.workdir / f"report-{rows}.json", rows, args.repeat, args.timeout)
        reference.tool = "dataaudit audit"
        results.append(reference)
    print(f"\nrepeats: {args.repeat} (median seconds, max peak RSS; whole process: audit, clean, write, re-audit)")
    print(ba.format_table(results))
    # the ratio is what cleaning costs beyond the audit, measured side by side: the number to read
    # on a shared machine, where the seconds themselves follow the neighbours' load
    print(f"load average: {load_before} before, {ba.load_average()} after, on {os.cpu_count()} cores")
    ratio = {rows: ba.ratios([r for r in results if r.rows == rows], "dataaudit audit", tool="dataaudit clean")
             for rows in args.sizes}
    for rows, by in ratio.items():
        print(ba.format_ratio(by, f"clean/audit at {rows:,} rows"))
    per_row = growth([r for r in results if r.tool == "dataaudit clean"])
    if per_row is not None:
        print(f"peak RSS grows {per_row:.0f} bytes per extra row (row hashes and decisions); the rest follows the "
              "chunk size")
    if args.json:
        payload = {"sizes": args.sizes, "format": args.format, "environment": ba.environment(),
                   "results": [r.to_json() for r in results], "rss_bytes_per_extra_row": per_row,
                   "ratio_clean_over_audit": {str(rows): by for rows, by in ratio.items()},
                   "load_average": {"before": load_before, "after": ba.load_average()}}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
