"""The values of a JSON Lines batch's late keys, carried with the batch.

A key first met past the lines a JSONL table's columns are read from (`LateKey`) is no column
of the batches, yet two lines that differ only in such a key's value are two rows: a clean
writes the key as a column, where they differ. So the reader notes, on a batch whose lines hold
a late key, those keys' cells (text as the columns' are, each column noting its JSON string
cells, `io.json_strings`) in the batch's schema metadata, and the row identities fold them in
(`profile.late_keys`). A batch without a late key has no note and costs nothing. A batch to
write drops the note: it is this reading's, no part of any file.
"""

from __future__ import annotations

import pyarrow as pa

#: the schema metadata key of the note
LATE_CELLS = b"dataaudit.late_cells"


def with_late_cells(batch: pa.RecordBatch, late: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` noting `late`, one text column per late key its lines hold, a cell per row."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, late.schema) as writer:
        writer.write_batch(late)
    metadata = {**(batch.schema.metadata or {}), LATE_CELLS: sink.getvalue().to_pybytes()}
    return batch.replace_schema_metadata(metadata)


def late_cells(batch: pa.RecordBatch) -> pa.RecordBatch | None:
    """The late keys' cells `batch` notes (None: its lines hold none). A batch filtered or sliced
    with its schema kept would keep a note of other rows, which is refused rather than misread."""
    note = (batch.schema.metadata or {}).get(LATE_CELLS)
    if note is None:
        return None
    late = pa.ipc.open_stream(pa.py_buffer(note)).read_next_batch()
    if late.num_rows != batch.num_rows:
        raise ValueError(f"a note of late keys' cells for {late.num_rows} rows on a batch of {batch.num_rows}: "
                         "note the batch's own rows (with_late_cells)")
    return late


def without_late_cells(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` without the note, as a batch to write or to filter is."""
    metadata = batch.schema.metadata
    if not metadata or LATE_CELLS not in metadata:
        return batch
    rest = {key: value for key, value in metadata.items() if key != LATE_CELLS}
    return batch.replace_schema_metadata(rest or None)
