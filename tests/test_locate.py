"""Record numbers map to the file lines a user sees, whatever blank lines and quoted
newlines lie between them; a bad byte is found on its line."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.io.locate import first_undecodable, record_lines

FIELDS = st.text(alphabet="ab,\"\n é", max_size=6)
RECORDS = st.lists(st.tuples(st.lists(FIELDS, min_size=2, max_size=2), st.integers(0, 2)), min_size=1, max_size=30)


@settings(max_examples=100, deadline=None)
@given(RECORDS)
def test_record_numbers_map_to_their_first_line(tmp_path_factory, records: list[tuple[list[str], int]]) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    expected: dict[int, int] = {}
    for number, (fields, blanks_before) in enumerate(records, start=1):
        buffer.write("\n" * blanks_before)
        expected[number] = buffer.getvalue().count("\n") + 1
        writer.writerow(fields if any(fields) else ["", "x"])  # an all-empty record would be a blank line
    path = tmp_path_factory.mktemp("csv") / "data.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8")
    assert record_lines(path, expected, delimiter=",", encoding="utf-8") == expected


def test_invalid_byte_is_found_on_its_line_across_block_boundaries(tmp_path: Path) -> None:
    good = ("é" * 40 + "\n").encode() * 30_000  # multi-byte characters straddle every 1 MiB block edge
    path = tmp_path / "late.csv"
    path.write_bytes(good + b"caf\xe9\n")
    assert first_undecodable(path, "utf-8") == (30_001, 0xE9)
    path.write_bytes(good)
    assert first_undecodable(path, "utf-8") is None
