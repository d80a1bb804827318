"""clean(...) of a CSV, TSV or JSON Lines file gives its columns of numbers and booleans back
typed where no text is lost, leaves the others text, and writes the same files as before."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.preprocess.typed import typed_table

_HEADER = ["i", "n", "f", "b", "zip", "big", "z", "mixed", "word", "amount"]
_ROWS = [
    ["1", "10", "1.5", "true", "01234", "9223372036854775808", "-0", "1", "cat", "12.50"],
    ["2", "", "40.0", "false", "12345", "9223372036854775809", "0", "1.0", "dog", "3.00"],
    ["3", "9007199254740993", "-2.25", "", "00501", "9223372036854775810", "1.5", "x", "cow", "7.25"],
]
_RULES = "preprocess:\n  duplicates: keep\n  drop_constant_columns: false\n  drop_empty_columns: false\n"


def _text_file(path: Path, delimiter: str) -> Path:
    path.write_text("\n".join(delimiter.join(row) for row in [_HEADER, *_ROWS]) + "\n")
    return path


def _rules(tmp_path: Path) -> Path:
    rules = tmp_path / "rules.yml"
    rules.write_text(_RULES)
    return rules


@pytest.mark.parametrize(("name", "delimiter"), [("t.csv", ","), ("t.tsv", "\t")])
def test_a_text_files_numbers_and_booleans_come_back_typed(tmp_path: Path, name: str, delimiter: str) -> None:
    data = dataaudit.clean(_text_file(tmp_path / name, delimiter), rules=_rules(tmp_path)).data
    assert data["i"].dtype == np.int64 and data["i"].tolist() == [1, 2, 3]
    # a null makes it pandas' nullable Int64, not floats: 2**53 + 1 stays exact
    assert data["n"].dtype == pd.Int64Dtype() and data["n"].tolist() == [10, pd.NA, 2**53 + 1]
    assert data["f"].dtype == np.float64 and data["f"].tolist() == [1.5, 40.0, -2.25]
    assert data["b"].dtype == pd.BooleanDtype() and data["b"].tolist() == [True, False, pd.NA]
    assert data["zip"].tolist() == ["01234", "12345", "00501"]  # a leading zero keeps the codes text
    assert data["big"].tolist() == [str(2**63 + k) for k in range(3)]  # past an int64: text
    assert data["z"].dtype == np.float64 and np.signbit(data["z"][0]) and data["z"].tolist() == [-0.0, 0.0, 1.5]
    assert data["mixed"].tolist() == ["1", "1.0", "x"]
    assert data["word"].tolist() == ["cat", "dog", "cow"]
    assert data["amount"].tolist() == [12.5, 3.0, 7.25]


@pytest.mark.parametrize(("cells", "kept"), [
    (["1", "1.0"], "1 and 1.0 are one float"),
    (["1.5", "1.50"], "two spellings of one float"),
    (["0.1000000000000000055", "2"], "more digits than a float holds"),
    (["9007199254740993", "0.5"], "an integer past 2^53 among floats"),
    (["+1", "2"], "a plus sign"),
    ([" 1", "2"], "blanks"),
    (["1,234", "5"], "a thousands separator"),
    (["1e999", "1"], "an infinity spelled as a number"),
    (["2021-01-02", "2021-01-03"], "dates"),
    (["True", "false"], "two spellings of the booleans"),
])
def test_a_column_that_would_lose_its_text_stays_text(cells: list[str], kept: str) -> None:
    table = typed_table(pa.table({"c": pa.array(cells, pa.string())}))
    assert table.column("c").to_pylist() == cells, kept


def test_a_decimal_comma_files_numbers_are_numbers(tmp_path: Path) -> None:
    path = tmp_path / "eu.csv"
    path.write_text("a;b;c\n12,5;1.5;x\n-0,25;2,0;y\n")
    data = dataaudit.clean(path, rules=_rules(tmp_path), decimal=",").data
    assert data["a"].tolist() == [12.5, -0.25]
    assert data["b"].tolist() == ["1.5", "2,0"]  # a point is no decimal mark in such a file: text


def _jsonl(path: Path) -> Path:
    lines = [{"x": 1.5, "n": 3, "b": True, "s": "1", "m": 1, "o": {"a": 1}, "big": 2**64},
             {"x": 2.50, "n": 4, "b": False, "s": "2", "m": "1", "o": [1], "big": 2**64 + 1},
             {"x": None, "n": None, "b": None, "s": "3", "m": 2, "o": None, "big": None}]
    path.write_text("".join(json.dumps(line).replace("2.5,", "2.50,") + "\n" for line in lines))
    return path


def test_a_jsonl_columns_json_numbers_and_booleans_come_back_typed(tmp_path: Path) -> None:
    data = dataaudit.clean(_jsonl(tmp_path / "t.jsonl"), rules=_rules(tmp_path)).data
    assert data["x"].dtype == np.float64 and data["x"].tolist()[:2] == [1.5, 2.5]
    assert data["n"].dtype == pd.Int64Dtype() and data["n"].tolist() == [3, 4, pd.NA]
    assert data["b"].dtype == pd.BooleanDtype() and data["b"].tolist() == [True, False, pd.NA]
    assert data["s"].tolist() == ["1", "2", "3"]  # JSON strings stay text
    assert data["m"].tolist() == ["1", "1", "2"]  # 1 beside "1": text
    assert data["o"].tolist()[:2] == ['{"a": 1}', "[1]"]  # objects and arrays as their JSON text
    assert data["big"].tolist()[:2] == [str(2**64), str(2**64 + 1)]  # past an int64: text


def test_json_numbers_of_one_value_in_two_spellings_stay_text(tmp_path: Path) -> None:
    """`2.5` and `2.50`, `1` and `1.0` are two rows to the clean (a line's cells as it wrote
    them), so a frame giving both one float would show as duplicates rows it kept apart."""
    path = tmp_path / "n.jsonl"
    path.write_text('{"x": 2.5, "y": 1, "z": 2.50}\n{"x": 2.50, "y": 1.0, "z": 3}\n')
    data = dataaudit.clean(path, rules=_rules(tmp_path)).data
    assert data["x"].tolist() == ["2.5", "2.50"]
    assert data["y"].tolist() == ["1", "1.0"]
    assert data["z"].dtype == np.float64 and data["z"].tolist() == [2.5, 3.0]  # one spelling per value


@pytest.mark.parametrize("name", ["t.csv", "t.jsonl"])
def test_a_column_named_as_text_stays_text(tmp_path: Path, name: str) -> None:
    """`text_columns` says a column holds text, as a column of codes or of short answers does
    whose cells happen to be digits: the caller's word stands over the typing."""
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("code,n\n7,1\n12,2\n")
    else:
        path.write_text('{"code": 7, "n": 1}\n{"code": 12, "n": 2}\n')
    data = dataaudit.clean(path, rules=_rules(tmp_path), text_columns=["code"]).data
    assert data["code"].tolist() == ["7", "12"]
    assert data["n"].dtype == np.int64


def test_a_parquet_files_types_are_its_own(tmp_path: Path) -> None:
    path = tmp_path / "t.parquet"
    pq.write_table(pa.table({"s": pa.array(["1", "2"]), "i": pa.array([1, None], pa.int32())}), path)
    data = dataaudit.clean(path, rules=_rules(tmp_path)).data
    assert data["s"].tolist() == ["1", "2"]  # text by the file's type
    assert data["i"].dtype == pd.Int32Dtype()


@pytest.mark.slow
@pytest.mark.parametrize("name", ["t.csv", "t.tsv", "t.jsonl", "t.csv.gz"])
def test_write_to_writes_the_commands_bytes(tmp_path: Path, name: str) -> None:
    if name == "t.jsonl":
        data = _jsonl(tmp_path / name)
    else:
        data = _text_file(tmp_path / name.removesuffix(".gz"), "\t" if name == "t.tsv" else ",")
        if name.endswith(".gz"):
            import gzip

            (tmp_path / name).write_bytes(gzip.compress(data.read_bytes()))
            data = tmp_path / name
    rules = _rules(tmp_path)
    result = dataaudit.clean(data, rules=rules)
    api, cli = tmp_path / "api" / name, tmp_path / "cli" / name
    api.parent.mkdir()
    cli.parent.mkdir()
    result.write_to(api)
    command = shutil.which("dataaudit", path=str(Path(sys.executable).parent))
    # the installed command, run with this checkout first; its exit status is the after audit's
    proc = subprocess.run([command, "clean", str(data), "--rules", str(rules), "-o", str(cli)], check=False,
                          capture_output=True, text=True, env={**os.environ}, timeout=180)
    assert cli.is_file(), proc.stderr[-2000:]
    assert api.read_bytes() == cli.read_bytes()
    held = f"t.quarantine{name[1:]}"
    assert api.with_name(held).read_bytes() == cli.with_name(held).read_bytes()


_CELLS = st.sampled_from(["0", "1", "01", "-0", "-1", "1.0", "1.5", "1.50", "+1", "1e5", "100000", "007",
                          "9007199254740993", "0.1", "0.1000000000000000055", "true", "false", "True", ""])


@pytest.mark.slow
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_CELLS, min_size=1, max_size=8))
def test_no_two_texts_of_a_typed_column_are_one_value(tmp_path: Path, cells: list[str]) -> None:
    """A column typed is one whose texts the typed values still tell apart: `01` and `1` never
    both become 1. (`""` is a CSV's missing cell, a null.)"""
    path = tmp_path / "law.csv"
    path.write_text("c,k\n" + "".join(f"{cell},{i}\n" for i, cell in enumerate(cells)))
    column = dataaudit.clean(path, rules=_rules(tmp_path)).data.sort_values("k")["c"]
    present = [cell for cell in cells if cell]
    if column.dtype == object or pd.api.types.is_string_dtype(column.dtype):
        assert [cell for cell in column.tolist() if isinstance(cell, str)] == present
        return
    values = [value for value in column.tolist() if not pd.isna(value)]
    assert len(values) == len(present)
    by_value: dict[object, set[str]] = {}
    for text, value in zip(present, values, strict=True):
        key = (value, np.signbit(value)) if isinstance(value, float) else value
        by_value.setdefault(key, set()).add(text)
    assert all(len(texts) == 1 for texts in by_value.values()), by_value
    assert all(float(text.lower() == "true") == float(value) if text.lower() in ("true", "false")
               else float(text) == float(value) for text, value in zip(present, values, strict=True))


def test_a_json_number_no_float_holds_keeps_its_column_text(tmp_path: Path) -> None:
    """A JSON Lines number is typed by its value, as in a CSV file: one a float would round
    (`0.1000000000000000055`, an integer past 2^53 written with a fraction) keeps its column text."""
    path = tmp_path / "in.jsonl"
    path.write_text('{"a": 0.1000000000000000055, "b": 2.50, "c": 9007199254740993.0}\n'
                    '{"a": 0.5, "b": 3, "c": 1.5}\n', encoding="utf-8")
    data = dataaudit.clean(path).data
    assert (str(data["a"].dtype), str(data["b"].dtype), str(data["c"].dtype)) == ("str", "float64", "str")
    assert data["a"].tolist() == ["0.1000000000000000055", "0.5"] and data["b"].tolist() == [2.5, 3.0]
