"""A CSV file whose quoted fields span lines reads on Spark as it reads locally: the same rows,
numbered alike, the same findings."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from tests.test_spark_engine import spark
from tests.text_helpers import comparable

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests


def _notes_spanning_lines(path: Path, rows: int = 400) -> Path:
    """Every fifth note runs over two or three lines; rows 300 and 301 repeat rows 10 and 11,
    so the duplicate finding names rows after the notes that span lines."""
    records = []
    for i in range(rows):
        note = f"note {i}"
        if i % 5 == 0:
            note += "\nsecond line" + ("\nthird, with a comma" if i % 10 == 0 else "")
        records.append([f"{i % 7}", note, "yes" if i % 3 else "no"])
    records[300], records[301] = records[10], records[11]
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(["size", "note", "label"])
        writer.writerows(records)
    return path


def test_quoted_fields_spanning_lines_read_on_spark_as_locally(spark: Any, tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    table = _notes_spanning_lines(tmp_path / "notes.csv")
    local = dataaudit.audit(table, target="label").to_dict()
    on_spark = dataaudit.audit(table, target="label", engine=SparkEngine(session=spark)).to_dict()
    assert local["dataset"]["rows"] == 400
    assert comparable(on_spark) == comparable(local)
    duplicates = next(f for f in local["findings"] if f["check"] == "duplicates.rows")
    assert duplicates["examples"] == [300, 301]
