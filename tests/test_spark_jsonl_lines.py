"""A JSON Lines table on Spark is parsed once: what a whole read tells of it (its bad lines, late
keys, columns of numbers alone) comes back with the pass's partials, as the local reader learns
it while it reads, and the report is the local one all the same, bad lines included."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from dataaudit.engines.spark import SparkEngine
from dataaudit.errors import InputError
from tests.cli_helpers import invoke
from tests.test_spark_engine import _aside, spark

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]

FIRST_ROWS = 65_540  # past the 65,536 rows the columns are read from
BAD = ['{"a": 1, "label": ', "[1, 2]", '{"a": 2 "label": "p"}']
ENGINES = {"local": [], "spark": ["--engine", "spark", "--spark-master", "local[2]"]}


def _bad_lines(path: Path) -> Path:
    """Rows of a number, a string and a label; past the rows the columns are read from, three bad
    lines (a cut object, an array, a missing comma) and a late key. Over 2 MB: two partitions."""
    rows = [json.dumps({"a": i % 50, "b": f"w{i}", "label": "pq"[i % 2]}) + "\n" for i in range(FIRST_ROWS)]
    rows[FIRST_ROWS - 3] = BAD[0] + "\n"
    rows += [BAD[1] + "\n", '{"a": 7, "b": "x", "label": "p", "extra": "s"}\n', BAD[2] + "\n"]
    path.write_text("".join(rows))
    return path


@pytest.fixture(scope="module")
def bad_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _bad_lines(tmp_path_factory.mktemp("bad") / "bad.jsonl")


def test_opening_a_json_lines_table_parses_none_of_its_lines(spark: Any, bad_file: Path) -> None:
    """A bad line past the first rows stops no opening, which parses no line: the pass parses
    them, and a read of every line before it (a clean's) stops there with the local error."""
    engine = SparkEngine(session=spark)
    source = engine.open(bad_file, delimiter=None, encoding=None, chunk_rows=65_536, bad_rows="error")
    assert (source.problems, source.late_keys) == ([], {})
    with pytest.raises(InputError, match=f"^{re.escape(str(bad_file))}:{FIRST_ROWS - 2}: not valid JSON"):
        engine.read_through(source)


def test_bad_lines_past_the_first_rows_are_set_aside_as_locally(spark: Any, bad_file: Path, tmp_path: Path) -> None:
    assert spark.read.text(str(bad_file)).rdd.getNumPartitions() > 1
    reports = []
    for engine, options in ENGINES.items():
        out = tmp_path / f"{engine}.json"
        invoke(["audit", bad_file, "-t", "label", "--bad-rows", "skip", "-f", "json", "-o", out, *options], 1)
        reports.append(json.loads(out.read_text()))
    local, on_spark = reports
    assert _aside(on_spark) == _aside(local)
    bad = next(f for f in on_spark["findings"] if f["check"] == "source.bad_rows")
    assert bad["examples"] == [FIRST_ROWS - 2, FIRST_ROWS + 1, FIRST_ROWS + 3]
    late = next(f for f in on_spark["findings"] if f["check"] == "source.late_keys")
    assert late["examples"] == [FIRST_ROWS + 2]


def test_a_bad_line_past_the_first_rows_is_the_local_error(spark: Any, bad_file: Path) -> None:
    errors = [invoke(["audit", bad_file, "-t", "label", *options], 2)[1] for options in ENGINES.values()]
    assert errors[1] == errors[0]
    assert errors[0].startswith(f"dataaudit: error: {bad_file}:{FIRST_ROWS - 2}: ")
