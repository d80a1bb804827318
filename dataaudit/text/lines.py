"""Reading a JSONL file as numbered raw lines: the structural view a chat file needs.

The table reader turns each object into columns; a fine-tuning file is checked line by line,
and `clean` must copy good lines byte for byte, so lines are kept as bytes with their 1-based
line number in the file. Compressed files (.gz, .bz2, .zst) are read through pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

from dataaudit.errors import InputError

CHUNK_LINES = 8192


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    import io

    import pyarrow as pa

    try:
        with pa.input_stream(str(path), compression="detect") as stream:
            yield io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def numbered_chunks(path: Path, chunk_lines: int = CHUNK_LINES) -> Iterator[tuple[list[int], list[bytes]]]:
    """(line numbers, raw lines with their line ends) in chunks of `chunk_lines`."""
    numbers: list[int] = []
    lines: list[bytes] = []
    with open_binary(path) as handle:
        for number, line in enumerate(handle, start=1):
            numbers.append(number)
            lines.append(line)
            if len(lines) == chunk_lines:
                yield numbers, lines
                numbers, lines = [], []
    if lines:
        yield numbers, lines
