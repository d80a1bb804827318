"""A CSV file's header record, read from the file itself however long it is.

A sample of the first kilobytes cuts a wide header (20,000 columns is ~250 KB) and makes up
column names; the header is read with the csv module instead, which also follows a quoted
name across lines. A limit keeps a file with no line end (a 200 MB single line) from being
read whole: a header is a line of column names, not megabytes of data.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO

from dataaudit.compression import input_stream
from dataaudit.errors import InputError
from dataaudit.io.access import read_failure
from dataaudit.io.decoding import text_codec, unreadable
from dataaudit.io.locate import undecodable

HEADER_LIMIT = 16 << 20


def read_header(path: Path, name: str, *, delimiter: str, encoding: str | None,
                limit: int = HEADER_LIMIT, skip: int = 0) -> tuple[list[str], int, bool]:
    """The column names of the file's first record after its first `skip` lines (a
    spreadsheet's `sep=;` line), the characters read, and whether the file ends in the header
    with no line end (where a quote opened in it may never close: the csv module ends such a
    field at the end of the file)."""
    lines = _Bounded(name, limit, 1 + skip)
    try:
        with input_stream(path) as stream, \
                io.TextIOWrapper(stream, encoding=text_codec(encoding), newline="") as handle:
            read = lines.of(handle)
            for _ in range(skip):
                next(read, None)
            skipped = lines.read  # the characters of the lines before the header
            header = next(csv.reader(read, delimiter=delimiter), [])
    except csv.Error as exc:
        raise InputError(f"{name}:{1 + skip}: the header cannot be read as CSV: {exc}") from None
    except UnicodeDecodeError:  # in the block read ahead, maybe past the header
        raise undecodable(path, name, encoding) from None
    except UnicodeError as exc:
        raise unreadable(name, encoding, exc) from None
    except OSError as exc:
        raise read_failure(name, exc) from None
    if not header:  # the csv module reads a blank line as a record of no fields
        blank = "the first line" if not skip else "the line after the delimiter line"
        raise InputError(f"{name}:{1 + skip}: {blank} is blank; a CSV file starts with its header line"
                         if lines.read > skipped else f"{name}: no header line")
    return header, lines.read, not lines.ended


class _Bounded:
    """The handle's lines, counting what is read and stopping at `limit` characters; the header
    is line `line` of the file."""

    def __init__(self, name: str, limit: int, line: int = 1) -> None:
        self.name, self.limit, self.read, self.line = name, limit, 0, line
        self.ended = True  # the last line read ends with a line end

    def of(self, handle: TextIO) -> Iterator[str]:
        while line := handle.readline(self.limit - self.read + 1):
            self.read += len(line)
            if self.read > self.limit:
                raise InputError(f"{self.name}:{self.line}: the header is longer than {self.limit >> 20} MiB; a CSV "
                                 "file starts with one line of column names")
            self.ended = line.endswith(("\n", "\r"))
            yield line
