"""A file read as its raw lines: one binary column, a row per line, blank lines included.

A fine-tuning JSONL file is checked line by line, not parsed into columns: its lines travel to
the engines as record batches of one `line` column, so that a row's number is its line number
less one, whichever engine, worker or partition reads it. Lines stay bytes (with their line
ends) because a line that is not UTF-8 is a finding, not a reason to stop. Compressed files
(.gz, .bz2, .zst) are read through pyarrow.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from dataaudit.compression import input_stream
from dataaudit.errors import InputError
from dataaudit.io.source import Source

CHUNK_LINES = 8192
#: the bytes of lines a chunk holds at most (unless one line is longer): a chunk's parsed lines,
#: texts and hashes take several times its bytes, so 8,192 lines of 100 KB would take gigabytes
CHUNK_BYTES = 16 << 20
LINE_COLUMN = "line"


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    import io

    try:
        with input_stream(path) as stream:
            yield io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def line_chunks(path: Path, chunk_lines: int = CHUNK_LINES, chunk_bytes: int = CHUNK_BYTES) -> Iterator[list[bytes]]:
    """The raw lines of `path`, with their line ends, `chunk_lines` at a time, or fewer when
    they reach `chunk_bytes` bytes first."""
    with open_binary(path) as handle:
        lines: list[bytes] = []
        size = 0
        for line in handle:
            lines.append(line)
            size += len(line)
            if len(lines) == chunk_lines or size >= chunk_bytes:
                yield lines
                lines, size = [], 0
        if lines:
            yield lines


def line_source(path: Path, chunk_lines: int = CHUNK_LINES, chunk_bytes: int = CHUNK_BYTES) -> Source:
    """`path` as a source of batches of its raw lines, `chunk_lines` or `chunk_bytes` at most."""

    def read() -> Iterator[pa.RecordBatch]:
        for lines in line_chunks(path, chunk_lines, chunk_bytes):
            yield pa.RecordBatch.from_arrays([pa.array(lines, pa.binary())], names=[LINE_COLUMN])

    info = {"path": str(path), "format": "jsonl", "bytes": path.stat().st_size}
    return Source(str(path), "jsonl", [LINE_COLUMN], read, info=info, local_path=path)
