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
