"""The keys of a JSON Lines table first met past the lines its columns are read from.

The reader takes a JSONL file's columns from its first chunk of lines, and notes a key first
met later on each chunk holding it (`io.late_cells`); the audit profiles it as a column. A
clean must not drop its values: its audit has read the whole file before the writing pass, so
the output's columns can be every key the file has. Each pass of the clean holds these keys
as columns after the file's (`as_columns`), as the reader would have read them (text, JSON for
numbers and nested values), in the order they first appear, null on the lines without them, so
that the steps clean them and the rows are judged on them as on any column. A JSONL output keeps
them itself, with their JSON types where no step changed them and where each line has them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from dataaudit.errors import InputError, quoted
from dataaudit.io.late_cells import late_cells, without_late_cells


def late_columns(batch: pa.RecordBatch, keys: Sequence[str]) -> pa.RecordBatch:
    """The `keys`' cells of the chunk `batch` as read (its note, `io.late_cells`), a text column
    each, null on the lines without the key, noting their JSON string cells as the note does."""
    late = late_cells(batch)
    fields = [late.schema.field(key) if late is not None and key in late.schema.names else pa.field(key, pa.string())
              for key in keys]
    arrays = [late.column(key) if late is not None and key in late.schema.names
              else pa.nulls(batch.num_rows, pa.string()) for key in keys]
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def as_columns(batch: pa.RecordBatch, keys: Sequence[str]) -> pa.RecordBatch:
    """The chunk `batch` with the late `keys`' cells it notes as columns after its own (null on
    the lines without a key, their JSON string cells noted), the note left out: the clean's
    steps then clean them, and its rows are judged on them, as they are on every other column.
    No `keys` (a file without late keys): `batch` itself."""
    if not keys:
        return batch
    late = late_columns(batch, keys)
    batch = without_late_cells(batch)
    for field, column in zip(late.schema, late.columns, strict=True):
        batch = batch.append_column(field, column)
    return batch


def refuse_taken(keys: dict[str, int], taken: Sequence[str], name: str) -> None:
    """A late key that a column of the output already names (one a step adds, or the quarantine's
    `_row` and `_reason`) cannot be written beside it: refused, not dropped."""
    clash = next((key for key in keys if key in set(taken)), None)
    if clash is not None:
        raise InputError(f"{name}:{keys[clash]}: key {quoted(clash)}, first on this line, is also a column "
                         "the cleaned file or quarantine writes; rename the key to clean this file")
