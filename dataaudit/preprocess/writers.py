"""Cleaned data, quarantine and manifest written chunk by chunk, all or nothing.

Each file is written to a temporary file in its destination folder and renamed over the
destination only when complete (`os.replace` is atomic within a file system), so an
interrupted run leaves the old file or none, never half a file.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import pyarrow as pa

from dataaudit.errors import InputError, quoted
from dataaudit.io.nested import nested_as_json, nested_as_text

FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
           ".ndjson": "jsonl"}


def output_format(path: Path) -> str:
    fmt = FORMATS.get(Path(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: cannot tell the output format; name the file .csv, .tsv, .parquet or .jsonl")
    return fmt


class AtomicFile:
    """A temporary file beside `path` that becomes `path` on `commit`, or vanishes on `abort`."""

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        try:
            fd, temp = tempfile.mkstemp(dir=self.path.parent or ".", prefix=f".{self.path.name}.", suffix=".part")
        except OSError as exc:
            raise InputError(f"{path}: cannot write here: {exc.strerror or exc}") from None
        self.temp = Path(temp)
        self.handle: IO[bytes] = os.fdopen(fd, "wb")

    def commit(self) -> None:
        self.handle.close()
        # mkstemp makes the file private (0600); the result gets the mode any new file would
        os.chmod(self.temp, 0o666 & ~_umask())
        os.replace(self.temp, self.path)

    def abort(self) -> None:
        self.handle.close()
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextmanager
def atomic_file(path: Path) -> Iterator[IO[bytes]]:
    """A binary handle on `AtomicFile(path)`: committed when the block ends, aborted if it raises."""
    target = AtomicFile(path)
    try:
        yield target.handle
    except BaseException:
        target.abort()
        raise
    target.commit()


def atomic_text(path: Path, text: str) -> None:
    with atomic_file(path) as handle:
        handle.write(text.encode("utf-8"))


def atomic_json(path: Path, data: dict[str, Any]) -> None:
    """A manifest or state file: indented, UTF-8, anything else (paths, numbers) as its text."""
    atomic_text(path, json.dumps(data, indent=1, ensure_ascii=False, default=str) + "\n")


class BatchWriter:
    """Record batches to one CSV, TSV, Parquet or JSONL file; the first batch fixes the schema
    and later ones are cast to it (a chunk of a CSV column may be all null, hence typeless)."""

    def __init__(self, path: Path, fmt: str | None = None) -> None:
        self.fmt = fmt or output_format(path)
        self.file = AtomicFile(path)
        self.schema: pa.Schema | None = None
        self.rows = 0
        self._writer: Any = None

    def write(self, batch: pa.RecordBatch) -> None:
        if self.fmt in ("csv", "tsv"):  # CSV holds text: a struct, list or map cell is written as its JSON
            batch = nested_as_json(batch)
        if self.schema is None:
            self._open(batch.schema)
        elif batch.schema != self.schema:
            batch = batch.cast(self.schema)
        self.rows += batch.num_rows
        if self.fmt == "jsonl":
            lines = (json.dumps(row, ensure_ascii=False, default=str) + "\n" for row in batch.to_pylist())
            self.file.handle.write("".join(lines).encode("utf-8"))
        elif batch.num_rows:
            self._writer.write_batch(batch)

    def close(self, template: pa.Schema | None = None) -> None:
        """Finish and rename; `template` is the schema of an output that received no batch."""
        if self.schema is None:
            self._open(template if template is not None else pa.schema([]))
        if self._writer is not None:
            self._writer.close()
        self.file.commit()

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        self.file.abort()

    def _open(self, schema: pa.Schema) -> None:
        self.schema = schema
        if self.fmt in ("csv", "tsv"):
            import pyarrow.csv as pacsv

            binary = next((f.name for f in schema if pa.types.is_binary(f.type) or pa.types.is_large_binary(f.type)
                           or pa.types.is_fixed_size_binary(f.type)), None)
            if binary is not None:
                raise InputError(f"{self.file.path}: column {quoted(binary)} holds binary values, which a "
                                 f"{self.fmt.upper()} file cannot hold; write the cleaned file as .parquet")
            options = pacsv.WriteOptions(delimiter="\t" if self.fmt == "tsv" else ",")
            self._writer = pacsv.CSVWriter(self.file.handle, nested_as_text(schema), write_options=options)
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(self.file.handle, schema)
