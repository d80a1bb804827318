"""JSON Lines: one object per line, parsed line by line so a bad line is named, not fatal.

Values become text the way they are written in JSON (`3`, `2.50`, `1E+03`, `true`; nested
values as JSON), which the profile classifies exactly as it does CSV cells: a number with a
fraction or an exponent keeps its digits, so `0.1` and `0.1000000000000000055511151231257827`,
one float, stay two values, as `1` and `1.0` are. The `Infinity`, `-Infinity` and `NaN` Python's
`json` takes are read as strict JSON spells them: `1e999`, `-1e999`, null (a missing value).
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.access import read_failure
from dataaudit.io.decoding import known_codec, no_byte_order
from dataaudit.io.nested import parsed_json_text
from dataaudit.io.source import BAD_ROW_HINT, KEEP_BAD_ROWS, LateKey, RowProblem, Source
from dataaudit.io.surrogates import lone_surrogate
from dataaudit.jsontext import WrittenNumber, with_long_ints

ARRAY = "one JSON array, not JSON Lines: one object per line expected"
NOT_OBJECT = "expected a JSON object, found"  # a line that is JSON, but no object


def open_jsonl(path: Path, name: str, *, encoding: str | None, chunk_rows: int, bad_rows: str,
               lines_only: bool = False) -> Source:
    """`path` is read, `name` is what reports and errors call it (they differ for spooled stdin).
    A first line that opens a JSON array is taken for a file holding one array (a `.json` file
    often does) and refused, unless the file is named JSON Lines (`lines_only`: `.jsonl`,
    `.ndjson`), where a line that is a whole array is a bad line as any other line; a line that
    opens an array and is no JSON, a pretty-printed array's `[`, is refused as one either way."""
    columns = _columns_of_first_rows(path, name, encoding, chunk_rows, lines_only)
    source = Source(name, "jsonl", columns, read=lambda: iter(()))

    def read() -> Iterator[pa.RecordBatch]:
        known = set(columns)
        rows: list[dict[str, Any]] = []
        other: set[str] = set()  # the columns holding a value that is no JSON number
        source.problems.clear()  # a second read (a clean, the label model's scan) finds the bad lines again
        for line_no, record in _records(path, name, encoding, source, bad_rows, lines_only):
            if not known.issuperset(record):
                for key in record:
                    if key not in known and key not in source.late_keys:
                        source.late_keys[key] = LateKey(key, line_no, chunk_rows)
            rows.append(record)
            if len(rows) == chunk_rows:
                yield _batch(rows, columns, other)
                rows = []
        if rows:
            yield _batch(rows, columns, other)
        source.json_numbers.clear()  # in place: a copy of the source (an observed one) shares the set
        source.json_numbers.update(set(columns) - other)

    source.read = read
    return source


def _columns_of_first_rows(path: Path, name: str, encoding: str | None, limit: int, lines_only: bool) -> list[str]:
    columns: dict[str, None] = {}
    scratch = Source(name, "jsonl", [], read=lambda: iter(()))
    for i, (_, record) in enumerate(_records(path, name, encoding, scratch, "skip", lines_only)):
        columns.update(dict.fromkeys(record))
        if i + 1 >= limit:
            break
    if not columns:  # nothing to audit: say why rather than list no columns later
        if not scratch.problems:
            raise InputError(f"{name}: no JSON object with a key")
        first = scratch.problems[0]
        raise InputError(f"{name}:{first.line}: {first.problem}")
    return list(columns)


def _records(path: Path, name: str, encoding: str | None, source: Source, bad_rows: str,
             lines_only: bool) -> Iterator[tuple[int, dict]]:
    try:
        # line ends are kept as written (`newline=""`), so a line set aside keeps its text exactly
        with pa.input_stream(str(path), compression="detect") as stream, \
                io.TextIOWrapper(stream, encoding=known_codec(encoding), newline="") as handle:
            first = True
            decoder = json.JSONDecoder(parse_float=_as_written, parse_constant=_STRICT.__getitem__)
            for line_no, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                text = _without_line_end(line)  # parsed without it: an error's column is the same after \n or \r\n
                record, problem = _parse(text, decoder)
                if problem is None:
                    yield line_no, record
                    first = False
                    continue
                if first and line.lstrip().startswith("[") and not (lines_only and problem.startswith(NOT_OBJECT)):
                    # a .json file is often one array of objects, on one line or pretty-printed
                    raise InputError(f"{name}:{line_no}: {ARRAY}")
                first = False
                if bad_rows == "error":
                    raise InputError(f"{name}:{line_no}: {problem} ({BAD_ROW_HINT})")
                source.problems.append(RowProblem.of(line_no, problem, text, keep=bad_rows == KEEP_BAD_ROWS))
    except UnicodeDecodeError:
        raise InputError(f"{name}: not valid {encoding or 'UTF-8'} text; pass --encoding, e.g. latin-1") from None
    except UnicodeError as exc:
        raise no_byte_order(name, encoding, exc) from None
    except OSError as exc:  # a compressed stream cut short or corrupt
        raise read_failure(name, exc) from None


def _without_line_end(line: str) -> str:
    return line[:-2] if line.endswith("\r\n") else line[:-1] if line.endswith(("\n", "\r")) else line


#: what the decoder makes of a JSON number with a fraction or an exponent: its text as the line
#: writes it, as bytes, which no other JSON value parses to. `str.encode` is a call in C; a
#: subclass of `str` took a Python call a number, half the time of parsing a line of numbers.
_as_written = str.encode
#: what json makes of a JSON number here (a boolean is a `bool`, no `int`): an int, the bytes of a
#: fraction, an integer of more digits than Python reads as written (`with_long_ints`)
_NUMBERS = (int, bytes, WrittenNumber)
#: Python's `json` takes `Infinity`, `-Infinity` and `NaN`, which JSON has not: read as the JSON a
#: strict writer gives them (`jsontext.strict_constants`), the infinities as numbers, NaN as null
_STRICT = {"Infinity": b"1e999", "-Infinity": b"-1e999", "NaN": None}


def _parse(line: str, decoder: json.JSONDecoder) -> tuple[dict, str | None]:
    """`line` parsed by `decoder` (one a reading makes for all its lines: `json.loads` with a
    `parse_float` made one per line), or the reason it is no record."""
    try:
        if line.startswith("\ufeff"):  # refused as `json.loads` refuses it, with its message
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", line, 0)
        record = with_long_ints(lambda parser: parser.decode(line), decoder)
    except json.JSONDecodeError as exc:
        return {}, f"not valid JSON ({exc.msg} at column {exc.colno})"
    except RecursionError:  # the parser recurses once per level: its limit is the depth limit
        return {}, f"JSON nested more than {sys.getrecursionlimit():,} levels deep"
    if not isinstance(record, dict):
        return {}, f"{NOT_OBJECT} {type(record).__name__}"
    if (escape := lone_surrogate(line, record)) is not None:
        return {}, f"a lone surrogate ({escape}) in a string: JSON text no UTF-8 holds"
    return record, None


def _batch(rows: list[dict[str, Any]], columns: list[str], other: set[str]) -> pa.RecordBatch:
    """The rows as text columns; `other` gains the columns holding a value present that is no
    JSON number (a string, a boolean, an object, an array)."""
    arrays = []
    for name in columns:
        values = [row.get(name) for row in rows]
        if name not in other and not all(value is None or type(value) in _NUMBERS for value in values):
            other.add(name)
        arrays.append(pa.array(_texts(values), pa.string()))
    return pa.RecordBatch.from_arrays(arrays, names=columns)


def _texts(values: list[Any]) -> list[str | None]:
    """Each value as text (`parsed_json_text`: a number as written; an object or an array as JSON
    of its values, its fractions as floats); strings, nulls and numbers, nearly every value,
    without a call each."""
    return [value if value is None or type(value) is str
            else value.decode() if type(value) is bytes
            else str(value) if type(value) is int  # the digits JSON writes of it
            else parsed_json_text(value) for value in values]
