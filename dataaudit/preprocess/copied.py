"""The input's chunks as the first audit read them, for the clean's passes after it.

Why: a clean reads its input once to audit it, once to decide which rows leave, once per
value-learning step it fits, and once to write. Parsing a CSV costs about one CPU second a
million rows each time; an Arrow stream of the same chunks reads back in a tenth of that. So
the audit's pass also writes every chunk it reads to a temporary file (`first_read_kept`), and
the later passes read the chunks from there: the same rows in the same chunks, already parsed.
Where the audit's copy cannot be read, the deciding pass parses the file and copies it instead.

The file has no name (`tempfile.TemporaryFile`), so the system removes it when the run ends,
however it ends; it takes about the data's size in Arrow on disk (127 MB for the benchmark's
1,000,000-row, 99 MB CSV). Chunks whose columns or types change from one to the next (types
inferred block by block) cannot share one stream, and a full temporary folder cannot take them:
then the copy is given up and the later passes read the input again.
"""

from __future__ import annotations

import contextlib
import tempfile
from collections.abc import Callable, Iterator
from typing import IO

import pyarrow as pa

from dataaudit.io import Source

#: the custom metadata key of a chunk's own schema, where it is not the stream's
_SCHEMA = b"dataaudit.schema"


class CopiedChunks:
    """A copy of one pass's chunks; `source(...)` reads it once the pass has read them all."""

    def __init__(self) -> None:
        self._file: IO[bytes] | None = None
        with contextlib.suppress(OSError):  # no temporary folder to write in: no copy
            # open as long as the copy lives: closed (and so removed) when it is dropped
            self._file = tempfile.TemporaryFile(prefix="dataaudit-clean-")  # noqa: SIM115
        self._writer: pa.ipc.RecordBatchStreamWriter | None = None
        self._schema: pa.Schema | None = None
        self._rows = 0
        self._complete = False

    def keep(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """`batches` passed on, each also written to the copy; the copy is complete only when
        they have all been read."""
        for batch in batches:
            self._write(batch)
            yield batch
        if self._writer is not None:
            try:
                self._writer.close()
            except OSError:
                self._give_up()
        self._complete = self._file is not None

    def first_read_kept(self, read: Callable[[], Iterator[pa.RecordBatch]]) -> Callable[[], Iterator[pa.RecordBatch]]:
        """`read` (a source's) whose first stream, the audit's pass, is also written to the copy;
        a later read of the same source (a finding quoting a row) is not copied again."""
        unread = [read]

        def reading() -> Iterator[pa.RecordBatch]:
            return self.keep(unread.pop()()) if unread else read()

        return reading

    def reader(self, like: Source) -> Callable[[], Source] | None:
        """How a later pass opens the copy: as a source named and typed as `like`, the input
        this pass read. None when the copy is incomplete or was given up."""
        if not self._complete:
            return None

        def reopen() -> Source:
            return Source(like.name, like.format, list(like.columns), read=self._read, info={"rows": self._rows},
                          local_path=like.local_path, stored_types=dict(like.stored_types), schema=like.schema)

        return reopen

    def _write(self, batch: pa.RecordBatch) -> None:
        if self._file is None:
            return
        if self._schema is not None and not batch.schema.equals(self._schema):
            self._give_up()
            return
        try:
            if self._writer is None:
                self._schema = batch.schema
                self._writer = pa.ipc.new_stream(pa.PythonFile(self._file, mode="w"), batch.schema)
            self._writer.write_batch(batch, custom_metadata=_own_schema(batch.schema, self._schema))
        except OSError:  # no room in the temporary folder: the later passes read the input again
            self._give_up()
            return
        self._rows += batch.num_rows

    def _give_up(self) -> None:
        assert self._file is not None
        self._file.close()
        self._file = self._writer = None

    def _read(self) -> Iterator[pa.RecordBatch]:
        assert self._file is not None
        if self._schema is None:  # no chunk at all
            return
        self._file.seek(0)
        stream = pa.ipc.open_stream(pa.PythonFile(self._file, mode="r"))
        while True:
            try:
                batch, metadata = stream.read_next_batch_with_custom_metadata()
            except StopIteration:
                return
            own = None if metadata is None else metadata.get(_SCHEMA)
            yield batch if own is None else pa.RecordBatch.from_arrays(
                batch.columns, schema=pa.ipc.read_schema(pa.py_buffer(own)))


def _own_schema(schema: pa.Schema, stream: pa.Schema) -> dict[bytes, bytes] | None:
    """A chunk's schema where its metadata is not the stream's (a JSONL chunk's string cells and
    late keys' cells, `io.json_strings`, `io.late_cells`), to write beside the chunk: the stream
    holds the first chunk's schema for all, and each chunk's own, held in memory until the last
    pass, would take as much room as every late key's text of the file."""
    if schema.equals(stream, check_metadata=True):
        return None
    return {_SCHEMA: schema.serialize().to_pybytes()}
