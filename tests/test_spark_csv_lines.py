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


def test_quoted_crlf_line_ends_keep_their_bytes_on_spark(spark: Any, tmp_path: Path) -> None:
    """Rows ending in \\r\\n, and quoted fields holding \\r\\n, \\n or \\r: Spark keeps each
    field's bytes as the local reader does, so `two\\r\\nlines` and `two\\nlines` stay two values
    (rows 1 and 2 are no duplicates) while rows 3 and 4 are."""
    from dataaudit.engines.spark import SparkEngine

    table = tmp_path / "crlf.csv"
    rows = [b'0,"one",yes', b'1,"two\r\nlines",no', b'1,"two\nlines",no', b'2,"a\rb",yes', b'2,"a\rb",yes']
    rows += [b'%d,"note %d",%s' % (i % 7, i, b"yes" if i % 3 else b"no") for i in range(5, 60)]
    table.write_bytes(b"\r\n".join([b"size,note,label", *rows]) + b"\r\n")
    local = dataaudit.audit(table, target="label").to_dict()
    on_spark = dataaudit.audit(table, target="label", engine=SparkEngine(session=spark)).to_dict()
    assert local["dataset"]["rows"] == 60
    duplicates = next(f for f in local["findings"] if f["check"] == "duplicates.rows")
    assert duplicates["examples"] == [4]
    assert comparable(on_spark) == comparable(local)


def test_a_file_whose_rows_end_unlike_is_refused_on_spark_naming_the_row(tmp_path: Path) -> None:
    from tests.cli_helpers import run

    table = tmp_path / "mixed.csv"
    table.write_bytes(b'size,note,label\r\n1,"two\r\nlines",no\r\n2,plain,yes\n3,other,no\r\n')
    _, err = run(["audit", table, "--target", "label", "--engine", "spark"], 2)
    assert "row 1 ends its line unlike the header (\\r\\n)" in err
    assert len(err.strip().splitlines()) == 1
