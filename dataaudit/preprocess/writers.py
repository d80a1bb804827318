"""Cleaned data and quarantine written chunk by chunk, in CSV, TSV, Parquet or JSONL.

A `BatchWriter` writes into an `AtomicFile` of the run's `dataaudit.output.Outputs`: the file
appears, complete, when the run renames all its files, or not at all. A CSV, TSV or JSONL file
named with a compression suffix (`out.csv.gz`, `.bz2`, `.zst`, `.lz4`) is written compressed, as
the readers read such a file; Parquet compresses its own columns, so `out.parquet.gz` is refused.
"""

from __future__ import annotations

import contextlib
from collections.abc import Mapping
from dataclasses import dataclass
from dataclasses import field as default
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.arrays import leaves, python_values
from dataaudit.compression import compression_of, uncompressed_name
from dataaudit.errors import InputError, quoted
from dataaudit.io.decimal_comma import POINT, exchanged_batch, written_with
from dataaudit.io.decimal_text import decimals_as_text, decimals_as_text_schema
from dataaudit.io.durations import durations_as_text, durations_as_text_schema, spelled_inside
from dataaudit.io.extension_text import extensions_as_written, extensions_as_written_schema, unwritable_extension
from dataaudit.io.nested import decimal_json, holds_decimals, nested_as_json, nested_as_text
from dataaudit.io.source import Source
from dataaudit.io.strings import narrow_schema, narrow_strings, narrow_type, runs_as_values, runs_as_values_schema
from dataaudit.io.zoned_times import zoned_times_as_text, zoned_times_as_text_schema
from dataaudit.jsontext import JSONText
from dataaudit.output import AtomicFile
from dataaudit.preprocess.json_cells import UNTYPED, TypedCells, encode_row

FORMATS = {".csv": "csv", ".tsv": "tsv", ".parquet": "parquet", ".pq": "parquet", ".jsonl": "jsonl",
           ".ndjson": "jsonl"}


def output_format(path: Path) -> str:
    """The format the name says, a compression suffix looked past (`out.jsonl.gz`: jsonl)."""
    fmt = FORMATS.get(uncompressed_name(path).suffix.lower())
    if fmt is None:
        raise InputError(f"{path}: cannot tell the output format; name the file .csv, .tsv, .parquet or .jsonl "
                         "(CSV, TSV and JSONL also compressed: .csv.gz, .jsonl.zst, ...)")
    if fmt == "parquet" and compression_of(path) is not None:
        raise InputError(f"{path}: Parquet compresses itself (its columns, inside the file); name it .parquet")
    return fmt


def beside(output: Path, role: str, suffixes: str | None = None) -> Path:
    """A file a clean writes next to `output`: `role` before the output's format and compression
    suffixes (`out.csv.gz`, "quarantine": `out.quarantine.csv.gz`), or before `suffixes` in
    their place (`out.csv.gz`, "manifest", ".json": `out.manifest.json`)."""
    plain = uncompressed_name(output)
    kept = output.name[len(plain.stem):]  # the output's suffixes, as spelled
    return output.with_name(f"{plain.stem}.{role}{kept if suffixes is None else suffixes}")


@dataclass(frozen=True)
class Layout:
    """What of a CSV input's layout a CSV or TSV output keeps: a first line naming the delimiter
    (`sep=`, the output's own: a spreadsheet that needed it to read the input needs it to read
    the output), and the header cells of columns given other names to be read (`names`: a
    blank cell, where several are). A CSV input read with a decimal comma (`decimal`) had its
    numbers handed on with a point (`decimal_comma.py`): every output writes its text cells back
    as they were read, and a CSV or TSV output writes a step's float values with the comma too;
    a CSV output then keeps the input's delimiter (`delimiter`, `;` for a TSV input), for a comma
    between its fields would split its numbers."""

    separator_line: bool = False
    names: Mapping[str, str] = default(default_factory=dict)
    decimal: str = POINT
    delimiter: str = ","

    @classmethod
    def of(cls, source: Source) -> Layout:
        """The layout of the input `source` read."""
        decimal = source.info.get("decimal", POINT)
        delimiter = source.info.get("delimiter", ",") if decimal != POINT else ","
        return cls(source.separator_line, dict(source.written_names), decimal,
                   ";" if delimiter in ("\t", decimal) else delimiter)


class BatchWriter:
    """Record batches to one CSV, TSV, Parquet or JSONL file; the first batch fixes the schema
    and later ones are cast to it (a chunk of a CSV column may be all null, hence typeless).
    `sha256` is the digest of the bytes the file holds (compressed, if it is), once `close` has
    finished the file."""

    def __init__(self, file: AtomicFile, fmt: str | None = None, layout: Layout | None = None) -> None:
        self.fmt = fmt or output_format(file.path)
        self.file = file
        self.layout = layout or Layout()
        self._header: list[str] | None = None  # the header cells, where they are not the columns' names
        self.sink = file.handle
        self.schema: pa.Schema | None = None
        self.rows = 0
        self._writer: Any = None

    def write(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        """`typed` (JSONL only): per row, the JSONL input's typed values, written as the input
        wrote them where no step changed them (see `json_cells`)."""
        batch = runs_as_values(batch)
        if self.layout.decimal != POINT:  # the input's decimal mark back, before the schema is fixed
            batch = (written_with if self.fmt in ("csv", "tsv") else exchanged_batch)(batch, self.layout.decimal)
        if self.schema is None:
            self._refuse_unwritable(batch.schema)  # before nested values become their JSON text
        if self.fmt != "parquet":  # text: a duration as its ISO 8601 text, which keeps its unit
            batch = durations_as_text(extensions_as_written(batch))
        if self.fmt in ("csv", "tsv"):  # CSV holds text: a struct, list or map cell is written as its JSON
            # and the CSV writer has no string views; a named zone's time as the instant it is
            batch = narrow_strings(decimals_as_text(zoned_times_as_text(nested_as_json(batch))))
        if self.schema is None:
            self._open(batch.schema)
        elif batch.schema != self.schema:
            batch = batch.cast(self.schema)
        self.rows += batch.num_rows
        if self.fmt == "jsonl":
            rows = _decimals_as_numbers(batch, _durations_spelled(batch, python_values(batch)))
            cells = typed if typed is not None else [UNTYPED] * len(rows)
            lines = (encode_row(row, kept) + "\n" for row, kept in zip(rows, cells, strict=True))
            self.sink.write("".join(lines).encode("utf-8"))
        elif batch.num_rows:
            self._writer.write_batch(batch if self._header is None else batch.rename_columns(self._header))

    def close(self, template: pa.Schema | None = None) -> None:
        """Finish the file (the run renames it); `template` is the schema of an output that received no batch."""
        if self.schema is None:
            schema = runs_as_values_schema(template if template is not None else pa.schema([]))
            self._refuse_unwritable(schema)
            self._open(schema)
        if self._writer is not None:
            self._writer.close()
        self.file.finish()

    @property
    def sha256(self) -> str:
        return self.file.sha256

    def abort(self) -> None:
        if self._writer is not None:
            with contextlib.suppress(Exception):
                self._writer.close()
        self.file.abort()

    def _refuse_unwritable(self, schema: pa.Schema) -> None:
        """Text files hold text: bytes would come out rewritten, and two values as one; an
        extension type stored in a form of its own would come out as another value."""
        if self.fmt == "parquet":
            return
        binary = next((f.name for f in schema if _holds_bytes(f.type)), None)
        if binary is not None:
            raise InputError(f"{self.file.path}: column {quoted(binary)} holds binary values, which a "
                             f"{self.fmt.upper()} file cannot hold; write the cleaned file as .parquet")
        for field in schema:
            extension = unwritable_extension(field)
            if extension is not None:
                raise InputError(f"{self.file.path}: column {quoted(field.name)} holds values of the type "
                                 f"{extension}, which a {self.fmt.upper()} file cannot hold as they are stored; "
                                 "write the cleaned file as .parquet")

    def _open(self, schema: pa.Schema) -> None:
        self.schema = schema
        if self.fmt in ("csv", "tsv"):
            import pyarrow.csv as pacsv

            delimiter = "\t" if self.fmt == "tsv" else self.layout.delimiter
            if self.layout.separator_line:
                self.sink.write(f"sep={delimiter}\n".encode())
            # as `write` hands it batches; an output that received none is opened with its template
            text_schema = narrow_schema(decimals_as_text_schema(zoned_times_as_text_schema(nested_as_text(
                durations_as_text_schema(extensions_as_written_schema(schema))))))
            if any(name in self.layout.names for name in schema.names):
                self._header = [self.layout.names.get(name, name) for name in schema.names]
                text_schema = pa.schema([f.with_name(n) for f, n in zip(text_schema, self._header, strict=True)])
            self._writer = pacsv.CSVWriter(self.sink, text_schema,
                                           write_options=pacsv.WriteOptions(delimiter=delimiter))
        elif self.fmt == "parquet":
            import pyarrow.parquet as pq

            self._writer = pq.ParquetWriter(self.sink, schema)


def _decimals_as_numbers(batch: pa.RecordBatch, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows`, the values of `batch`, with each cell of a column holding decimals as its JSON
    text (`decimal_json`: `1.20`, not the string `"1.20"` JSON would make of it), in place."""
    columns = [field.name for field in batch.schema if holds_decimals(field.type)]
    for row in rows if columns else ():
        for name in columns:
            if row[name] is not None:
                row[name] = JSONText(decimal_json(row[name]))
    return rows


def _durations_spelled(batch: pa.RecordBatch, rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """`rows`, the values of `batch`, with each duration inside a nested cell that came as its
    bare count spelled as its text (`durations.spelled_inside`), in place."""
    for field in batch.schema:
        if pa.types.is_nested(field.type):
            spelled = spelled_inside([row[field.name] for row in rows], field.type)
            for row, value in zip(rows, spelled, strict=True):
                row[field.name] = value
    return rows


def _holds_bytes(kind: pa.DataType) -> bool:
    """Whether a column's cells are bytes or hold bytes at any depth (in a list, a struct, a
    map), however stored (large, as views, fixed size, in a dictionary), which a text file
    cannot hold: a CSV or JSONL writer would write them as some text of theirs."""
    return any(pa.types.is_binary(leaf) or pa.types.is_fixed_size_binary(leaf) for leaf in leaves(narrow_type(kind)))
