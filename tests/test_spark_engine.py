"""The Spark engine gives the findings the local engine gives: same data, same JSON report.

One local Spark session (two cores) serves every test here: starting one costs tens of seconds.
Files are split into several partitions (small `maxPartitionBytes`), so row numbers must cross
partition boundaries to come out right.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Iterator
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import dataaudit
from dataaudit.datasets import make_dirty_classification, write_dirty_classification
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'dataaudit[spark]')")

PENGUINS = str(DATA / "penguins.csv")


@pytest.fixture(scope="session")
def spark() -> Iterator[object]:
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = (
        SparkSession.builder.master("local[2]").appName("dataaudit-tests")
        .config("spark.ui.enabled", "false")
        .config("spark.sql.shuffle.partitions", "2")
        .config("spark.sql.files.maxPartitionBytes", "2m")
        .config("spark.sql.files.openCostInBytes", "0")
        .getOrCreate()
    )
    session.sparkContext.setLogLevel("ERROR")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def dataset(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The generated 100,000-row dataset with its injected problems, as CSV (about 10 MB)."""
    path = tmp_path_factory.mktemp("spark") / "train.csv"
    write_dirty_classification(path, rows=100_000, seed=0)
    return path


def _json_report(path: Path, out: Path, *args: str) -> dict:
    invoke(["audit", path, "--target", "label", "--ignore-column", "id", "-f", "json", "-o", out, *args], 1)
    return json.loads(out.read_text())


def _aside(report: dict) -> dict:
    """The report without what may differ between runs: the time and the engine's name."""
    report = dict(report, source=dict(report["source"]))
    report.pop("created_at")
    report["source"].pop("engine")
    return report


def test_spark_and_local_give_identical_json_reports(spark: object, dataset: Path, tmp_path: Path) -> None:
    assert spark.read.csv(str(dataset), header=True).rdd.getNumPartitions() > 1  # type: ignore[attr-defined]
    local = _json_report(dataset, tmp_path / "local.json")
    on_spark = _json_report(dataset, tmp_path / "spark.json", "--engine", "spark", "--spark-master", "local[2]")
    assert on_spark["source"]["engine"] == "spark" and local["source"]["engine"] == "local"
    assert on_spark["findings"] == local["findings"]
    assert _aside(on_spark) == _aside(local)
    # the findings point at rows past the first partition
    rows = [r for f in local["findings"] for r in f["examples"] if isinstance(r, int)]
    assert max(rows) > 50_000


def test_parquet_on_spark_matches_local(spark: object, tmp_path: Path) -> None:
    """With the model-based checks too: their row sample is drawn in the same mergeable pass on
    Spark's partitions, so the suspected rows are the local engine's."""
    table, _ = make_dirty_classification(30_000, seed=5, flip_share=0.05)
    path = tmp_path / "train.parquet"
    pq.write_table(table, path, row_group_size=5_000)
    options = {"target": "label", "ignore_columns": ["id"], "label_noise": True, "sample": 3_000}
    local = dataaudit.audit(path, **options)
    on_spark = dataaudit.audit(path, engine="spark", **options)
    assert on_spark.source.engine == "spark"
    assert _aside(on_spark.to_dict()) == _aside(local.to_dict())
    assert any(t.id == "labels.suspected" and t.rows for t in on_spark.tables)


def test_columns_named_with_dots_and_backticks_audit_on_spark_as_locally(spark: object, tmp_path: Path) -> None:
    """pyspark read `party.facts.id` (a parlspeech column) as a field of `party`, and a backtick
    broke its quoting: the audit stopped before any row was read."""
    path = tmp_path / "dots.csv"
    path.write_text("a.b,c`d,e.f.g,label\n1,x,u,p\n2,y,v,q\n2,y,v,q\n3,x,u,\n")
    for options in ({"target": "label"}, {"target": "e.f.g", "ignore_columns": ["a.b"]}):
        local = dataaudit.audit(path, **options)
        on_spark = dataaudit.audit(path, engine="spark", **options)
        assert _aside(on_spark.to_dict()) == _aside(local.to_dict())
    assert [f.check for f in local.findings][:1] == ["duplicates.rows"]


def test_a_spark_dataframe_goes_to_spark_by_itself(spark: object) -> None:
    table, truth = make_dirty_classification(8_000, seed=2)
    frame = spark.createDataFrame(table).repartition(3)  # type: ignore[attr-defined]
    frame = frame.localCheckpoint()  # repartition shuffles: fix one row order for both passes
    on_spark = dataaudit.audit(frame, target="label", ignore_columns=["id"])
    assert on_spark.source.engine == "spark"
    assert on_spark.dataset.rows == truth["rows"]
    assert on_spark.dataset.duplicates.exact_rows == truth["exact_duplicate_rows"]["count"]
    local = dataaudit.audit(frame.toArrow(), target="label", ignore_columns=["id"])  # same rows, same order
    assert [f.to_dict() for f in on_spark.findings] == [f.to_dict() for f in local.findings]


def test_ragged_csv_on_spark_is_one_line_and_exit_2(spark: object, tmp_path: Path) -> None:
    path = tmp_path / "ragged.csv"
    path.write_text("a,b,label\n1,2,x\n3,4,5,y\n")
    _, err = invoke(["audit", path, "-t", "label", "--engine", "spark"], 2)
    assert err.startswith(f"dataaudit: error: {path}: malformed row") and err.count("\n") == 1


def test_missing_file_fails_before_spark_starts(tmp_path: Path) -> None:
    _, err = invoke(["audit", tmp_path / "nope.csv", "-t", "label", "--engine", "spark"], 2)
    assert err == f"dataaudit: error: {tmp_path / 'nope.csv'}: no such file\n"


def test_the_installed_command_starts_its_own_spark(tmp_path: Path) -> None:
    """No session given: the engine starts one on the master asked for, with this interpreter's workers."""
    out = tmp_path / "spark.json"
    _, err = run(["audit", PENGUINS, "-t", "species", "--engine", "spark", "--spark-master", "local[1]",
                  "-f", "json", "-o", out], 0, timeout=300)
    assert err.splitlines()[-1].startswith("dataaudit: passed")
    on_spark = json.loads(out.read_text())
    local = dataaudit.audit(PENGUINS, target="species").to_dict()
    assert _aside(on_spark) == _aside(local)


def test_spark_reads_slashed_dates_and_epoch_milliseconds_as_the_local_engine(spark: object) -> None:
    """US dates whose first thousand rows read either way (days 1 to 10), and the same times in epoch
    milliseconds: each partition counts both day/month orders, and the merged counts choose
    month first, as the local engine's chunks do."""
    from datetime import date, timedelta

    import pyarrow as pa

    days = [date(2018, 1, 1) + timedelta(days=d) for d in range(60) for _ in range(100)]
    table = pa.table({"when": [f"{d:%m/%d/%Y}" for d in days],
                      "created_ms": [int((d - date(1970, 1, 1)).total_seconds()) * 1000 for d in days],
                      "x": [i % 100 * 0.37 for i in range(len(days))],
                      "label": ["ab"[i % 2] for i in range(len(days))]})
    frame = spark.createDataFrame(table.to_pandas()).localCheckpoint()  # type: ignore[attr-defined]
    assert frame.rdd.getNumPartitions() > 1
    for column in ("when", "created_ms"):
        on_spark = dataaudit.audit(frame, target="label", time_column=column)
        assert on_spark.source.engine == "spark"
        periods = on_spark.profile.periods
        assert [(p.name, p.rows) for p in periods.periods] == [("2018-01", 3100), ("2018-02", 2800), ("2018-03", 100)]
        assert periods == dataaudit.audit(table, target="label", time_column=column).profile.periods
