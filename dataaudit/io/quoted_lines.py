"""Whether a CSV file has a quoted field that spans lines.

A reader that splits a file at line ends to read it in parallel (Spark's CSV reader) cuts such
a field in two; reading the file whole (Spark's `multiLine`) costs that parallelism, so a
reader asks first. A line end lies inside a quoted field exactly when an odd number of quote
characters comes before it (an escaped quote, `""`, adds two): the file is scanned in blocks,
comparing the positions of quotes and line ends, and the scan stops at the first such line end.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa

_BLOCK_BYTES = 16 << 20


def has_quoted_line_ends(path: Path, quote: str = '"') -> bool:
    """True when some line end of `path` (decompressed, if it is) lies inside a quoted field."""
    quote_byte, newline = ord(quote), ord("\n")
    quotes_before = 0
    with pa.input_stream(str(path), compression="detect") as stream:
        while block := stream.read(_BLOCK_BYTES):
            data = np.frombuffer(block, dtype=np.uint8)
            quotes = np.flatnonzero(data == quote_byte)
            ends = np.flatnonzero(data == newline)
            if ((quotes_before + np.searchsorted(quotes, ends)) % 2).any():
                return True
            quotes_before += len(quotes)
    return False


def row_ends(path: Path, quote: str = '"') -> tuple[str, int | None]:
    """The line end that closes the header of `path` outside quoted fields (`"\\r\\n"` or
    `"\\n"`), and the first data row (numbered from 0, as findings number rows) that another
    line end closes (a lone `"\\n"` in a `"\\r\\n"` file, or the other way round, or a lone
    `"\\r"`), None when every row ends alike. A reader that parses the file whole with one
    line separator reads a file exactly only when its rows end alike."""
    quote_byte, newline, carriage = ord(quote), ord("\n"), ord("\r")
    quotes_before = ends_before = 0
    first_kind: int | None = None
    last_byte, pending_cr = -1, False
    with pa.input_stream(str(path), compression="detect") as stream:
        while True:
            block = stream.read(_BLOCK_BYTES)
            data = np.frombuffer(block, dtype=np.uint8)
            kinds = []  # per row end in order: 0 "\n", 1 "\r\n", 2 a lone "\r"
            if pending_cr and (not len(data) or data[0] != newline):
                kinds.append(np.array([2]))
            if not len(data):
                found = np.concatenate(kinds) if kinds else np.zeros(0, dtype=np.int64)
            else:
                quotes = np.flatnonzero(data == quote_byte)
                lf, cr = np.flatnonzero(data == newline), np.flatnonzero(data == carriage)
                lf = lf[(quotes_before + np.searchsorted(quotes, lf)) % 2 == 0]
                cr = cr[(quotes_before + np.searchsorted(quotes, cr)) % 2 == 0]
                before = np.concatenate(([last_byte], data[:-1].astype(np.int64)))
                pending_cr = bool(len(cr)) and cr[-1] == len(data) - 1
                lone = cr[cr < len(data) - 1]
                lone = lone[data[lone + 1] != newline]
                at = np.concatenate((lf, lone))
                kind = np.concatenate(((before[lf] == carriage).astype(np.int64), np.full(len(lone), 2)))
                kinds.append(kind[np.argsort(at, kind="stable")])
                found = np.concatenate(kinds)
                quotes_before += len(quotes)
                last_byte = int(data[-1])
            if len(found):
                if first_kind is None:
                    first_kind = int(found[0])
                other = np.flatnonzero(found != first_kind)
                if len(other):
                    return ("\n", "\r\n", "\r")[first_kind], ends_before + int(other[0]) - 1
                ends_before += len(found)
            if not len(data):
                return ("\n", "\r\n", "\r")[first_kind or 0], None
