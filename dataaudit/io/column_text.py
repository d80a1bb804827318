"""Columns of one kind of value replaced by their text, for the text outputs: the one walk
behind durations (`durations.py`) and times of a named zone (`zoned_times.py`)."""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa

#: whether a column's type is of the kind written as text
Selects = Callable[[pa.DataType], bool]


def columns_as_text(batch: pa.RecordBatch, selects: Selects, texts: Callable[[pa.Array], pa.Array]
                    ) -> pa.RecordBatch:
    """`batch` with each column `selects` takes replaced by its `texts`; the same object when
    it has none."""
    if not any(selects(kind) for kind in batch.schema.types):
        return batch
    return pa.RecordBatch.from_arrays([texts(column) if selects(column.type) else column for column in batch.columns],
                                      schema=schema_as_text(batch.schema, selects))


def schema_as_text(schema: pa.Schema, selects: Selects) -> pa.Schema:
    """The schema `columns_as_text` gives batches of `schema`."""
    return pa.schema([field.with_type(pa.string()) if selects(field.type) else field for field in schema],
                     schema.metadata)
