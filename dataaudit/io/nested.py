"""Nested values (structs, lists, maps) as JSON text.

The JSONL reader reads a nested value as the JSON it is written as, and a CSV file, which holds
only text, writes a Parquet file's nested columns the same way: one JSON text per cell, strict
JSON as a JSONL output's.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from dataaudit.arrays import python_values
from dataaudit.jsontext import WrittenNumber, data_dumps, written_dumps

#: a value nested deeper than this is written by `written_dumps`' walk: the C encoder recurses
#: once a level, within Python's recursion limit less the frames of its caller
DEEP = 64


def json_text(value: Any) -> str | None:
    """A cell as text: strings and nulls as they are, an object or an array as its strict JSON
    (an infinity within as `1e999`, NaN as null, as `data_dumps` writes them), any other value
    as its JSON (a float NaN as `NaN`, which a quoted row shows as no `null` text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list | tuple):
        return data_dumps(value, default=_plain)
    return json.dumps(value, ensure_ascii=False, default=_plain)


def parsed_json_text(value: Any) -> str | None:
    """A value as a JSON line parses to (a number with a fraction as its text's bytes, as the
    JSONL reader keeps it, or a float; an integer of more digits than Python reads as the
    `WrittenNumber` `jsontext.with_long_ints` makes) as `json_text` writes it, its fractions as
    floats and its long integers as written. An object or an array is converted in place: the
    parse is the caller's own, made for this text."""
    if isinstance(value, WrittenNumber):
        return str.__str__(value)
    if isinstance(value, bytes):
        return value.decode()
    if not isinstance(value, dict | list):
        return json_text(value)
    written, depth = as_floats(value)
    return written_dumps(value) if written or depth > DEEP else json_text(value)


def as_floats(value: dict | list) -> tuple[bool, int]:
    """`value` with each number kept as bytes made a float, in place, walked with a stack of its
    own (a value nests as deep as the parser reads); whether it holds a `WrittenNumber` (an
    integer of more digits than Python reads), and its depth."""
    written, deepest = False, 1
    stack: list[tuple[dict | list, int]] = [(value, 1)]
    while stack:
        holder, depth = stack.pop()
        deepest = max(deepest, depth)
        for key, item in holder.items() if isinstance(holder, dict) else enumerate(holder):
            if isinstance(item, bytes):
                holder[key] = float(item)  # type: ignore[index]
            elif isinstance(item, dict | list):
                stack.append((item, depth + 1))
            elif isinstance(item, WrittenNumber):
                written = True
    return written, deepest


def nested_as_json(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with every nested column replaced by its values' JSON text; others untouched."""
    if not any(pa.types.is_nested(field.type) for field in batch.schema):
        return batch
    arrays = [json_texts(column) if pa.types.is_nested(column.type) else column for column in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def json_texts(column: pa.Array) -> pa.Array:
    """A nested column's values as strict JSON text, as a JSONL output writes them (an infinity
    as `1e999`, NaN as null: a reader of the text as JSON refuses `Infinity` and `NaN`), null
    as null."""
    return pa.array([json_text(v) for v in python_values(column)], pa.string())


def nested_as_text(schema: pa.Schema) -> pa.Schema:
    """The schema `nested_as_json` gives batches of `schema`."""
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_nested(f.type) else f for f in schema])


def _plain(value: Any) -> Any:
    """What JSON has no type for: bytes as text where they decode, dates and decimals as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)
