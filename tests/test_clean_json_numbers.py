"""A JSON Lines number is a number to every numeric step, whatever digits it is written with.

The reader keeps a JSON number's digits (`2.50`, so that `0.1` and a longer spelling of the same
float stay two values), which a CSV cell of those digits would keep as text; but a JSON number
has its type, as a Parquet column's value has: `coerce_numeric` makes a column of them numbers,
impute fills it with a number and scale scales it, and a JSONL output writes each cell no step
changed as the input wrote it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke, run

LINES = ['{"x": 1.0, "label": "p"}', '{"x": 2.50, "label": "q"}', '{"x": null, "label": "p"}',
         '{"x": 3, "label": "q"}']
MEAN = (1.0 + 2.5 + 3) / 3


def _clean(tmp_path: Path, lines: list[str], rules: str, suffix: str, runner: Callable[..., object] = invoke) -> Path:
    data = tmp_path / "data.jsonl"
    data.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    pack = tmp_path / "rules.yaml"
    pack.write_text(rules)
    out = tmp_path / f"out{suffix}"
    # a four-row file fails the gate: exit 1, the output written all the same
    runner(["clean", data, "-t", "label", "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    return out


def _impute(numeric: str) -> str:
    return f"preprocess: {{impute: {{numeric: {numeric}, categorical: none}}}}\n"


@pytest.mark.parametrize(("numeric", "fill"), [("mean", MEAN), ("median", 2.5)])
def test_a_jsonl_number_column_is_filled_with_a_number_its_other_cells_as_written(
        tmp_path: Path, numeric: str, fill: float) -> None:
    out = _clean(tmp_path, LINES, _impute(numeric), ".jsonl")
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [lines[0], lines[1], lines[3]] == [LINES[0], LINES[1], LINES[3]]
    assert json.loads(lines[2]) == {"x": fill, "label": "p"}
    assert isinstance(json.loads(lines[2])["x"], float)


def test_a_jsonl_number_column_cleaned_into_csv_is_numbers(tmp_path: Path) -> None:
    out = _clean(tmp_path, LINES, _impute("mean"), ".csv")
    with out.open(newline="", encoding="utf-8") as handle:
        cells = [row["x"] for row in csv.DictReader(handle)]
    assert [float(cell) for cell in cells] == [1.0, 2.5, MEAN, 3.0]


def test_a_jsonl_number_column_cleaned_into_parquet_is_float64(tmp_path: Path) -> None:
    out = _clean(tmp_path, LINES, _impute("median"), ".parquet")
    table = pq.read_table(out)
    assert table.schema.field("x").type == pa.float64()
    assert table.column("x").to_pylist() == [1.0, 2.5, 2.5, 3.0]


def test_a_scaled_jsonl_number_column_is_written_as_json_numbers(tmp_path: Path) -> None:
    """Standard scaling of 1, 2.5, 2.5 (the median filled in), 3: mean 2.25, spread 0.75."""
    out = _clean(tmp_path, LINES, "preprocess: {impute: {numeric: median}, scale: standard}\n", ".jsonl",
                 runner=run)
    scaled = [json.loads(line)["x"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert scaled == pytest.approx([-5 / 3, 1 / 3, 1 / 3, 1.0])
    assert all(isinstance(x, float) for x in scaled)


def test_a_jsonl_clean_without_numeric_steps_writes_every_line_as_read(tmp_path: Path) -> None:
    out = _clean(tmp_path, LINES, "preprocess: {coerce_numeric: true}\n", ".jsonl")
    assert out.read_text(encoding="utf-8").splitlines() == LINES


@pytest.mark.parametrize("odd", ['"7.50"', "true"], ids=["string", "boolean"])
def test_a_jsonl_column_holding_a_value_that_is_no_number_keeps_its_digits_as_text(
        tmp_path: Path, odd: str) -> None:
    """One JSON string `"7.50"` (or a boolean) in the column: it is not a column of numbers, and
    the number `2.50` in it is not rewritten `2.5` by a cast."""
    lines = [*LINES, f'{{"x": {odd}, "label": "p"}}']
    out = _clean(tmp_path, lines, "preprocess: {coerce_numeric: true}\n", ".parquet")
    assert pq.read_table(out).column("x").to_pylist() == ["1.0", "2.50", None, "3", "7.50" if odd[0] == '"' else odd]
