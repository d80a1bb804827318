"""Time the default audit of a generated file at a git revision against the working tree.

Why: a change that adds work to the one pass must show what it costs on a large file, measured
against the code before it on the same machine at the same time. The revision's code is taken
with `git archive` into a temporary folder (no worktree or branch is created) and run by the
same Python and the same installed `dataaudit` script, with that folder first on PYTHONPATH; the
working tree runs with the repository first. Runs alternate (baseline, then working tree, then
the other way round), so a neighbour's burst of load falls on both; the script prints each run
with the load average, the medians of wall and CPU time and their ratios. It only reports,
never asserts.

    python benchmarks/bench_revision.py --baseline-rev 15a9964 --rows 1000000 --repeat 5
    python benchmarks/bench_revision.py --baseline-rev main --target num_a   # a regression target
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from bench_audit import REPO, _last_line, dataaudit_command, ensure_dataset


def export_revision(rev: str, into: Path) -> str:
    """The tree of `rev` written under `into`; returns the full commit id."""
    commit = _git("rev-parse", "--verify", f"{rev}^{{commit}}").strip()
    archive = subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", commit], capture_output=True,
                             check=True).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return commit


def _git(*args: str) -> str:
    done = subprocess.run(["git", "-C", str(REPO), *args], capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)}: {_last_line(done.stderr)}")
    return done.stdout


def code_env(tree: Path) -> dict[str, str]:
    """The environment that makes `dataaudit` import its code from `tree`, checked, not assumed."""
    env = {**os.environ, "PYTHONPATH": str(tree)}
    where = subprocess.run([sys.executable, "-c", "import dataaudit; print(dataaudit.__file__)"], env=env,
                           cwd=tree, capture_output=True, text=True, check=True).stdout.strip()
    if not Path(where).resolve().is_relative_to(tree.resolve()):
        raise SystemExit(f"with PYTHONPATH={tree} dataaudit is imported from {where}, not from that tree")
    return env


@dataclass(frozen=True)
class Timing:
    """One audit process: wall seconds, and the CPU seconds (user + system) of the process, which a
    busy machine stretches far less than the wall time."""

    wall: float
    cpu: float


def audit_once(data: Path, target: str, report: Path, env: dict[str, str], timeout: float) -> Timing:
    """One `dataaudit audit` process (exit 0 or 1 with a report is success), reaped with `os.wait4`
    for its own CPU time."""
    report.unlink(missing_ok=True)
    cmd = [*dataaudit_command(), "audit", str(data), "--target", target, "--ignore-column", "id",
           "--format", "json", "-o", str(report)]
    start = time.perf_counter()
    with tempfile.TemporaryFile() as err:
        proc = subprocess.Popen(cmd, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=err)
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        _, status, usage = os.wait4(proc.pid, 0)
        timer.cancel()
        proc.returncode = os.waitstatus_to_exitcode(status)
        wall = time.perf_counter() - start
        if proc.returncode not in (0, 1) or not report.is_file():
            err.seek(0)
            said = _last_line(err.read().decode(errors="replace"))
            raise SystemExit(f"audit failed (exit {proc.returncode}): {said}")
    return Timing(wall, usage.ru_utime + usage.ru_stime)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--baseline-rev", default="main", help="git revision to compare with (default main)")
    p.add_argument("--rows", type=int, default=1_000_000, help="rows of the generated file (default 1,000,000)")
    p.add_argument("--repeat", type=int, default=5, help="runs of each side, alternating (default 5)")
    p.add_argument("--target", default="label",
                   help="target column: label (classes, the default) or a numeric column such as num_a "
                        "(a regression target)")
    p.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    p.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dataaudit-bench",
                   help="where the dataset is cached and reports go")
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds before a single run is killed")
    args = p.parse_args(argv)
    if args.repeat < 1 or args.rows < 1:
        p.error("--repeat and --rows must be >= 1")
    return args


def load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    data, made = ensure_dataset(args.workdir, args.rows, args.seed, "csv")
    print(f"dataset: {data} ({data.stat().st_size / 2**20:,.1f} MiB, {args.rows:,} rows, "
          f"{'reused' if made is None else f'generated in {made:.1f} s'}), target {args.target!r}")
    with tempfile.TemporaryDirectory(prefix="dataaudit-baseline-") as tmp:
        commit = export_revision(args.baseline_rev, Path(tmp))
        sides = {f"baseline {args.baseline_rev} ({commit[:10]})": code_env(Path(tmp)),
                 "working tree": code_env(REPO)}
        print(f"load average before: {load()} on {os.cpu_count()} cores", flush=True)
        timings: dict[str, list[Timing]] = {name: [] for name in sides}
        for repeat in range(args.repeat):
            order = list(sides) if repeat % 2 == 0 else list(reversed(sides))
            for name in order:
                took = audit_once(data, args.target, args.workdir / "report-revision.json", sides[name], args.timeout)
                timings[name].append(took)
                print(f"  run {repeat + 1} {name}: {took.wall:.2f} s wall, {took.cpu:.2f} s CPU "
                      f"(load average {load()})", flush=True)
    print(f"load average after: {load()}")
    for measure in ("wall", "cpu"):
        medians = []
        for name, runs in timings.items():
            values = [getattr(t, measure) for t in runs]
            medians.append(statistics.median(values))
            print(f"{name}: {measure} median {medians[-1]:.2f} s of {len(values)} "
                  f"(min {min(values):.2f}, max {max(values):.2f})")
        print(f"working tree / baseline, {measure}: {medians[1] / medians[0]:.3f} (median over median)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
