"""Benchmark of the text audit on a generated chat JSONL with planted problems.

Two measured processes over the same file (see README.md beside this file):

1. ``dataaudit audit chats.jsonl --jobs N --format json -o OUT``, the command a user runs, for
   each N of ``--jobs`` and ``--repeat`` times: median wall time, peak RSS and peak memory of
   the process tree, the load average around each run, a check that the report's counts equal
   the generator's ground truth and that every N gives the same report;
2. the same profiling pass in Python with every near copy kept (a report keeps 20 examples),
   for the precision and recall of near-duplicate detection on the planted near copies.

The file comes from ``dataaudit.datasets.chat.write_dirty_chat`` and is cached in
``--workdir`` as ``chat-<lines>-s<seed>.jsonl`` with its ``.truth.json``.

    .venv/bin/python benchmarks/bench_text.py --lines 1000000
    .venv/bin/python benchmarks/bench_text.py --lines 200000 --jobs 1,2 --repeat 3
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_audit import REPO, dataaudit_command, run_measured

NEAR_PAIRS = """
import json, sys
from dataaudit.checks.text import Rules
from dataaudit.text.audit import profile_text_file
text = profile_text_file(sys.argv[1], "chat", Rules(), examples=10**9)
json.dump({"pairs": text.near_duplicate_examples, "clusters": text.near_duplicate_clusters}, open(sys.argv[2], "w"))
"""


def ensure_file(workdir: Path, lines: int, seed: int) -> tuple[Path, dict[str, Any], float | None]:
    from dataaudit.datasets.chat import GENERATOR_VERSION, write_dirty_chat

    path = workdir / f"chat-{lines}-s{seed}.jsonl"
    truth_path = path.with_name(path.name + ".truth.json")
    if path.exists() and truth_path.exists():
        truth = json.loads(truth_path.read_text(encoding="utf-8"))
        if truth.get("generator_version") == GENERATOR_VERSION and truth.get("lines") == lines:
            return path, truth, None
    start = time.perf_counter()
    truth = write_dirty_chat(path, lines, seed)
    truth_path.write_text(json.dumps(truth), encoding="utf-8")
    return path, truth, time.perf_counter() - start


def precision_recall(pairs: list[list[int]], truth: dict[str, Any]) -> tuple[float, float, int]:
    """A reported (line, first line) is right when both lines belong to one planted family (an
    original and its near copies); recall counts planted near copies reported so."""
    family: dict[int, int] = {}
    for copy in truth["near_copies"]:
        family.setdefault(copy["of"], copy["of"])
        family[copy["line"]] = family[copy["of"]]
    correct = sum(1 for line, first in pairs if line in family and family.get(first) == family[line])
    planted = len(truth["near_copies"])
    return (correct / len(pairs) if pairs else 1.0), (correct / planted if planted else 1.0), correct


def agreement(report: dict[str, Any], truth: dict[str, Any]) -> list[str]:
    """Differences between the report's counts and the ground truth (empty: all exact)."""
    problems = []
    errors = {f["details"]["kind"]: f["details"]["lines"] for f in report["findings"]
              if f["check"] == "text.format_errors"}
    if errors != {k: n for k, n in truth["errors"].items() if n}:
        problems.append(f"format errors {errors} != {truth['errors']}")
    details = {f["check"]: f["details"] for f in report["findings"]}
    observed = {
        "exact duplicates": details.get("text.duplicates", {}).get("lines", 0),
        "conflict groups": details.get("text.conflicts", {}).get("groups", 0),
        "over the token limit": details.get("text.too_long", {}).get("lines", 0),
        "markup": details.get("text.markup", {}).get("lines", 0),
    }
    expected = {
        "exact duplicates": truth["exact_duplicates"],
        "conflict groups": truth["conflict_groups"],
        "over the token limit": len(truth["over_limit"]),
        "markup": len(truth["markup"]),
    }
    problems.extend(f"{name}: {observed[name]} != {expected[name]}" for name in expected
                    if observed[name] != expected[name])
    return problems


def audit_runs(path: Path, jobs: int, repeat: int, report_path: Path,
               env: dict[str, str]) -> tuple[list[Any], list[float], dict[str, Any]]:
    """`repeat` measured audits with `--jobs jobs`, the 1-minute load average before each and
    after the last, and the report of the last."""
    runs, loads = [], []
    for _ in range(repeat):
        loads.append(os.getloadavg()[0])
        run = run_measured([*dataaudit_command(), "audit", str(path), "--jobs", str(jobs), "--format", "json",
                            "-o", str(report_path)], env=env)
        if run.returncode not in (0, 1) or not report_path.exists():
            raise SystemExit(f"dataaudit failed (exit {run.returncode}): {run.stderr.strip()[-500:]}")
        runs.append(run)
    loads.append(os.getloadavg()[0])
    report = json.loads(report_path.read_text(encoding="utf-8"))
    report.pop("created_at")
    return runs, loads, report


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--workdir", type=Path, default=Path(tempfile.gettempdir()) / "dataaudit-bench")
    parser.add_argument("--json", type=Path, help="Also save the results here.")
    parser.add_argument("--jobs", default="1", help="Comma list of --jobs values to time, e.g. 1,2.")
    parser.add_argument("--repeat", type=int, default=1, help="Audits per --jobs value; the median time is shown.")
    args = parser.parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    path, truth, generated = ensure_file(args.workdir, args.lines, args.seed)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    with tempfile.TemporaryDirectory(prefix="bench-text-") as tmp:
        report_path, pairs_path = Path(tmp) / "report.json", Path(tmp) / "pairs.json"
        timed = {int(jobs): audit_runs(path, int(jobs), args.repeat, report_path, env)
                 for jobs in args.jobs.split(",")}
        report = next(iter(timed.values()))[2]
        near = run_measured([sys.executable, "-c", NEAR_PAIRS, str(path), str(pairs_path)], env=env)
        if near.returncode != 0:
            raise SystemExit(f"near-pair run failed: {near.stderr.strip()[-500:]}")
        pairs = json.loads(pairs_path.read_text(encoding="utf-8"))["pairs"]
    precision, recall, correct = precision_recall(pairs, truth)
    mismatches = agreement(report, truth)
    mismatches.extend(f"--jobs {jobs} gave another report" for jobs, (_, _, other) in timed.items() if other != report)
    size_mib = path.stat().st_size / 2**20
    rows = [
        ("lines", f"{args.lines:,}"),
        ("file size", f"{size_mib:,.0f} MiB"),
        ("generation", "cached" if generated is None else f"{generated:.1f} s"),
        *[row for jobs, (runs, loads, _) in timed.items() for row in _timing_rows(jobs, runs, loads, args.lines)],
        ("planted near copies", f"{len(truth['near_copies']):,}"),
        ("reported near copies", f"{len(pairs):,} ({correct:,} right)"),
        ("near-duplicate precision", f"{precision:.4f}"),
        ("near-duplicate recall", f"{recall:.4f}"),
        ("counts equal to the ground truth", "yes" if not mismatches else "; ".join(mismatches)),
    ]
    width = max(len(name) for name, _ in rows)
    print(f"| {'measure'.ljust(width)} | value |\n|{'-' * (width + 2)}|-------|")
    for name, value in rows:
        print(f"| {name.ljust(width)} | {value} |")
    if args.json:
        args.json.write_text(json.dumps({
            "lines": args.lines, "seed": args.seed, "bytes": path.stat().st_size,
            "runs": {jobs: {"seconds": [r.seconds for r in runs], "peak_rss_mib": [r.peak_rss_mib for r in runs],
                            "peak_tree_mib": [r.peak_tree_mib for r in runs], "load_average": loads}
                     for jobs, (runs, loads, _) in timed.items()},
            "near_precision": precision, "near_recall": recall,
            "planted_near_copies": len(truth["near_copies"]), "reported_near_copies": len(pairs),
            "mismatches": mismatches,
        }, indent=2) + "\n", encoding="utf-8")
    return 0


def _timing_rows(jobs: int, runs: list[Any], loads: list[float], lines: int) -> list[tuple[str, str]]:
    seconds = statistics.median(r.seconds for r in runs)
    spread = f", {min(r.seconds for r in runs):.1f}-{max(r.seconds for r in runs):.1f}" if len(runs) > 1 else ""
    tree = [r.peak_tree_mib for r in runs if r.peak_tree_mib is not None]
    name = f"dataaudit audit --jobs {jobs}"
    return [
        (f"{name}: wall time", f"{seconds:.1f} s{spread} ({lines / seconds:,.0f} lines/s), median of {len(runs)}"),
        (f"{name}: peak RSS", f"{max(r.peak_rss_mib or 0 for r in runs):,.0f} MiB"
                              + (f" (process tree {max(tree):,.0f} MiB)" if tree else "")),
        (f"{name}: load average", " / ".join(f"{load:.1f}" for load in loads)),
    ]


if __name__ == "__main__":
    raise SystemExit(main())
