"""Turn what pyarrow knows about a bad spot (a record number, "invalid UTF-8") into a file line.

pyarrow numbers records, not lines: it skips blank lines and a quoted field may span several
lines. Both lookups rescan the file (decompressed, as the reader saw it), which costs a pass,
so they run only on the error path.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa

from dataaudit.compression import input_stream
from dataaudit.errors import InputError
from dataaudit.io.decoding import encoding_hint, text_codec

BLOCK_BYTES = 1 << 20


def record_lines(path: Path, records: Iterable[int], *, delimiter: str, encoding: str | None) -> dict[int, int]:
    """The first file line (1-based) of each 1-based record number, as pyarrow counts records."""
    wanted = set(records)
    found: dict[int, int] = {}
    if not wanted:
        return found
    last = max(wanted)
    with input_stream(path) as stream, \
            io.TextIOWrapper(stream, encoding=encoding or "utf-8", errors="replace", newline="") as handle:
        reader = csv.reader(handle, delimiter=delimiter)
        number = 0
        start = reader.line_num + 1
        # a field past the csv module's size limit ends the count: records from there keep their number
        with contextlib.suppress(csv.Error):
            for fields in reader:
                if fields:  # pyarrow skips blank lines without counting them
                    number += 1
                    if number in wanted:
                        found[number] = start
                    if number >= last:
                        break
                start = reader.line_num + 1
    return found


def first_undecodable(path: Path, encoding: str) -> tuple[int, int] | None:
    """The line and the value of the first byte `encoding` does not decode (as `--encoding`
    names it: cp1252 leaves five bytes undefined, ASCII every byte past 0x7F), or None when the
    file decodes. Lines are counted by their line feeds."""
    decoder = codecs.getincrementaldecoder(encoding)()
    lines_before = 0
    with input_stream(path) as handle:
        while True:
            block = handle.read(BLOCK_BYTES)
            try:
                lines_before += decoder.decode(block, final=not block).count("\n")
            except UnicodeDecodeError as exc:
                before = exc.object[: exc.start].decode(encoding, errors="replace")
                return lines_before + before.count("\n") + 1, exc.object[exc.start]
            if not block:
                return None


def undecodable(path: Path, name: str, encoding: str | None) -> InputError:
    """The error for text `encoding` (None: UTF-8) does not decode, named by the line and the
    byte found by decoding the file again: what failed may have read ahead of that line (the
    header's reader reads a block, pyarrow's reader many)."""
    found = first_undecodable(path, text_codec(encoding))
    where, byte = (f"{name}:{found[0]}", f" (byte {found[1]:#x})") if found else (name, "")
    return InputError(f"{where}: not valid {encoding or 'UTF-8'} text{byte}; {encoding_hint(encoding)}")


def first_bytes(path: Path, count: int = 8) -> bytes:
    """The file's first bytes, decompressed as its name says (none if it cannot be read again)."""
    try:
        with input_stream(path) as handle:
            return handle.read(count)
    except (OSError, pa.ArrowException):
        return b""
