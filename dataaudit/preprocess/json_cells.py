"""The JSON types of a JSONL input, carried through cleaning to a JSONL output.

The reader hands the profile every value as text (`1`, `true`, `{"x": 1}`), which is what the
audit and the steps need; but a JSONL file cleaned into JSONL must not turn the number `1` into
the string `"1"`. So the writing pass reads the input's lines beside its batches and, for each
row, keeps the cells that are not JSON strings as the input wrote them: numbers with their own
digits (`1.10`, `123456789.123456789`, integers past 2**53), booleans, objects and arrays. A
cell no step changed is written back that way; a cell a step changed (a disguised token made
null, a merged label) is written as its new value.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

import pyarrow as pa

from dataaudit.io.decoding import text_codec


class TypedCells(NamedTuple):
    """One line's values that are not strings or null, column -> (the text the reader made of
    the value, the value's JSON as written), and which columns it has a key for: bit `i` of
    `has` for the column at `positions[key] == i`. A bit, not a set of the missing keys: a line
    of a sparse file (5 keys of 200) would hold a chunk's 65,536 lines at kilobytes each."""

    typed: dict[str, tuple[str, str]]
    has: int
    positions: Mapping[str, int]  # one mapping shared by every line of the file

    def lacks(self, key: str) -> bool:
        """Whether `key` is a column this line has no key for (the reader read it as null)."""
        position = self.positions.get(key)
        return position is not None and not (self.has >> position) & 1


#: a row known only by its values (not read from a JSONL input): every cell as JSON of its value
UNTYPED = TypedCells({}, 0, {})


class _Written(str):
    """A JSON number as its digits were written, not as a float would print it."""


def _as_written(value: Any) -> str:
    if isinstance(value, _Written):
        return str(value)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{json.dumps(k, ensure_ascii=False)}: {_as_written(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_as_written(v) for v in value) + "]"
    return json.dumps(value, ensure_ascii=False)


def typed_cells(path: str | Path, encoding: str | None, columns: Sequence[str] = ()) -> Iterator[TypedCells]:
    """One entry per data line of a JSONL file (blank lines skipped, as the reader skips
    them): its values that are not strings or null, and which of `columns` it has no key for
    (the reader reads those as null, and a null is written back as no key, not as `null`).
    `columns` include the keys first met past the reader's columns (`late_keys`), which the
    writing pass adds to its rows."""
    positions = {key: i for i, key in enumerate(columns)}
    with pa.input_stream(str(path), compression="detect") as stream, \
            io.TextIOWrapper(stream, encoding=text_codec(encoding)) as handle:
        for line in handle:
            if not line.strip():
                continue
            parsed = json.loads(line)
            written = json.loads(line, parse_float=_Written, parse_int=_Written)
            has = 0
            for key in parsed:
                if key in positions:
                    has |= 1 << positions[key]
            typed = {key: (json.dumps(value, ensure_ascii=False), _as_written(written[key]))
                     for key, value in parsed.items() if value is not None and not isinstance(value, str)}
            yield TypedCells(typed, has, positions)


def encode_row(row: dict[str, Any], typed: TypedCells) -> str:
    """One JSONL line: a cell still holding the text the reader made of a typed value goes out
    as that value was written, every other cell as JSON of its (cleaned) value."""
    parts = []
    for key, value in row.items():
        if value is None and typed.lacks(key):
            continue  # no key in the input line and none filled in by a step: still missing, not null
        kept = typed.typed.get(key)
        text = kept[1] if kept is not None and value == kept[0] else json.dumps(value, ensure_ascii=False,
                                                                                  default=str)
        parts.append(f"{json.dumps(key, ensure_ascii=False)}: {text}")
    return "{" + ", ".join(parts) + "}"
