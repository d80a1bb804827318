"""Parquet columns of Arrow extension types (the canonical `arrow.json`, `arrow.uuid` and
`arrow.bool8`, at the top and nested) are audited and cleaned as the types that store them, and a
cleaned Parquet file has them back. Every audit of such a file used to end in an internal error:
no compute kernel takes an extension type (`dictionary_encode` of `extension<arrow.json>`)."""

from __future__ import annotations

import csv
import json
import uuid
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataaudit
from dataaudit.errors import InputError
from dataaudit.io.strings import narrow_strings, narrow_type, restore_types, wider_columns
from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

ROWS = 40
NOTES = [json.dumps({"n": i, "tags": ["a", "b"][: i % 3]}) if i % 7 else None for i in range(ROWS)]


def _json(values: list[str | None]) -> pa.Array:
    return pa.ExtensionArray.from_storage(pa.json_(), pa.array(values, pa.string()))


def _table(with_uuid: bool) -> pa.Table:
    columns = {
        "note": _json(NOTES),
        "flag": pa.ExtensionArray.from_storage(pa.bool8(), pa.array([i % 2 for i in range(ROWS)], pa.int8())),
        "notes": pa.ListArray.from_arrays(pa.array(range(ROWS + 1), pa.int32()),
                                          _json([f'{{"k": {i}}}' for i in range(ROWS)])),
        "meta": pa.StructArray.from_arrays([_json([f"[{i}]" for i in range(ROWS)]), pa.array(range(ROWS))],
                                           ["raw", "n"]),
        "x": pa.array([i * 0.5 for i in range(ROWS)]),
        "label": pa.array(["cat", "dog"] * (ROWS // 2)),
    }
    if with_uuid:
        ids = [uuid.UUID(int=i * 7919 + 1).bytes for i in range(ROWS)]
        columns["key"] = pa.ExtensionArray.from_storage(pa.uuid(), pa.array(ids, pa.binary(16)))
    return pa.table(columns)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_file_of_extension_types_is_audited(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "typed.parquet"
    pq.write_table(_table(with_uuid=True), data)
    report = audit_report(runner, [data, "-t", "label"], tmp_path, code=0)
    assert report["dataset"]["rows"] == ROWS
    profiles = {column["name"]: column for column in report["dataset"]["column_profiles"]}
    assert profiles["note"]["type"] == "text" and profiles["note"]["nulls"] == NOTES.count(None)
    assert profiles["key"]["distinct_estimate"] == ROWS


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_cleaned_parquet_file_keeps_the_extension_types_and_values(tmp_path: Path, runner: Runner) -> None:
    table = _table(with_uuid=True)
    data = tmp_path / "typed.parquet"
    pq.write_table(table, data)
    out = tmp_path / "out.parquet"
    runner(["clean", data, "-t", "label", "-o", out], 0)
    written = pq.read_table(out)
    assert written.schema == table.schema
    assert written.equals(table)


@pytest.mark.parametrize("runner", RUNNERS)
def test_json_text_is_written_to_csv_as_its_text(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "typed.parquet"
    pq.write_table(_table(with_uuid=False), data)
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "label", "-o", out], 0)
    rows = list(csv.DictReader(out.open(newline="")))
    assert [row["note"] or None for row in rows] == NOTES
    assert [row["flag"] for row in rows] == ["false", "true"] * (ROWS // 2)  # a boolean, stored as 0 or 1
    assert [json.loads(row["notes"]) for row in rows] == [[f'{{"k": {i}}}'] for i in range(ROWS)]


def test_a_uuid_is_bytes_which_a_csv_cannot_hold(tmp_path: Path) -> None:
    data = tmp_path / "typed.parquet"
    pq.write_table(_table(with_uuid=True), data)
    out = tmp_path / "out.csv"
    _, err = invoke(["clean", data, "-t", "label", "-o", out], 2)
    assert "column 'key' holds binary values" in err and not out.exists()


def test_an_extension_type_is_read_as_its_storage_and_restored() -> None:
    batch = pa.RecordBatch.from_pydict({name: column.combine_chunks() for name, column
                                        in zip(_table(True).column_names, _table(True).columns, strict=True)})
    assert narrow_type(pa.list_(pa.json_())) == pa.list_(pa.string())
    assert narrow_type(pa.struct([("u", pa.uuid())])) == pa.struct([("u", pa.binary(16))])
    read = narrow_strings(batch)
    assert not any(isinstance(kind, pa.BaseExtensionType) for kind in read.schema.types)
    assert read.column(0).to_pylist() == NOTES
    assert restore_types(read, wider_columns(batch.schema)).equals(batch)


def _periods() -> pd.DataFrame:
    return pd.DataFrame({"month": pd.period_range("2020-01", periods=ROWS, freq="M"),
                         "x": [i * 0.25 for i in range(ROWS)], "label": ["cat", "dog"] * (ROWS // 2)})


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_type_stored_in_a_form_of_its_own_is_refused_for_a_text_file(tmp_path: Path, runner: Runner,
                                                                       suffix: str) -> None:
    """pandas stores a period as a count since 1970 (600 for January 2020 in months): written as
    stored it would be another value. It was a crash (`Unsupported Type`)."""
    data = tmp_path / "months.parquet"
    _periods().to_parquet(data)
    out = tmp_path / f"out{suffix}"
    _, err = runner(["clean", data, "-t", "label", "-o", out], 2)
    assert err.strip().splitlines() == [
        f"dataaudit: error: {out}: column 'month' holds values of the type pandas.period, which a "
        f"{suffix[1:].upper()} file cannot hold as they are stored; write the cleaned file as .parquet"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["months.parquet"]
    runner(["clean", data, "-t", "label", "-o", tmp_path / "out.parquet"], 0)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "out.parquet"), pd.read_parquet(data))


def test_a_frame_written_by_the_api_keeps_its_types(tmp_path: Path) -> None:
    """The frame is read once, as it is, for every pass: its periods and its large strings are
    written back as such, not as the counts and the plain strings the pipeline reads."""
    frame = _periods()
    result = dataaudit.clean(frame, target="label")
    result.write_to(tmp_path / "out.parquet")
    written = pq.read_table(tmp_path / "out.parquet")
    assert written.schema.types == pa.Table.from_pandas(frame, preserve_index=False).schema.types
    pd.testing.assert_frame_equal(written.to_pandas(), frame)
    with pytest.raises(InputError, match=r"column 'month' holds values of the type pandas\.period"):
        result.write_to(tmp_path / "other.csv")
