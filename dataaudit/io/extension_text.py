"""Columns of Arrow extension types in a text output (CSV, TSV, JSON Lines).

The pipeline reads an extension type as the type that stores it (`io/strings.py`) and a cleaned
Parquet file has it back. A text file holds only what its text says, and the stored values say
the value for two canonical types alone: `arrow.json` is stored as its JSON text, and
`arrow.bool8` as 0 or 1 for false or true, written as a boolean is. Any other extension type
stores a value in a form of its own (pandas' `pandas.period` as a count of periods since 1970,
600 for January 2020 in months, its frequency only in the type): written as stored, it would be
another value, so it is refused, naming the column, as bytes are; a UUID is stored as 16 bytes
and refused as bytes.
"""

from __future__ import annotations

import pyarrow as pa

from dataaudit.arrays import leaves, with_leaves
from dataaudit.io.strings import narrow_type

#: the extension types whose values a text file holds, each as the type it is written as
_WRITTEN_AS: dict[str, pa.DataType] = {"arrow.json": pa.string(), "arrow.bool8": pa.bool_()}


def unwritable_extension(field: pa.Field) -> str | None:
    """The name of an extension type in `field`, at any depth, whose values a text file cannot
    hold as they are stored; None when there is none. A type the process does not know (pandas'
    before pandas is imported) is read as its storage, its name left in the field's metadata."""
    unknown = (field.metadata or {}).get(b"ARROW:extension:name")
    if unknown is not None and unknown.decode("utf-8", "replace") not in _WRITTEN_AS:
        return unknown.decode("utf-8", "replace")
    return next((leaf.extension_name for leaf in leaves(field.type)
                 if isinstance(leaf, pa.BaseExtensionType) and leaf.extension_name not in _WRITTEN_AS), None)


def extensions_as_written(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with each column holding a writable extension type, at any depth, cast to the
    type it is written as; the same object when it has none."""
    if not any(_extended(kind) for kind in batch.schema.types):
        return batch
    schema = extensions_as_written_schema(batch.schema)
    return pa.RecordBatch.from_arrays([column.cast(field.type) if field.type != column.type else column
                                       for column, field in zip(batch.columns, schema, strict=True)], schema=schema)


def extensions_as_written_schema(schema: pa.Schema) -> pa.Schema:
    """The schema `extensions_as_written` gives batches of `schema`."""
    return pa.schema([field.with_type(with_leaves(field.type, _written)) if _extended(field.type) else field
                      for field in schema], schema.metadata)


def _extended(kind: pa.DataType) -> bool:
    return any(isinstance(leaf, pa.BaseExtensionType) for leaf in leaves(kind))


def _written(leaf: pa.DataType) -> pa.DataType:
    if isinstance(leaf, pa.BaseExtensionType):
        return _WRITTEN_AS.get(leaf.extension_name, narrow_type(leaf))
    return leaf
