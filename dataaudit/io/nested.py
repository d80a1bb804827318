"""Nested values (structs, lists, maps) as JSON text.

The JSONL reader reads a nested value as the JSON it is written as, and a CSV file, which holds
only text, writes a Parquet file's nested columns the same way: one JSON text per cell, strict
JSON as a JSONL output's.
"""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal
from typing import Any

import pyarrow as pa

from dataaudit.arrays import leaves, python_values
from dataaudit.io.decimal_text import decimal_text
from dataaudit.io.durations import spelled_inside, timedelta_text
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
        return data_dumps(value, default=json_default)
    return json.dumps(value, ensure_ascii=False, default=json_default)


def holds_decimals(kind: pa.DataType) -> bool:
    """Whether a column's values are decimals or hold some at any depth."""
    return any(pa.types.is_decimal(leaf) for leaf in leaves(kind))


def decimal_json(value: Decimal | dict | list | tuple | None) -> str | None:
    """A value of a column `holds_decimals` as JSON text, each decimal a JSON number of its own
    digits (`1.20`): `json.dumps` can only write one as a string, and a float would drop its
    trailing zeros or round it. Null as None."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return decimal_text(value)
    return written_dumps(_decimals_written(value), default=json_default)


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


def _decimals_written(value: dict | list | tuple) -> dict | list:
    """`value` with each decimal within as the `WrittenNumber` of its digits, which
    `written_dumps` writes bare; converted in place (a map's key-value tuples made lists), walked
    with a stack of its own."""
    top = list(value) if isinstance(value, tuple) else value
    stack: list[dict | list] = [top]
    while stack:
        holder = stack.pop()
        for key, item in holder.items() if isinstance(holder, dict) else enumerate(holder):
            if isinstance(item, Decimal):
                holder[key] = WrittenNumber(decimal_text(item))  # type: ignore[index]
            elif isinstance(item, dict | list | tuple):
                holder[key] = item = list(item) if isinstance(item, tuple) else item  # type: ignore[index]
                stack.append(item)
    return top


def nested_as_json(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with every nested column replaced by its values' JSON text; others untouched."""
    if not any(pa.types.is_nested(field.type) for field in batch.schema):
        return batch
    arrays = [json_texts(column) if pa.types.is_nested(column.type) else column for column in batch.columns]
    return pa.RecordBatch.from_arrays(arrays, names=batch.schema.names)


def json_texts(column: pa.Array) -> pa.Array:
    """A nested column's values as strict JSON text, as a JSONL output writes them (an infinity
    as `1e999`, NaN as null: a reader of the text as JSON refuses `Infinity` and `NaN`), decimals
    as numbers of their digits, null as null."""
    as_json = decimal_json if holds_decimals(column.type) else json_text
    return pa.array([as_json(v) for v in spelled_inside(python_values(column), column.type)], pa.string())


def nested_as_text(schema: pa.Schema) -> pa.Schema:
    """The schema `nested_as_json` gives batches of `schema`."""
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_nested(f.type) else f for f in schema])


def json_default(value: Any) -> Any:
    """What JSON has no type for, as text: bytes where they decode, durations as
    `durations.duration_text` spells them, dates and times as Python writes them."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    if isinstance(value, timedelta):
        return timedelta_text(value)
    return str(value)
