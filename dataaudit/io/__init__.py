"""Readers: any supported input becomes a `Source` of streamed record batches.

Formats are recognised by extension (compressed `.gz`/`.bz2`/`.zst` CSV and JSONL too), and
by content when the extension says nothing.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataaudit.errors import InputError
from dataaudit.io.source import DEFAULT_CHUNK_ROWS, RowProblem, Source

__all__ = ["DEFAULT_CHUNK_ROWS", "RowProblem", "Source", "open_source"]

FORMATS = {
    ".csv": "csv", ".txt": "csv", ".psv": "csv", ".tsv": "tsv", ".tab": "tsv",
    ".parquet": "parquet", ".pq": "parquet",
    ".jsonl": "jsonl", ".ndjson": "jsonl", ".json": "jsonl",
}
COMPRESSED = (".gz", ".bz2", ".zst", ".lz4")
BAD_ROWS = ("error", "skip")


def open_source(data: Any, *, delimiter: str | None = None, encoding: str | None = None,
                chunk_rows: int = DEFAULT_CHUNK_ROWS, bad_rows: str = "error", fmt: str | None = None) -> Source:
    """Open a path or an in-memory table for one streaming pass."""
    if bad_rows not in BAD_ROWS:
        raise InputError(f"bad_rows must be one of {', '.join(BAD_ROWS)}, not {bad_rows!r}")
    if isinstance(data, Source):  # already open: a stream another step produces
        return data
    if not isinstance(data, (str, Path)):
        from dataaudit.io.frame_reader import open_frame

        if not (hasattr(data, "columns") or hasattr(data, "column_names")):
            raise InputError(f"cannot audit a {type(data).__name__}: give a file path, a pandas DataFrame "
                             "or a pyarrow Table")
        return open_frame(data, chunk_rows=chunk_rows)
    path = Path(data)
    sample = _sample(path)
    fmt = fmt or _format_of(path, sample)
    if fmt == "parquet":
        from dataaudit.io.parquet_reader import open_parquet

        source = open_parquet(path, chunk_rows=chunk_rows)
    elif fmt == "jsonl":
        from dataaudit.io.jsonl_reader import open_jsonl

        source = open_jsonl(path, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows)
    else:
        from dataaudit.io.csv_reader import open_csv

        source = open_csv(path, sample, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows,
                          bad_rows=bad_rows, tab_default=fmt == "tsv")
    source.info.update({"path": str(path), "format": source.format, "bytes": path.stat().st_size})
    return source


def _sample(path: Path) -> bytes:
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not a data file")
    try:
        if path.suffix.lower() in COMPRESSED:
            import pyarrow as pa

            with pa.input_stream(str(path), compression="detect") as stream:
                sample = stream.read(64 * 1024)
        else:
            with open(path, "rb") as handle:
                sample = handle.read(64 * 1024)
    except OSError as exc:
        raise InputError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not sample:
        raise InputError(f"{path}: the file is empty")
    return sample


def _format_of(path: Path, sample: bytes) -> str:
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] in COMPRESSED:
        suffixes = suffixes[:-1]
        if suffixes and FORMATS.get(suffixes[-1]) == "parquet":
            raise InputError(f"{path}: a compressed Parquet file; Parquet compresses internally, give the .parquet")
        if not suffixes or suffixes[-1] not in FORMATS:
            raise InputError(f"{path}: compressed file of unknown format; name it like data.csv.gz or data.jsonl.gz")
        return FORMATS[suffixes[-1]]
    if sample.startswith(b"PAR1"):
        return "parquet"
    if suffixes and suffixes[-1] in FORMATS:
        fmt = FORMATS[suffixes[-1]]
        if fmt != "parquet" and b"\x00" in sample:
            raise InputError(f"{path}: binary content, not a {fmt.upper()} text file")
        return fmt
    if b"\x00" in sample:
        raise InputError(f"{path}: not a CSV, TSV, Parquet or JSONL file (binary content)")
    return "jsonl" if sample.lstrip().startswith(b"{") else "csv"
