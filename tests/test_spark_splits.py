"""A dataset in splits audited on Spark gives the local engine's report: every split profiled over
its partitions, leaked rows, drift and label shift compared alike."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.csv as pacsv
import pytest

from dataaudit.datasets import make_dirty_splits
from tests.cli_helpers import invoke
from tests.test_spark_engine import spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests


# numeric drift is measured on the reference's deciles from a quantile sketch, whose merges
# depend on where the chunks start (Spark starts one at every partition): the shift is far
# above the drift threshold so that the sketch's error cannot change a severity
SKETCH_ERROR = 0.03


def _drift(report: dict) -> dict[tuple[str, str], float]:
    """The drift measures by (column, split), taken out of the report: equal up to the sketch's error."""
    drift = {}
    for finding in [f for f in report["findings"] if f["check"] == "splits.numeric_drift"]:
        drift[("finding", finding["column"])] = finding.pop("observed")
        finding.pop("message"), finding.pop("details")
    table = next(t for t in report["tables"] if t["id"] == "splits.drift")
    for row in table.pop("rows"):
        drift[(row[0], row[5])] = row[3]
    return drift


def _report(train: Path, test: Path, out: Path, *args: str) -> dict:
    invoke(["audit", train, "--target", "label", "--ignore-column", "id", "--split", f"test={test}",
            "-f", "json", "-o", out, *args], 1)
    report = json.loads(out.read_text())
    report.pop("created_at")
    for card in report["dataset"]["splits"].values():  # each split names the engine that read it
        card["source"].pop("engine")
    return report


def test_splits_on_spark_report_as_locally(spark: object, tmp_path: Path) -> None:
    """A training file over several partitions, a test split with 5% copied training rows, some
    with another label, and a shifted column."""
    train_table, test_table, _ = make_dirty_splits(30_000, 5_000, seed=4, leaked_share=0.05,
                                                       shift={"num_b": 3.0})
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    pacsv.write_csv(train_table, train)
    pacsv.write_csv(test_table, test)
    assert spark.read.csv(str(train), header=True).rdd.getNumPartitions() > 1  # type: ignore[attr-defined]
    local = _report(train, test, tmp_path / "local.json")
    on_spark = _report(train, test, tmp_path / "spark.json", "--engine", "spark", "--spark-master", "local[2]")
    assert on_spark["source"].pop("engine") == "spark" and local["source"].pop("engine") == "local"
    assert _drift(on_spark) == pytest.approx(_drift(local), rel=0.1, abs=SKETCH_ERROR)
    assert on_spark == local
    checks = {f["check"] for f in local["findings"]}
    assert {"splits.leakage", "splits.numeric_drift"} <= checks
    leaked = next(t for t in local["tables"] if t["id"] == "splits.leaked_rows")
    assert len(leaked["rows"]) > 0
