"""A Polars `DataFrame` or `LazyFrame`, handed over as Arrow: no pandas round trip.

A DataFrame becomes Arrow with `to_arrow()`, which shares the frame's buffers. A LazyFrame is
collected by Polars' streaming engine in batches (`collect_batches`), each handed on as Arrow,
so the query's result is never held whole; every pass of an audit runs the query again.
Polars' view strings become plain Arrow strings as every reader's do (`Source.batches`).
Polars' 128-bit integers, for which Arrow has no type (`to_arrow` fails on them), are read as
their text, as Python integers past 64 bits in a pandas object column are: a column of them, and
one inside a struct, a list or an array, its nesting kept.
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
    """`data` with its Int128 and UInt128 values cast to their text (exact, unlike a float, and
    unlike a 38-digit decimal never out of range), at any depth; other columns as they are."""
    import polars as pl

    wide = tuple(getattr(pl, name) for name in ("Int128", "UInt128") if hasattr(pl, name))
    casts = {name: _as_text(dtype, wide) for name, dtype in data.collect_schema().items()}
    casts = {name: dtype for name, dtype in casts.items() if dtype is not None}
    return data.with_columns(pl.col(name).cast(dtype) for name, dtype in casts.items()) if casts else data


def _as_text(dtype: Any, wide: tuple[Any, ...]) -> Any:
    """`dtype` with each wide integer in it made a string, or None where it holds none: Arrow
    refuses the whole column over one field of a struct or a list's items."""
    import polars as pl

    if dtype in wide:
        return pl.String
    if isinstance(dtype, pl.Struct):
        fields = [_as_text(field.dtype, wide) for field in dtype.fields]
        if all(field is None for field in fields):
            return None
        return pl.Struct([pl.Field(field.name, field.dtype if text is None else text)
                          for field, text in zip(dtype.fields, fields, strict=True)])
    if isinstance(dtype, pl.List | pl.Array):
        inner = _as_text(dtype.inner, wide)
        if inner is None:
            return None
        return pl.List(inner) if isinstance(dtype, pl.List) else pl.Array(inner, dtype.size)
    return None
