"""A clean keeps every value no step was asked to change, whatever format it writes.

Text to text (CSV, TSV, JSON Lines, plain or gzipped) keeps each cell's text; Parquet to Parquet
keeps each value and its type; between them the mapping `docs/cleaning.md` gives ("Values
across formats") holds: a JSON Lines value is written into a CSV, TSV or Parquet cell as its
text as the line wrote it (a string as its characters), and a CSV cell into a JSON Lines line
as a JSON string.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke

#: value steps off; the row steps (duplicates, and with a target missing labels and conflicts) as by default
NO_VALUE_STEPS = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
                  "drop_constant_columns: false, drop_empty_columns: false}\n")
ROOT = Path(__file__).resolve().parents[1]


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "no-value-steps.yaml"
    pack.write_text(NO_VALUE_STEPS)
    return pack


def _text(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")


def _column(path: Path, name: str) -> list:
    """The values of column `name` of a cleaned file, as its format holds them: a CSV or TSV
    cell's text (None where it is empty and unquoted: missing), a JSON Lines line's JSON text of
    the value (None where the key is absent), a Parquet value."""
    plain = path.name.removesuffix(".gz")
    if plain.endswith(".parquet"):
        return pq.read_table(path).column(name).to_pylist()
    if plain.endswith(".jsonl"):
        return [_raw_member(line, name) for line in _text(path).splitlines()]
    return [row[name] for row in csv.DictReader(io.StringIO(_text(path), newline=""),
                                                delimiter="\t" if plain.endswith(".tsv") else ",")]


def _raw_member(line: str, key: str) -> str | None:
    """The text of `key`'s value in a JSON object line written compactly by the test."""
    record = json.loads(line)
    if key not in record:
        return None
    decoder = json.JSONDecoder()
    at = line.index(json.dumps(key) + ":") + len(json.dumps(key)) + 1
    _, end = decoder.raw_decode(line, at)
    return line[at:end]


# -- a JSON Lines integer -0 ---------------------------------------------------------------------

NEGATIVE_ZEROS = ['{"id":1,"v":-0,"n":[-0, 1]}', '{"id":2,"v":-0.0,"n":[0]}', '{"id":3,"v":0,"n":{"k":-0}}']


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl", ".csv.gz"])
def test_a_jsonl_negative_zero_is_written_as_the_line_wrote_it(tmp_path: Path, suffix: str) -> None:
    """Python's parser makes the integer `-0` the int 0, which was written `0` into a CSV, TSV or
    Parquet output; it is the number the line wrote, `-0`, there as in a JSON Lines output."""
    data = tmp_path / "zeros.jsonl"
    data.write_text("".join(line + "\n" for line in NEGATIVE_ZEROS), encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    if suffix == ".jsonl":
        assert _text(out).splitlines() == NEGATIVE_ZEROS
        return
    assert _column(out, "v") == ["-0", "-0.0", "0"]
    assert _column(out, "n") == ["[-0, 1]", "[0]", '{"k": -0}']


def test_negative_zero_and_zero_are_different_rows_as_the_line_writes_them(tmp_path: Path) -> None:
    """Two rows are duplicates when their cells are the same text: `-0` and `0` are two rows, as
    `1.0` and `1` are; `-0` twice is a duplicate."""
    data = tmp_path / "zeros.jsonl"
    data.write_text('{"v":-0}\n{"v":0}\n{"v":-0}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    assert _column(out, "v") == ["-0", "0"]
    assert _column(tmp_path / "out.quarantine.csv", "v") == ["-0"]


def test_a_string_holding_minus_zero_is_read_as_it_is(tmp_path: Path) -> None:
    """A line whose strings hold `-0` (a date, a code) is parsed by the slower decoder that keeps
    `-0` as written; its values are the same."""
    data = tmp_path / "dates.jsonl"
    data.write_text('{"d":"2024-0","x":10,"y":-0e1,"z":"a-0"}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    assert [_column(out, key) for key in "dxyz"] == [["2024-0"], ["10"], ["-0e1"], ["a-0"]]


def test_a_clean_as_a_subprocess_writes_negative_zero_into_csv(tmp_path: Path) -> None:
    data = tmp_path / "zeros.jsonl"
    data.write_text("".join(line + "\n" for line in NEGATIVE_ZEROS), encoding="utf-8")
    out = tmp_path / "out.csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "clean", str(data), "-r", str(_pack(tmp_path)),
                           "-o", str(out), "--allow-large-quarantine"], env=env, capture_output=True, check=False)
    assert proc.returncode == 1, proc.stderr.decode()
    assert _column(out, "v") == ["-0", "-0.0", "0"]


# -- Parquet decimals in impute and scale -----------------------------------------------------------

def _decimals(tmp_path: Path) -> Path:
    from decimal import Decimal

    import pyarrow as pa

    table = pa.table({
        "d": pa.array([Decimal("1.50"), None, Decimal("2.25"), Decimal("3.00")], pa.decimal128(10, 2)),
        "e": pa.array([Decimal("1.5"), Decimal("2.5"), None, Decimal("4.5")], pa.decimal256(40, 1)),
        "tiny": pa.array([Decimal("1"), None, Decimal("2"), Decimal("9")], pa.decimal128(1, 0)),
    })
    data = tmp_path / "decimals.parquet"
    pq.write_table(table, data)
    return data


def _steps(manifest: Path) -> dict[str, dict]:
    return {step["step"]: step for step in json.loads(manifest.read_text())["steps"]}


def test_a_decimal_column_is_filled_with_a_decimal_of_its_scale(tmp_path: Path) -> None:
    """decimal128 and decimal256 columns were left out of impute without a word; they are filled
    with the fill as a decimal of the column's scale, the rounding said in the step's notes, and
    a fill the column's precision cannot hold leaves its nulls, said so too."""
    from decimal import Decimal

    pack = tmp_path / "impute.yaml"
    pack.write_text("preprocess: {impute: {numeric: mean, categorical: none}}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", _decimals(tmp_path), "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    table = pq.read_table(out)
    assert [str(table.schema.field(c).type) for c in ("d", "e", "tiny")] == [
        "decimal128(10, 2)", "decimal256(40, 1)", "decimal128(1, 0)"]
    assert table.column("d").to_pylist() == [Decimal("1.50"), Decimal("2.25"), Decimal("2.25"), Decimal("3.00")]
    assert table.column("e").to_pylist() == [Decimal("1.5"), Decimal("2.5"), Decimal("2.8"), Decimal("4.5")]
    assert table.column("tiny").to_pylist() == [Decimal("1"), Decimal("4"), Decimal("2"), Decimal("9")]
    impute = _steps(tmp_path / "out.manifest.json")["impute"]
    assert impute["cells"] == {"d": 1, "e": 1, "tiny": 1}
    assert "e: filled with 2.8, the fill 2.8333333333333335 rounded to the column's 1 decimal place" in impute["notes"]


def test_a_decimal_fill_past_the_precision_keeps_the_nulls_and_says_so(tmp_path: Path) -> None:
    pack = tmp_path / "impute.yaml"
    pack.write_text("preprocess: {impute: {numeric: constant, fill_number: 12.0, categorical: none}}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", _decimals(tmp_path), "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    assert pq.read_table(out).column("tiny").null_count == 1
    notes = _steps(tmp_path / "out.manifest.json")["impute"]["notes"]
    assert "tiny: nulls kept: the fill 12.0 has more digits than the column's decimal(1, 0) holds" in notes


def test_a_decimal_column_is_scaled_as_float64_and_the_notes_say_so(tmp_path: Path) -> None:
    pack = tmp_path / "scale.yaml"
    pack.write_text("preprocess: {scale: standard}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", _decimals(tmp_path), "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    table = pq.read_table(out)
    assert str(table.schema.field("d").type) == "double"
    d = table.column("d").to_pylist()
    assert d[1] is None and d[0] == pytest.approx(-(0.75 / 0.6123724356957945)) and d[2] == pytest.approx(0.0)
    scale = _steps(tmp_path / "out.manifest.json")["scale"]
    assert scale["cells"] == {"d": 3, "e": 3, "tiny": 3}
    assert "d: decimal values scaled as float64, each from its nearest float" in scale["notes"]
