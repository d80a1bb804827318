"""A JSON Lines table's numbers and strings read on Spark as the local reader reads them: each
number as its text as written (`1`, `1.0` and `1e0` three values, an integer past 2**53 whole)
and the string `"1"` apart from the number `1`, so both engines find the same duplicates and the
same label conflicts."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke
from tests.test_spark_engine import _aside, spark
from tests.test_spark_json_nested import reports_on_both_engines

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]

#: one value each way of writing it: Spark's JSON reader made the first three one double, the
#: fourth its text, and the big integers doubles that are equal
SPELLINGS = ["1", "1.0", "1e0", '"1"', "2.50", "2.5", str(2**53 + 1), str(2**53 + 2), '"2.50"']


def _numbers(path: Path) -> Path:
    """Rows whose `x` is written each way, several times, with a label that sometimes disagrees
    among rows holding the same text; a second number column and a string column beside."""
    with path.open("w", encoding="utf-8") as out:
        for i in range(180):
            x = SPELLINGS[i % len(SPELLINGS)]
            y = SPELLINGS[(i // 3) % len(SPELLINGS)] if i % 2 else "0"
            label = json.dumps("yes" if (i // 7) % 2 else "no")
            out.write(f'{{"x": {x}, "y": {y}, "name": "n{i % 4}", "label": {label}}}\n')
    return path


def test_numbers_as_written_give_the_same_findings_on_both_engines(spark: object, tmp_path: Path) -> None:
    local, on_spark = reports_on_both_engines(_numbers(tmp_path / "numbers.jsonl"), 1, tmp_path)
    found = {f["check"] for f in local["findings"]}
    assert {"duplicates.rows", "labels.conflicts"} <= found, found
    assert on_spark["findings"] == local["findings"]
    assert _moments_rounded(_aside(on_spark)) == _moments_rounded(_aside(local))


def _moments_rounded(report: dict) -> dict:
    """`report` with each column's standard deviation to 12 digits: merging the partitions'
    moments rounds its last bit otherwise than one pass does (a CSV file of these numbers split
    at the same row differs alike), which is no part of reading the numbers."""
    profiles = []
    for column in report["dataset"]["column_profiles"]:
        numeric = column.get("numeric")
        if numeric and numeric.get("std") is not None:
            column = dict(column, numeric=dict(numeric, std=float(f"{numeric['std']:.12g}")))
        profiles.append(column)
    return dict(report, dataset=dict(report["dataset"], column_profiles=profiles))


def _parts(folder: Path) -> pa.Table:
    return pa.concat_tables([pq.read_table(part) for part in sorted(folder.glob("*.parquet"))])


def test_numbers_as_written_are_cleaned_alike_on_both_engines(spark: object, tmp_path: Path) -> None:
    """Both write Parquet, where the string `"1"` and the number `1` are one text, so both judge
    the rows without JSON types: the same rows kept, the same rows quarantined, the same steps."""
    data = _numbers(tmp_path / "numbers.jsonl")
    allow = "--allow-large-quarantine"
    invoke(["clean", data, "-t", "label", "-o", tmp_path / "local.parquet", allow], 0)
    invoke(["clean", data, "-t", "label", "-o", tmp_path / "spark.parquet", allow, "--engine", "spark"], 0)
    local, on_spark = pq.read_table(tmp_path / "local.parquet"), _parts(tmp_path / "spark.parquet")
    assert on_spark.to_pylist() == local.to_pylist()
    quarantined = [pq.read_table(tmp_path / "local.quarantine.parquet"), _parts(tmp_path / "spark.quarantine.parquet")]
    assert sorted(quarantined[1].to_pylist(), key=lambda row: row["_row"]) == quarantined[0].to_pylist()
    manifests = [json.loads((tmp_path / f"{name}.manifest.json").read_text()) for name in ("local", "spark")]
    assert manifests[1]["steps"] == manifests[0]["steps"]
