"""The keys of a JSON Lines table first met past the lines its columns are read from.

The reader takes a JSONL file's columns from its first chunk of lines, and a key first met
later is left out of the audit (its `source.late_keys` finding names it). A clean must not drop its
values: its audit has read the whole file before the writing pass, so the output's columns can
be every key the file has. These keys are written as the reader would have read them (text,
JSON for numbers and nested values), in the order they first appear, after the columns, empty
on the lines without them (read beside the batches by `json_cells.line_cells`). A JSONL output keeps
them itself, with their JSON types and where each line has them.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from dataaudit.errors import InputError, quoted
from dataaudit.io.late_cells import late_cells


def with_late(batch: pa.RecordBatch, keys: Sequence[str], rows: list[list[str | None]],
              written: Sequence[str] | None = None) -> pa.RecordBatch:
    """`batch` with a text column per key of `keys` that is one of the `written` keys (None:
    each), from `rows` (one per row of `batch`, a cell per key of `keys`)."""
    for i, key in enumerate(keys):
        if written is None or key in written:
            batch = batch.append_column(key, pa.array([row[i] for row in rows], pa.string()))
    return batch


def late_columns(batch: pa.RecordBatch, keys: Sequence[str]) -> pa.RecordBatch:
    """The `keys`' cells of the chunk `batch` as read (its note, `io.late_cells`), a text column
    each, null on the lines without the key, noting their JSON string cells as the note does."""
    late = late_cells(batch)
    fields = [late.schema.field(key) if late is not None and key in late.schema.names else pa.field(key, pa.string())
              for key in keys]
    arrays = [late.column(key) if late is not None and key in late.schema.names
              else pa.nulls(batch.num_rows, pa.string()) for key in keys]
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def refuse_taken(keys: dict[str, int], taken: Sequence[str], name: str) -> None:
    """A late key that a column of the output already names (one a step adds, or the quarantine's
    `_row` and `_reason`) cannot be written beside it: refused, not dropped."""
    clash = next((key for key in keys if key in set(taken)), None)
    if clash is not None:
        raise InputError(f"{name}:{keys[clash]}: key {quoted(clash)}, first on this line, is also a column "
                         "the cleaned file or quarantine writes; rename the key to clean this file")
