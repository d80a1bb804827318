"""A file read as its raw lines: one binary column, a row per line, blank lines included.

A fine-tuning JSONL file is checked line by line, not parsed into columns: its lines travel to
the engines as record batches of one `line` column, so that a row's number is its line number
less one, whichever engine, worker or partition reads it. Lines stay bytes (with their line
ends) because a line that is not UTF-8 is a finding, not a reason to stop. Compressed files
(.gz, .bz2, .zst) are read through pyarrow.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO

import pyarrow as pa

from dataaudit.compression import input_stream
from dataaudit.errors import InputError
from dataaudit.io.source import Source

CHUNK_LINES = 8192
LINE_COLUMN = "line"


@contextmanager
def open_binary(path: Path) -> Iterator[BinaryIO]:
    import io

    try:
        with input_stream(path) as stream:
            yield io.BufferedReader(stream, buffer_size=1 << 20)  # type: ignore[arg-type]
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None


def line_chunks(path: Path, chunk_lines: int = CHUNK_LINES) -> Iterator[list[bytes]]:
    """The raw lines of `path`, with their line ends, `chunk_lines` at a time."""
    with open_binary(path) as handle:
        while lines := list(itertools.islice(handle, chunk_lines)):
            yield lines


def line_source(path: Path, chunk_lines: int = CHUNK_LINES) -> Source:
    """`path` as a source of `chunk_lines`-line batches of its raw lines."""

    def read() -> Iterator[pa.RecordBatch]:
        for lines in line_chunks(path, chunk_lines):
            yield pa.RecordBatch.from_arrays([pa.array(lines, pa.binary())], names=[LINE_COLUMN])

    info = {"path": str(path), "format": "jsonl", "bytes": path.stat().st_size}
    return Source(str(path), "jsonl", [LINE_COLUMN], read, info=info, local_path=path)
