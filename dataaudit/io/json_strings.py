"""Which cells of a JSON Lines batch were JSON strings, carried with the batch.

The JSONL reader hands on every value as text, so the number `1` and the string `"1"` are the
same text, as `true` and `"true"` are. Their types are part of what the file says, and a row
with one is no duplicate of a row with the other; so the reader notes, in each column's field
metadata, which of its cells were strings: every cell present, or the cells of a bitmap. The
note goes where the batch goes (a worker process, a clean's pass) with no column added, and the
row identities read it (`profile.json_strings`); the clean's copy of the chunks keeps each
chunk's own. A column without the note holds no string. A batch to write drops the notes: they
are this reading's, no part of any file.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import pyarrow as pa

from dataaudit.arrays import to_numpy

#: the field metadata key of the note
STRINGS = b"dataaudit.json_strings"
#: the note of a column whose every value present is a string
_EVERY = b"all"
#: the bytes of a bitmap note's count of cells
_COUNT = 8


def noted_field(name: str, values: Sequence[object], kinds: set[type]) -> pa.Field:
    """The text field of a column whose cells are `values` (Python's types of them, `kinds`),
    noting its string cells when it has any."""
    field = pa.field(name, pa.string())
    if str not in kinds:
        return field
    if kinds <= {str, type(None)}:
        return field.with_metadata({STRINGS: _EVERY})
    return _noted(field, np.fromiter((type(value) is str for value in values), dtype=bool, count=len(values)))


def with_string_cells(batch: pa.RecordBatch, cells: Mapping[str, np.ndarray]) -> pa.RecordBatch:
    """`batch` noting the string cells `cells` gives (column -> which cells), and no others: a
    batch a step rebuilt gets the notes of the rows it was made of, a batch to write none (the
    notes are this reading's, no part of a file)."""
    fields = [_noted(field, cells[field.name]) if field.name in cells
              else _unnoted(field) for field in batch.schema]
    schema = pa.schema(fields, batch.schema.metadata)
    if schema.equals(batch.schema, check_metadata=True):
        return batch
    return pa.RecordBatch.from_arrays(batch.columns, schema=schema)


def _noted(field: pa.Field, strings: np.ndarray) -> pa.Field:
    """`field` noting the cells `strings` gives: their count, then a bit each."""
    note = len(strings).to_bytes(_COUNT, "little") + np.packbits(strings).tobytes()
    return field.with_metadata({**(field.metadata or {}), STRINGS: note})


def _unnoted(field: pa.Field) -> pa.Field:
    if not field.metadata or STRINGS not in field.metadata:
        return field
    rest = {key: value for key, value in field.metadata.items() if key != STRINGS}
    return field.with_metadata(rest) if rest else field.remove_metadata()


def string_cells(batch: pa.RecordBatch) -> dict[str, np.ndarray]:
    """Per column noted, which of `batch`'s cells were JSON strings (a null among them does not
    count); a column not noted holds none and is left out."""
    cells = {}
    for field in batch.schema:
        note = (field.metadata or {}).get(STRINGS)
        if note is None:
            continue
        present = to_numpy(batch.column(field.name).is_valid())
        if note != _EVERY:
            present &= _bits(note, batch.num_rows)
        cells[field.name] = present
    return cells


def _bits(note: bytes, rows: int) -> np.ndarray:
    """The cells a bitmap note marks, for a batch of `rows` rows: a batch filtered or sliced with
    its schema kept would keep a note of other rows, which is refused rather than misread."""
    if int.from_bytes(note[:_COUNT], "little") != rows:
        raise ValueError(f"a note of JSON string cells for {int.from_bytes(note[:_COUNT], 'little')} rows on a "
                         f"batch of {rows}: note the batch's own rows (with_string_cells)")
    return np.unpackbits(np.frombuffer(note, dtype=np.uint8, offset=_COUNT), count=rows).astype(bool)
