"""A dataset in splits audited on Spark gives the local engine's report: every split profiled over
its partitions, leaked rows, drift and label shift compared alike, the rows' keys joined on the
cluster and never gathered on the driver."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.datasets import NO_ISSUES, make_dirty_splits
from dataaudit.engines.spark_duplicates import signed
from dataaudit.profile import values as v
from dataaudit.profile.rows import combine
from dataaudit.splits.keys import KeyTable, RowKeys
from dataaudit.splits.spark_keys import SparkKeys
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


def _with_column(table: pa.Table, name: str, values: list) -> pa.Table:
    if name in table.column_names:
        return table.set_column(table.column_names.index(name), name, pa.array(values))
    return table.append_column(name, pa.array(values))


@pytest.fixture(scope="module")
def planted_splits(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path, list[int]]:
    """A training file over several partitions and two more splits: the test split copies 4% of
    the training rows, the first 30 of them with another label (more than the 20 examples a
    finding shows); each split draws its patients from a range that overlaps the others', so
    every pair of splits shares groups; validation copies training rows too, every label kept."""
    train, test, truth = make_dirty_splits(30_000, 5_000, seed=6, leaked_share=0.04, rates=NO_ISSUES)
    _, valid, _ = make_dirty_splits(30_000, 3_000, seed=6, leaked_share=0.02, rates=NO_ISSUES)
    labels = test.column("label").to_pylist()
    flipped = truth["leaked_rows"][:30]
    for row in flipped:
        labels[row] = "dog" if labels[row] != "dog" else "cat"
    test = _with_column(test, "label", labels)
    rng = np.random.default_rng(8)
    tables = {"train": train, "test": test, "valid": valid}
    paths = {}
    folder = tmp_path_factory.mktemp("splits")
    for i, (name, table) in enumerate(tables.items()):
        patients = [f"p{p}" for p in rng.integers(i * 500, 2_000 + i * 500, table.num_rows)]
        paths[name] = folder / f"{name}.csv"
        pacsv.write_csv(_with_column(table, "patient", patients), paths[name])
    return paths["train"], paths["test"], paths["valid"], flipped


def test_leaks_label_conflicts_and_shared_groups_on_spark_report_as_locally(
        spark: object, planted_splits: tuple[Path, Path, Path, list[int]], tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch) -> None:
    """The comparison on the cluster finds the local engine's leaked rows (with the training row
    each repeats), label conflicts across splits and shared groups of every pair of splits, to
    the counts and the example rows; the driver never builds a split's keys or hashes in memory."""
    import dataaudit.profile.extract
    from dataaudit.splits.keys import KeysPartial

    train, test, valid, flipped = planted_splits
    args = ("--split", f"valid={valid}", "--group-column", "patient")
    local = _report(train, test, tmp_path / "local.json", *args)

    def refuse(*_: object) -> None:
        raise AssertionError("a split's row keys or hashes were gathered on the driver")

    monkeypatch.setattr(KeysPartial, "extract", refuse)
    monkeypatch.setattr(dataaudit.profile.extract, "find_duplicates_by_part", refuse)
    on_spark = _report(train, test, tmp_path / "spark.json", *args, "--engine", "spark", "--spark-master", "local[2]")
    assert on_spark["source"].pop("engine") == "spark" and local["source"].pop("engine") == "local"
    assert _drift(on_spark) == pytest.approx(_drift(local), rel=0.1, abs=SKETCH_ERROR)
    assert on_spark == local
    findings = {(f["check"], f["details"].get("split")): f for f in local["findings"]}
    assert findings[("splits.leakage_labels", "test")]["observed"] == len(flipped)
    assert findings[("splits.leakage_labels", "test")]["examples"] == flipped[:20]
    assert findings[("splits.leakage", "valid")]["details"]["leaked_rows"] > 0
    overlaps = {(f["details"]["split"], f["details"]["other"]) for f in local["findings"]
                if f["check"] == "splits.group_leakage"}
    assert overlaps == {("test", "train"), ("valid", "train"), ("valid", "test")}


def test_a_split_lacking_a_column_on_spark_reports_as_locally(
        spark: object, planted_splits: tuple[Path, Path, Path, list[int]], tmp_path: Path) -> None:
    """A validation split without a column: the reference's rows are keyed on the cluster once
    for each set of columns a split shares with it, so the test split's leaked rows are still
    compared on every column, and the group counts see each reference row once."""
    train, test, valid, _ = planted_splits
    narrow = tmp_path / "valid.csv"
    table = pacsv.read_csv(valid)
    pacsv.write_csv(table.drop_columns(["num_b"]), narrow)
    args = ("--split", f"valid={narrow}", "--group-column", "patient")
    local = _report(train, test, tmp_path / "local.json", *args)
    on_spark = _report(train, test, tmp_path / "spark.json", *args, "--engine", "spark", "--spark-master", "local[2]")
    assert on_spark["source"].pop("engine") == "spark" and local["source"].pop("engine") == "local"
    assert _drift(on_spark) == pytest.approx(_drift(local), rel=0.1, abs=SKETCH_ERROR)
    assert on_spark == local
    compared = {f["details"]["split"]: f["details"]["features_compared"] for f in local["findings"]
                if f["check"] == "splits.leakage"}
    assert "num_b" in compared["test"] and "num_b" not in compared["valid"]


def _keys(draw: st.DrawFn, n: int) -> RowKeys:
    """Row keys from a few small values, so that features, labels and groups repeat within and
    across splits; hashes over all 64 bits, the sign bit too, as real ones are."""
    def column(salt: int, values: int) -> np.ndarray:
        drawn = np.array(draw(st.lists(st.integers(0, values), min_size=n, max_size=n)), dtype=np.uint64)
        return combine([drawn, np.full(n, salt, dtype=np.uint64)], n)

    label = column(2, 3)
    label[np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)] = v.NULL_HASH
    group = column(3, 6)
    group[np.array(draw(st.lists(st.booleans(), min_size=n, max_size=n)), dtype=bool)] = v.NULL_HASH
    return RowKeys(column(1, 8), label, group)


@st.composite
def two_splits(draw: st.DrawFn) -> tuple[RowKeys, RowKeys]:
    return _keys(draw, draw(st.integers(0, 40))), _keys(draw, draw(st.integers(0, 40)))


def _answers(ref: KeyTable, other: KeyTable, folded: dict[int, int] | None) -> list:
    """Every answer a `KeyTable` gives, after the steps the comparison takes."""
    ref, other = ref.relabelled(folded), other.relabelled(folded)
    leaked = other.semi(ref, ("features",))
    conflicting = leaked.labelled().anti(ref.labelled(), ("features", "label"))
    shared = other.grouped().semi(ref.grouped(), ("group",))
    rows, sources = leaked.first_with_sources(ref, 5)
    return [leaked.count(), rows.tolist(), sources.tolist(), conflicting.count(), conflicting.first_rows(5).tolist(),
            shared.count(), shared.distinct("group"), other.grouped().distinct("group"), shared.first_rows(5).tolist()]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(splits=two_splits(), fold=st.sampled_from(["raw", "none", "folded"]))
def test_key_table_on_spark_answers_as_in_memory(spark: object, splits: tuple[RowKeys, RowKeys], fold: str) -> None:
    """Whatever the keys, the joins on the cluster give the arrays' counts and first rows; with
    labels folded (two spellings of one class), kept raw (a regression target) or absent."""
    ref, other = splits
    labels = [int(h) for h in combine([np.arange(4, dtype=np.uint64), np.full(4, 2, dtype=np.uint64)], 4)]
    folded = {"raw": None, "none": {}, "folded": {labels[0]: 7, labels[1]: 7, labels[2]: 9}}[fold]
    on_cluster = [_on_spark(spark, keys) for keys in splits]
    assert _answers(*on_cluster, folded) == _answers(ref, other, folded)


def _on_spark(spark: object, keys: RowKeys) -> SparkKeys:
    """The same keys as a DataFrame of signed longs, as the Spark engine's pass leaves them."""
    assert keys.group is not None
    rows = [(i, *(signed(int(h)) for h in row)) for i, row in enumerate(zip(keys.features, keys.label, keys.group,
                                                                           strict=True))]
    return SparkKeys(spark.createDataFrame(rows, "row long, features long, label long, group long"))  # type: ignore[attr-defined]
