"""Every row a clean counts is where it says: a row without a label is quarantined however the
label is missing, and a row counted as written is in the output.

- A NaN label of a Parquet float column was kept (the row decisions looked for nulls alone),
  though the audit counted it as missing, and the after audit still found it.
- A table whose every column is constant (a file of one row) lost its columns to
  `drop_columns`, and with them its rows: an empty output, counted as one row written.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import RUNNERS, Runner

LABELS = [0.0, 1.0, float("nan"), 0.0, 1.0, 1.0, float("nan"), 0.0]


def _manifest(output: Path) -> dict:
    return json.loads(output.with_name(output.name.split(".")[0] + ".manifest.json").read_text())


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("kind", [pa.float64(), pa.float32(), pa.dictionary(pa.int8(), pa.float64())])
def test_a_nan_label_is_a_missing_label(tmp_path: Path, runner: Runner, kind: pa.DataType) -> None:
    labels = pa.array(LABELS, kind.value_type if pa.types.is_dictionary(kind) else kind)
    table = pa.table({"x": [i * 1.5 for i in range(len(LABELS))],
                      "label": labels.dictionary_encode() if pa.types.is_dictionary(kind) else labels})
    data = tmp_path / "nan.parquet"
    pq.write_table(table, data)
    out = tmp_path / "out.parquet"
    runner(["clean", data, "-t", "label", "-o", out], 1)  # the gate: a table of eight rows is too small
    held = pq.read_table(tmp_path / "out.quarantine.parquet").to_pylist()
    assert [(row["_row"], row["_reason"]) for row in held] == [(2, "missing_label"), (6, "missing_label")]
    kept = pq.read_table(out).column("label").to_pylist()
    assert kept == [0.0, 1.0, 0.0, 1.0, 1.0, 0.0]
    assert _manifest(out)["rows"] == {"in": 8, "out": 6, "quarantined": 2, "redacted": 0}


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("text", "options", "written"), [
    ("a,b\n1,x\n", [], [["1", "x"]]),
    ("a,b,c\n1,x,\n1,x,\n1,x,\n", ["--allow-large-quarantine"], [["1", "x", ""]]),
])
@pytest.mark.parametrize("suffix", [".csv", ".jsonl", ".parquet"])
def test_a_table_of_constant_columns_keeps_them_and_its_rows(tmp_path: Path, runner: Runner, text: str,
                                                             options: list[str], written: list[list[str]],
                                                             suffix: str) -> None:
    data = tmp_path / "constant.csv"
    data.write_text(text)
    out = tmp_path / f"out{suffix}"
    _, err = runner(["clean", data, "-o", out, *options], 1)  # the gate: too few rows
    assert f"dataaudit: 1 row written to {out}" in err
    if suffix == ".csv":
        with out.open(newline="") as handle:
            rows = list(csv.reader(handle))[1:]
    elif suffix == ".jsonl":
        rows = [["" if v is None else v for v in json.loads(line).values()] for line in out.read_text().splitlines()]
    else:
        rows = [["" if v is None else v for v in row.values()] for row in pq.read_table(out).to_pylist()]
    assert rows == written
    counted = _manifest(out)["rows"]
    assert counted["out"] == len(written) and counted["in"] == counted["out"] + counted["quarantined"]
