"""A JSON Lines key first met past the rows the columns are read from, on Spark: the audit names
it on the line the local engine names (`source.late_keys`), its report equal to the local one
apart from the engine, and a clean on Spark refuses the file in one line naming the key and its
line, writing nothing (Spark's JSON reader cannot give the key's values as the local clean
writes them)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dataaudit.io import open_source
from tests.cli_helpers import invoke
from tests.test_spark_engine import _aside, spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the engine's tests

FIRST_ROWS = 65_540  # past the 65,536 rows the columns are read from


def _late_file(path: Path) -> Path:
    """Three small columns on the first rows; then a blank line, `extra` on a line ending in
    `\\r\\n`, `zz` (null: a key all the same) and `nest` on one line, and `extra` again. The
    file is over 2 MB, so Spark reads it in two partitions and the late keys are in the second."""
    rows = [json.dumps({"a": i % 50, "b": f"w{i}", "label": "pq"[i % 2]}) + "\n" for i in range(FIRST_ROWS)]
    rows += ["\n", '{"a": 1, "b": "x", "label": "p", "extra": 1.50}\r\n',
             '{"a": 2, "zz": null, "b": "y", "label": "q", "nest": {"k": [1, 2]}}\n',
             '{"a": 3, "b": "z", "label": "q", "extra": "s"}\n']
    path.write_bytes("".join(rows).encode())
    return path


@pytest.fixture(scope="module")
def late_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _late_file(tmp_path_factory.mktemp("late") / "late.jsonl")


def _report(path: Path, out: Path, *args: str, code: int = 0) -> dict:
    invoke(["audit", path, "--target", "label", "-f", "json", "-o", out, *args], code)
    return json.loads(out.read_text())


def _late_keys_as_local_finds_them(spark: Any, path: Path) -> Any:
    """The file opened on Spark, whose late keys are asserted equal to the local reader's."""
    from dataaudit.engines.spark import SparkEngine

    local = open_source(path, chunk_rows=65_536)
    for _ in local.read():
        pass
    engine = SparkEngine(session=spark)
    on_spark = engine.open(path, delimiter=None, encoding=None, chunk_rows=65_536, bad_rows="error")
    engine.read_through(on_spark)  # known to a read of every line, as locally
    assert on_spark.late_keys == local.late_keys
    return on_spark


def test_spark_names_the_late_keys_on_the_lines_the_local_reader_names(spark: Any, late_file: Path) -> None:
    assert spark.read.text(str(late_file)).rdd.getNumPartitions() > 1
    on_spark = _late_keys_as_local_finds_them(spark, late_file)
    assert [(k.key, k.line) for k in on_spark.late_keys.values()] == [
        ("extra", FIRST_ROWS + 2), ("zz", FIRST_ROWS + 3), ("nest", FIRST_ROWS + 3)]


def test_spark_and_local_reports_are_equal_with_late_keys(spark: Any, late_file: Path, tmp_path: Path) -> None:
    # the late keys, audited as the columns a clean writes them as, are nearly all missing: both fail
    local = _report(late_file, tmp_path / "local.json", code=1)
    on_spark = _report(late_file, tmp_path / "spark.json", "--engine", "spark", "--spark-master", "local[2]", code=1)
    assert on_spark["source"]["engine"] == "spark"
    assert _aside(on_spark) == _aside(local)
    assert [c["name"] for c in on_spark["dataset"]["column_profiles"]][-3:] == ["extra", "zz", "nest"]
    late = next(f for f in on_spark["findings"] if f["check"] == "source.late_keys")
    assert (late["severity"], late["examples"]) == ("warn", [FIRST_ROWS + 2, FIRST_ROWS + 3, FIRST_ROWS + 3])


def test_a_file_without_late_keys_opens_with_none(spark: Any, tmp_path: Path) -> None:
    """Every key in the first rows: Spark's schema holds no other key, and no line is read for one."""
    from dataaudit.engines.spark import SparkEngine

    data = tmp_path / "early.jsonl"
    data.write_text('{"a": 1, "label": "p"}\n{"label": "q", "b": 2}\n{"a": 3}\n')
    source = SparkEngine(session=spark).open(data, delimiter=None, encoding=None, chunk_rows=2, bad_rows="error")
    assert (source.columns, source.late_keys) == (["a", "label", "b"], {})


def test_a_clean_on_spark_refuses_late_keys_in_one_line_and_writes_nothing(spark: Any, late_file: Path,
                                                                           tmp_path: Path) -> None:
    out = tmp_path / "out.parquet"
    _, err = invoke(["clean", late_file, "-t", "label", "-o", out, "--engine", "spark",
                     "--spark-master", "local[2]"], 2)
    assert err == (f"dataaudit: error: {late_file}:{FIRST_ROWS + 2}: key 'extra' first appears after the first "
                   "65,536 rows (JSON objects), which the columns are read from (and 2 more late keys); clean on "
                   "Spark cannot write it as the local clean does: use --engine local\n")
    assert list(tmp_path.iterdir()) == []


def test_a_late_key_on_a_line_holding_nan_is_named_and_refused(spark: Any, tmp_path: Path) -> None:
    """The JVM lists no keys of a line holding `NaN` (which Spark's reader and Python's `json`
    read): such a key is placed by the local reader, so a clean on Spark still refuses the file
    rather than writing it without the key."""
    data = tmp_path / "nan.jsonl"
    data.write_text("".join(json.dumps({"a": i % 50, "label": "pq"[i % 2]}) + "\n" for i in range(FIRST_ROWS))
                    + '{"a": NaN, "label": "p", "secret": "s-1"}\n')
    on_spark = _late_keys_as_local_finds_them(spark, data)
    assert [(k.key, k.line) for k in on_spark.late_keys.values()] == [("secret", FIRST_ROWS + 1)]
    out = tmp_path / "out"
    out.mkdir()
    _, err = invoke(["clean", data, "-t", "label", "-o", out / "clean.parquet", "--engine", "spark",
                     "--spark-master", "local[2]"], 2)
    assert err.startswith(f"dataaudit: error: {data}:{FIRST_ROWS + 1}: key 'secret' first appears after the first "
                          "65,536 rows")
    assert list(out.iterdir()) == []
