"""A Polars `DataFrame` or `LazyFrame`, handed over as Arrow: no pandas round trip.

A DataFrame becomes Arrow with `to_arrow()`, which shares the frame's buffers. A LazyFrame is
collected by Polars' streaming engine in batches (`collect_batches`), each handed on as Arrow,
so the query's result is never held whole; every pass of an audit runs the query again.
Polars' view strings become plain Arrow strings as every reader's do (`Source.batches`).
Polars' 128-bit integers, for which Arrow has no type (`to_arrow` fails on them), are read as
their text, as Python integers past 64 bits in a pandas object column are.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from dataaudit.io.source import Source


def is_polars_frame(data: object) -> bool:
    """A Polars DataFrame or LazyFrame, told apart without importing polars."""
    return type(data).__module__.startswith("polars.") and type(data).__name__ in ("DataFrame", "LazyFrame")


def open_polars(data: Any, *, chunk_rows: int) -> Source:
    data = _without_wide_integers(data)
    if type(data).__name__ == "LazyFrame":
        def read() -> Iterator[pa.RecordBatch]:
            for frame in data.collect_batches(chunk_size=chunk_rows):
                yield from frame.to_arrow().to_batches()

        return Source("<polars.LazyFrame>", "polars", data.collect_schema().names(), read, repeatable=True)
    table = data.to_arrow()
    source = Source("<polars.DataFrame>", "polars", table.column_names,
                    lambda: iter(table.to_batches(max_chunksize=chunk_rows)), repeatable=True)
    source.info["rows"] = table.num_rows
    return source


def _without_wide_integers(data: Any) -> Any:
    """`data` with its Int128 and UInt128 columns cast to their text (exact, unlike a float, and
    unlike a 38-digit decimal never out of range); other columns as they are."""
    import polars as pl

    wide = tuple(getattr(pl, name) for name in ("Int128", "UInt128") if hasattr(pl, name))
    names = [name for name, dtype in data.collect_schema().items() if dtype in wide]
    return data.with_columns(pl.col(names).cast(pl.String)) if names else data
