"""Parquet, streamed row group by row group with pyarrow."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataaudit.errors import InputError
from dataaudit.io.source import Source


def open_parquet(path: Path, *, chunk_rows: int) -> Source:
    try:
        file = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{path}: not a readable Parquet file ({str(exc).splitlines()[0]})") from None

    def read() -> Iterator[pa.RecordBatch]:
        try:
            yield from file.iter_batches(batch_size=chunk_rows)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{path}: corrupt Parquet data ({str(exc).splitlines()[0]})") from None

    source = Source(str(path), "parquet", file.schema_arrow.names, read)
    source.info["rows"] = file.metadata.num_rows
    return source
