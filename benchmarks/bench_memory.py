"""Peak memory of ``dataaudit audit`` as the rows grow, with the default memory budget and a small one.

Why: the row hashes of the duplicate and conflict search are the one thing that grows with the
rows; past ``--memory-budget`` they spill to a temporary directory, so the peak should stay
nearly flat from 1M to 10M rows. This script shows it: every run is its own process, measured
by ``bench_audit``'s launcher (peak RSS from the kernel, CPU seconds, wall time), next to the
machine's load average; the reports of one size must be identical whatever the budget.

The data is the generated 19-column file of ``make_dataset.py`` (in the shared bench folder
beside the repository), generated once per size into ``--workdir`` and reused.

    python benchmarks/bench_memory.py --rows 1000000,10000000 --budgets default,64M

It only reports; it asserts no limit.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

import bench_audit as ba  # the sibling script: one launcher

MAKE_DATASET = ba.REPO.parent / "shared" / "bench" / "make_dataset.py"


def dataset(workdir: Path, rows: int, fmt: str, make: Path) -> Path:
    """The generated file of `rows` rows (written once, at low priority, then reused)."""
    csv = workdir / f"generated-{rows}.csv"
    path = csv.with_suffix(f".{fmt}")
    if not path.exists():
        subprocess.run(["nice", "-n", "10", sys.executable, str(make), "--rows", str(rows), "--out", str(csv)],
                       check=True, capture_output=True)
    return path


def audit(data: Path, budget: str, report: Path, timeout: float | None) -> ba.Run:
    options = [] if budget == "default" else ["--memory-budget", budget]
    return ba.run_measured([*ba.dataaudit_command(), "audit", str(data), "-t", "label", "-q", *options,
                            "-f", "json", "-o", str(report)], timeout, ba._repo_env())


def without_time(report: Path) -> dict:
    found = json.loads(report.read_text(encoding="utf-8"))
    found.pop("created_at")
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000000,10000000", help="comma-separated sizes")
    parser.add_argument("--budgets", default="default,64M", help="comma-separated --memory-budget values")
    parser.add_argument("--format", choices=("csv", "parquet"), default="parquet")
    parser.add_argument("--workdir", type=Path, default=Path("/tmp/dataaudit-bench-memory"))
    parser.add_argument("--make-dataset", type=Path, default=MAKE_DATASET)
    parser.add_argument("--timeout", type=float, default=None)
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    sizes = sorted(int(n) for n in args.rows.split(","))
    budgets = args.budgets.split(",")
    peaks: dict[tuple[str, int], float] = {}
    print(f"{'rows':>11} {'budget':>8} {'wall s':>8} {'CPU s':>7} {'peak RSS MiB':>13} {'load':>5}  report")
    for rows in sizes:
        data = dataset(args.workdir, rows, args.format, args.make_dataset)
        reports = {}
        for budget in budgets:
            reports[budget] = args.workdir / f"report-{rows}-{budget}.json"
            run = audit(data, budget, reports[budget], args.timeout)
            if run.returncode not in (0, 1):
                print(f"{rows:>11,} {budget:>8} failed: exit {run.returncode}: {ba._last_line(run.stderr)}")
                continue
            peaks[budget, rows] = run.peak_rss_mib or 0.0
            same = "same as " + budgets[0] if budget != budgets[0] and reports[budgets[0]].exists() and \
                without_time(reports[budget]) == without_time(reports[budgets[0]]) else ""
            print(f"{rows:>11,} {budget:>8} {run.seconds:>8.1f} {run.cpu_seconds or 0:>7.1f} "
                  f"{run.peak_rss_mib or 0:>13.0f} {os.getloadavg()[0]:>5.1f}  {same}", flush=True)
    for budget in budgets:
        measured = [(rows, peaks[budget, rows]) for rows in sizes if (budget, rows) in peaks]
        if len(measured) > 1 and measured[0][1]:
            (small, low), (large, high) = measured[0], measured[-1]
            print(f"budget {budget}: peak at {large:,} rows / at {small:,} rows = {high / low:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
