"""Parquet, streamed row group by row group with pyarrow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataaudit.errors import InputError
from dataaudit.io.source import Source


def open_parquet(path: Path, name: str, *, chunk_rows: int) -> Source:
    """`path` is read, `name` is what reports and errors call it (they differ for spooled stdin)."""
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{name}: not a readable Parquet file ({_first_line(exc)})") from None

    def read() -> Iterator[pa.RecordBatch]:
        try:
            yield from file.iter_batches(batch_size=chunk_rows)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{name}: corrupt Parquet data ({_first_line(exc)})") from None

    source = Source(name, "parquet", file.schema_arrow.names, read)
    source.info["rows"] = file.metadata.num_rows
    return source


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
