"""Compression told by a file's name (`data.csv.gz`), for the files read and the files written.

The readers decompress what pyarrow's `compression="detect"` detects from these suffixes; a
writer compresses with the same codecs (`pa.CompressedOutputStream`), so a file written as
`out.csv.gz` is read back as any `data.csv.gz` is. pyarrow's gzip stream stores no time and no
name in its header, so the same bytes in give the same compressed bytes out, run after run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa

#: a name's last suffix, lower case, and the codec pyarrow reads and writes it with
CODECS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4"}


def compression_of(path: str | Path) -> str | None:
    """The codec the name says (`out.jsonl.zst`: zstd), None for a name without one."""
    return CODECS.get(Path(path).suffix.lower())


def uncompressed_name(path: str | Path) -> Path:
    """The name without its compression suffix (`out.csv.gz`: `out.csv`); the name itself when
    it has none."""
    path = Path(path)
    return path.with_suffix("") if compression_of(path) is not None else path


def compressing(handle: Any, codec: str) -> pa.NativeFile:
    """A stream that compresses what is written to it into `handle`, whose owner keeps it: closing
    the stream ends it (its last block and trailer go to `handle`) and leaves `handle` open, so
    that the owner can still sync it to disk and close it. It is a pyarrow stream, which the CSV
    writer writes to without a round trip through Python."""
    return pa.CompressedOutputStream(_Borrowed(handle), codec)


class _Borrowed:
    """`handle` as pyarrow sees it: written to and flushed, but not closed, which pyarrow does
    when its compressed stream closes."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.closed = False

    def write(self, data: Any) -> int:
        return self.handle.write(data)

    def flush(self) -> None:
        self.handle.flush()

    def writable(self) -> bool:
        return True

    def close(self) -> None:
        self.closed = True
