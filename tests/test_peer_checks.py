"""The benchmark's peers find what the generator planted: the comparison with them is on the same checks.

Each peer runs as the benchmark runs it (``python benchmarks/peer_checks.py PEER FILE``) on a generated
CSV, and its findings are compared with the generator's ground truth.
"""

from __future__ import annotations

import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from dataaudit.datasets import classification

SCRIPT = Path(__file__).resolve().parents[1] / "benchmarks" / "peer_checks.py"


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    path = tmp_path_factory.mktemp("peers") / "planted.csv"
    return path, classification.write_dirty_classification(path, 5000, seed=3)


def run_peer(peer: str, path: Path) -> dict[str, Any]:
    if importlib.util.find_spec({"pandera": "pandera", "gx": "great_expectations"}.get(peer, "pandas")) is None:
        pytest.skip(f"{peer} is not installed (the dev extra installs it)")
    done = subprocess.run([sys.executable, str(SCRIPT), peer, str(path)], capture_output=True, text=True,
                          env={**os.environ, "GX_ANALYTICS_ENABLED": "false"}, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def missing_cells(truth: dict[str, Any], column: str) -> int:
    counts = truth["missing"][column]
    return counts["null"] + sum(counts["tokens"].values()) + sum(counts["sentinels"].values())


def test_pandas_baseline_counts_equal_the_truth(planted: tuple[Path, dict[str, Any]]) -> None:
    path, truth = planted
    found = run_peer("pandas", path)
    for column in [*truth["feature_columns"], truth["target"]]:
        assert found["nulls"][column] + found["disguised"][column] == missing_cells(truth, column), column
    assert found["exact_duplicates"] == truth["exact_duplicate_rows"]["count"]
    assert found["feature_duplicates"] == truth["feature_duplicate_rows"]["count"]
    assert found["conflicting_rows"] == truth["conflicting_labels"]["rows_involved"]
    assert found["unexpected_labels"] == truth["label_variants"]["by_spelling"]


def test_pandera_schema_fails_on_every_planted_issue(planted: tuple[Path, dict[str, Any]]) -> None:
    path, truth = planted
    by_check = run_peer("pandera", path)["by_check"]
    width = len(truth["columns"])  # a dataframe-wide check reports each cell of a failing row
    assert by_check["multiple_fields_uniqueness"] == truth["exact_duplicate_rows"]["count"] * width
    assert by_check["feature_duplicates"] == truth["feature_duplicate_rows"]["count"] * width
    assert by_check["conflicting_labels"] == truth["conflicting_labels"]["rows_involved"] * width
    checked = [*truth["feature_columns"], truth["target"]]
    assert by_check["not_nullable"] + by_check["disguised_missing"] == sum(missing_cells(truth, c) for c in checked)
    assert sum(n for check, n in by_check.items() if check.startswith("isin")) == truth["label_variants"]["count"]


def test_gx_suite_fails_on_every_planted_issue(planted: tuple[Path, dict[str, Any]]) -> None:
    path, truth = planted
    found = run_peer("gx", path)
    assert found["raised"] == 0
    failed = found["failed"]
    for column in truth["feature_columns"]:
        per_column = sum(n for name, n in failed.items() if name.endswith(f"({column})"))
        assert per_column == missing_cells(truth, column), column
    assert failed["expect_column_values_to_be_in_set(label)"] == truth["label_variants"]["count"]
    width = len(truth["columns"])
    assert {f"expect_compound_columns_to_be_unique({n} columns)" for n in (width, width - 1, width - 2)} <= set(failed)
