"""Durations as text: the one spelling every text output (CSV, TSV, JSON Lines, the JSON of a
nested cell) gives them.

Arrow's cast and its CSV writer make a duration its bare count (`1001` for 1.001 s in
milliseconds), which loses the unit; Python writes `0:00:01.001000` and pandas
`0 days 00:00:01.001000`, two spellings of one value. A duration is written instead as an
XML Schema `xs:duration` (ISO 8601's `PnDTnHnMnS` with a leading minus when negative):
`P0DT0H0M1.001S`, every digit of its unit kept and none added, and read back to the same value
by pandas' `Timedelta`, Java's `Duration` and any XML Schema reader.
"""

from __future__ import annotations

import functools
from datetime import timedelta
from typing import Any

import numpy as np
import pyarrow as pa

from dataaudit.arrays import leaves
from dataaudit.io.column_text import columns_as_text, schema_as_text

#: counts of each Arrow duration unit in a second
_PER_SECOND = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}


def duration_text(count: int, unit: str) -> str:
    """`count` durations of `unit` (Arrow's `s`, `ms`, `us`, `ns`) as `P{d}DT{h}H{m}M{s}S`, the
    seconds' fraction as many digits as it needs (`1.5`, `0.000000001`), none when whole."""
    per_second = _PER_SECOND[unit]
    seconds, fraction = divmod(abs(count), per_second)
    minutes, second = divmod(seconds, 60)
    hours, minute = divmod(minutes, 60)
    days, hour = divmod(hours, 24)
    digits = len(str(per_second)) - 1
    decimals = f".{fraction:0{digits}d}".rstrip("0") if fraction else ""
    return f"{'-' if count < 0 else ''}P{days}DT{hour}H{minute}M{second}{decimals}S"


def timedelta_text(value: timedelta) -> str:
    """A duration as Arrow hands it to Python (a `timedelta`; pandas' `Timedelta`, a subclass,
    for nanoseconds) as `duration_text` writes it."""
    nanoseconds = getattr(value, "value", None)  # pandas' Timedelta holds its nanoseconds here
    if isinstance(nanoseconds, int):
        return duration_text(nanoseconds, "ns")
    return duration_text(value // timedelta(microseconds=1), "us")


def spelled_inside(values: list[Any], kind: pa.DataType) -> list[Any]:
    """The Python `values` of a nested column of `kind` (`arrays.python_values`), each duration
    inside them that came as Arrow's bare count spelled as `duration_text`. A column holding a
    duration past Python's `timedelta` comes with every duration as that count (`1` for one
    second, the unit lost); a `timedelta` is left for the JSON writer, which spells it alike."""
    if not any(pa.types.is_duration(leaf) for leaf in leaves(kind)):
        return values
    return [_spelled(value, kind) for value in values]


def _spelled(value: Any, kind: pa.DataType) -> Any:
    if value is None:
        return None
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    if pa.types.is_duration(kind):
        return duration_text(int(value), kind.unit) if isinstance(value, str) else value
    if pa.types.is_map(kind):
        return [(_spelled(key, kind.key_type), _spelled(item, kind.item_type)) for key, item in value]
    if pa.types.is_struct(kind):
        return {field.name: _spelled(value[field.name], field.type) for field in kind}
    if pa.types.is_list(kind) or pa.types.is_large_list(kind) or pa.types.is_fixed_size_list(kind):
        return [_spelled(item, kind.value_type) for item in value]
    return value


def is_duration(kind: pa.DataType) -> bool:
    """A column of durations, stored plain or dictionary-encoded."""
    return pa.types.is_duration(kind.value_type if pa.types.is_dictionary(kind) else kind)


def durations_as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with each column of durations replaced by their text (`duration_text`), nulls
    kept; the same object when it has none. From the counts Arrow stores, so no duration is too
    long for Python's `timedelta`."""
    return columns_as_text(batch, is_duration, _texts)


def durations_as_text_schema(schema: pa.Schema) -> pa.Schema:
    """The schema `durations_as_text` gives batches of `schema`."""
    return schema_as_text(schema, is_duration)


def _texts(column: pa.Array) -> pa.Array:
    """`duration_text` of each value, computed a column at a time (a Python call per cell cost
    1.4 s a million cells, fifteen times the CSV writer's own time): the time of day looked up
    among the day's 86,400 spellings, the rest cast and joined by Arrow."""
    import pyarrow.compute as pc

    if pa.types.is_dictionary(column.type):
        column = column.dictionary_decode()
    per_second = _PER_SECOND[column.type.unit]
    counts = column.cast(pa.int64()).fill_null(0).to_numpy()
    negative = counts < 0
    # the magnitude, unsigned: -(-2**63) has no int64
    magnitude = np.where(negative, -(counts + 1), counts).astype(np.uint64) + negative.astype(np.uint64)
    seconds, fraction = np.divmod(magnitude, np.uint64(per_second))
    days, second_of_day = np.divmod(seconds, np.uint64(86_400))
    digits = len(str(per_second)) - 1
    padded = pc.utf8_rtrim(pc.utf8_lpad(pa.array(fraction).cast(pa.string()), width=digits, padding="0"),
                           characters="0")
    fraction_s = pc.if_else(pa.array(fraction > 0), pc.binary_join_element_wise(".", padded, "S", ""), "S")
    texts = pc.binary_join_element_wise(pc.if_else(pa.array(negative), "-P", "P"), pa.array(days).cast(pa.string()),
                                        _times_of_day().take(pa.array(second_of_day)), fraction_s, "")
    return pc.if_else(column.is_valid(), texts, pa.scalar(None, pa.string()))


@functools.cache
def _times_of_day() -> pa.Array:
    """`DT{h}H{m}M{s}` of each second of a day."""
    return pa.array([f"DT{s // 3600}H{s // 60 % 60}M{s % 60}" for s in range(86_400)], pa.string())
