"""Nested values (structs, lists, maps) as JSON text.

The JSONL reader reads a nested value as the JSON it is written as, and a CSV file, which holds
only text, writes a Parquet file's nested columns the same way: one JSON text per cell, strict
JSON as a JSONL output's.
"""

from __future__ import annotations

import json
from typing import Any

import pyarrow as pa

from dataaudit.jsontext import data_dumps


def json_text(value: Any) -> str | None:
    """A cell as text: strings and nulls as they are, an object or an array as its strict JSON
    (an infinity within as `1e999`, NaN as null, as `data_dumps` writes them), any other value
    as its JSON (a float NaN as `NaN`, which a quoted row shows as no `null` text)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, dict | list | tuple):
        return data_dumps(value, default=_plain)
    return json.dumps(value, ensure_ascii=False, default=_plain)


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
    return pa.array([json_text(v) for v in column.to_pylist()], pa.string())


def nested_as_text(schema: pa.Schema) -> pa.Schema:
    """The schema `nested_as_json` gives batches of `schema`."""
    return pa.schema([pa.field(f.name, pa.string()) if pa.types.is_nested(f.type) else f for f in schema])


def _plain(value: Any) -> Any:
    """What JSON has no type for: bytes as text where they decode, dates and decimals as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="backslashreplace")
    return str(value)
