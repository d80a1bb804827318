"""Reading a JSONL file as numbered raw lines: the structural view a chat file needs.

The table reader turns each object into columns; a fine-tuning file is checked line by line,
and `clean` must copy good lines byte for byte, so lines are kept as bytes with their 1-based
line number in the file. The audit reads the same lines as record batches
(`dataaudit.io.lines.line_source`), so that any engine can run it.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

from dataaudit.io.lines import CHUNK_LINES, line_chunks


def numbered_chunks(path: Path, chunk_lines: int = CHUNK_LINES) -> Iterator[tuple[list[int], list[bytes]]]:
    """(1-based line numbers, raw lines with their line ends) in chunks of `chunk_lines`."""
    first = 1
    for lines in line_chunks(path, chunk_lines):
        yield list(range(first, first + len(lines))), lines
        first += len(lines)
