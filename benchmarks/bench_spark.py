"""Measure the Spark driver's memory as the rows grow: it must stay flat.

Why: on Spark the rows are the cluster's business; the driver only merges one small partial per
partition and reads back the duplicate groups' totals and first examples. If anything per row
reached it (as every row's hashes once did, 24 bytes each), its peak would grow with the file
and a billion rows would need a driver the size of the data. Each file is audited once in a
fresh driver process (`dataaudit.audit(..., engine=SparkEngine(session))`) that reports its own
peak RSS (`getrusage(RUSAGE_SELF)`: the Python driver alone, not the JVM or the workers) and the
peak of its Python heap during the audit (tracemalloc, numpy's buffers included); the launcher
of `bench_audit` adds the wall time and the summed memory of the whole tree (JVM, executors,
Python workers). The default master, `local-cluster[2,1,1024]`, runs two executor JVMs apart
from the driver, as a real cluster does. Several checkouts can be measured
(`--tree before=/path --tree after=.`). The load average is printed with every run. Every
Spark report's findings are compared with the local engine's on the same file (`same as local`:
the JSON findings equal; `--reports DIR` keeps the whole reports). With `--split NAME=PATH` each
file is audited as the reference of that split (its own pass is the same), whose comparison
(leaked rows, label conflicts across the splits) runs on the cluster too. It only reports; it
never asserts a time.

    python benchmarks/bench_spark.py --data /tmp/gen-1m.csv --data /tmp/gen-10m.csv --split test=/tmp/test.csv
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

from bench_audit import REPO, Run, run_measured  # the sibling script's launcher

DRIVER = """
import json, os, resource, sys, time, tracemalloc
os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
import dataaudit
path, master, out, split = sys.argv[1:5]
splits = dict([split.split("=", 1)]) if split else None
engine = session = None
if master != "local":  # "local": the local engine, whose findings Spark's must equal
    from pyspark.sql import SparkSession
    from dataaudit.engines.spark import SparkEngine
    session = (SparkSession.builder.master(master).appName("bench-spark")
               .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false")
               .config("spark.executorEnv.PYTHONPATH", os.environ.get("PYTHONPATH", ""))
               .config("spark.executorEnv.PYSPARK_PYTHON", sys.executable).getOrCreate())
    session.sparkContext.setLogLevel("ERROR")
    engine = SparkEngine(session=session)
before = resource.getrusage(resource.RUSAGE_SELF)
tracemalloc.start()
start = time.perf_counter()
report = dataaudit.audit(path, target="label", splits=splits, engine=engine)
seconds = time.perf_counter() - start
heap = tracemalloc.get_traced_memory()[1]
usage = resource.getrusage(resource.RUSAGE_SELF)
tracemalloc.stop()
with open(out, "w") as f:
    json.dump(report.to_dict(), f, indent=2, ensure_ascii=False)
try:  # the cluster's CPU, for a per-core rate: the JVMs and Python workers still alive, and through
    # their reaped children's times the workers that exited (counted once: a live process is no one's)
    import psutil
    tree = sum(t.user + t.system + t.children_user + t.children_system
               for t in (p.cpu_times() for p in psutil.Process().children(recursive=True)))
except Exception:
    tree = None
duplicates = report.dataset.duplicates
leaked = [f.details.get("leaked_rows", 0) for f in report.findings if f.check == "splits.leakage"]
print(json.dumps({"rows": report.dataset.rows, "audit_seconds": seconds, "driver_peak_mib": usage.ru_maxrss / 1024,
                  "driver_heap_peak_mib": heap / 2**20,
                  "driver_cpu_seconds": usage.ru_utime + usage.ru_stime - before.ru_utime - before.ru_stime,
                  "tree_cpu_seconds": tree, "exact_duplicates": duplicates.exact_rows,
                  "conflict_groups": duplicates.conflict_groups, "leaked_rows": sum(leaked)}))
if session is not None:
    session.stop()
"""


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, action="append", required=True,
                        help="a generated CSV (../shared/bench/make_dataset.py) with a `label` column; "
                             "repeatable, smallest first")
    parser.add_argument("--master", default="local-cluster[2,1,1024]",
                        help="the Spark master (default local-cluster[2,1,1024]: two executors of one core)")
    parser.add_argument("--tree", action="append", default=[], metavar="NAME=PATH",
                        help="a checkout whose package is measured (PYTHONPATH=PATH); repeatable; "
                             "default: this checkout")
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dataaudit-bench-spark",
                        help="where local-cluster's executors write their logs")
    parser.add_argument("--timeout", type=float, default=7200, help="seconds per run (default 7200)")
    parser.add_argument("--split", default="", metavar="NAME=PATH",
                        help="audit each file as the reference of this split, compared on the cluster")
    parser.add_argument("--reports", type=Path, metavar="DIR",
                        help="keep each run's whole JSON report in DIR (FILE.CHECKOUT.spark.json and .local.json), "
                             "to compare more than the findings")
    parser.add_argument("--no-local", action="store_true",
                        help="skip the local engine's run that Spark's findings are compared with")
    args = parser.parse_args(argv)
    trees = [entry.partition("=") for entry in args.tree] or [("this checkout", "=", str(REPO))]
    args.trees = {name: Path(path).resolve() for name, _, path in trees}
    return args


def load() -> str:
    return " ".join(f"{x:.1f}" for x in os.getloadavg())


def _seconds(value: float | None) -> str:
    return "?" if value is None else f"{value:.0f}"


def _rate(rows: int, cpu_seconds: float | None) -> str:
    return "?" if not cpu_seconds else f"{rows / cpu_seconds:,.0f}"


def _driver(path: Path, master: str, split: str, env: dict[str, str], timeout: float
            ) -> tuple[Run, dict | None, Path]:
    """One audit in a fresh driver process: its measurement and the file its JSON report went to."""
    out = Path(tempfile.mkstemp(prefix="bench-spark-findings-", suffix=".json")[1])
    run = run_measured([sys.executable, "-c", DRIVER, str(path), master, str(out), split], timeout, env)
    lines = [line for line in run.stdout.splitlines() if line.startswith("{")]
    return run, (json.loads(lines[-1]) if run.returncode == 0 and lines else None), out


def _same_findings(spark: Path, local: Path) -> str:
    """Whether Spark's findings equal the local engine's, or the checks whose findings differ."""
    ours, theirs = (json.loads(path.read_text())["findings"] for path in (spark, local))
    if ours == theirs:
        return "yes"
    differ = {f["check"] for f in ours if f not in theirs} | {f["check"] for f in theirs if f not in ours}
    return "no: " + ", ".join(sorted(differ))


def _keep(report: Path, folder: Path | None, data: Path, checkout: str, engine: str) -> None:
    """A run's report moved into `folder` under a name saying what made it, or deleted without one."""
    if folder is None:
        report.unlink()
        return
    folder.mkdir(parents=True, exist_ok=True)
    shutil.move(report, folder / f"{data.stem}.{checkout.replace(' ', '-')}.{engine}.json")


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    print(f"load average before: {load()} on {os.cpu_count()} cores; master {args.master}", flush=True)
    header = ("checkout", "file", "rows", "wall s", "driver CPU s", "cluster CPU s", "rows/CPU s",
              "driver peak MiB", "driver heap MiB", "tree peak MiB", "exact dups", "leaked rows", "same as local",
              "load after")
    print(" | ".join(header), flush=True)
    peaks: dict[str, list[float]] = {}
    for data in args.data:
        split = args.split
        for name, tree in args.trees.items():
            # local-cluster's executors keep their logs in the worker folder, by default inside pyspark
            env = {**os.environ, "PYTHONPATH": str(tree), "SPARK_WORKER_DIR": str(args.workdir)}
            label = data.name + (f" + {split.partition('=')[0]}" if split else "")
            run, found, findings = _driver(data, args.master, split, env, args.timeout)
            if found is None:
                print(f"{name} | {label} | error: {(run.stderr.strip().splitlines() or ['?'])[-1][:200]}")
                continue
            same = "not compared"
            if not args.no_local:
                _, local_found, local_findings = _driver(data, "local", split, env, args.timeout)
                same = _same_findings(findings, local_findings) if local_found else "local run failed"
                _keep(local_findings, args.reports, data, name, "local")
            _keep(findings, args.reports, data, name, "spark")
            peaks.setdefault(name, []).append(found["driver_peak_mib"])
            print(" | ".join(str(cell) for cell in (
                name, label, f"{found['rows']:,}", f"{run.seconds:.0f}", f"{found['driver_cpu_seconds']:.1f}",
                _seconds(found["tree_cpu_seconds"]), _rate(found["rows"], found["tree_cpu_seconds"]),
                f"{found['driver_peak_mib']:.0f}", f"{found['driver_heap_peak_mib']:.0f}",
                f"{run.peak_tree_mib or 0:.0f}", f"{found['exact_duplicates']:,}", f"{found['leaked_rows']:,}", same,
                load())), flush=True)
    for name, values in peaks.items():
        if len(values) > 1:
            print(f"{name}: driver peak, largest file over smallest: {values[-1] / values[0]:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
