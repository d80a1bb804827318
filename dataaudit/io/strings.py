"""Text and bytes however Arrow stores them, read as one type: `string` and `binary`.

Arrow has three layouts of a string column: `string` (32-bit offsets), `large_string` (64-bit
offsets) and `string_view`; bytes likewise. Polars hands out views, pandas' Arrow-backed text is
large, a Parquet file written with its Arrow schema stores either, Spark's Arrow batches are
large. The profile, the checks and the clean steps read text of one type: several compute
kernels (`take` among them) have none for views, and a value read as `large_string` would be
told apart from the same value read from a CSV. So every batch is narrowed where it enters the
pipeline (`Source.batches`, Spark's partitions): inside dictionaries, lists, structs and maps
too. An extension type (Arrow's `arrow.json`, `arrow.uuid`, `arrow.bool8`, or a library's own)
is read as the type that stores it, JSON text as text and a UUID as its 16 bytes, and a
run-end encoded column (a value and the row its run ends on) as its values: no compute kernel
takes the extension itself, and few take runs. A batch of one chunk holds far less than the
2 GiB a `string` column can address; one that holds more is handed on in halves
(`Source.batches`).

`clean` writes the columns back as the input stored them (`restore_types`): a cleaned Parquet
file has the input's column types, whatever the pipeline read them as.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TypeVar

import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import with_leaves

Tabular = TypeVar("Tabular", pa.RecordBatch, pa.Table)
Column = TypeVar("Column", pa.Array, pa.ChunkedArray)

_NARROW = {pa.large_string(): pa.string(), pa.string_view(): pa.string(),
           pa.large_binary(): pa.binary(), pa.binary_view(): pa.binary()}


def narrow_type(kind: pa.DataType) -> pa.DataType:
    """`kind` with every large or view string and binary in it, at any depth, made plain, and
    every extension type read as the type that stores it, run-end encoded values as the values
    (narrowed in turn)."""
    return with_leaves(kind, _narrow_leaf)


def _narrow_leaf(leaf: pa.DataType) -> pa.DataType:
    if isinstance(leaf, pa.BaseExtensionType):
        return narrow_type(leaf.storage_type)
    if pa.types.is_run_end_encoded(leaf):
        return narrow_type(leaf.value_type)
    return _NARROW.get(leaf, leaf)


def is_text_type(kind: pa.DataType) -> bool:
    """A column of strings, however stored: plain, large, as views, or dictionary-encoded."""
    kind = narrow_type(kind)
    return pa.types.is_string(kind.value_type if pa.types.is_dictionary(kind) else kind)


def narrow_schema(schema: pa.Schema) -> pa.Schema:
    """The schema `narrow_strings` gives batches of `schema`."""
    return pa.schema([field.with_type(narrow_type(field.type)) for field in schema], schema.metadata)


def wider_columns(schema: pa.Schema) -> dict[str, pa.DataType]:
    """The columns of `schema` that `narrow_strings` changes, with their stored types."""
    return {field.name: field.type for field in schema if narrow_type(field.type) != field.type}


def narrow_strings(batch: Tabular) -> Tabular:
    """`batch` (or a table) with its large and view strings and binaries cast to the plain
    types; the same object when it holds none."""
    return _cast(batch, {i: narrow_type(kind) for i, kind in enumerate(batch.schema.types)
                         if narrow_type(kind) != kind})


def restore_types(batch: pa.RecordBatch, stored: Mapping[str, pa.DataType]) -> pa.RecordBatch:
    """`batch` with each column `narrow_strings` narrowed cast back to its `stored` type; a column
    a step gave another type (text made numbers) stays as the step made it."""
    return _cast(batch, {i: stored[field.name] for i, field in enumerate(batch.schema)
                         if field.name in stored and narrow_type(stored[field.name]) == field.type})


def runs_as_values(batch: Tabular) -> Tabular:
    """`batch` with each run-end encoded column as its values, as a file holds them: Parquet
    has no type of runs (it encodes runs itself), and a text file holds values."""
    return _cast(batch, _runs(batch.schema))


def runs_as_values_schema(schema: pa.Schema) -> pa.Schema:
    """The schema `runs_as_values` gives batches of `schema`."""
    runs = _runs(schema)
    return pa.schema([field.with_type(runs[i]) if i in runs else field for i, field in enumerate(schema)],
                     schema.metadata)


def _runs(schema: pa.Schema) -> dict[int, pa.DataType]:
    return {i: kind.value_type for i, kind in enumerate(schema.types) if pa.types.is_run_end_encoded(kind)}


def _cast(batch: Tabular, types: Mapping[int, pa.DataType]) -> Tabular:
    """`batch` with the columns at the positions of `types` cast to them."""
    if not types:
        return batch
    schema = pa.schema([field.with_type(types[i]) if i in types else field for i, field in enumerate(batch.schema)],
                       batch.schema.metadata)
    return type(batch).from_arrays([_cast_column(column, types[i]) if i in types else column
                                    for i, column in enumerate(batch.columns)], schema=schema)


def _cast_column(column: Column, kind: pa.DataType) -> Column:
    """`column` as `kind`; a run-end encoded column decoded or encoded, which no cast does."""
    if pa.types.is_run_end_encoded(column.type):
        column = pc.run_end_decode(column)
    if pa.types.is_run_end_encoded(kind):
        return pc.run_end_encode(column.cast(kind.value_type), run_end_type=kind.run_end_type)
    return column.cast(kind)
