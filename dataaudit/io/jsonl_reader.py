"""JSON Lines: one object per line, parsed line by line so a bad line is named, not fatal.

Values become text the way they are written in JSON (`3`, `2.50`, `1E+03`, `true`; an object
or an array as its JSON, its column noted in `Source.json_nested`), which the profile
classifies exactly as it does CSV cells: a number with a fraction or an exponent keeps its
digits, so `0.1` and `0.1000000000000000055511151231257827`, one float, stay two values, as `1`
and `1.0` are. The `Infinity`, `-Infinity` and `NaN` Python's `json` takes are read as strict
JSON spells them: `1e999`, `-1e999`, null (a missing value). The text of the string `"1"` is
the text of the number `1`: each column notes which of its cells were strings
(`io.json_strings`), for the row identities to tell them apart.
"""

from __future__ import annotations

import io
import itertools
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.compression import input_stream
from dataaudit.errors import InputError, quoted
from dataaudit.io.access import read_failure
from dataaudit.io.decoding import binary_content, known_codec, unreadable
from dataaudit.io.depth import deepest, nested_too_deep, too_deep
from dataaudit.io.json_keys import repeated_keys
from dataaudit.io.json_strings import noted_field
from dataaudit.io.late_cells import with_late_cells
from dataaudit.io.locate import first_bytes, undecodable
from dataaudit.io.nested import parsed_json_text
from dataaudit.io.source import BAD_ROW_HINT, KEEP_BAD_ROWS, LateKey, RowProblem, Source
from dataaudit.io.surrogates import lone_surrogate
from dataaudit.jsontext import WrittenNumber, long_ints, may_hold_negative_zero

ARRAY = "one JSON array, not JSON Lines: one object per line expected"
NOT_OBJECT = "expected a JSON object, found"  # a line that is JSON, but no object


def open_jsonl(path: Path, name: str, *, encoding: str | None, chunk_rows: int, bad_rows: str,
               lines_only: bool = False) -> Source:
    """`path` is read, `name` is what reports and errors call it (they differ for spooled stdin).
    A first line that opens a JSON array is taken for a file holding one array (a `.json` file
    often does) and refused, unless the file is named JSON Lines (`lines_only`: `.jsonl`,
    `.ndjson`), where a line that is a whole array is a bad line as any other line; a line that
    opens an array and is no JSON, a pretty-printed array's `[`, is refused as one either way.
    The first chunk's rows, parsed to learn the columns, are the first read's first batch: that
    read parses the file from the line after them."""
    keep = bad_rows == KEEP_BAD_ROWS
    head = _first_chunk(path, name, encoding, chunk_rows, lines_only, keep)
    columns = head.columns
    source = Source(name, "jsonl", columns, read=lambda: iter(()),
                    columns_from=None if head.next_record is None else chunk_rows)
    held = [head]  # for the first read only: later reads parse the file from its start

    def read() -> Iterator[pa.RecordBatch]:
        known = set(columns)
        rows: list[dict[str, Any]] = []
        late: dict[str, None] = {}  # the late keys the rows hold, in the order met
        other: set[str] = set()  # the columns holding a value that is no JSON number
        nested: set[str] = set()  # the columns holding an object or an array
        source.problems.clear()  # a second read (a clean, the label model's scan) finds the bad lines again
        set_aside = _bad_lines(name, source, bad_rows)
        after: int | None = 0
        taken: list[tuple[int, dict[str, Any]]] = []  # the first read's record past the first chunk
        if held:
            first = held.pop()
            for problem in first.problems:
                set_aside(problem)
            other |= first.other
            nested |= first.nested
            after = None if first.next_record is None else first.next_record[0]
            taken, batch = [first.next_record] if first.next_record is not None else [], first.batch
            del first  # the batch is the consumer's once handed on, not this read's to hold to its end
            yield batch
            del batch
        if after is not None:  # None: the file ends within the first chunk
            for line_no, record in itertools.chain(taken, _records(path, name, encoding, set_aside, lines_only, keep,
                                                                     after=after)):
                if not known.issuperset(record):
                    for key in record:
                        if key not in known:
                            late[key] = None
                            if key not in source.late_keys:
                                source.late_keys[key] = LateKey(key, line_no, chunk_rows)
                rows.append(record)
                if len(rows) == chunk_rows:
                    yield _noting_late(rows, columns, other, nested, late, source.late_nested)
                    rows, late = [], {}
        if rows:
            yield _noting_late(rows, columns, other, nested, late, source.late_nested)
        source.json_numbers.clear()  # in place: a copy of the source (an observed one) shares the set
        source.json_numbers.update(set(columns) - other)
        source.json_nested.clear()
        source.json_nested.update(nested)

    source.read = read
    return source


@dataclass(frozen=True)
class _Head:
    """The first chunk of a file, as reading it for the columns left it: the columns (the keys
    of its rows, in the order met), its rows as a batch, the columns of it holding a
    value that is no JSON number and those holding an object or an array, its bad lines (cut to
    what a report quotes unless the read keeps them whole, as `RowProblem.of` does: a file of
    long bad lines is not held whole until its first read; those up to `next_record` too), and
    the record after it with its line number (None: the file ends within it)."""

    columns: list[str]
    batch: pa.RecordBatch
    other: set[str]
    nested: set[str]
    problems: list[RowProblem]
    next_record: tuple[int, dict[str, Any]] | None


def _first_chunk(path: Path, name: str, encoding: str | None, limit: int, lines_only: bool, keep: bool) -> _Head:
    columns: dict[str, None] = {}
    rows: list[dict[str, Any]] = []
    problems: list[RowProblem] = []
    full = False
    records = _records(path, name, encoding, problems.append, lines_only, keep)
    for _, record in records:
        columns.update(dict.fromkeys(record))
        rows.append(record)
        if len(rows) >= limit:
            full = True
            break
    # the record after the head, parsed once and handed to the first read: where there is none,
    # no key can come later, which an unknown column's error then does not suggest
    peeked = next(records, None) if full else None
    records.close()
    if not columns:  # nothing to audit: say why rather than list no columns later
        if not problems:
            raise InputError(f"{name}: no JSON object with a key")
        raise InputError(f"{name}:{problems[0].line}: {problems[0].problem}")
    other: set[str] = set()
    nested: set[str] = set()
    return _Head(list(columns), _batch(rows, list(columns), other, nested), other, nested, problems, peeked)


def _decoders() -> tuple[json.JSONDecoder, json.JSONDecoder]:
    """How a line is parsed: fractions kept as written, Python's `Infinity` and `NaN` read as a
    strict writer gives them (`_STRICT`); the second for a line holding an integer of more digits
    than Python reads by default."""
    decoder = json.JSONDecoder(parse_float=_as_written, parse_constant=_STRICT.__getitem__)
    return decoder, long_ints(decoder)


def _bad_lines(name: str, source: Source, bad_rows: str) -> Callable[[RowProblem], None]:
    """What a read does with a line that is no record: an error (`bad_rows` "error"), or the line
    set aside in `source.problems`."""
    def set_aside(problem: RowProblem) -> None:
        if bad_rows == "error":
            raise InputError(f"{name}:{problem.line}: {problem.problem} ({BAD_ROW_HINT})")
        source.problems.append(problem)
    return set_aside


def _records(path: Path, name: str, encoding: str | None, bad_line: Callable[[RowProblem], None],
             lines_only: bool, keep: bool, after: int = 0) -> Iterator[tuple[int, dict]]:
    """The records of the lines past line `after`, each with its line number; each line that is
    none is handed to `bad_line` as a `RowProblem` holding its whole text when `keep` says so (a
    first line that opens an array is refused here)."""
    try:
        # line ends are kept as written (`newline=""`), so a line set aside keeps its text exactly
        with input_stream(path) as stream, \
                io.TextIOWrapper(stream, encoding=known_codec(encoding), newline="") as handle:
            first = not after
            decoders = _decoders()
            lines = enumerate(handle, start=1)
            for _ in itertools.islice(lines, after):  # read past, not parsed
                pass
            for line_no, line in lines:
                if not line.strip():
                    continue
                text = _without_line_end(line)  # parsed without it: an error's column is the same after \n or \r\n
                record, problem = _parse(text, decoders)
                if problem is None:
                    yield line_no, record
                    first = False
                    continue
                if first and line.lstrip().startswith("[") and not (lines_only and problem.startswith(NOT_OBJECT)):
                    # a .json file is often one array of objects, on one line or pretty-printed
                    raise InputError(f"{name}:{line_no}: {ARRAY}")
                first = False
                bad_line(RowProblem.of(line_no, problem, text, keep))
    except UnicodeDecodeError:
        binary = binary_content(name, first_bytes(path), "JSON Lines")
        if binary is not None:
            raise binary from None
        raise undecodable(path, name, encoding) from None  # named by its line and byte, as a CSV's is
    except UnicodeError as exc:
        raise unreadable(name, encoding, exc) from None
    except OSError as exc:  # a compressed stream cut short or corrupt
        raise read_failure(name, exc) from None


def _without_line_end(line: str) -> str:
    return line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith(("\n", "\r")) else line


#: what the decoder makes of a JSON number with a fraction or an exponent: its text as the line
#: writes it, as bytes, which no other JSON value parses to. `str.encode` is a call in C; a
#: subclass of `str` took a Python call a number, half the time of parsing a line of numbers.
_as_written = str.encode
#: what json makes of a JSON number here (a boolean is a `bool`, no `int`): an int, the bytes of a
#: fraction, an integer of more digits than Python reads as written (`with_long_ints`); or of null
_NUMBER_OR_NULL = frozenset({int, bytes, WrittenNumber, type(None)})
_CONTAINERS = frozenset({dict, list})  # what json makes of an object and an array
#: Python's `json` takes `Infinity`, `-Infinity` and `NaN`, which JSON has not: read as the JSON a
#: strict writer gives them (`jsontext.strict_constants`), the infinities as numbers, NaN as null
_STRICT = {"Infinity": b"1e999", "-Infinity": b"-1e999", "NaN": None}


def _parse(line: str, decoders: tuple[json.JSONDecoder, json.JSONDecoder]) -> tuple[dict, str | None]:
    """`line` parsed by the first of `decoders` (made once for a reading's lines: `json.loads` with
    a `parse_float` makes one a call), or by the second (`jsontext.long_ints` of the first) when it
    holds an integer of more digits than Python reads; or the reason it is no record."""
    if (deep := too_deep(line)) is not None:
        return {}, nested_too_deep(deep[1])
    try:
        if line.startswith("\ufeff"):  # refused as `json.loads` refuses it, with its message
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", line, 0)
        try:  # a line holding `-0` by the decoder keeping it as written: an int would write it `0`
            record = decoders["-0" in line and may_hold_negative_zero(line) is not None].decode(line)
        except json.JSONDecodeError:
            raise
        except ValueError:  # the digit limit: caught here, not by `with_long_ints`, a call less a line
            record = decoders[1].decode(line)
    except json.JSONDecodeError as exc:
        return {}, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:  # the parser's limit reached under the depth read, on a long call path
        return {}, nested_too_deep(deepest(line)[1])
    if not isinstance(record, dict):
        return {}, f"{NOT_OBJECT} {type(record).__name__}"
    if (escape := lone_surrogate(line, record)) is not None:
        return {}, f"a lone surrogate ({escape}) in a string: JSON text no UTF-8 holds"
    if repeated := repeated_keys(line, record, nested=False):  # a nested object is kept as its text
        return {}, f"the key {quoted(repeated[0])} given twice in one object (JSON readers disagree on which counts)"
    return record, None


def _batch(rows: list[dict[str, Any]], columns: list[str], other: set[str], nested: set[str]) -> pa.RecordBatch:
    """The rows as text columns, each noting its cells that were JSON strings (`json_strings`);
    `other` gains the columns holding a value present that is no JSON number (a string, a
    boolean, an object, an array), `nested` those holding an object or an array."""
    arrays, fields = [], []
    for name in columns:
        values = [row.get(name) for row in rows]
        kinds = set(map(type, values))  # in C: a tenth of the time `_texts` takes
        if not kinds.issubset(_NUMBER_OR_NULL):
            other.add(name)
        if not kinds.isdisjoint(_CONTAINERS):
            nested.add(name)
        arrays.append(pa.array(_texts(values), pa.string()))
        fields.append(noted_field(name, values, kinds))
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def _noting_late(rows: list[dict[str, Any]], columns: list[str], other: set[str], nested: set[str],
                 late: dict[str, None], late_nested: set[str] | None = None) -> pa.RecordBatch:
    """The rows as a batch (`_batch`) noting the cells of the `late` keys they hold
    (`io.late_cells`): the rows' identities count them; `late_nested` gains those holding an
    object or an array."""
    batch = _batch(rows, columns, other, nested)
    return with_late_cells(batch, _batch(rows, list(late), set(), set() if late_nested is None else late_nested)) \
        if late else batch


def _texts(values: list[Any]) -> list[str | None]:
    """Each value as text (`parsed_json_text`: a number as written; an object or an array as JSON
    of its values, its fractions as floats); strings, nulls and numbers, nearly every value,
    without a call each."""
    return [value if value is None or type(value) is str
            else value.decode() if type(value) is bytes
            else str(value) if type(value) is int  # the digits JSON writes of it
            else parsed_json_text(value) for value in values]


@dataclass
class LinesSeen:
    """What `parsed_lines` met besides its rows: the columns holding a value present that is no
    JSON number and those holding an object or an array, each late key's first (line, place in
    its object), and the lines set aside."""

    other: set[str] = field(default_factory=set)
    nested: set[str] = field(default_factory=set)
    late: dict[str, tuple[int, int]] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)

    def merge(self, other: LinesSeen) -> None:
        """`other`'s lines' too (another part of the file): each late key's earliest place."""
        self.other |= other.other
        self.nested |= other.nested
        for key, place in other.late.items():
            self.late[key] = min(place, self.late.get(key, place))
        self.problems.extend(other.problems)


def parsed_lines(lines: Iterator[tuple[int, str | None]], name: str, columns: list[str], chunk_rows: int,
                 bad_rows: str, seen: LinesSeen) -> Iterator[pa.RecordBatch]:
    """The records of numbered `lines` (their line ends cut, as another reader of the file's
    lines, Spark's, hands them on), parsed by this reader's own parsing into its batches of
    `chunk_rows` rows: the same text, the same notes of string cells and of late keys' cells, a
    bad line the same error or set aside the same way; `seen` gains what a read of the whole
    file gives its source (`open_jsonl`). A leading byte-order mark of the file's first line
    goes, as reading it as UTF-8 drops it."""
    keep = bad_rows == KEEP_BAD_ROWS
    decoders = _decoders()
    known = set(columns)
    rows: list[dict[str, Any]] = []
    late: dict[str, None] = {}
    for line_no, text in lines:
        if text is None or not text.strip():
            continue
        if line_no == 1 and text.startswith("\ufeff"):
            text = text[1:]
        record, problem = _parse(text, decoders)
        if problem is not None:
            if bad_rows == "error":
                raise InputError(f"{name}:{line_no}: {problem} ({BAD_ROW_HINT})")
            seen.problems.append(RowProblem.of(line_no, problem, text, keep))
            continue
        if not known.issuperset(record):
            for place, key in enumerate(record):
                if key not in known:
                    late[key] = None
                    seen.late.setdefault(key, (line_no, place))
        rows.append(record)
        if len(rows) == chunk_rows:
            yield _noting_late(rows, columns, seen.other, seen.nested, late)
            rows, late = [], {}
    if rows:
        yield _noting_late(rows, columns, seen.other, seen.nested, late)


def nested_text(text: str | None) -> str | None:
    """The text this reader makes of an object or an array written as `text` (JSON), parsed as
    a line's values are parsed here: another JSON reader (Spark's) hands a nested value on as its
    own spelling of it, and a value must read as the same text whichever reader read the file."""
    if text is None:
        return None
    decoders = _decoders()
    try:
        value = decoders["-0" in text and may_hold_negative_zero(text) is not None].decode(text)
    except json.JSONDecodeError:
        raise
    except ValueError:  # an integer of more digits than Python reads
        value = decoders[1].decode(text)
    return parsed_json_text(value)
