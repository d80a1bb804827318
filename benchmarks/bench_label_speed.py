"""How long `dataaudit audit FILE --target LABEL --label-noise` takes on each small real dataset.

Why: the label model is the slow part of an audit, and on a shared machine its speed depends on
the neighbours as much as on the code (OpenMP threads that wait for a busy core cost more than
they compute). So every time is the median of `--repeat` runs of the installed command, each in
its own process (start-up, imports, reading, the model: what a user waits for), datasets one at
a time, with the load average before and after each; the verdict of `labels.suspected` (with
the models that ran and their margin over chance) shows what the time bought.

Datasets: the tabular files of ../shared/datasets/ (CATALOG.md) whose label is a class, plus
tests/data/*.csv (a file identical to a shared one runs once). Left out: mroz.csv (its label,
`hours`, is a regression target the label model does not model) and healthtweets.csv.gz (63,326
rows: not small). The script reports; it asserts nothing.

    python benchmarks/bench_label_speed.py --repeat 3
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SHARED = REPO.parent / "shared" / "datasets"
DATA = REPO / "tests" / "data"
SCRIPT = Path(sys.executable).parent / "dataaudit"

#: Each file's label and the options its audit needs (a text column, an id that is not a feature).
OPTIONS: dict[str, list[str]] = {
    "iris.csv": ["-t", "target"],
    "penguins.csv": ["-t", "species"],
    "breast_cancer.csv": ["-t", "target"],
    "cars.csv": ["-t", "Origin"],
    "parlspeech_uk.csv": ["-t", "party", "--text-column", "text"],
    "wage_panel.csv": ["-t", "union", "-i", "nr"],
    "parlspeech_con_lab.csv": ["-t", "party", "--text-column", "text"],
    "wage_panel_800.csv": ["-t", "union", "-i", "nr"],
}


@dataclass
class Timing:
    name: str
    rows: int
    seconds: list[float]
    load_before: float
    load_after: float
    verdict: str


def datasets() -> list[Path]:
    """The shared files first, then the test copies that are not byte-identical to one of them."""
    found, seen = [], set()
    for folder in (SHARED, DATA):
        for name in OPTIONS:
            path = folder / name
            if not path.is_file():
                continue
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            if digest not in seen:
                seen.add(digest)
                found.append(path)
    return found


def measure(path: Path, repeat: int, workdir: Path) -> Timing:
    out = workdir / f"{path.stem}.json"
    command = [str(SCRIPT), "audit", str(path), *OPTIONS[path.name], "--label-noise", "-f", "json", "-o", str(out)]
    load_before = os.getloadavg()[0]
    seconds = []
    for _ in range(repeat):
        start = time.perf_counter()
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        seconds.append(time.perf_counter() - start)
        if done.returncode not in (0, 1):
            raise SystemExit(f"{' '.join(command)}: exit {done.returncode}: {done.stderr.strip()[-500:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    return Timing(path.name, report["dataset"]["rows"], seconds, load_before, os.getloadavg()[0], _verdict(report))


def _verdict(report: dict) -> str:
    finding = next((f for f in report["findings"] if f["check"] == "labels.suspected"), None)
    if finding is None:
        status = next(c for c in report["checks"] if c["check"] == "labels.suspected")
        return status["status"] if status["status"] != "skipped" else f"skipped: {status['reason']}"
    seen = finding["observed"]
    return (f"{finding['severity']} {seen['suspected_rows']} rows, {'+'.join(seen['models'])}, "
            f"margin {seen['margin_over_chance']:+.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs per dataset; the table shows the median")
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load average at start {_load()}")
    print(f"{'dataset':<24} {'rows':>6} | {'median s':>8} {'min':>6} {'max':>6} | {'load before':>11} "
          f"{'after':>5} | labels.suspected")
    with tempfile.TemporaryDirectory(prefix="dataaudit-labelspeed-") as tmp:
        for path in datasets():
            t = measure(path, args.repeat, Path(tmp))
            print(f"{t.name:<24} {t.rows:>6,} | {statistics.median(t.seconds):8.1f} {min(t.seconds):6.1f} "
                  f"{max(t.seconds):6.1f} | {t.load_before:11.2f} {t.load_after:5.2f} | {t.verdict}", flush=True)
    print(f"load average at end {_load()}")


def _load() -> str:
    return " ".join(f"{x:.2f}" for x in os.getloadavg()) + " (1, 5, 15 min)"


if __name__ == "__main__":
    main()
