"""Duplicates and conflicts on Spark come from a group-by on the cluster, and equal the local
engine's to the last example row number; the driver never gathers the rows' hashes."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets import make_dirty_classification
from dataaudit.profile.duplicates import find_duplicates
from dataaudit.profile.rows import combine
from tests.cli_helpers import invoke, run
from tests.conftest import SPARK_SUBMIT_ARGS
from tests.test_spark_engine import spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests

COPIES = 30  # more than the report's 20 examples, so the cap decides which rows are shown


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A CSV over several Spark partitions with planted repeats: one row copied 30 times across
    the file (exact duplicates), one row's features 30 times with other ids (feature
    duplicates), one row's features 30 times with alternating labels, some missing and some
    spelled `Cat` for `cat` (a conflict group larger than the examples shown)."""
    table, _ = make_dirty_classification(30_000, seed=3)
    rng = np.random.default_rng(7)
    n = table.num_rows
    order = np.arange(n)
    exact, feature, conflict = (np.full(COPIES, source) for source in (11, 12, 13))
    positions = np.sort(rng.choice(n, 3 * COPIES, replace=False))
    plants = np.concatenate([exact, feature, conflict])[rng.permutation(3 * COPIES)]
    order = np.insert(order, positions, plants)
    planted = table.take(order)
    ids = np.array(planted.column("id").to_pylist(), dtype=object)
    labels = np.array(planted.column("label").to_pylist(), dtype=object)
    inserted = positions + np.arange(3 * COPIES)
    for i, at in enumerate(inserted[plants == 12]):
        ids[at] = f"copy{i}"
    for i, at in enumerate(inserted[plants == 13]):
        ids[at] = f"conflict{i}"
        labels[at] = ("Cat", "dog", None)[i % 3]
    planted = planted.set_column(0, "id", pa.array(ids)).set_column(
        planted.schema.get_field_index("label"), "label", pa.array(labels))
    path = tmp_path_factory.mktemp("planted") / "planted.csv"
    pacsv.write_csv(planted, path)
    return path


def _json_findings(path: Path, out: Path, *args: str) -> list[dict]:
    invoke(["audit", path, "--target", "label", "--ignore-column", "id", "-f", "json", "-o", out, *args], 1)
    return json.loads(out.read_text())["findings"]


def test_spark_finds_the_planted_duplicates_and_conflicts_as_locally(spark: object, planted: Path,
                                                                     tmp_path: Path) -> None:
    from pyspark.sql.functions import spark_partition_id

    counts = spark.read.csv(str(planted), header=True).groupBy(spark_partition_id()).count()  # type: ignore[attr-defined]
    first_partition = min(counts.collect())[1]
    assert counts.count() > 1
    options = {"target": "label", "ignore_columns": ["id"]}
    local = dataaudit.audit(planted, **options).profile.duplicates
    on_spark = dataaudit.audit(planted, engine="spark", **options).profile.duplicates
    assert on_spark == local
    assert local.exact_rows >= COPIES - 1 and local.feature_rows >= 2 * COPIES - 2
    biggest = max(local.conflict_examples, key=lambda g: g.size)
    assert biggest.size > len(biggest.rows) == 20 and {"cat", "dog"} <= set(biggest.labels)
    assert max(biggest.rows) > first_partition  # numbered across partitions
    local_findings = _json_findings(planted, tmp_path / "local.json")
    spark_findings = _json_findings(planted, tmp_path / "spark.json", "--engine", "spark",
                                    "--spark-master", "local[2]")
    assert spark_findings == local_findings
    assert {"duplicates.rows", "duplicates.features", "labels.conflicts"} <= {f["check"] for f in local_findings}


def test_the_driver_never_gathers_row_hashes(spark: object, planted: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The local finder, which needs every row's hashes in this process, is never called."""
    import dataaudit.profile.extract

    def refuse(*_: object) -> None:
        raise AssertionError("the row hashes were gathered on the driver")

    monkeypatch.setattr(dataaudit.profile.extract, "find_duplicates_by_part", refuse)
    report = dataaudit.audit(planted, target="label", ignore_columns=["id"], engine="spark")
    assert report.dataset.duplicates.exact_rows >= COPIES - 1


def _hash(values: np.ndarray, salt: int) -> np.ndarray:
    """Small numbers spread over all 64 bits, the sign bit too, like real value hashes."""
    return combine([values.astype(np.uint64), np.full(len(values), salt, dtype=np.uint64)], len(values))


rows_strategy = st.lists(st.tuples(st.integers(0, 5), st.integers(0, 4), st.integers(0, 2)), min_size=1,
                         max_size=60)


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows_strategy, k=st.integers(1, 4))
def test_the_cluster_group_by_equals_the_local_finder(spark: object, rows: list[tuple[int, int, int]],
                                                      k: int) -> None:
    """Any rows: features, a label (4 is missing; 1 and 2 fold to the same label) and a column
    outside the features; the cluster's counts and examples are the local finder's."""
    from dataaudit.engines.spark_duplicates import HASHES_SCHEMA, find_duplicates_on_cluster

    features_value, label_value, other = (np.array(column) for column in zip(*rows, strict=True))
    features, label = _hash(features_value, 1), _hash(label_value, 2)
    whole = combine([features, _hash(other, 3)], len(rows))
    label_keys = {int(h): key for value, key in [(0, "a"), (1, "b"), (2, "b"), (3, "c")]
                  for h in _hash(np.array([value]), 2)}
    numbers = np.arange(len(rows), dtype=np.int64) * 3 + 5  # row numbers need not start at 0
    local = find_duplicates(numbers, features, label, whole, label_keys, k)
    table = pa.table({"row": numbers, **{name: pa.array(h.view(np.int64)) for name, h in
                                         (("features", features), ("label", label), ("whole", whole))}})
    hashes = spark.createDataFrame(table.to_pylist(), HASHES_SCHEMA)  # type: ignore[attr-defined]
    assert find_duplicates_on_cluster(hashes, label_keys, k, len(rows)) == local


def test_a_row_fetched_on_spark_is_the_local_engines_row(spark: object, planted: Path) -> None:
    """Any row number, in any partition, picks the row the local reader reads at that number;
    past the last row, none. The frame is split in several partitions (the session's small
    `maxPartitionBytes`), so a number's partition and its place in it must both be right."""
    from pyspark.sql.functions import spark_partition_id

    from dataaudit.engines.spark import SparkEngine, partition_offsets
    from dataaudit.io import open_source

    local = open_source(planted)
    on_spark = SparkEngine(session=spark).open(planted, delimiter=None, encoding=None, chunk_rows=65_536,
                                               bad_rows="error")
    offsets = partition_offsets(on_spark.frame)  # type: ignore[attr-defined]
    assert len(offsets) > 1 and on_spark.frame.select(spark_partition_id()).distinct().count() > 1  # type: ignore[attr-defined]
    rows = sum(count for _, count in offsets.values())
    starts = sorted(start for start, _ in offsets.values())
    numbers = {0, rows - 1, *starts, *(start - 1 for start in starts[1:]), starts[-1] + 17}
    for number in sorted(numbers):
        assert on_spark.row_at(number) == local.row_at(number), number
    assert on_spark.row_at(rows) is None and local.row_at(rows) is None


def test_the_quoted_feature_row_reaches_the_driver_alone(planted: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """The installed command on Spark, with the driver taking at most 4 MiB of results per job
    (the rows of the file's one partition take more, a partition's partial less): the audit ends
    as the local engine's, its label conflict quoting the same feature row. Streaming the
    partitions up to the quoted row once failed here, as it failed at 4,000,000 rows with
    Spark's defaults."""
    args = ["audit", planted, "--target", "label", "--ignore-column", "id", "-f", "json"]
    run([*args, "-o", tmp_path / "local.json"], 1)
    monkeypatch.setenv("PYSPARK_SUBMIT_ARGS", f"{SPARK_SUBMIT_ARGS} --conf spark.driver.maxResultSize=4m pyspark-shell")
    monkeypatch.setenv("PYSPARK_PYTHON", sys.executable)
    _, stderr = run([*args, "-o", tmp_path / "spark.json", "--engine", "spark", "--spark-master", "local[2]"], 1,
                    timeout=600)
    assert "Traceback" not in stderr
    local, on_spark = (json.loads((tmp_path / f"{name}.json").read_text())["findings"] for name in ("local", "spark"))
    assert on_spark == local
    conflict = next(f for f in on_spark if f["check"] == "labels.conflicts")
    assert conflict["details"]["feature_row"]["row"] == conflict["details"]["examples"][0]["rows"][0]
