"""Whether a CSV file has a quoted field that spans lines.

A reader that splits a file at line ends to read it in parallel (Spark's CSV reader) cuts such
a field in two; reading the file whole (Spark's `multiLine`) costs that parallelism, so a
reader asks first. A line end lies inside a quoted field exactly when an odd number of quote
characters comes before it (an escaped quote, `""`, adds two): the file is scanned in blocks,
comparing the positions of quotes and line ends, and the scan stops at the first such line end.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pyarrow as pa

from dataaudit.compression import input_stream
from dataaudit.io.decoding import ascii_bytes

_BLOCK_BYTES = 16 << 20
_NEWLINE, _RETURN = ord("\n"), ord("\r")


def has_quoted_line_ends(path: Path, quote: str = '"') -> bool:
    """True when some line end of `path` (decompressed, if it is) lies inside a quoted field."""
    quote_byte, newline = ord(quote), ord("\n")
    quotes_before = 0
    with input_stream(path) as stream:
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
    with input_stream(path) as stream:
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


@dataclass(frozen=True)
class LongRecord:
    """A record of a CSV file longer than asked: the line it starts on, its bytes (to the end
    of the file when `closed` is false), and the line of the quote that opened the field still
    open at its end, if any."""

    line: int
    size: int
    closed: bool
    open_line: int | None = None


def first_long_record(path: Path, longer_than: int, delimiter: str, quote: str = '"',
                      encoding: str | None = None) -> LongRecord | None:
    """The first record of `path` longer than `longer_than` bytes, read as pyarrow's reader reads
    a CSV: a quote opens a field only at its start, `""` inside it is one quote, and a line end
    inside it is part of the value. The file is scanned in blocks (the memory of one block), up
    to the end of that record or of the file. A quoted field never closed is a record to the end
    of the file, found however short. None when every record is shorter and every field closed.
    Text in an `encoding` whose quotes and line ends are no single bytes (UTF-16) is scanned as
    UTF-8, its sizes those of that UTF-8."""
    scan = _RecordScan(ord(quote), ord(delimiter), longer_than)
    with input_stream(path) as raw, \
            (raw if ascii_bytes(encoding) else pa.transcoding_input_stream(raw, str(encoding), "utf-8")) as stream:
        carry = b""
        while True:
            block = stream.read(_BLOCK_BYTES)
            data = carry + block
            carry = scan.feed(data, eof=not block)
            if scan.found is not None or not block:
                return scan.found


class _RecordScan:
    """The state of `first_long_record` between blocks: whether a quoted field is open (and on
    which line), where the current record starts, the line ends before the block."""

    def __init__(self, quote: int, delimiter: int, longer_than: int) -> None:
        self.quote, self.delimiter, self.longer_than = quote, delimiter, longer_than
        self.inside = False
        self.opened_at, self.open_line = 0, 0  # the open field's quote: its file offset and line
        self.offset = 0  # the file offset of the block's first byte
        self.lines = 0  # line ends before the block
        self.start, self.start_line = 0, 1  # the current record's first byte and line
        self.before = _NEWLINE  # the byte before the block
        self.found: LongRecord | None = None

    def feed(self, data: bytes, eof: bool) -> bytes:
        """Scan `data` (the block); return the bytes to put before the next block: a quote at its
        end inside a quoted field, which the next byte tells an escape from a closing quote."""
        array = np.frombuffer(data, dtype=np.uint8)
        quotes = np.flatnonzero(array == self.quote)
        ends = np.flatnonzero(array == _NEWLINE)
        carry = b""
        opens: list[int] = [self.opened_at - self.offset] if self.inside else []
        closes: list[int] = []
        i = 0
        while i < len(quotes):
            at = int(quotes[i])
            if not self.inside:
                previous = int(array[at - 1]) if at else self.before
                if previous in (self.delimiter, _NEWLINE, _RETURN):
                    self.inside, self.opened_at = True, self.offset + at
                    self.open_line = self.lines + int(np.searchsorted(ends, at)) + 1
                    opens.append(at)
            elif at + 1 == len(array) and not eof:
                carry, array, ends = data[at:], array[:at], ends[ends < at]
                break
            elif at + 1 < len(array) and array[at + 1] == self.quote:
                i += 1  # `""`: one quote of the value
            else:
                self.inside = False
                closes.append(at)
            i += 1
        if self.inside:
            closes.append(len(array))
        record_ends = _outside(ends, np.array(opens, dtype=np.int64), np.array(closes, dtype=np.int64))
        self._measure(record_ends, ends, len(array), eof)
        self.lines += len(ends)
        self.offset += len(array)
        self.before = int(array[-1]) if len(array) else self.before
        return carry

    def _measure(self, record_ends: np.ndarray, ends: np.ndarray, size: int, eof: bool) -> None:
        starts = np.concatenate(([self.start - self.offset], record_ends[:-1] + 1))
        long = np.flatnonzero(record_ends - starts > self.longer_than)
        if len(long):
            first = int(long[0])
            line = self.start_line if first == 0 else self.lines + int(np.searchsorted(ends, starts[first])) + 1
            self.found = LongRecord(line, int(record_ends[first] - starts[first]), closed=True)
            return
        if len(record_ends):
            self.start = self.offset + int(record_ends[-1]) + 1
            self.start_line = self.lines + int(np.searchsorted(ends, record_ends[-1], side="right")) + 1
        if eof and (self.inside or self.offset + size - self.start > self.longer_than):
            self.found = LongRecord(self.start_line, self.offset + size - self.start, not self.inside,
                                    self.open_line if self.inside else None)


def _outside(ends: np.ndarray, opens: np.ndarray, closes: np.ndarray) -> np.ndarray:
    """The line ends (positions in a block) outside the quoted fields `opens[i]`..`closes[i]`."""
    if not len(opens):
        return ends
    field = np.searchsorted(opens, ends, side="right") - 1
    inside = (field >= 0) & (ends < closes[np.maximum(field, 0)])
    return ends[~inside]
