"""`--decimal ,`: a CSV file's numbers written with a decimal comma (`12,5`) are numbers.

Files on disk, through click's runner and the installed command: without the option such a
column is text (`columns.formatted_numbers`), with it every numeric check reads it (an outlier,
drift between splits); the cells read as numbers are those pandas' `read_csv(decimal=",")`
reads as floats, no more; `clean` writes every cell no step changed byte for byte and the
numbers it computes with the comma; and the option is refused in one line where it cannot apply.
"""

from __future__ import annotations

import csv
import io
import json
import random
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.cli import cli
from dataaudit.errors import InputError
from dataaudit.io.decimal_comma import exchanged, number_pattern
from dataaudit.preprocess.clean import clean
from tests.cli_helpers import invoke, run

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
Runner = Callable[..., tuple[str, str]]
#: what the option reads as a number, and what it leaves text, as pandas does
CELLS = ["12,5", "-0,25", ",5", "5,", "+3,0", "1,5e3", "1,5E-2", " 7,0 ", "12", "1e3", "inf", "nan",
         "1.5", "1.200,5", "1 200,5", "12,5 €", "12,5,1", "a,5", "", "-", ","]
KEPT_AS_READ = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
                "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
                "drop_empty_columns: false}\n")


def _comma(number: float) -> str:
    return f"{number}".replace(".", ",")


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, delimiter=";", lineterminator="\n").writerows([header, *rows])
    return path


def _prices(path: Path, mean: float = 10.0, outliers: bool = True, seed: int = 1) -> Path:
    """200 rows, `price` written with a decimal comma; one row in six far out."""
    rng = random.Random(seed)
    rows = []
    for i in range(200):
        price = round(rng.gauss(mean, 1), 4)
        if outliers and i % 6 == 0:
            price = round(price * 40, 1)
        rows.append([_comma(price), rng.choice("ab")])
    return _write(path, ["price", "label"], rows)


def _findings(runner: Runner, data: Path, tmp_path: Path, *args: str) -> set[tuple[str, str | None]]:
    out = tmp_path / "audit.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", out, *args], 0)
    return {(f["check"], f.get("column")) for f in json.loads(out.read_text())["findings"]}


# --- which cells are numbers ----------------------------------------------------------------


@pytest.mark.parametrize("cell", [cell for cell in CELLS if cell.strip().lower() not in ("", "inf", "nan")])
def test_a_cell_is_a_number_exactly_where_pandas_reads_a_float(cell: str) -> None:
    column = pd.read_csv(io.StringIO(f"a;b\n{cell};x\n"), sep=";", decimal=",")["a"]
    handed = exchanged(pa.array([cell]), ",")[0].as_py()
    ours = pc.match_substring_regex(pa.array([handed]), number_pattern("."))[0].as_py()
    assert ours == pd.api.types.is_numeric_dtype(column), (cell, handed, column.dtype)
    if ours:
        assert float(handed) == float(column.iloc[0])


@given(st.lists(st.one_of(st.sampled_from(CELLS), st.text(alphabet="0123456789,.-+eE €", max_size=8)),
                max_size=20))
def test_exchanging_twice_gives_every_cell_back(cells: list[str]) -> None:
    array = pa.array(cells, pa.string())
    assert exchanged(exchanged(array, ","), ",").to_pylist() == cells


# --- audit: the numeric checks read the column ----------------------------------------------


@pytest.mark.parametrize("runner", RUNNERS)
def test_an_outlier_is_found_only_when_the_comma_is_read(tmp_path: Path, runner: Runner) -> None:
    data = _prices(tmp_path / "prices.csv")
    without = _findings(runner, data, tmp_path)
    assert ("columns.formatted_numbers", "price") in without
    assert ("numeric.outliers", "price") not in without
    with_comma = _findings(runner, data, tmp_path, "--decimal", ",")
    assert ("numeric.outliers", "price") in with_comma
    assert ("columns.formatted_numbers", "price") not in with_comma


def test_a_split_is_read_with_the_comma_too(tmp_path: Path) -> None:
    train = _prices(tmp_path / "train.csv", outliers=False, seed=2)
    test = _prices(tmp_path / "test.csv", mean=30.0, outliers=False, seed=3)

    def checks(*args: str) -> set[str]:
        out = tmp_path / "splits.json"
        invoke(["audit", train, "--split", f"test={test}", "-t", "label", "-f", "json", "-o", out, *args], 1)
        return {f["check"] for f in json.loads(out.read_text())["findings"]}

    assert "splits.numeric_drift" not in checks()
    assert "splits.numeric_drift" in checks("--decimal", ",")


def test_thousands_separators_stay_text(tmp_path: Path) -> None:
    rows = [[_comma(10 + i / 7), "ab"[i % 2]] for i in range(60)] + [["1.200,5", "a"]]
    data = _write(tmp_path / "mixed.csv", ["price", "label"], rows)
    report = dataaudit.audit(data, "label", decimal=",")
    assert report.source.decimal == ","
    flagged = {f.check for f in report.findings if f.column == "price"}
    assert "columns.formatted_numbers" in flagged  # `1.200,5` is still a number only a spreadsheet reads


def test_the_python_api_reads_the_comma_where_a_path_is_read(tmp_path: Path) -> None:
    data = _prices(tmp_path / "prices.csv")
    assert "numeric.outliers" in {f.check for f in dataaudit.audit(data, "label", decimal=",").findings}
    with pytest.raises(InputError, match="applies to CSV and TSV files"):
        dataaudit.audit(pd.read_csv(data, sep=";"), "label", decimal=",")


# --- refusals -------------------------------------------------------------------------------


@pytest.mark.parametrize("args, says", [
    (["--decimal", ";"], "is the fields' delimiter too"),
    (["--decimal", ",", "--delimiter", ","], "is the fields' delimiter too"),
    (["--decimal", ",,"], "must be one character"),
    (["--decimal", ""], "must be one character"),
    (["--decimal", "1"], "cannot be '1'"),
    (["--decimal", ",", "--engine", "spark"], "cannot run on the spark engine"),
])
@pytest.mark.parametrize("runner", RUNNERS)
def test_a_decimal_mark_that_cannot_apply_is_refused_in_one_line(tmp_path: Path, runner: Runner, args: list[str],
                                                                 says: str) -> None:
    data = _prices(tmp_path / "prices.csv")
    _, err = runner(["audit", data, *args], 2)
    assert says in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("name", ["rows.parquet", "rows.jsonl"])
@pytest.mark.parametrize("command", ["audit", "clean"])
def test_a_decimal_mark_on_an_input_of_numbers_is_refused(tmp_path: Path, name: str, command: str) -> None:
    data = tmp_path / name
    frame = pd.DataFrame({"x": [1.5, 2.5, 3.5], "label": ["a", "b", "a"]})
    if name.endswith(".parquet"):
        frame.to_parquet(data)
    else:
        frame.to_json(data, orient="records", lines=True)
    args = ["-o", tmp_path / "out.csv"] if command == "clean" else []
    _, err = invoke([command, data, "-t", "label", "--decimal", ",", *args], 2)
    assert "applies to CSV and TSV files" in err and len(err.strip().splitlines()) == 1


# --- clean: cells as written, computed numbers with the comma -------------------------------


def _cells(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle, delimiter=";"))


NUMBERISH = st.one_of(st.sampled_from(CELLS[:-3]), st.text(alphabet="0123456789,.-e", min_size=1, max_size=7),
                      st.decimals(allow_nan=False, allow_infinity=False, places=2).map(lambda d: str(d)),
                      st.decimals(allow_nan=False, allow_infinity=False, places=3).map(lambda d: _comma(d)))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(NUMBERISH, NUMBERISH, st.sampled_from(["x", "y"])), min_size=1, max_size=12))
def test_clean_keeps_every_cell_it_did_not_change_byte_for_byte(tmp_path: Path,
                                                                rows: list[tuple[str, str, str]]) -> None:
    data = _write(tmp_path / "random.csv", ["f1", "f2", "label"], [list(row) for row in rows])
    rules = tmp_path / "kept.yaml"
    rules.write_text(KEPT_AS_READ, encoding="utf-8")
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(cli, ["clean", str(data), "-t", "label", "-o", str(out), "--force", "--rules",
                                      str(rules), "--decimal", ",", "--delimiter", ";"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.stderr
    written = _cells(out)
    assert written[0] == ["f1", "f2", "label"]
    assert written[1:] == [list(row) for row in rows]


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_writes_its_fills_and_scaled_values_with_the_comma(tmp_path: Path, runner: Runner) -> None:
    data = _write(tmp_path / "eu.csv", ["x", "kept", "label"],
                  [["12,5", "12,50", "a"], ["3,25", "1,0", "b"], ["", "2,0", "a"], ["1,5", "3,0", "b"],
                   ["2", "4,0", "a"]])
    rules = tmp_path / "fill.yaml"
    rules.write_text("preprocess: {impute: {numeric: median}}\n", encoding="utf-8")
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "label", "-o", out, "--rules", rules, "--decimal", ",", "--force"], 1)
    assert _cells(out) == [["x", "kept", "label"], ["12,5", "12,50", "a"], ["3,25", "1,0", "b"],
                           ["2,625", "2,0", "a"], ["1,5", "3,0", "b"], ["2", "4,0", "a"]]
    # the output reads back as the input did, with the same option
    assert pd.read_csv(out, sep=";", decimal=",")["x"].tolist() == [12.5, 3.25, 2.625, 1.5, 2.0]
    parquet = tmp_path / "out.parquet"
    runner(["clean", data, "-t", "label", "-o", parquet, "--rules", rules, "--decimal", ",", "--force"], 1)
    table = pq.read_table(parquet)
    assert table.schema.field("x").type == pa.float64()
    assert table.column("x").to_pylist() == [12.5, 3.25, 2.625, 1.5, 2.0]
    assert table.column("kept").to_pylist() == ["12,50", "1,0", "2,0", "3,0", "4,0"]  # text, as written
    scaled = tmp_path / "scaled.csv"
    rules.write_text("preprocess: {impute: {numeric: median}, scale: minmax}\n", encoding="utf-8")
    runner(["clean", data, "-t", "label", "-o", scaled, "--rules", rules, "--decimal", ",", "--force"], 1)
    column = [row[0] for row in _cells(scaled)[1:]]
    assert column[0] == "1" or column[0] == "1,0"
    assert all("." not in cell for cell in column) and any("," in cell for cell in column)


def test_the_python_clean_gives_its_text_cells_as_written(tmp_path: Path) -> None:
    data = _write(tmp_path / "eu.csv", ["x", "n", "label"],
                  [["12,50", "1,5", "a"], ["1.5", "", "b"], ["3,0", "2,5", "a"], ["3,0", "3,5", "b"]])
    rules = tmp_path / "fill.yaml"
    rules.write_text("preprocess: {impute: {numeric: median}}\n", encoding="utf-8")
    result = clean(data, "label", rules, decimal=",")
    assert result.data["x"].tolist() == ["12,50", "1.5", "3,0", "3,0"]  # text, as written
    assert result.data["n"].tolist() == [1.5, 2.5, 2.5, 3.5]  # numbers, the fill among them
    result.write_to(tmp_path / "api.csv")
    assert _cells(tmp_path / "api.csv")[1:] == [["12,50", "1,5", "a"], ["1.5", "2,5", "b"], ["3,0", "2,5", "a"],
                                                ["3,0", "3,5", "b"]]
