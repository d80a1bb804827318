"""Compression told by a file's name (`data.csv.gz`), for the files read and the files written.

The readers decompress what these suffixes name, in any case (`DATA.CSV.GZ` as `data.csv.gz`:
pyarrow's own `compression="detect"` knows lower-case suffixes only, so they open files here); a
writer compresses in the same formats, so a file written as `out.csv.gz` is read back as any
`data.csv.gz` is, by dataaudit or by gzip(1). bz2, zstd and lz4 go through pyarrow's
`CompressedOutputStream` at its levels (bz2 9, zstd 1); gzip through zlib at level 6, gzip(1)'s
own default: pyarrow's stream takes no level and compresses gzip at 9, which took 4.7 times the
CPU for a file 4% smaller (11.0 s against 2.3 s for the 50 MB quoted CSV a clean of 500,000 rows
writes). zlib's gzip header holds no time and no name, and the other formats have none, so the
same bytes in give the same compressed bytes out, run after run.
"""

from __future__ import annotations

import zlib
from pathlib import Path
from typing import Any

import pyarrow as pa

#: gzip's level: gzip(1)'s default, not zlib's slowest
GZIP_LEVEL = 6
#: a name's last suffix, lower case, and the codec pyarrow reads it with
CODECS = {".gz": "gzip", ".bz2": "bz2", ".zst": "zstd", ".lz4": "lz4"}


def compression_of(path: str | Path) -> str | None:
    """The codec the name says (`out.jsonl.zst`: zstd), None for a name without one."""
    return CODECS.get(Path(path).suffix.lower())


def input_stream(path: str | Path) -> pa.NativeFile:
    """The file's bytes, decompressed as its name says; every reader opens a file through here, so
    that a name's compression is told one way, the one the writers and `read_bytes` follow."""
    return pa.input_stream(str(path), compression=compression_of(path))


def uncompressed_name(path: str | Path) -> Path:
    """The name without its compression suffix (`out.csv.gz`: `out.csv`); the name itself when
    it has none."""
    path = Path(path)
    return path.with_suffix("") if compression_of(path) is not None else path


def compressing(handle: Any, codec: str) -> Any:
    """A stream that compresses what is written to it into `handle`, whose owner keeps it: closing
    the stream ends it (its last block and trailer go to `handle`) and leaves `handle` open, so
    that the owner can still sync it to disk and close it."""
    if codec == "gzip":
        return _Gzip(handle)
    return pa.CompressedOutputStream(_Borrowed(handle), codec)


class _Gzip:
    """A gzip stream at `GZIP_LEVEL` into `handle`; zlib works without the interpreter's lock."""

    def __init__(self, handle: Any) -> None:
        self.handle = handle
        self.closed = False
        self._deflate = zlib.compressobj(GZIP_LEVEL, zlib.DEFLATED, 16 + zlib.MAX_WBITS)  # 16+: gzip's framing

    def write(self, data: Any) -> int:
        self.handle.write(self._deflate.compress(data))
        return memoryview(data).nbytes

    def writable(self) -> bool:
        return True

    def flush(self) -> None:
        """Nothing before `close`: a flush would end a deflate block early and cost ratio."""

    def close(self) -> None:
        if not self.closed:
            self.handle.write(self._deflate.flush())
            self.closed = True


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


def read_bytes(path: str | Path) -> bytes:
    """The bytes of a file dataaudit wrote or reads back (a report, a fitted state, a suite),
    decompressed when its name says it is compressed, as the writers compress it so named."""
    codec = compression_of(path)
    if codec is None:
        return Path(path).read_bytes()
    with pa.input_stream(str(path), compression=codec) as stream:
        return stream.read()
