"""A CSV file's quoted fields that span lines are told apart from line ends between rows,
whatever the quoting and wherever the scan's blocks are cut; so are its rows longer than a
reader's block, and a quoted field never closed."""

from __future__ import annotations

import csv
import gzip
import io
import tempfile
from pathlib import Path
from unittest import mock

from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.io import quoted_lines
from dataaudit.io.quoted_lines import LongRecord, first_long_record, has_quoted_line_ends

FIELDS = st.text(alphabet='ab ,"\n', max_size=6)
ROWS = st.lists(st.lists(FIELDS, min_size=1, max_size=4), min_size=1, max_size=8)


@settings(max_examples=150, deadline=None)
@given(ROWS, st.integers(1, 9), st.booleans())
def test_a_line_end_inside_a_quoted_field_is_found_wherever_the_blocks_are_cut(
        rows: list[list[str]], block: int, compressed: bool) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / ("rows.csv.gz" if compressed else "rows.csv")
        with (gzip.open(path, "wt", newline="") if compressed else path.open("w", newline="")) as out:
            csv.writer(out, lineterminator="\n").writerows(rows)
        with mock.patch.object(quoted_lines, "_BLOCK_BYTES", block):
            assert has_quoted_line_ends(path) == any("\n" in field for row in rows for field in row)


def test_quotes_and_line_ends_that_do_not_span_lines(tmp_path: Path) -> None:
    path = tmp_path / "plain.csv"
    path.write_bytes(b'id,note\r\n1,"a, quoted ""comma"""\r\n2,\r\n3,"ends here"\n')
    assert not has_quoted_line_ends(path)
    path.write_bytes(b'id,note\n1,"two\nlines"\n')
    assert has_quoted_line_ends(path)


@settings(max_examples=150, deadline=None)
@given(ROWS, st.lists(st.sampled_from(["\n", "\r\n", "\r"]), min_size=8, max_size=8), st.integers(1, 9))
def test_the_first_row_ending_unlike_the_header_is_named_wherever_the_blocks_are_cut(
        rows: list[list[str]], ends: list[str], block: int) -> None:
    """Quoted fields hold \\n, \\r\\n or \\r freely; only the line ends between rows count."""
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        text = []
        for row, end in zip(rows, ends, strict=False):
            line = io.StringIO()
            csv.writer(line, lineterminator="\r\n").writerow([field.replace("\n", end) for field in row])
            text.append(line.getvalue()[:-2] + end)
        path.write_bytes("".join(text).encode())
        used = ends[:len(rows)]
        unlike = next((k - 1 for k, end in enumerate(used) if end != used[0]), None)
        with mock.patch.object(quoted_lines, "_BLOCK_BYTES", block):
            assert quoted_lines.row_ends(path) == (used[0], unlike)


def _records(rows: list[list[str]]) -> list[str]:
    """Each row as csv.writer writes it, without its line end."""
    out = []
    for row in rows:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(row)
        out.append(text.getvalue()[:-1])
    return out


@settings(max_examples=200, deadline=None)
@given(ROWS, st.integers(0, 30), st.integers(1, 9), st.one_of(st.none(), FIELDS))
def test_the_first_row_longer_than_asked_is_found_wherever_the_blocks_are_cut(
        rows: list[list[str]], longer_than: int, block: int, unclosed: str | None) -> None:
    """Its line and size are those of the row csv.writer wrote; a quote opened on a last line
    and never closed is found, with the line it opens on, however short the rest of the file."""
    records = _records(rows)
    tail = "" if unclosed is None else 'x,"' + unclosed.replace('"', '""')
    expected, line = None, 1
    for record in records:
        if len(record) > longer_than:
            expected = LongRecord(line, len(record), closed=True)
            break
        line += record.count("\n") + 1
    if expected is None and unclosed is not None:
        expected = LongRecord(line, len(tail), closed=False, open_line=line)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "rows.csv"
        path.write_text("".join(record + "\n" for record in records) + tail, newline="")
        with mock.patch.object(quoted_lines, "_BLOCK_BYTES", block):
            assert first_long_record(path, longer_than, ",") == expected


def test_a_quote_inside_an_unquoted_field_opens_nothing(tmp_path: Path) -> None:
    """As pyarrow reads it (and the csv module), a quote opens a field only at its start: the
    inches of `12" pipe` and `12"` are characters of the value."""
    path = tmp_path / "inches.csv"
    path.write_bytes(b'item,size\n12" pipe,1\n12",2\nlast,3\n')
    assert first_long_record(path, 10, ",") is None
    path.write_bytes(b'item,size\n12" pipe,1\n"open,2\nlast,3\n')
    assert first_long_record(path, 10, ",") == LongRecord(3, 15, closed=False, open_line=3)
