"""Strings however Arrow stores them (large, as views, dictionary-encoded, nested) are read as
plain strings by every reader, and a cleaned Parquet file keeps the input's stored types."""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.errors import InputError
from dataaudit.io import open_source
from dataaudit.io import source as source_module
from dataaudit.io.strings import is_text_type, narrow_strings, narrow_type, restore_types
from tests.cli_helpers import invoke, run

STORED = {
    "review": pa.string_view(),
    "title": pa.large_string(),
    "colour": pa.dictionary(pa.int8(), pa.string()),
    "code": pa.binary_view(),
    "tags": pa.list_(pa.string_view()),
}
# Parquet reads a dictionary of large strings back as one of strings: that case is the property's
PLAIN = {"review": pa.string(), "title": pa.string(), "colour": pa.dictionary(pa.int8(), pa.string()),
         "code": pa.binary(), "tags": pa.list_(pa.string())}


def _rows(n: int = 120) -> dict[str, list]:
    """Rows with a few exact duplicates (rows 100 on repeat rows 0 on) for clean to quarantine."""
    def row(i: int) -> dict:
        return {"review": f"  review number {i} of the product  " if i % 7 else None,
                "title": f"title {i % 13}", "colour": ["red", "green", "blue"][i % 3],
                "code": f"c{i % 5}".encode(), "tags": [f"t{i % 4}", None] if i % 5 else None,
                "label": ["yes", "no"][i % 2]}
    rows = [row(i if i < 100 else i - 100) for i in range(n)]
    return {name: [r[name] for r in rows] for name in rows[0]}


def _table(types: dict[str, pa.DataType]) -> pa.Table:
    columns = _rows()
    return pa.table({name: pa.array(values, types.get(name, pa.string())) if name not in ("colour",)
                     else pa.array(values).dictionary_encode().cast(types[name])
                     for name, values in columns.items()})


def _write(path: Path, types: dict[str, pa.DataType]) -> Path:
    pq.write_table(_table(types), path, store_schema=True)
    return path


def test_the_file_stores_the_wide_types_it_is_meant_to(tmp_path: Path) -> None:
    stored = pq.ParquetFile(_write(tmp_path / "wide.parquet", STORED)).schema_arrow
    assert {name: stored.field(name).type for name in STORED} == STORED


def test_narrowing_makes_every_string_and_binary_plain_at_any_depth() -> None:
    assert narrow_type(pa.string_view()) == pa.string()
    assert narrow_type(pa.large_binary()) == pa.binary()
    assert narrow_type(pa.dictionary(pa.int16(), pa.string_view())) == pa.dictionary(pa.int16(), pa.string())
    assert narrow_type(pa.large_list(pa.large_string())) == pa.large_list(pa.string())
    assert narrow_type(pa.struct([("a", pa.string_view()), ("b", pa.int64())])) == \
        pa.struct([("a", pa.string()), ("b", pa.int64())])
    assert narrow_type(pa.map_(pa.large_string(), pa.binary_view())) == pa.map_(pa.string(), pa.binary())
    assert narrow_type(pa.int64()) == pa.int64()
    assert all(is_text_type(kind) for kind in (pa.string_view(), pa.dictionary(pa.int8(), pa.large_string())))
    assert not is_text_type(pa.binary_view())


@given(st.lists(st.one_of(st.none(), st.text()), max_size=30),
       st.sampled_from([pa.string_view(), pa.large_string(), pa.dictionary(pa.int32(), pa.large_string())]))
def test_narrowing_then_restoring_gives_the_stored_column_back(values: list[str | None], kind: pa.DataType) -> None:
    column = pa.array(values, pa.string()).dictionary_encode().cast(kind) if pa.types.is_dictionary(kind) \
        else pa.array(values, kind)
    batch = pa.RecordBatch.from_arrays([column, pa.array(range(len(values)), pa.int64())], names=["text", "n"])
    narrow = narrow_strings(batch)
    assert narrow.schema.field("text").type == narrow_type(kind)
    assert narrow.column(0).to_pylist() == values
    restored = restore_types(narrow, {"text": kind})
    assert restored.equals(batch)
    assert narrow_strings(narrow) is narrow  # plain strings are handed on untouched


def test_a_step_that_changed_a_column_type_keeps_its_type() -> None:
    batch = pa.RecordBatch.from_arrays([pa.array([1.5, None])], names=["price"])
    assert restore_types(batch, {"price": pa.large_string()}) is batch


def test_every_batch_a_parquet_source_hands_on_is_plain(tmp_path: Path) -> None:
    source = open_source(_write(tmp_path / "wide.parquet", STORED), chunk_rows=50)
    assert narrow_strings(source.first_rows(10).to_batches()[0]).schema == source.first_rows(10).schema
    batches = list(source.batches())
    assert len(batches) == 3
    assert all(batch.schema.field(name).type == PLAIN[name] for batch in batches for name in PLAIN)
    assert source.stored_types == {name: kind for name, kind in STORED.items() if name != "colour"}


def _report(path: Path) -> dict:
    out, _ = run(["audit", path, "-t", "label", "-f", "json", "-o", "-", "-q"], 1)
    report = json.loads(out)
    return {key: report[key] for key in ("passed", "counts", "dataset", "checks", "findings", "tables")}


def test_a_parquet_file_of_string_views_is_audited_as_the_same_plain_file(tmp_path: Path) -> None:
    wide = _report(_write(tmp_path / "wide.parquet", STORED))
    assert wide == _report(_write(tmp_path / "plain.parquet", PLAIN))
    assert wide["dataset"]["duplicates"]["exact_rows"] == 20


def test_a_cleaned_parquet_keeps_the_input_column_types(tmp_path: Path) -> None:
    written = {}
    for name, types in (("wide", STORED), ("plain", PLAIN)):
        out, held = tmp_path / f"{name}.clean.parquet", tmp_path / f"{name}.held.parquet"
        invoke(["clean", _write(tmp_path / f"{name}.parquet", types), "-t", "label", "-o", out, "--quarantine", held,
                "-q"], 0)
        written[name] = (pq.read_table(out), pq.read_table(held))
    (wide, wide_held), (plain, plain_held) = written["wide"], written["plain"]
    for table, held in written.values():
        assert table.num_rows == 100 and held.num_rows == 20
    for name, kind in STORED.items():
        assert wide.schema.field(name).type == kind
        assert wide_held.schema.field(name).type == kind
        assert wide.column(name).to_pylist() == plain.column(name).to_pylist()
    assert wide_held.to_pylist() == plain_held.to_pylist()
    assert wide.column("review").to_pylist()[1] == "review number 1 of the product"  # trimmed, as plain text is


@pytest.mark.parametrize(("rows", "code"), [(0, 1), (100, 0)])
def test_an_empty_cleaned_parquet_keeps_the_input_column_types(tmp_path: Path, rows: int, code: int) -> None:
    """No row in (rows: 0) or none quarantined (the first 100 rows hold no duplicate): the file
    that receives no row has the columns and types the input stored all the same."""
    data = tmp_path / "wide.parquet"
    pq.write_table(_table(STORED).slice(0, rows), data, store_schema=True)
    out, held = tmp_path / "wide.clean.parquet", tmp_path / "wide.held.parquet"
    run(["clean", data, "-t", "label", "-o", out, "--quarantine", held, "-q"], code)
    written, quarantined = pq.read_table(out), pq.read_table(held)
    assert (written.num_rows, quarantined.num_rows) == (rows, 0)
    for name, kind in STORED.items():
        assert written.schema.field(name).type == kind, name
        assert quarantined.schema.field(name).type == kind, name
    assert quarantined.schema.names[-2:] == ["_row", "_reason"]


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".csv.gz"])
@pytest.mark.parametrize(("rows", "code"), [(0, 1), (100, 0)])
def test_a_cleaned_text_file_that_receives_no_row_of_a_wide_parquet_is_the_plain_ones(
        tmp_path: Path, suffix: str, rows: int, code: int) -> None:
    """No row in (rows: 0) or none quarantined: the CSV that receives no row is opened with the
    input's columns, narrowed as the rows written are (a CSV writer has no string views)."""
    written = []
    for name, types in (("wide", STORED), ("plain", PLAIN)):
        data = tmp_path / f"{name}.parquet"
        pq.write_table(_table(types).drop_columns(["code"]).slice(0, rows), data, store_schema=True)
        out, held = tmp_path / f"{name}.clean{suffix}", tmp_path / f"{name}.held{suffix}"
        run(["clean", data, "-t", "label", "-o", out, "--quarantine", held, "-q"], code)
        written.append((out.read_bytes(), held.read_bytes()))
    assert written[0] == written[1]
    header = gzip.decompress(written[0][1]) if suffix.endswith(".gz") else written[0][1]
    assert header.decode().splitlines()[0].split("\t" if suffix == ".tsv" else ",")[-2:] == ['"_row"', '"_reason"']


def test_a_cleaned_csv_of_a_string_view_parquet_is_the_plain_file_csv(tmp_path: Path) -> None:
    written = []
    for name, types in (("wide", STORED), ("plain", PLAIN)):
        out = tmp_path / f"{name}.csv"
        table = _table(types).drop_columns(["code", "tags"])  # CSV holds text
        pq.write_table(table, tmp_path / f"{name}.parquet", store_schema=True)
        invoke(["clean", tmp_path / f"{name}.parquet", "-t", "label", "-o", out, "-q"], 0)
        written.append(out.read_bytes())
    assert written[0] == written[1]


def test_a_batch_too_large_for_plain_strings_is_handed_on_in_halves(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """More than 2 GiB of text in one chunk cannot be cast to `string`: the chunk is split in
    halves until each half can be, the rows handed on in their order."""
    path = tmp_path / "texts.parquet"
    table = pa.table({"text": pa.array([f"row {i}" for i in range(100)], pa.large_string()),
                      "n": pa.array(range(100), pa.int64())})
    pq.write_table(table, path)
    cast = source_module.narrow_strings

    def limited(batch: pa.RecordBatch) -> pa.RecordBatch:
        if batch.num_rows > 30 and pa.types.is_large_string(batch.schema.field("text").type):
            raise pa.ArrowInvalid("Failed casting from large_string to string: input array too large")
        return cast(batch)

    monkeypatch.setattr(source_module, "narrow_strings", limited)
    source = open_source(path, chunk_rows=100)
    assert source.first_rows(40).num_rows == 40
    batches = list(source.batches())
    assert [batch.num_rows for batch in batches] == [25, 25, 25, 25]
    assert all(batch.schema.field("text").type == pa.string() for batch in batches)
    assert pa.Table.from_batches(batches).column("n").to_pylist() == list(range(100))
    assert pa.Table.from_batches(batches).column("text").to_pylist() == table.column("text").to_pylist()
    assert source.stored_types == {"text": pa.large_string()}


def test_a_row_too_large_for_plain_strings_is_an_input_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "texts.parquet"
    pq.write_table(pa.table({"text": pa.array(["a", "b"], pa.large_string())}), path)

    def failing(batch: pa.RecordBatch) -> pa.RecordBatch:
        raise pa.ArrowInvalid("input array too large")

    monkeypatch.setattr(source_module, "narrow_strings", failing)
    with pytest.raises(InputError, match="more text than can be read"):
        list(open_source(path).batches())
