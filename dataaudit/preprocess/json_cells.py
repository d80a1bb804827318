"""The JSON types of a JSONL input, carried through cleaning to a JSONL output.

The reader hands the profile every value as text (`1`, `true`, `{"x": 1}`), which is what the
audit and the steps need; but a JSONL file cleaned into JSONL must not turn the number `1` into
the string `"1"`. So the writing pass reads the input's lines beside its batches and, for each
row, keeps the cells that JSON of their text would not write back as the input wrote them:
numbers with their own digits (`1.10`, `1E+03`, integers past 2**63), booleans, objects and
arrays with their spacing, strings with their escapes (`"\\u00e9"`); and the line's keys in its
order, and its keys as written where JSON would write them otherwise (`"caf\\u00e9"`). A line no
step changed is written back as it was read, its spacing too; in a line a step changed, a cell
no step changed is written back as written, a cell a step changed (a disguised token made null,
a merged label) as JSON of its new value. "As read" is strict JSON: the `Infinity`,
`-Infinity` and `NaN` Python's `json` takes are read, as the reader reads them, as the `1e999`,
`-1e999` and null every JSON the clean writes spells them with (`strict_constants`).
"""

from __future__ import annotations

import io
import json
import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from json.decoder import scanstring
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from dataaudit.compression import input_stream
from dataaudit.io.decoding import text_codec
from dataaudit.io.nested import json_default, json_text, parsed_json_text
from dataaudit.jsontext import (
    JSON_NUMBER,
    PLAIN,
    JSONText,
    WrittenNumber,
    data_dumps,
    long_ints,
    may_hold_negative_zero,
    strict_constants,
    with_long_ints,
    written_int,
)

_NONE: Mapping[str, Any] = MappingProxyType({})


class TypedCells(NamedTuple):
    """One line's values that JSON of the reader's text would not write back as the input wrote
    them, column -> (the text the reader made of the value, the value as written): numbers,
    booleans, objects and arrays, and strings written with escapes (`"\\u00e9"`); which columns it
    has a key for: bit `i` of `has` for the column at `positions[key] == i` (a bit, not a set of
    the missing keys: a line of a sparse file, 5 keys of 200, would hold a chunk's 65,536 rows
    at kilobytes each); its keys in its own order, when that is not the columns' order; and, to
    write back a line no step changed as it was read, the line (with no line end), the reader's
    text of each of its keys, and the keys written otherwise than JSON writes them, as written."""

    typed: dict[str, tuple[str, str]]
    has: int
    positions: Mapping[str, int]  # one mapping shared by every line of the file
    order: tuple[str, ...] | None = None  # one tuple shared by the lines with the same order
    line: str | None = None
    names: tuple[str, ...] = ()  # the line's keys
    texts: tuple[str | None, ...] = ()  # the reader's text of each
    keys: Mapping[str, str] = _NONE

    def unchanged(self, row: Mapping[str, Any]) -> bool:
        """Whether `row` holds the line as the reader read it: each key's text, and no value for
        a key the line does not have."""
        return (all(key in row and (row[key] == text or self._same_number(key, row[key]))
                    for key, text in zip(self.names, self.texts, strict=True))
                and all(value is None or self._has(key) for key, value in row.items()))

    def written(self, key: str, value: Any) -> str | None:
        """The value of `key` as the line writes it, when `value` is still that value: the reader's
        text of it, or the number it wrote (`2.50`, a column `coerce_numeric` made numbers)."""
        kept = self.typed.get(key)
        if kept is None:
            return None
        return kept[1] if value == kept[0] or self._same_number(key, value) else None

    def renumbered(self, key: str, value: Any) -> str | None:
        """`value` as a JSON number, when the line wrote a number at `key` and a step made it
        another text that spells one: a merged label (`1.0` of a column of `1`s written as `1`)
        keeps its JSON type, not becoming the string `"1"`."""
        kept = self.typed.get(key)
        if (kept is None or not isinstance(value, str) or isinstance(value, JSONText)
                or kept[1][:1] not in _NUMBER_START or _JSON_NUMBER(value) is None):
            return None
        return value

    def _same_number(self, key: str, value: Any) -> bool:
        kept = self.typed.get(key)
        return (kept is not None and isinstance(value, (int, float)) and not isinstance(value, bool)
                and kept[1][0] in _NUMBER_START and float(kept[1]) == value)

    def _has(self, key: str) -> bool:
        position = self.positions.get(key)
        return position is not None and bool((self.has >> position) & 1)

    def lacks(self, key: str) -> bool:
        """Whether `key` is a column this line has no key for (the reader read it as null)."""
        return key in self.positions and not self._has(key)


#: a row known only by its values (not read from a JSONL input): every cell as JSON of its value
UNTYPED = TypedCells({}, 0, {})

_NUMBER_START = "-0123456789"  # the first character of a JSON number, and of no other JSON value
_SPACE = re.compile(r"[ \t\n\r]*").match
_JSON_NUMBER = re.compile(JSON_NUMBER).fullmatch


class _Int(str):
    """A JSON integer as its digits were written."""


def _written(line: str) -> list[tuple[str, str | None, Any, str]]:
    """Each key of a line holding one JSON object, in its order, with the key as written (None
    where it is written as JSON writes it), the reader's text of its value and the value as
    written. A line with no escape and no nested value is parsed once by the C parser, its
    numbers kept as written (and its keys, with no escape, as JSON writes them); any other is
    walked value by value, so that a nested value, an escaped string and an escaped key keep
    their bytes too."""
    if "\\" in line or line.count("{") > 1 or "[" in line:
        return [(key, raw_key if raw_key != json.dumps(key, ensure_ascii=False) else None,
                 raw if isinstance(value, float) else parsed_json_text(value), raw)  # a number as written
                for key, raw_key, value, raw in _spans(line)]
    parsed = json.loads(line, parse_float=WrittenNumber, parse_int=_Int)
    return [(key, None, _reader_text(value), _as_written(value)) for key, value in parsed.items()]


def _reader_text(value: Any) -> str | None:
    if isinstance(value, _Int):
        return str(written_int(value))
    if isinstance(value, WrittenNumber):  # a fraction or an exponent, as written (`1.50`, `1E+03`)
        return str(value)
    return json_text(value)


def _as_written(value: Any) -> str:
    return str(value) if isinstance(value, (_Int, WrittenNumber)) else json.dumps(value, ensure_ascii=False)


def _spans(line: str) -> Iterator[tuple[str, str, Any, str]]:
    """The key, the key's text, the value and the value's text of each member of the object
    `line` holds (known valid JSON)."""
    at = _SPACE(line, _SPACE(line, 0).end() + 1).end()  # past "{"
    if line[at] == "}":
        return
    negative_zero = may_hold_negative_zero(line) is not None  # `-0`, parsed to be kept as written
    while True:
        start = at
        key, at = scanstring(line, at + 1)
        raw_key = line[start:at]
        at = _SPACE(line, _SPACE(line, at).end() + 1).end()  # past ":"
        value, end = (long_ints(PLAIN).raw_decode(line, at) if negative_zero
                      else with_long_ints(lambda parser, at=at: parser.raw_decode(line, at), PLAIN))
        yield key, raw_key, value, line[at:end]
        at = _SPACE(line, end).end()
        if line[at] != ",":
            return
        at = _SPACE(line, at + 1).end()


def line_cells(path: str | Path, encoding: str | None, columns: Sequence[str], late: Sequence[str] = (),
               skipped: Collection[int] = ()) -> Iterator[TypedCells]:
    """Per data line of a JSONL file (blank lines and the `skipped` line numbers, 1-based, left
    out, as the reader leaves out blank lines and, told to, malformed ones), parsed
    once: its values JSON of their text would write otherwise, which of the columns it has no
    key for (the reader reads those as null, and a null is written back as no key, not as
    `null`) and its keys' order, the `late` keys (first met past the reader's `columns`,
    `late_keys`) counted as columns after them, as the writing pass holds them."""
    positions = {key: i for i, key in enumerate([*columns, *late])}
    orders: dict[tuple[str, ...], tuple[str, ...]] = {}
    with input_stream(path) as stream, \
            io.TextIOWrapper(stream, encoding=text_codec(encoding)) as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip() or number in skipped:
                continue
            line = strict_constants(line)  # as the reader reads it, and so written back as read
            cells = _written(line)
            has, last, in_order = 0, -1, True
            typed, texts, written_keys = {}, {}, {}
            for key, raw_key, text, raw in cells:
                if raw_key is not None:
                    written_keys[key] = raw_key
                position = positions.get(key, len(positions))
                if key in positions:
                    has |= 1 << position
                in_order, last = in_order and position > last, position
                texts[key] = text
                if text is not None and raw != json.dumps(text, ensure_ascii=False):  # a null, a plain string: as JSON
                    typed[key] = (text, raw)
                else:  # a repeated key's last value is the one the reader read, as json keeps it
                    typed.pop(key, None)
            keys = tuple(texts)
            order = None if in_order else orders.setdefault(keys, keys)
            as_read = line[:-1] if line.endswith("\n") else line
            yield TypedCells(typed, has, positions, order, as_read, keys, tuple(texts.values()), written_keys or _NONE)


def encode_row(row: dict[str, Any], typed: TypedCells) -> str:
    """One JSONL line: the line as read when no step changed it; else a cell still holding the
    text the reader made of a typed value goes out as that value was written, a `JSONText` as it
    is, every other cell as JSON of its (cleaned) value, each key as written."""
    if typed.line is not None and typed.unchanged(row):
        return typed.line
    parts = []
    keys = row.keys() if typed.order is None else [key for key in dict.fromkeys([*typed.order, *row]) if key in row]
    for key in keys:
        value = row[key]
        if value is None and typed.lacks(key):
            continue  # no key in the input line and none filled in by a step: still missing, not null
        text = typed.written(key, value) or typed.renumbered(key, value)
        if text is None:
            text = value if isinstance(value, JSONText) else data_dumps(value, default=json_default)
        parts.append(f"{typed.keys.get(key) or json.dumps(key, ensure_ascii=False)}: {text}")
    return "{" + ", ".join(parts) + "}"
