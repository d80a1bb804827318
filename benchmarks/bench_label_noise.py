"""How well `dataaudit audit --label-noise` finds flipped labels, next to cleanlab's own defaults.

Why: "finds mislabelled rows" is only a claim until it is measured against known flips and
against the reference implementation. For each dataset (the generated one, and each real
dataset in ../shared/datasets/ or, in a plain clone, the copies in tests/data/) and each flip
share, labels of a seeded random set of rows are changed to another class; both methods then
look for them:

* dataaudit: `dataaudit.audit(path, target, label_noise=True)` with the default rules (the
  whole audit: reading, profiling, the sample, the model, confident learning);
* cleanlab: its documented default, `CleanLearning(LogisticRegression()).find_label_issues(X, labels)`
  (5-fold cross-validation, `filter_by="prune_by_noise_rate"`), on the usual tabular design:
  numbers median-imputed and standardised, categories one-hot encoded, ids and free text left out.

Precision, recall and F1 are of the flagged rows against the flipped rows; each table row is
the mean over `--seeds` flip draws (one draw moves a handful of rows on a 150-row dataset), and
`wins` counts the draws where dataaudit's F1 is at least cleanlab's. Times are mean wall seconds
of each method's whole work, in this process, and dataaudit's CPU seconds (`cpu`: this process's
user and system time, every thread's, which a loaded machine inflates far less than the wall
time; the load average is printed next to them). The script reports; it asserts nothing.

    python benchmarks/bench_label_noise.py --rows 10000 --shares 0.05,0.1,0.2 --seeds 3

Whole-file recall past the label model's 100,000-row sample (cleanlab left out: its one model on
a million rows is not the comparison this measures):

    nice -n 10 python benchmarks/bench_label_noise.py --rows 1000000 --seeds 1 --seed 20240601 \
        --only shared --no-cleanlab --generator shared

`--generator shared` writes the generated file with ../shared/bench/make_dataset.py (19 columns,
5 classes, 5% flipped labels and the other injected issues, its own fixed flip share) instead
of the project's generator; its flipped rows are the truth, `--seed` its seed (20240601 is its
own default, the file the project's other benchmarks measure).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "datasets"
SHARED_GENERATOR = REPO.parent / "shared" / "bench" / "make_dataset.py"
#: The label column of each real dataset (as in shared/datasets/CATALOG.md).
TARGETS = {"breast_cancer.csv": "target", "cars.csv": "Origin", "iris.csv": "target", "penguins.csv": "species"}
MAX_LEVELS = 50  # a text column with more distinct values is an id or free text for the linear design


@dataclass
class Case:
    name: str
    share: float
    path: Path
    target: str
    flipped: set[int]
    ignore: tuple[str, ...] = ()


@dataclass
class Outcome:
    precision: float
    recall: float
    f1: float
    seconds: float
    cpu: float = 0.0


def generated_cases(rows: int, shares: list[float], seed: int, workdir: Path) -> list[Case]:
    from dataaudit.datasets import write_dirty_classification

    cases = []
    for share in shares:
        path = workdir / f"generated-{rows}-{share}-{seed}.csv"
        truth = write_dirty_classification(path, rows, seed, flip_share=share)
        cases.append(Case(f"generated {rows:,}", share, path, "label", set(truth["flipped_labels"]["rows"]), ("id",)))
    return cases


def shared_generator_case(rows: int, seed: int, workdir: Path) -> Case:
    """A file of ../shared/bench/make_dataset.py, which flips 5% of its labels."""
    import json
    import subprocess
    import sys

    path = workdir / f"shared-{rows}-{seed}.csv"
    subprocess.run([sys.executable, str(SHARED_GENERATOR), "--rows", str(rows), "--out", str(path), "--seed",
                    str(seed)], check=True, capture_output=True)
    truth = json.loads(path.with_suffix(".truth.json").read_text(encoding="utf-8"))
    return Case(f"shared {rows:,}", 0.05, path, "label", set(truth["flipped_labels"]["rows"]))


def real_cases(shares: list[float], seed: int, workdir: Path) -> list[Case]:
    from dataaudit.datasets.classification import flip_labels

    folder = SHARED if SHARED.is_dir() else REPO / "tests" / "data"
    cases = []
    for name, target in TARGETS.items():
        source = folder / name
        if not source.is_file():
            continue
        table = pacsv.read_csv(source, convert_options=pacsv.ConvertOptions(column_types={target: pa.string()}))
        labels = table.column(target).to_pylist()
        classes = sorted({x for x in labels if x not in (None, "")})
        codes = np.array([classes.index(x) if x in classes else -1 for x in labels])
        for share in shares:
            flipped_codes, flipped = flip_labels(codes, codes >= 0, len(classes), share, seed)
            new = [classes[c] if c >= 0 else old for c, old in zip(flipped_codes, labels, strict=True)]
            path = workdir / f"{source.stem}-{share}-{seed}.csv"
            pacsv.write_csv(table.set_column(table.column_names.index(target), target, pa.array(new, pa.string())),
                            path)
            cases.append(Case(source.stem, share, path, target, set(flipped.tolist())))
    return cases


def score(flagged: set[int], flipped: set[int], seconds: float, cpu: float = 0.0) -> Outcome:
    hits = len(flagged & flipped)
    precision = hits / len(flagged) if flagged else 0.0
    recall = hits / len(flipped) if flipped else 0.0
    f1 = 2 * precision * recall / (precision + recall) if hits else 0.0
    return Outcome(precision, recall, f1, seconds, cpu)


def cpu_seconds() -> float:
    """User and system CPU seconds of this process (all its threads) and its finished children."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def run_dataaudit(case: Case) -> Outcome:
    import dataaudit
    from dataaudit.labelnoise.quarantine import suspected_rows

    start, cpu = time.perf_counter(), cpu_seconds()
    report = dataaudit.audit(case.path, target=case.target, ignore_columns=case.ignore, label_noise=True)
    return score(set(suspected_rows(report)), case.flipped, time.perf_counter() - start, cpu_seconds() - cpu)


def run_cleanlab(case: Case, seed: int) -> Outcome:
    import pandas as pd
    from cleanlab.classification import CleanLearning
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    start = time.perf_counter()
    frame = pd.read_csv(case.path).drop(columns=list(case.ignore))
    frame = frame[frame[case.target].notna()]
    labels = frame.pop(case.target).astype(str)
    X = tabular_design(frame)
    classes = sorted(labels.unique())
    y = labels.map({c: i for i, c in enumerate(classes)}).to_numpy()
    with threadpool_limits(limits=1):  # as dataaudit's fits run; many BLAS threads only slow a busy machine
        issues = CleanLearning(LogisticRegression(max_iter=1000), seed=seed).find_label_issues(X, y)
    flagged = set(frame.index[issues["is_label_issue"].to_numpy()].tolist())
    return score(flagged, case.flipped, time.perf_counter() - start)


def tabular_design(frame):
    import pandas as pd

    numeric = frame.select_dtypes("number")
    numeric = (numeric.fillna(numeric.median()) - numeric.mean()) / numeric.std().replace(0, 1)
    text = frame.select_dtypes(exclude="number")
    text = text[[c for c in text.columns if text[c].nunique() <= MAX_LEVELS]]
    parts = [numeric.fillna(0)] + ([pd.get_dummies(text, dummy_na=True, dtype=float)] if text.shape[1] else [])
    return pd.concat(parts, axis=1).to_numpy()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the generated dataset")
    parser.add_argument("--shares", default="0.05,0.1,0.2", help="flip shares, comma-separated")
    parser.add_argument("--seed", type=int, default=0, help="first flip seed")
    parser.add_argument("--seeds", type=int, default=3, help="flip draws per row, averaged (seed, seed+1, ...)")
    parser.add_argument("--only", help="run only datasets whose name contains this")
    parser.add_argument("--no-cleanlab", action="store_true", help="run dataaudit alone")
    parser.add_argument("--generator", choices=("project", "shared"), default="project",
                        help="the generated file's generator (shared: ../shared/bench/make_dataset.py, "
                             "which flips 5%% of the labels: --shares is ignored)")
    args = parser.parse_args()
    shares = [0.05] if args.generator == "shared" else [float(s) for s in args.shares.split(",")]
    import cleanlab.filter  # noqa: F401  imported before any timing, as both methods need it
    import sklearn.ensemble  # noqa: F401
    print(f"{os.cpu_count()} cores; load average at start {_load()}")
    print(f"{'dataset':<16} {'flips':>9} | {'dataaudit P / R / F1':>22} {'s':>5} {'cpu':>5} | "
          f"{'cleanlab P / R / F1':>22} {'s':>5} | {'F1 diff':>7} {'wins':>5}")
    with tempfile.TemporaryDirectory(prefix="dataaudit-labelnoise-") as tmp:
        for share in shares:
            groups: dict[str, list[Case]] = {}
            for seed in range(args.seed, args.seed + args.seeds):
                generated = ([shared_generator_case(args.rows, seed, Path(tmp))] if args.generator == "shared"
                             else generated_cases(args.rows, [share], seed, Path(tmp)))
                for case in generated + real_cases([share], seed, Path(tmp)):
                    groups.setdefault(case.name, []).append(case)
            for name, cases in groups.items():
                if args.only and args.only not in name:
                    continue
                pairs = [(run_dataaudit(c), Outcome(0.0, 0.0, 0.0, 0.0) if args.no_cleanlab
                          else run_cleanlab(c, args.seed)) for c in cases]
                ours, theirs = _mean([p[0] for p in pairs]), _mean([p[1] for p in pairs])
                wins = sum(o.f1 >= t.f1 for o, t in pairs)
                flips = f"{share:.0%} {np.mean([len(c.flipped) for c in cases]):.0f}"
                print(f"{name:<16} {flips:>9} | {_prf(ours):>22} {ours.seconds:5.1f} {ours.cpu:5.1f} | "
                      f"{_prf(theirs):>22} {theirs.seconds:5.1f} | {ours.f1 - theirs.f1:+7.3f} {wins:>3}/{len(pairs)}",
                      flush=True)
    print(f"load average at end {_load()}")


def _mean(outcomes: list[Outcome]) -> Outcome:
    fields = ("precision", "recall", "f1", "seconds", "cpu")
    return Outcome(*(float(np.mean([getattr(o, f) for o in outcomes])) for f in fields))


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


def _prf(o: Outcome) -> str:
    return f"{o.precision:.3f} / {o.recall:.3f} / {o.f1:.3f}"


if __name__ == "__main__":
    main()
