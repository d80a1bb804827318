"""Parquet, streamed with pyarrow in batches of the chunk size.

Each column chunk is read through a 1 MiB buffer (`buffer_size`), not read whole: the reader
holds pages, not a row group's chunks. With pyarrow's default (whole chunks) the audit of 10M
generated rows (ten row groups of 1M) peaked at 922 MiB against 434 MiB at 1M, and neither
decoding in the reading thread (918 MiB) nor the system allocator (913 MiB) changed it; read
through the buffer it peaks at 456 MiB against 414 MiB, in 58 CPU seconds against 55
(docs/speed.md).

A dictionary-encoded field inside a list, struct or map is read a row group at a time: pyarrow
reads no such field past the end of a row group whose dictionary the next one does not share
("Nested data conversions not implemented for chunked array outputs"); within one row group,
even one whose pages fall back from the dictionary, it does.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from dataaudit.errors import InputError
from dataaudit.io.source import Source, refuse_duplicate_columns

READ_BUFFER_BYTES = 1 << 20


def open_parquet(path: Path, name: str, *, chunk_rows: int) -> Source:
    """`path` is read, `name` is what reports and errors call it (they differ for spooled stdin)."""
    try:
        file = pq.ParquetFile(path, buffer_size=READ_BUFFER_BYTES, pre_buffer=False)
    except (pa.ArrowInvalid, OSError) as exc:
        raise InputError(f"{name}: not a readable Parquet file ({_first_line(exc)})") from None

    schema = file.schema_arrow
    by_group = any(pa.types.is_nested(field.type) and _holds_dictionary(field.type) for field in schema)
    groups: list[list[int] | None] = [[i] for i in range(file.num_row_groups)] if by_group else [None]

    def read() -> Iterator[pa.RecordBatch]:
        try:
            for group in groups:
                yield from file.iter_batches(batch_size=chunk_rows, row_groups=group)
        except (pa.ArrowInvalid, OSError) as exc:
            raise InputError(f"{name}: corrupt Parquet data ({_first_line(exc)})") from None
        except pa.ArrowNotImplementedError as exc:
            raise InputError(f"{name}: a layout pyarrow cannot read ({_first_line(exc)})") from None

    refuse_duplicate_columns(name, schema.names, "the schema")
    source = Source(name, "parquet", schema.names, read, schema=schema)
    source.info["rows"] = file.metadata.num_rows
    return source


def _holds_dictionary(kind: pa.DataType) -> bool:
    """Whether `kind` is dictionary-encoded or holds such a field at any depth."""
    return pa.types.is_dictionary(kind) or any(_holds_dictionary(kind.field(i).type) for i in range(kind.num_fields))


def _first_line(exc: Exception) -> str:
    return (str(exc).splitlines() or [type(exc).__name__])[0][:200]
