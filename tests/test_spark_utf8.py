"""A UTF-8 file with a byte that is no UTF-8 past the lines the local reader checks first is
refused on Spark as it is locally, naming the line and the byte: Spark's readers would read the
byte as U+FFFD, pass the audit and write the replacement into a clean's output."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import dataaudit
from tests.cli_helpers import RUNNERS, Runner, invoke
from tests.test_spark_engine import spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the table tests

#: past the first chunk (65,536 rows), which the local probe decodes before Spark reads a line
ROWS = 70_000
BAD_LINE = 69_991  # 1-based, the header line 1


def _csv(path: Path, cell: bytes) -> Path:
    rows = [b"size,note,label", *(b"%d,n%d,%s" % (i % 7, i % 11, b"yes" if i % 2 else b"no") for i in range(ROWS))]
    rows[BAD_LINE - 1] = b"3," + cell + b",yes"
    path.write_bytes(b"\n".join(rows) + b"\n")
    return path


def _jsonl(path: Path, cell: bytes) -> Path:
    lines = [json.dumps({"size": i % 7, "note": f"n{i % 11}", "label": "yes" if i % 2 else "no"}).encode()
             for i in range(ROWS)]
    lines[BAD_LINE - 1] = b'{"size": 3, "note": "' + cell + b'", "label": "yes"}'
    path.write_bytes(b"\n".join(lines) + b"\n")
    return path


@pytest.mark.parametrize("write", [_csv, _jsonl], ids=["csv", "jsonl"])
@pytest.mark.parametrize("runner", RUNNERS)
def test_a_byte_no_utf8_is_refused_on_spark_as_locally(runner: Runner, write: Any, tmp_path: Path) -> None:
    table = write(tmp_path / f"bad.{write.__name__[1:]}", b"caf\xe9")
    expected = f"{table}:{BAD_LINE}: not valid UTF-8 text (byte 0xe9); pass --encoding, e.g. cp1252"
    _, local = invoke(["audit", table, "--target", "label"], 2)
    _, on_spark = runner(["audit", table, "--target", "label", "--engine", "spark", "--spark-master", "local[2]"], 2)
    assert expected in local
    assert on_spark.strip().splitlines()[-1] == local.strip().splitlines()[-1] == f"dataaudit: error: {expected}"


def test_a_spark_clean_of_such_a_file_writes_nothing(tmp_path: Path) -> None:
    table = _csv(tmp_path / "bad.csv", b"caf\xe9")
    out = tmp_path / "out.parquet"
    _, err = invoke(["clean", table, "--target", "label", "-o", out, "--engine", "spark", "--spark-master",
                     "local[2]"], 2)
    assert f"{table}:{BAD_LINE}: not valid UTF-8 text (byte 0xe9)" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.csv"]


def test_a_replacement_character_written_in_utf8_is_read_on_spark(spark: Any, tmp_path: Path) -> None:
    """U+FFFD spelled in UTF-8 (EF BF BD) is a character like any other: no refusal, and the
    cell reads as locally."""
    from dataaudit.engines.spark import SparkEngine

    table = _csv(tmp_path / "fffd.csv", "caf\ufffd".encode())
    local = dataaudit.audit(table, target="label").to_dict()
    on_spark = dataaudit.audit(table, target="label", engine=SparkEngine(session=spark)).to_dict()
    assert local["dataset"]["rows"] == on_spark["dataset"]["rows"] == ROWS
    assert on_spark["findings"] == local["findings"]
