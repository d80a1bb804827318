"""Columns of a Spark frame by name, and `mapInArrow` over a frame, whatever its columns are named.

pyspark's `mapInArrow` hands the function the frame's columns by name, unquoted: a column named
`party.facts.id`, as real CSV headers are, is read as the field `facts.id` of a column `party`,
and the job fails before any row is read. Such a frame goes under positional names for the
call, and each batch gets its names back before the function sees it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pyarrow as pa

MapFunction = Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]


def named_column(frame: Any, name: str) -> Any:
    """`frame`'s column `name`, quoted: a dot in it is part of the name, a backtick doubled."""
    return frame["`" + name.replace("`", "``") + "`"]


def map_in_arrow(frame: Any, function: MapFunction, schema: Any) -> Any:
    """`frame.mapInArrow(function, schema)`, for any column names of `frame`."""
    names = list(frame.columns)
    if not any("." in name or "`" in name for name in names):
        return frame.mapInArrow(function, schema)
    positional = [f"_{i}" for i in range(len(names))]
    return frame.toDF(*positional).mapInArrow(_named(function, names), schema)


def _named(function: MapFunction, names: list[str]) -> MapFunction:
    def named(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        return function(batch.rename_columns(names) for batch in batches)

    return named
