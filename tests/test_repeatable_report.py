"""The same file with the same options gives the same report, run after run and whatever the
number of worker processes: the quantile sketch behind numeric outliers and split drift
compacts by a seeded rule, not at random."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

from tests.cli_helpers import run

ROWS = 150_000  # three chunks of 65,536 rows, each far past the sketch's 200 values


def _write(path: Path, seed: int, rows: int, shift: float = 0.0) -> None:
    rng = np.random.default_rng(seed)
    columns = {
        "income": rng.lognormal(shift, 2.5, rows).round(3),
        "age": rng.normal(40.0 + 10 * shift, 12.0, rows).round(1),
        "score": rng.standard_t(2, rows).round(4),
    }
    label = np.where(rng.random(rows) < 0.3, "yes", "no")
    with path.open("w", encoding="utf-8") as out:
        out.write("income,age,score,label\n")
        for i in range(rows):
            out.write(f"{columns['income'][i]},{columns['age'][i]},{columns['score'][i]},{label[i]}\n")


def _findings(stdout: str) -> str:
    report = json.loads(stdout)
    report.pop("created_at", None)
    return json.dumps(report["findings"], sort_keys=True)


def test_two_runs_and_two_workers_give_the_same_findings(tmp_path: Path) -> None:
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    _write(train, 1, ROWS)
    _write(test, 2, ROWS // 2, shift=0.5)  # drifted: the split drift measures are reported
    args = ["audit", train, "-t", "label", "-f", "json", "--split", f"test={test}"]
    runs = [run([*args, *extra], code, timeout=300)[0] for extra, code in (([], 0), ([], 0), (["--jobs", "2"], 0))]
    findings = [_findings(stdout) for stdout in runs]
    checks = {f["check"] for f in json.loads(findings[0])}
    assert "numeric.outliers" in checks, checks
    assert findings[0] == findings[1] == findings[2]
