"""CSV and TSV, streamed with pyarrow's CSV reader.

Every column is read as text: disguised missing tokens ("?", "NA") and mixed-type columns can
only be seen in the text, and a type guessed from the first block would break on a later one.
An unquoted empty field is a null; a quoted empty string ("") is kept as a disguised token.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from dataaudit.compression import input_stream
from dataaudit.errors import InputError, quoted
from dataaudit.io.access import read_failure
from dataaudit.io.decimal_comma import POINT, decimal_mark, exchanged_batch
from dataaudit.io.decoding import binary_content, body_codec, encoding_hint, unreadable
from dataaudit.io.header import read_header
from dataaudit.io.locate import record_lines, undecodable
from dataaudit.io.quoted_lines import LongRecord, first_long_record
from dataaudit.io.source import (
    BAD_ROW_HINT,
    KEEP_BAD_ROWS,
    RowProblem,
    Source,
    blank_columns_named,
    refuse_duplicate_columns,
)

DELIMITERS = ",\t;|"
#: delimiters by name, in any case: a tab is awkward to type in a shell, and `'\t'` there (as
#: pandas' `sep="\t"` is written) reaches the program as a backslash and a `t`
DELIMITER_NAMES = {"\\t": "\t", "tab": "\t", "comma": ",", "semicolon": ";", "pipe": "|", "space": " "}
# pyarrow's streaming reader reads ahead many blocks: its memory is a multiple of the block
# size, so blocks stay small and are regrouped into chunks of `chunk_rows` rows
BLOCK_BYTES = 1 << 20
#: a chunk ends at `chunk_rows` rows or at this many bytes of Arrow data, whichever comes first:
#: what a chunk costs in memory follows its bytes, so wide rows (long texts) make shorter chunks
#: (the generated 12-column data's 65,536 rows are about 9 MiB)
CHUNK_BYTES = 16 << 20
#: a row longer than a block is read again in blocks four times larger, up to this size: a longer
#: row, or a quoted field never closed, is one line and exit 2
LARGEST_BLOCK_BYTES = 256 << 20
#: Excel's first line naming the delimiter (`sep=;`), which only spreadsheets read
_SEPARATOR_LINE = re.compile(r"\ufeff?(sep=(.))[ \t]*(?:\r\n|\r|\n|$)", re.I)
#: the note a report carries of a file read below its `sep=` line
SEPARATOR_NOTE = "the first line names the delimiter (sep=), as a spreadsheet writes it; the header is line 2"
_BAD_ROW = re.compile(r"Row #(\d+): Expected (\d+) columns, got (\d+): (.*)", re.S)


def open_csv(path: Path, name: str, sample: bytes, *, delimiter: str | None, encoding: str | None,
             chunk_rows: int, bad_rows: str, tab_default: bool, decimal: str = POINT) -> Source:
    """`path` is read, `name` is what reports and errors call it (they differ for spooled stdin).
    With a `decimal` mark other than the point, the numbers written with it are handed on with a
    point, and those written with a point with it (`decimal_comma.py`)."""
    text = _decode(name, sample, encoding)
    written_in = body_codec(encoding, sample)
    delimiter = delimiter_named(name, delimiter)
    named = separator_line(name, text, delimiter)
    skip = 0 if named is None else 1  # the header is line 2, below the `sep=` line
    delimiter = named or delimiter or _sniff_delimiter(text, "\t" if tab_default else ",")
    try:
        decimal = decimal_mark(decimal, delimiter)
    except InputError as exc:
        raise InputError(f"{name}: {exc}") from None
    header, header_chars, header_ends_open = read_header(path, name, delimiter=delimiter, encoding=encoding,
                                                         skip=skip)
    # a quote opened in the header may never close: it runs over lines, or to the file's end
    if header_ends_open or any("\n" in column or "\r" in column for column in header):
        _refuse_unclosed(name, first_long_record(path, LARGEST_BLOCK_BYTES, delimiter, encoding=encoding))
    columns, written_names = blank_columns_named(header)
    refuse_duplicate_columns(f"{name}:{1 + skip}", columns, "the header")
    # a block holds whole rows: a file with a very wide header has rows as wide
    block_bytes = max(BLOCK_BYTES, 4 * header_chars)
    source = Source(name, "csv" if delimiter != "\t" else "tsv", columns, read=lambda: iter(()))
    source.info["delimiter"] = delimiter
    if decimal != POINT:
        source.info["decimal"] = decimal
    source.written_names = written_names
    if named is not None:
        source.separator_line = True
        source.info.setdefault("notes", []).append(SEPARATOR_NOTE)

    def read(chunked: bool) -> Iterator[pa.RecordBatch]:
        # Only skipping needs a Python handler. An erroring one leaves pyarrow's reader holding
        # a Python callable after the error, and interpreter teardown then sometimes aborts;
        # without a handler, pyarrow's own message names the row.
        def skip_bad_row(row: pacsv.InvalidRow) -> str:
            nonlocal bad_quote, bad_spans
            source.problems.append(_row_problem(row.number, row.expected_columns, row.actual_columns, row.text,
                                                keep=bad_rows == KEEP_BAD_ROWS))
            # told from the whole text, before the report cuts it
            bad_quote, bad_spans = '"' in row.text, _holds_line_end(row.text)
            return "skip"

        rows = 0
        last: pa.RecordBatch | None = None
        bad_quote = bad_spans = False
        end: _StreamEnd | None = None
        block = block_bytes
        while True:
            # a read from the start, or one started over, finds the skipped rows again
            source.problems.clear()
            bad_quote = False
            try:
                stream = input_stream(path)
                if isinstance(stream, pa.OSFile):  # a compressed stream's position is not the file's
                    source.position = stream.tell
                else:
                    end = _StreamEnd()
                    stream = pa.TransformInputStream(stream, end)
                reader = pacsv.open_csv(
                    stream,
                    # pyarrow counts the skipped `sep=` line as a row: the rows it numbers stay the file's
                    read_options=pacsv.ReadOptions(use_threads=False, block_size=block, encoding=encoding or "utf8",
                                                   skip_rows=skip),
                    # quoted fields may hold line ends anywhere, also across a block boundary
                    parse_options=pacsv.ParseOptions(delimiter=delimiter, newlines_in_values=True,
                                                     invalid_row_handler=None if bad_rows == "error" else skip_bad_row),
                    convert_options=pacsv.ConvertOptions(
                        column_types={name: pa.string() for name in header},
                        strings_can_be_null=True, quoted_strings_can_be_null=False, null_values=[""],
                    ),
                )
                parsed = _after(_named(reader, columns) if written_names else reader, rows)
                for batch in regroup(parsed, chunk_rows) if chunked else parsed:
                    batch = exchanged_batch(batch, decimal)
                    rows += batch.num_rows
                    last = batch
                    yield batch
                break
            except pa.ArrowInvalid as exc:
                if "straddl" in str(exc):
                    # a row longer than a block: read again in blocks that hold it, past the rows handed on
                    block = _block_holding(path, name, delimiter, block)
                    continue
                if "Empty CSV file" in str(exc) and rows == 0:
                    break  # the header with no line end, and nothing after it: no rows
                bad = _BAD_ROW.search(str(exc))
                if bad:
                    number, expected, actual, text = bad.groups()
                    source.problems.append(_row_problem(int(number), int(expected), int(actual), text))
                    # pyarrow's message cuts a long row: whether it runs over lines is not seen
                    if text.endswith(" ...") or ('"' in text and (_holds_line_end(text) or _ends_open(path, end))):
                        _refuse_unclosed(name, first_long_record(path, LARGEST_BLOCK_BYTES, delimiter,
                                                                 encoding=encoding))
                _number_file_lines(path, source, delimiter, encoding)
                raise _translate(path, name, exc, source, rows) from None
            except UnicodeDecodeError:  # past the sample, a byte the --encoding does not decode
                # (another codec than UTF-8, which pyarrow decodes itself, raised from its
                # transcoding callback: it ended the run as an internal error)
                raise undecodable(path, name, encoding) from None
            except OSError as exc:  # a compressed stream cut short or corrupt
                raise read_failure(name, exc) from None
        # the last row, skipped or read, may be a quote never closed, which pyarrow reads to the end of the file:
        # then it runs over lines, or the file ends with no line end
        if (bad_quote and (bad_spans or _ends_open(path, end))) or _last_value_may_be_open(path, last, end, written_in):
            _refuse_unclosed(name, first_long_record(path, LARGEST_BLOCK_BYTES, delimiter, encoding=encoding))
        _number_file_lines(path, source, delimiter, encoding)

    source.read = lambda: read(chunked=True)
    source.read_blocks = lambda: read(chunked=False)
    return source


def delimiter_named(name: str, delimiter: str | None) -> str | None:
    """The one character `delimiter` is or names (`tab`, `\\t`: a tab), None for none given. pyarrow
    splits at one character only, so anything else is refused here, naming the file it was for."""
    if delimiter is None or len(delimiter) == 1:
        return delimiter
    named = DELIMITER_NAMES.get(delimiter.lower())
    if named is None:
        names = ", ".join(DELIMITER_NAMES)
        raise InputError(f"{name}: the delimiter must be one character or one of {names}; not {quoted(delimiter)}")
    return named


def _block_holding(path: Path, name: str, delimiter: str, block: int) -> int:
    """The block, four times larger as often as it takes, that holds the first row longer than
    `block`. The row is measured by a scan of the file in bounded blocks first, so a quoted
    field never closed, or one longer than the largest block, is refused naming its line without
    reading hundreds of MiB into one block."""
    long = first_long_record(path, block, delimiter)
    _refuse_unclosed(name, long)
    if long is not None and long.size > LARGEST_BLOCK_BYTES:
        raise InputError(f"{name}:{long.line}: the row starting on this line is {_size(long.size)}, longer than the "
                         f"{_size(LARGEST_BLOCK_BYTES)} a row may be; a quoted field in it may be closed too late")
    if long is None:  # the scan finds every row shorter: grow the block as pyarrow asks, up to the largest
        if block >= LARGEST_BLOCK_BYTES:
            raise InputError(f"{name}: a row longer than {_size(LARGEST_BLOCK_BYTES)} or a quoted field that is "
                             "never closed")
        return block * 4
    while block < long.size:
        block *= 4
    return block


def _holds_line_end(text: str) -> bool:
    return "\n" in text or "\r" in text


def _last_value_may_be_open(path: Path, last: pa.RecordBatch | None, end: _StreamEnd | None,
                            codec: str) -> bool:
    """Whether the file's last value may be a quoted field never closed, which pyarrow ends at the
    end of the file: with as many fields as the header, one valid row. Such a field is the file's
    tail, a quote and then the value as written (its quotes doubled), which a few bytes read from
    the end tell; a compressed file's end is not read again but kept as it was read (`end`), and
    a value longer than what is kept, holding a line end or in text ending with none, is scanned for."""
    if last is None or not last.num_rows:
        return False
    value = last.column(last.num_columns - 1)[-1].as_py()
    if value is None:
        return False
    written = ('"' + value.replace('"', '""')).encode(codec)  # `body_codec`: no byte-order mark
    if end is not None:
        if len(written) <= len(end.tail):
            return end.tail.endswith(written)
        if len(end.tail) < _StreamEnd.KEPT:  # the whole text is kept, and shorter than the value
            return False
        return _holds_line_end(value) or _ends_open(path, end)
    if len(written) > path.stat().st_size:
        return False
    with path.open("rb") as handle:
        handle.seek(-len(written), 2)
        return handle.read() == written


class _StreamEnd:
    """The last `KEPT` bytes of a compressed file's text, kept as the reader's stream hands them
    on: the file's end is not read again, which would decompress it whole. Empty until the
    stream ends (a read stopped by an error says nothing of the file's end)."""

    KEPT = 64 << 10

    def __init__(self) -> None:
        self.tail = self._seen = b""

    def __call__(self, buffer: pa.Buffer) -> pa.Buffer:
        if len(buffer):
            self._seen = (self._seen + buffer[-self.KEPT:].to_pybytes())[-self.KEPT:]
        else:  # the stream's end
            self.tail = self._seen
        return buffer


def _ends_open(path: Path, end: _StreamEnd | None) -> bool:
    """Whether the file's text ends with no line end, where a quoted field never closed may hold
    none: a plain file's last byte is read from the disk, a compressed one's noted as it was read
    (`end`)."""
    if end is not None:
        return end.tail[-1:] not in (b"", b"\n", b"\r")
    if not path.stat().st_size:
        return False
    with path.open("rb") as handle:
        handle.seek(-1, 2)
        return handle.read(1) not in (b"\n", b"\r")


def _refuse_unclosed(name: str, long: LongRecord | None) -> None:
    if long is not None and not long.closed:
        raise InputError(f"{name}:{long.open_line}: a quoted field opened on this line is never closed: the rest "
                         f"of the file ({_size(long.size)}) would be one value; close it, or double a quote inside a "
                         "value")


def _size(size: int) -> str:
    return f"{size:,} bytes" if size < 1 << 20 else f"{size / (1 << 20):,.1f} MiB"


def _after(batches: Iterator[pa.RecordBatch], rows: int) -> Iterator[pa.RecordBatch]:
    """`batches` without their first `rows` rows (those a reading that started over handed on)."""
    for batch in batches:
        if rows < batch.num_rows:
            yield batch.slice(rows) if rows else batch
            rows = 0
        else:
            rows -= batch.num_rows


def _named(batches: Iterator[pa.RecordBatch], columns: list[str]) -> Iterator[pa.RecordBatch]:
    """`batches`, whose columns pyarrow names as the header does, under `columns`: the names
    given to its blank ones (`blank_columns_named`)."""
    for batch in batches:
        yield batch.rename_columns(columns)


def _row_problem(number: int | None, expected: int, actual: int, text: str, keep: bool = False) -> RowProblem:
    """A row of `actual` fields where the header has `expected`; `text` is the row as pyarrow
    hands it, without its line end."""
    return RowProblem.of(number, f"expected {expected} fields, found {actual}", text, keep)


def _number_file_lines(path: Path, source: Source, delimiter: str, encoding: str | None) -> None:
    """Replace pyarrow's record numbers in `source.problems` by the lines they start on."""
    lines = record_lines(path, (p.line for p in source.problems if p.line is not None),
                         delimiter=delimiter, encoding=encoding)
    source.problems[:] = [replace(p, line=lines.get(p.line, p.line)) if p.line is not None else p
                          for p in source.problems]


def regroup(batches: Iterator[pa.RecordBatch], rows: int, max_bytes: int = CHUNK_BYTES) -> Iterator[pa.RecordBatch]:
    """Batches of about `rows` rows, or fewer holding about `max_bytes`, from smaller ones:
    per-chunk work has a fixed cost. The small batches are let go before a chunk is handed on:
    while it is profiled, its pieces are not alive beside it."""
    pending: list[pa.RecordBatch] = []
    count = size = 0
    for batch in batches:
        pending.append(batch)
        count += batch.num_rows
        size += batch.nbytes
        del batch
        if count >= rows or size >= max_bytes:
            count = size = 0
            yield from _combined(pending)
    if pending:
        yield from _combined(pending)


def _combined(batches: list[pa.RecordBatch]) -> list[pa.RecordBatch]:
    """`batches` as one, and the list emptied."""
    chunk = pa.Table.from_batches(batches).combine_chunks().to_batches()
    batches.clear()
    return chunk


def _decode(name: str, sample: bytes, encoding: str | None) -> str:
    # a sample may end inside a multi-byte character: drop an incomplete tail
    try:
        return sample.decode(encoding or "utf-8")
    except LookupError:
        raise InputError(f"unknown encoding {quoted(str(encoding))}") from None
    except UnicodeDecodeError as exc:
        if exc.start >= len(sample) - 4:
            return sample[: exc.start].decode(encoding or "utf-8")
        binary = binary_content(name, sample, "CSV")
        if binary is not None:
            raise binary from None
        line = sample[: exc.start].count(b"\n") + 1
        raise InputError(
            f"{name}:{line}: not valid {encoding or 'UTF-8'} text (byte {sample[exc.start]:#x}); "
            f"{encoding_hint(encoding)}"
        ) from None
    except UnicodeError as exc:  # a codec that decodes no text of a file (`punycode`)
        raise unreadable(name, encoding, exc) from None


def separator_line(name: str, text: str, delimiter: str | None) -> str | None:
    """The delimiter a first line `sep=;` names, None when the file has none. Excel writes that
    line above the header so that a spreadsheet in any locale splits the file as it was written;
    read as the header, the whole file was one column named `sep=;`. A `--delimiter` it
    contradicts is refused: one of the two is wrong, and the file's rows would be split by a guess."""
    line = _SEPARATOR_LINE.match(text)
    if line is None:
        return None
    named = line.group(2)
    if delimiter is not None and delimiter != named:
        raise InputError(f"{name}:1: the first line, {quoted(line.group(1))}, names the delimiter {quoted(named)}, "
                         f"but --delimiter {quoted(delimiter)} was given; leave --delimiter out, or delete that line")
    return named


def _sniff_delimiter(text: str, default: str) -> str:
    """The delimiter of the first 50 lines, as the csv module's sniffer guesses it; never one the
    header line does not hold (a TSV whose values hold more commas than tabs is still a TSV)."""
    lines = text.splitlines()[:50]
    try:
        sniffed = csv.Sniffer().sniff("\n".join(lines), delimiters=DELIMITERS).delimiter
    except csv.Error:
        return default
    if not lines or sniffed not in lines[0]:
        return default
    return _widest_consistent(lines, sniffed)


def _widest_consistent(lines: list[str], sniffed: str) -> str:
    """The delimiter among those the header holds that splits every sampled row into as many
    fields as the header, and into the most: the sniffer prefers a comma to any other delimiter
    that splits the rows as evenly, so a TSV or pipe file whose header names and values each
    hold one comma (`price, EUR`, `3,5`) was read as two columns of mangled text."""
    text = "\n".join(lines)
    best, best_fields = sniffed, _even_fields(text, sniffed)
    for candidate in DELIMITERS:
        if candidate != sniffed and candidate in lines[0] and not _splits_quoted_fields(text, candidate):
            fields = _even_fields(text, candidate)
            if fields > best_fields:
                best, best_fields = candidate, fields
    return best


def _splits_quoted_fields(text: str, delimiter: str) -> bool:
    """Whether `delimiter` leaves a quote inside a field: it cuts through quoted fields
    (`id,"a;b;c",label` at its semicolons), which the delimiter the file is written with does not."""
    try:
        return any('"' in field for row in csv.reader(text.splitlines(keepends=True), delimiter=delimiter)
                   for field in row)
    except csv.Error:
        return True


def _even_fields(text: str, delimiter: str) -> int:
    """The header's number of fields split at `delimiter` when every row has as many, else 0.
    The sample's last record is left out: the sample may end inside it."""
    try:
        records = list(csv.reader(text.splitlines(keepends=True), delimiter=delimiter))
    except csv.Error:  # a field past the csv module's limit: the sniffer's guess stands
        return 0
    if not records:
        return 0
    width = len(records[0])
    rows = [row for row in (records[1:-1] if len(records) > 2 else records[1:]) if row]  # pyarrow skips blank lines
    return width if all(len(row) == width for row in rows) else 0


def _translate(path: Path, name: str, exc: pa.ArrowInvalid, source: Source, rows: int) -> InputError:
    message = str(exc)
    if source.problems:
        bad = source.problems[-1]
        where = f"{name}:{bad.line}" if bad.line else name
        return InputError(f"{where}: malformed row, {bad.problem}: {quoted(bad.text)} ({BAD_ROW_HINT})")
    if "UTF8" in message or "UTF-8" in message:
        return undecodable(path, name, None)
    return InputError(f"{name}: cannot parse as CSV after data row {rows:,}: {message.splitlines()[0][:200]}")
