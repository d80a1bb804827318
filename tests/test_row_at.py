"""A row a finding quotes is read again after the pass (`Source.row_at`): it is the very row the
pass counted at that number, and finding it parses the file only up to the block holding it,
not a whole chunk of rows.

The file is real and spans several of the reader's 1 MiB blocks, with quoted fields holding line
ends and a malformed row skipped, so that block boundaries and the rows set aside are crossed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.io import open_source

ROWS = 60_000
BAD_ROW = 41_000  # written with a field too many, and skipped


@pytest.fixture(scope="module")
def table_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("row_at") / "rows.csv"
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "note", "amount", "label"])
        for i in range(ROWS):
            note = f"line one {i}\nline two" if i % 97 == 0 else f"note {i % 13} " + "x" * (i % 40)
            row = [f"r{i:07d}", note, f"{i * 0.25:.2f}", "ab"[i % 2]]
            writer.writerow([*row, "extra"] if i == BAD_ROW else row)
    assert path.stat().st_size > 2 << 20  # several blocks
    return path


@pytest.fixture(scope="module")
def passed_rows(table_file: Path) -> list[dict]:
    """The rows as the pass reads them: whole chunks, the malformed row skipped."""
    source = open_source(table_file, bad_rows="skip")
    return pa.Table.from_batches(list(source.batches())).to_pylist()


@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_row_at_is_the_row_the_pass_counted(table_file: Path, passed_rows: list[dict], data: st.DataObject) -> None:
    number = data.draw(st.integers(0, len(passed_rows) + 5))
    source = open_source(table_file, bad_rows="skip")
    expected = passed_rows[number] if number < len(passed_rows) else None
    assert source.row_at(number) == expected


def test_the_last_row_and_the_row_after_it(table_file: Path, passed_rows: list[dict]) -> None:
    source = open_source(table_file, bad_rows="skip")
    assert len(passed_rows) == ROWS - 1
    assert source.row_at(len(passed_rows) - 1) == passed_rows[-1]
    assert source.row_at(len(passed_rows)) is None


def test_an_early_row_is_found_without_parsing_a_chunk(table_file: Path) -> None:
    """The pass reads chunks of 65,536 rows, more than the file holds; the first row is found
    after the first block's rows."""
    source = open_source(table_file, bad_rows="skip")
    assert source.read_blocks is not None
    parsed = 0
    blocks = source.read_blocks

    def counted() -> Iterator[pa.RecordBatch]:
        nonlocal parsed
        for batch in blocks():
            parsed += batch.num_rows
            yield batch

    source.read_blocks = counted
    assert source.row_at(0)["id"] == "r0000000"
    assert 0 < parsed < ROWS // 2


@pytest.mark.parametrize("number", [0, 100, ROWS - 2, ROWS + 5])
def test_the_rows_the_pass_set_aside_stay_as_it_left_them(table_file: Path, number: int) -> None:
    """A read from the start lists the rows it sets aside afresh; `row_at` stops early, so the
    list the pass made (the malformed row, on its file line) is kept as it was."""
    source = open_source(table_file, bad_rows="skip")
    for _ in source.batches():
        pass
    after_the_pass = list(source.problems)
    assert len(after_the_pass) == 1
    source.row_at(number)
    assert source.problems == after_the_pass
