"""The JSON Lines reader parses each line once in a first read: the rows it reads for the columns
are that read's first batch. The first read gives what any later read, which parses the file from
its start, gives: the same batches, bad lines, late keys and JSON number columns."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit.io.jsonl_reader as jsonl_reader
from dataaudit.errors import InputError
from dataaudit.io import open_source
from dataaudit.io.source import KEEP_BAD_ROWS, SHOWN_TEXT, Source


def _read(source: Source) -> tuple[list[pa.RecordBatch], list, dict, set[str]]:
    batches = list(source.batches())
    return batches, list(source.problems), dict(source.late_keys), set(source.json_numbers)


def test_each_line_is_parsed_once_in_the_first_read(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "data.jsonl"
    path.write_text("".join(json.dumps({"a": i, "label": "pq"[i % 2]}) + "\n" for i in range(25)), encoding="utf-8")
    parsed: list[str] = []
    parse = jsonl_reader._parse
    monkeypatch.setattr(jsonl_reader, "_parse", lambda line, decoder: parsed.append(line) or parse(line, decoder))
    source = open_source(path, chunk_rows=10)
    assert [batch.num_rows for batch in source.batches()] == [10, 10, 5]
    assert len(parsed) == 25
    assert [batch.num_rows for batch in source.batches()] == [10, 10, 5]  # a second read parses the file again
    assert len(parsed) == 50


#: a line: a record (its keys from a few, a late one among them), a line that is no JSON, a blank one
_LINES = st.one_of(
    st.dictionaries(st.sampled_from(["a", "b", "c", "late"]), st.one_of(st.integers(), st.text(max_size=3)),
                    min_size=1).map(json.dumps),
    st.sampled_from(["{not json", "[1, 2]", "7", ""]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_LINES, min_size=1, max_size=30), st.integers(min_value=1, max_value=8),
       st.sampled_from(["skip", KEEP_BAD_ROWS]))
def test_the_first_read_gives_what_a_later_read_gives(lines: list[str], chunk_rows: int, bad_rows: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.jsonl"
        path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
        try:
            source = open_source(path, chunk_rows=chunk_rows, bad_rows=bad_rows)
        except InputError:  # no record in the file, or none with a key
            return
        first = _read(source)
        assert first == _read(source)
        assert [batch.num_rows for batch in first[0]] == _chunks(sum(line.startswith("{\"") for line in lines),
                                                                 chunk_rows)


def _chunks(rows: int, size: int) -> list[int]:
    return [min(size, rows - start) for start in range(0, rows, size)]


def test_a_bad_line_among_the_first_rows_stops_the_first_read(tmp_path: Path) -> None:
    """Found while reading the columns, it stops the read, not the opening: an unknown column a
    user named is still the error then, as when no row is read before it."""
    path = tmp_path / "data.jsonl"
    path.write_text('{"a": 1, "label": "p"}\n{bad\n{"a": 2, "label": "q"}\n', encoding="utf-8")
    source = open_source(path, chunk_rows=10)
    assert source.columns == ["a", "label"]
    for _ in range(2):
        with pytest.raises(InputError, match=r"data.jsonl:2: not valid JSON"):
            list(source.batches())


@pytest.mark.parametrize("bad_rows", ["skip", KEEP_BAD_ROWS])
def test_the_bad_lines_held_for_the_first_read_are_cut_unless_kept(tmp_path: Path, bad_rows: str) -> None:
    """Held from the opening to the first read, a bad line is what the read sets aside: its first
    characters, its whole text only when the read keeps it (a file of long bad lines is not held
    whole for an audit)."""
    long_line = "{bad " + "x" * 5_000
    path = tmp_path / "data.jsonl"
    path.write_text('{"a": 1}\n' + f"{long_line}\n" * 3, encoding="utf-8")
    head = jsonl_reader._first_chunk(path, "data.jsonl", None, 10, False, bad_rows == KEEP_BAD_ROWS)
    assert [problem.line for problem in head.problems] == [2, 3, 4]
    assert all(len(problem.text) == SHOWN_TEXT for problem in head.problems)
    assert [problem.raw for problem in head.problems] == [long_line if bad_rows == KEEP_BAD_ROWS else None] * 3
    source = open_source(path, chunk_rows=10, bad_rows=bad_rows)
    list(source.batches())
    assert [(problem.text, problem.raw) for problem in source.problems] == [
        (problem.text, problem.raw) for problem in head.problems]
