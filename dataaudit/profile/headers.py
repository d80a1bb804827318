"""Rows that repeat the header: every cell holds its column's name.

Two CSV exports joined with `cat`, or a dump that prints its header again every so many rows,
leave the header among the data. Each such row becomes a class named like the label column
and turns numeric columns into mixed ones, which the other checks report only as that noise.

A cell matches when its text, blanks trimmed, equals its column's name, also trimmed; case
counts, as the joined header is a verbatim copy of the first. Only a chunk whose every column
is text can hold such a row, so any other chunk (a typed file, a column read as numbers) costs
a look at its schema and nothing more.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_TEXT = (pa.types.is_string, pa.types.is_large_string)


def header_rows(batch: pa.RecordBatch | pa.Table) -> np.ndarray:
    """Per row of `batch`, whether every cell equals its column's name: one vectorised
    comparison a column, stopped as soon as no row is left."""
    n = batch.num_rows
    names = batch.schema.names
    if not n or not names or not all(_is_text(field.type) for field in batch.schema):
        return np.zeros(n, dtype=bool)
    matches: pa.Array | None = None
    for name, column in zip(names, batch.columns, strict=True):
        equal = pc.fill_null(pc.equal(pc.utf8_trim_whitespace(column), pa.scalar(name.strip(), column.type)), False)
        matches = equal if matches is None else pc.and_(matches, equal)
        if not pc.any(matches).as_py():
            return np.zeros(n, dtype=bool)
    return np.asarray(matches.to_numpy(zero_copy_only=False), dtype=bool)


def _is_text(kind: pa.DataType) -> bool:
    return any(test(kind) for test in _TEXT)
