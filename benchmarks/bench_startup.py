"""Measure what the command costs before it does any work: `--version`, `--help`, the audit's
imports, a small audit.

Why: every run of the command, in CI, in a pre-commit hook and in every test that runs the
installed script, pays its start-up; nearly all of it is imports. Each row is the median of N
runs of a separate process (`bench_audit`'s launcher: wall time, CPU time from the kernel, peak
RSS). Several checkouts can be measured in one go (`--tree before=/path --tree after=.`): their
runs alternate, so a neighbour's load falls on both alike. The load average is printed before
and after. The script only reports; it never asserts a time.

    python benchmarks/bench_startup.py --runs 9
    python benchmarks/bench_startup.py --runs 9 --tree before=/tmp/main --tree after=.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
from pathlib import Path

from bench_audit import REPO, dataaudit_command, run_measured  # the sibling script's launcher

SMALL_AUDIT = REPO / "examples" / "penguins.csv"


def commands(data: Path, target: str) -> dict[str, list[str]]:
    """What is measured: the bare interpreter (the floor), then the command's start-up paths."""
    script = dataaudit_command()
    return {
        "python -c pass": [sys.executable, "-c", "pass"],
        "dataaudit --version": [*script, "--version"],
        "dataaudit --help": [*script, "--help"],
        # the audit's modules alone: the rest of the small audit's time is reading and checking
        "import dataaudit.runner": [sys.executable, "-c", "import dataaudit.runner"],
        f"dataaudit audit {data.name} -t {target}": [*script, "audit", str(data), "-t", target],
    }


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=9, help="runs per command and checkout (default 9)")
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH",
                        help="a checkout whose package is measured (PYTHONPATH=PATH); repeatable; "
                             "default: this checkout")
    parser.add_argument("--data", type=Path, default=SMALL_AUDIT, help="the small audit's file")
    parser.add_argument("--target", default="species", help="the small audit's target column")
    args = parser.parse_args(argv)
    trees = [entry.partition("=") for entry in args.tree] or [("this checkout", "=", str(REPO))]
    args.trees = {name: Path(path).resolve() for name, _, path in trees}
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    runs = commands(args.data, args.target)
    wall: dict[tuple[str, str], list[float]] = {}
    cpu: dict[tuple[str, str], list[float]] = {}
    peak: dict[tuple[str, str], list[float]] = {}
    print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
    for _ in range(args.runs):
        for label, cmd in runs.items():
            for tree, path in args.trees.items():
                run = run_measured(cmd, timeout=300, env={**os.environ, "PYTHONPATH": str(path)})
                if run.returncode not in (0, 1):
                    print(f"{label} ({tree}): exit {run.returncode}: {run.stderr.strip()[-300:]}", file=sys.stderr)
                    return 2
                wall.setdefault((label, tree), []).append(run.seconds)
                cpu.setdefault((label, tree), []).append(run.cpu_seconds or 0.0)
                peak.setdefault((label, tree), []).append(run.peak_rss_mib or 0.0)
    print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
    print(f"\nmedians of {args.runs} runs\n")
    print("| command | checkout | wall s | CPU s | peak RSS MiB |")
    print("| --- | --- | ---: | ---: | ---: |")
    for key in wall:
        label, tree = key
        print(f"| `{label}` | {tree} | {statistics.median(wall[key]):.3f} | {statistics.median(cpu[key]):.3f} "
              f"| {max(peak[key]):.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
