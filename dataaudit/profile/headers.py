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
    """Per row of `batch`, whether every cell equals its column's name. A cell that does holds
    the name, so a substring search a column (no cell copied) finds the rows that may, stopped
    as soon as none is left; only those rows' cells are then trimmed and compared."""
    n = batch.num_rows
    names = batch.schema.names
    if not n or not names or not all(_is_text(field.type) for field in batch.schema):
        return np.zeros(n, dtype=bool)
    candidates: pa.Array | None = None
    for name, column in zip(names, batch.columns, strict=True):
        holds = pc.match_substring(column, name.strip())
        candidates = holds if candidates is None else pc.and_(candidates, holds)
        if not pc.any(candidates).as_py():
            return np.zeros(n, dtype=bool)
    rows = np.flatnonzero(np.asarray(pc.fill_null(candidates, False).to_numpy(zero_copy_only=False), dtype=bool))
    equal = np.ones(rows.size, dtype=bool)
    for name, column in zip(names, batch.columns, strict=True):
        cells = pc.utf8_trim_whitespace(column.take(pa.array(rows)))
        equal &= np.asarray(pc.fill_null(pc.equal(cells, pa.scalar(name.strip(), column.type)), False), dtype=bool)
    found = np.zeros(n, dtype=bool)
    found[rows[equal]] = True
    return found


def _is_text(kind: pa.DataType) -> bool:
    return any(test(kind) for test in _TEXT)
