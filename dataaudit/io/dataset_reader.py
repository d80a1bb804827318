"""A folder of Parquet files, plain or hive-partitioned (`year=2024/part-0.parquet`), on disk or
in an object store, streamed with `pyarrow.dataset`.

The files are read in the order of their sorted paths, each in batches, so that every pass of
an audit or a clean sees the rows in one order (the clean's row numbers depend on it). The
values of a hive partition (`year=2024`) become a column, after the files' own columns. Only
files named `*.parquet` or `*.pq` are read; hidden files and `_`-prefixed ones (`_SUCCESS`,
`_metadata`) are skipped, as Spark and pyarrow write them beside the data.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.csv_reader import regroup
from dataaudit.io.object_store import first_line
from dataaudit.io.source import Source

SUFFIXES = (".parquet", ".pq")


def open_parquet_folder(path: str, name: str, *, chunk_rows: int, filesystem: Any = None) -> Source:
    """`path` is a folder on `filesystem` (an fsspec filesystem; None: the
    local one); `name` is what reports and errors call it."""
    import pyarrow.dataset as pads
    import pyarrow.fs as pafs

    fs = pafs.LocalFileSystem() if filesystem is None else pafs.PyFileSystem(pafs.FSSpecHandler(filesystem))
    files = _parquet_files(fs, path, name)
    try:
        dataset = pads.dataset([f.path for f in files], filesystem=fs, format="parquet", partitioning="hive",
                               partition_base_dir=path)
    except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:  # a type error: a partition key's and a column's clash
        raise InputError(f"{name}: not a readable Parquet dataset ({first_line(exc)})") from None

    def read() -> Iterator[pa.RecordBatch]:
        try:
            yield from regroup(dataset.to_batches(batch_size=chunk_rows), chunk_rows)
        except (pa.ArrowInvalid, pa.ArrowTypeError, OSError) as exc:
            raise InputError(f"{name}: a file of the folder cannot be read with the first one's columns "
                             f"({first_line(exc)})") from None

    source = Source(name, "parquet", dataset.schema.names, read, repeatable=True, schema=dataset.schema)
    source.info.update({"path": name, "format": "parquet", "rows": dataset.count_rows(),
                        "bytes": sum(f.size or 0 for f in files)})
    return source


def _parquet_files(fs: Any, path: str, name: str) -> list[Any]:
    import pyarrow.fs as pafs

    found = fs.get_file_info(pafs.FileSelector(path, recursive=True, allow_not_found=True))
    base = path.rstrip("/") + "/"
    files = sorted((f for f in found if f.is_file and f.path.lower().endswith(SUFFIXES)
                    and not any(part.startswith((".", "_")) for part in f.path.removeprefix(base).split("/"))),
                   key=lambda f: f.path)
    if not files:
        raise InputError(f"{name}: a directory with no Parquet files (*.parquet, *.pq) to read as one dataset")
    return files
