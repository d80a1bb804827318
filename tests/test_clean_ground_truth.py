"""Cleaning generated data with known problems: the quarantine holds exactly the injected
duplicates, conflicting-label rows and unlabelled rows, and a re-audit of the cleaned file finds
none of the problems the default steps fix. Both the project's generator and the shared one."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dataaudit.datasets import write_dirty_classification
from tests.cli_helpers import run


def _reaudit(path: Path, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / f"{path.name}.audit.json"
    run(["audit", path, "--target", "label", "--format", "json", "-o", out, *args], 0)
    return json.loads(out.read_text())


def _held(path: Path) -> dict[str, set[int]]:
    frame = pd.read_parquet(path) if path.suffix == ".parquet" else pd.read_csv(path, keep_default_na=False)
    return {reason: set(group["_row"].astype(int)) for reason, group in frame.groupby("_reason")}


def _assert_fixed(report: dict) -> None:
    dataset = report["dataset"]
    assert dataset["duplicates"]["exact_rows"] == 0
    assert dataset["duplicates"]["conflict_rows"] == 0
    assert dataset["labels"]["missing"] == 0
    assert [f for f in report["findings"] if f["check"] == "labels.variants"] == []
    for column in dataset["column_profiles"]:
        if column["role"] == "feature":
            assert column["tokens"] == {} and column["sentinels"] == {}, column["name"]


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_own_generator(tmp_path: Path, suffix: str) -> None:
    truth = write_dirty_classification(tmp_path / "data.csv", rows=20_000, seed=3)
    output = tmp_path / f"clean{suffix}"
    run(["clean", tmp_path / "data.csv", "-t", "label", "-i", "id", "-o", output], 0)
    held = _held(tmp_path / f"clean.quarantine{suffix}")
    assert held == {
        "duplicate": set(truth["exact_duplicate_rows"]["rows"]),
        "label_conflict": set(truth["conflicting_labels"]["rows"]),
        "missing_label": set(truth["missing_label"]["rows"]),
    }
    report = _reaudit(output, tmp_path, "--ignore-column", "id")
    _assert_fixed(report)
    assert report["dataset"]["rows"] == truth["rows"] - sum(map(len, held.values()))
    assert "const" not in [c["name"] for c in report["dataset"]["column_profiles"]]


@pytest.mark.slow  # 100,000 rows generated, cleaned and audited again
def test_shared_generator(tmp_path: Path, shared_dir: Path) -> None:
    """The outside reference: ../shared/bench/make_dataset.py --rows 100000 and its truth file."""
    csv = tmp_path / "bench.csv"
    subprocess.run([sys.executable, str(shared_dir / "bench" / "make_dataset.py"), "--rows", "100000",
                    "--out", str(csv)], check=True, capture_output=True)
    truth = json.loads(csv.with_suffix(".truth.json").read_text())
    output = tmp_path / "bench.clean.csv"
    run(["clean", csv, "--target", "label", "-o", output], 0, timeout=600)
    held = _held(tmp_path / "bench.clean.quarantine.csv")
    assert held == {
        "duplicate": {later for _, later in truth["exact_duplicates"]["pairs"]},
        "label_conflict": {row for pair in truth["conflicting_labels"]["pairs"] for row in pair},
        "missing_label": set(truth["missing_label"]["rows"]),
    }
    _assert_fixed(_reaudit(output, tmp_path))
