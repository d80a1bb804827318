"""The clean parses its input file once, not once per pass: the first audit keeps a copy of the
chunks it read, the deciding, fitting and writing passes read that copy, and what they write is the same."""

from __future__ import annotations

import errno
import io
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.datasets import make_dirty_classification
from dataaudit.io import Source
from dataaudit.io.json_strings import string_cells, with_string_cells
from dataaudit.io.late_cells import late_cells, with_late_cells
from dataaudit.preprocess import copied, pipeline
from dataaudit.preprocess.clean import MemorySink
from dataaudit.preprocess.copied import CopiedChunks
from dataaudit.preprocess.pipeline import execute, plan


def _like(columns: list[str]) -> Source:
    return Source("data.csv", "csv", columns, read=iter, local_path=Path("data.csv"),
                  stored_types={"text": pa.large_string()})


def _copied(batches: list[pa.RecordBatch]) -> CopiedChunks:
    copy = CopiedChunks()
    assert list(copy.keep(iter(batches))) == batches  # handed on as they came
    return copy


cells = st.one_of(st.none(), st.text(max_size=12))
chunks = st.lists(st.lists(st.tuples(st.integers(-2**63, 2**63 - 1), cells), max_size=20), max_size=6)


@given(chunks)
def test_the_copy_reads_back_every_chunk_as_it_was_read(rows_by_chunk: list[list[tuple[int, str | None]]]) -> None:
    schema = pa.schema([("number", pa.int64()), ("text", pa.string())])
    batches = [pa.RecordBatch.from_pylist([{"number": n, "text": t} for n, t in rows], schema=schema)
               for rows in rows_by_chunk]
    reopen = _copied(batches).reader(_like(schema.names))
    assert reopen is not None
    for _ in range(2):  # every later pass reads it from the start
        source = reopen()
        assert [b.to_pylist() for b in source.batches()] == [b.to_pylist() for b in batches]
    assert source.name == "data.csv" and source.columns == ["number", "text"]
    assert source.stored_types == {"text": pa.large_string()}  # the output is written with the input's types
    assert source.info["rows"] == sum(len(rows) for rows in rows_by_chunk)


def test_a_copy_is_given_up_when_a_chunk_changes_the_columns_types() -> None:
    first = pa.RecordBatch.from_pydict({"a": pa.array([1, 2])})
    second = pa.RecordBatch.from_pydict({"a": pa.array(["x", "y"])})
    assert _copied([first, second]).reader(_like(["a"])) is None


def test_a_pass_that_stopped_early_leaves_no_copy_to_read() -> None:
    copy = CopiedChunks()
    stream = copy.keep(iter([pa.RecordBatch.from_pydict({"a": [1]}), pa.RecordBatch.from_pydict({"a": [2]})]))
    next(stream)
    assert copy.reader(_like(["a"])) is None


class FullDisk(io.BytesIO):
    def write(self, data: object) -> int:
        raise OSError(errno.ENOSPC, "No space left on device")


def test_a_full_temporary_folder_leaves_no_copy_and_no_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(copied.tempfile, "TemporaryFile", lambda **_: FullDisk())
    batches = [pa.RecordBatch.from_pydict({"a": [1, 2]})]
    assert _copied(batches).reader(_like(["a"])) is None


@pytest.mark.parametrize("preprocess", ["{}", "{impute: {numeric: median}, scale: standard}"])
def test_after_the_decisions_the_passes_read_the_copy_not_the_file(tmp_path: Path, preprocess: str,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The input is moved away once the rows are decided: fitting and writing still run, on the
    copy, and write and report what they do when they parse the file again."""
    table, _ = make_dirty_classification(3_000, seed=4)
    data = tmp_path / "data.csv"
    pacsv.write_csv(table, data)
    rules = tmp_path / "pack.yaml"
    rules.write_text(f"columns: {{ignore: [id]}}\npreprocess: {preprocess}\n")

    def cleaned(move_away: bool) -> tuple[pa.Table, pa.Table, dict]:
        the_plan = plan(data, target="label", rules=rules, fitted=None, chunk_rows=500)
        if move_away:
            data.rename(tmp_path / "moved.csv")
        sink = MemorySink()
        after = execute(the_plan, sink, "<cleaned>", "dataframe").after.to_dict()
        if move_away:
            (tmp_path / "moved.csv").rename(data)
        return pa.Table.from_batches(sink.kept), pa.Table.from_batches(sink.held), _without_date(after)

    kept, held, after = cleaned(move_away=True)
    assert held.num_rows and kept.num_rows + held.num_rows == 3_000
    monkeypatch.setattr(pipeline, "_copy_of", lambda source: None)  # every pass parses the file
    assert (kept, held, after) == cleaned(move_away=False)


def test_the_audit_copies_the_file_and_no_later_pass_parses_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The one parse of the file is the first audit's: every pass after it (deciding, fitting,
    writing) reads the audit's copy, and a second read of the audit's source is not copied again."""
    table, _ = make_dirty_classification(2_000, seed=5)
    data = tmp_path / "data.csv"
    pacsv.write_csv(table, data)
    rules = tmp_path / "pack.yaml"
    rules.write_text("columns: {ignore: [id]}\npreprocess: {impute: {numeric: median}}\n")
    parsed: list[str] = []
    opened = pipeline.open_source

    def counted(*args: object, **options: object) -> Source:
        source = opened(*args, **options)
        read = source.read

        def reading() -> object:
            parsed.append(source.name)
            return read()

        source.read = reading
        return source

    monkeypatch.setattr(pipeline, "open_source", counted)
    the_plan = plan(data, target="label", rules=rules, fitted=None, chunk_rows=300)
    sink = MemorySink()
    execute(the_plan, sink, "<cleaned>", "dataframe")
    assert parsed == []
    assert sum(b.num_rows for b in sink.kept) + sum(b.num_rows for b in sink.held) == 2_000


def test_only_the_first_read_of_a_source_is_copied() -> None:
    batches = [pa.RecordBatch.from_pydict({"a": [1, 2]}), pa.RecordBatch.from_pydict({"a": [3]})]
    reads: list[int] = []

    def read() -> object:
        reads.append(1)
        return iter(batches)

    copy = CopiedChunks()
    reading = copy.first_read_kept(read)
    assert list(reading()) == batches
    assert list(reading()) == batches  # a second look at the file: read again, copied once
    reopen = copy.reader(_like(["a"]))
    assert reopen is not None and len(reads) == 2
    assert [b.to_pylist() for b in reopen().batches()] == [b.to_pylist() for b in batches]


def _without_date(report: dict) -> dict:
    return {key: value for key, value in report.items() if key != "created_at"}


def test_each_chunk_s_own_notes_are_kept_in_the_file_beside_it() -> None:
    """A JSON Lines chunk notes its late keys' cells and its string cells in its schema, which
    differs from chunk to chunk; held in memory until the last pass, the copy would take as much
    room as every late key's text of the file. They are written beside each chunk and read back
    with it."""
    text = "x" * 1_000_000
    batches = [with_late_cells(with_string_cells(pa.RecordBatch.from_pydict({"a": ["1", "2"]}),
                                                 {"a": np.array([i == 0, i == 1])}),
                               pa.RecordBatch.from_pydict({"t": [f"{text}{i}", None]}))
               for i in range(3)]
    batches.append(pa.RecordBatch.from_pydict({"a": ["3", "4"]}))  # a chunk with no note
    copy = _copied(batches)
    reopen = copy.reader(_like(["a"]))
    assert reopen is not None
    read = list(reopen().batches())
    assert [late_cells(b) for b in read] == [late_cells(b) for b in batches]
    assert [{k: v.tolist() for k, v in string_cells(b).items()} for b in read] == [
        {k: v.tolist() for k, v in string_cells(b).items()} for b in batches]
    assert copy._file is not None and copy._file.seek(0, io.SEEK_END) > 3 * len(text)
