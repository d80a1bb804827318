"""The Spark engine: the same partial profile per partition, merged on the driver.

Each partition runs `PartialProfile.create`/`add` (or any other accumulator's: a fine-tuning
file's lines go through the text audit's) over its Arrow record batches (`mapInArrow`:
batches in, batches out, no pandas conversion), ships its partial as one pickled binary row,
and the driver merges them in partition order with `merged`, the merge the local engine uses.
Checks and renderers see the same `Profile` either way.

Row numbers: a first, cheap job counts the rows of every partition (Spark alone, no Python);
each partition then profiles from its prefix-sum offset, so a finding's row `r` is row `r` of
the data in Spark's scan order, which for a single file is the file's order, the numbering the
local engine uses. A partition whose row count changes between the two jobs (a DataFrame that
is not deterministic) is an error, never silently wrong row numbers.

A table's partitions also hand on their rows' hashes, which never reach the driver: they stay
on the cluster (persisted) for `spark_duplicates` to find duplicates and conflicts by a
group-by, so the driver's memory does not grow with the rows; so do their texts' MinHash
signatures, hashes and lengths, for `spark_near` to find near duplicates and `spark_texts` exact
copies, conflicting answers and length outliers. A split's pass hands on its row keys the
same way, for the split comparison's joins (`keyed_profile`). A local JSON Lines table (UTF-8) is
read as its lines, each partition's parsed by the local reader's own parsing (`_open_jsonl`), so
its values, its JSON strings, its late keys and its bad lines are the local engine's; one in
another encoding is read by Spark's JSON reader, its keys first met past the rows its columns are
read from found on the cluster (`spark_late_keys`).
Nine modules import pyspark: this one, `spark_duplicates`, `spark_near`, `spark_texts`,
`spark_kept`, `spark_late_keys`, `spark_local` (a session started on a local master),
`dataaudit.preprocess.spark_clean` (a clean on Spark)
and `dataaudit.splits.spark_keys` (a split comparison's keys on Spark), each inside the
functions that run on Spark, so only when the Spark engine is chosen.
"""

from __future__ import annotations

import contextlib
import functools
import os
import pickle
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar

import numpy as np
import pyarrow as pa

from dataaudit.engines import is_spark_frame
from dataaudit.engines.local import A, Accumulator, conform
from dataaudit.engines.spark_duplicates import HASHES_SCHEMA, find_duplicates_on_cluster
from dataaudit.engines.spark_frames import map_in_arrow, named_column
from dataaudit.engines.spark_late_keys import late_keys_on_cluster
from dataaudit.engines.spark_local import start_session
from dataaudit.engines.spark_near import (
    TEXT_COLUMNS,
    TEXT_FIELDS,
    TEXTS_SCHEMA,
    NearTexts,
    find_near_on_cluster,
    text_batches,
)
from dataaudit.engines.spark_texts import find_repeats_on_cluster
from dataaudit.engines.spark_utf8 import refuse_invalid_utf8
from dataaudit.errors import InputError
from dataaudit.io import FORMATS, Source, open_source
from dataaudit.io.csv_reader import regroup
from dataaudit.io.decoding import is_utf8
from dataaudit.io.lines import CHUNK_LINES, LINE_COLUMN
from dataaudit.io.quoted_lines import has_quoted_line_ends, row_ends
from dataaudit.io.source import LateKey
from dataaudit.io.strings import narrow_strings
from dataaudit.profile.extract import extract
from dataaudit.profile.model import Profile
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.spill import ROW_HASHES
from dataaudit.scoped import environ_default, quiet_pyspark_pandas_warning

# a partition's row: its partial (null if it profiled no row) and, for a JSON Lines table's lines,
# what their parsing met besides rows (`LinesSeen`, pickled)
PARTIALS_SCHEMA = "partition int, rows long, partial binary, seen binary"
_PARTIAL_FIELDS = [("partition", pa.int32()), ("rows", pa.int64()), ("partial", pa.binary()), ("seen", pa.binary())]
_HASH_FIELDS = [("row", pa.int64()), ("features", pa.int64()), ("label", pa.int64()), ("whole", pa.int64())]
HASH_COLUMNS = [name for name, _ in _HASH_FIELDS]
# a split's pass adds one row per data row and feature set for its keys (row, features, label,
# group, the feature set's number; `whole` null)
_KEY_FIELDS = [*_HASH_FIELDS, ("group", pa.int64()), ("keyset", pa.int64())]
KEY_COLUMNS = ["row", "features", "label", "group", "keyset"]
_KEYS_SCHEMA = "group long, keyset long"  # the Spark types of the fields `_KEY_FIELDS` adds to `_HASH_FIELDS`
# `monotonically_increasing_id` holds a row's partition above these bits and its place in it below
PLACE_BITS = 33


@dataclass
class SparkSource(Source):
    """A `Source` whose rows live in a Spark DataFrame; `batches()` would collect them to the driver."""

    frame: Any = None
    chunk_rows: int = 65_536
    # partition -> (its first row's number, its row count), as the pass numbered the rows
    offsets: dict[int, tuple[int, int]] | None = None
    # a JSON Lines table's lines (one text row per line) and what parses a partition's lines into
    # the local reader's batches, notes and all (`_line_parser`); `frame` is their rows
    lines: Any = None
    parse: Callable[[Iterator[pa.RecordBatch], Any], Iterator[pa.RecordBatch]] | None = None

    def first_rows(self, rows: int) -> pa.Table:
        """The frame's leading rows, by a limit on the cluster rather than a collect of it all;
        a file Spark cannot parse is the same one line as in the pass."""
        try:
            with quiet_pyspark_pandas_warning():
                return self.frame.limit(rows).toArrow()
        except _spark_errors() as exc:
            raise _translate(exc, self.name) from None

    def row_at(self, number: int) -> dict[str, Any] | None:
        """Row `number` picked on the cluster by its partition and its place in it, and limited
        there: one row reaches the driver however far into the table it is. Streaming the
        partitions up to it instead made each a single task result, which at a few million rows
        no longer fit an executor or `spark.driver.maxResultSize`."""
        from pyspark.sql import functions as F

        offsets = self.offsets if self.offsets is not None else partition_offsets(self.frame)
        place = next(((partition << PLACE_BITS) + number - start for partition, (start, rows) in offsets.items()
                      if start <= number < start + rows), None)
        if place is None:
            return None
        try:
            with quiet_pyspark_pandas_warning():
                found = self.frame.where(F.monotonically_increasing_id() == place).limit(1).toArrow()
        except _spark_errors() as exc:
            raise _translate(exc, self.name) from None
        return found.to_pylist()[0] if found.num_rows else None


@dataclass
class SparkEngine:
    """`master`: a Spark master URL (`local[4]`, `spark://host:7077`, `yarn`, ...); default: the
    `SPARK_MASTER` environment variable, else what spark-submit set, else `local[*]`.
    `session`: a SparkSession to use instead (by default the active one, if any)."""

    master: str | None = None
    session: Any = None
    name: ClassVar[str] = "spark"

    def open(self, data: Any, *, delimiter: str | None, encoding: str | None, chunk_rows: int,
             bad_rows: str, decimal: str = ".") -> Source:
        if decimal != ".":  # Spark's CSV reader reads no decimal comma into the text the checks read
            raise InputError("--decimal is read by the local engine only; Spark would read such numbers as text: "
                             "use --engine local")
        if is_spark_frame(data):
            self.session = self.session or data.sparkSession
            return _frame_source(data, "<spark dataframe>", {"format": "spark"}, chunk_rows)
        path = str(data)
        if _is_local(path):
            # the local reader checks the file and finds format, delimiter and columns from its first
            # bytes, so Spark parses it exactly as the local engine would
            file = Path(path.removeprefix("file://"))
            probe = open_source(file, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows)
            _refuse_spreadsheet_layout(probe)
            fmt, columns, info = probe.format, probe.columns, probe.info
            local: Path | None = file
            if fmt == "jsonl" and is_utf8(encoding):
                self._check_utf8(path, fmt, encoding, local)
                return self._open_jsonl(path, probe, chunk_rows, bad_rows)
            delimiter = probe.info.get("delimiter", delimiter)
            # a quoted field spanning lines is read whole, as the local reader reads it
            multi_line = fmt in ("csv", "tsv") and has_quoted_line_ends(file)
            line_sep = _line_separator(file) if multi_line else None
        else:
            fmt, columns, info, multi_line, line_sep = _format_of_url(path), None, {"path": path}, False, None
            info["format"] = fmt
            local = None
        self._check_utf8(path, fmt, encoding, local)  # once the file's refusals that need no Spark are made
        frame = _read(self.spark(), path, fmt, delimiter=delimiter, encoding=encoding, bad_rows=bad_rows,
                      multi_line=multi_line, line_sep=line_sep)
        nested: list[str] = []
        if fmt == "jsonl":
            frame, nested = _nested_as_text(self.spark(), frame, path, bad_rows, encoding)
        if columns is None:
            source = _frame_source(frame, path, info, chunk_rows)
            source.json_nested.update(nested)
            return source
        # Spark's JSON reader takes its columns from every line: those the first rows lack are late keys
        known = set(columns)
        late = [name for name in frame.columns if name not in known] if fmt == "jsonl" else []
        source = _frame_source(frame.select(*[named_column(frame, name) for name in columns]), path, info, chunk_rows)
        source.json_nested.update(name for name in nested if name in known)
        if late:
            source.late_keys = self._run(source, lambda: late_keys_on_cluster(self.spark(), path, late, chunk_rows,
                                                                                   encoding))
        return source

    def _check_utf8(self, path: str, fmt: str, encoding: str | None, local: Path | None) -> None:
        """A UTF-8 text file refused, as the local reader refuses it, where a line is no UTF-8
        (`spark_utf8.py`); Spark would read each such byte as U+FFFD."""
        if fmt not in ("csv", "tsv", "jsonl") or not is_utf8(encoding):
            return
        try:
            with quiet_pyspark_pandas_warning():
                refuse_invalid_utf8(self.spark(), path, local)
        except _spark_errors() as exc:
            raise _translate(exc, path) from None

    def _open_jsonl(self, path: str, probe: Source, chunk_rows: int, bad_rows: str) -> SparkSource:
        """A JSON Lines table read as its lines, each partition's parsed by the local reader's
        own parsing (`jsonl_reader.parsed_lines`): every value the text the local reader makes
        of it (a number as written, `1` and `1.0` two values; an object or an array as its JSON
        text), each string cell noted as a JSON string (`"1"` no number `1`), the late keys'
        cells noted, a bad line the same one-line error or set aside. Spark's JSON reader instead
        typed each column: `1`, `1.0` and `1e0` one double, integers past 2**53 rounded, and the
        string `"3"` the number 3's text. What a local read gives its source once it has read
        every line (the late keys with their lines, the columns of numbers alone and of nested
        values, the bad lines set aside) is known as locally: after the pass, whose partitions
        hand it on with their partials (`_note_seen`), so every line is parsed once. Nothing
        before the pass needs it but a clean on Spark's refusal of late keys, which reads the
        lines for it first (`read_through`)."""
        from pyspark.sql.types import StringType, StructField, StructType

        columns = probe.columns
        try:
            with quiet_pyspark_pandas_warning():
                lines = self.spark().read.text(path)
                starts = {partition: start for partition, (start, _) in partition_offsets(lines).items()}
        except _spark_errors() as exc:
            raise _translate(exc, path) from None
        parse = _line_parser(path, columns, chunk_rows, bad_rows, starts)
        schema = StructType([StructField(name, StringType(), True) for name in columns])
        with quiet_pyspark_pandas_warning():
            frame = lines.mapInArrow(_without_notes(parse), schema)
        source = _frame_source(frame, path, probe.info, chunk_rows)
        source.lines, source.parse, source.columns_from = lines, parse, probe.columns_from
        return source

    def read_through(self, source: Source) -> None:
        """A JSON Lines table's lines parsed for what a whole read gives its source, before any
        pass: a clean on Spark refuses a late key before its audit runs, as it did when the
        engine learned the keys at opening. Any other source is left as it is."""
        if not isinstance(source, SparkSource) or source.parse is None:
            return
        parse = source.parse
        seen = self._run(source, lambda: source.lines.mapInArrow(_seen_in_partition(parse), "seen binary").collect())
        _note_seen(source, [row["seen"] for row in seen])

    def open_lines(self, path: Path, chunk_lines: int = CHUNK_LINES) -> Source:
        """A text file's raw lines, one row each, split at `\\n` alone as the local reader splits
        them (Spark's default also splits at a lone `\\r`)."""
        try:
            frame = self.spark().read.text(str(path), lineSep="\n").withColumnRenamed("value", LINE_COLUMN)
        except _spark_errors() as exc:
            raise _translate(exc, str(path)) from None
        info = {"path": str(path), "format": "jsonl", "bytes": path.stat().st_size}
        return _frame_source(frame, str(path), info, chunk_lines)

    def profile(self, source: Source, spec: ProfileSpec) -> Profile:
        """The partials merged on the driver; duplicates and conflicts by a group-by of the rows'
        hashes, which stay on the cluster (persisted between the two jobs, then dropped)."""
        create = functools.partial(PartialProfile.create, spec, source.columns)
        with self._pass(source, create, _hash_batches) as (passed, partial):
            return self._extract(source, spec, partial, passed)

    @contextlib.contextmanager
    def keyed_profile(self, source: Source, spec: ProfileSpec, create: Callable[[], Any]
                      ) -> Iterator[tuple[Profile, Any]]:
        """A split's pass: `create` makes an accumulator with a `profile` (a `PartialProfile`)
        and row `keys` (a `KeysPartial`). Yields the profile, as `profile` gives it, and a
        DataFrame of the row keys (`KEY_COLUMNS`, the hashes as signed longs) that stays
        persisted on the cluster until the block ends, for the comparison's joins."""
        with self._pass(source, create, _split_batches) as (passed, partial):
            profile = self._extract(source, spec, partial.profile, passed)
            yield profile, passed.where("row IS NOT NULL AND whole IS NULL").select(*KEY_COLUMNS)

    def _extract(self, source: Source, spec: ProfileSpec, partial: PartialProfile, passed: Any) -> Profile:
        hashes = passed.where("row IS NOT NULL AND whole IS NOT NULL").select(*HASH_COLUMNS)
        return self._run(source, lambda: extract(partial, source.info, functools.partial(
            find_duplicates_on_cluster, hashes, k=spec.examples, rows=partial.n_rows)))

    def accumulate(self, source: Source, create: Callable[[], A], label: str = "") -> A:
        """Every partition feeds its batches, numbered from its first row's, to an accumulator
        made by `create` (pickled to the executors with it), and the driver merges them in
        partition order: the file's order. `label` names a local progress line; Spark's own UI
        shows its stages."""
        with self._pass(source, create) as (_, total):
            return total

    @contextlib.contextmanager
    def _pass(self, source: Source, create: Callable[[], A],
              rows_of: Callable[[A, pa.Schema], Iterator[pa.RecordBatch]] | None = None) -> Iterator[tuple[Any, A]]:
        """One pass over the partitions, persisted while the caller reads it: the partials merged
        on the driver in partition order, and their texts' near duplicates found on the cluster
        from the signatures the partitions handed on (`spark_near`). `rows_of` (a table's or a
        split's pass) takes each chunk's per-row hashes out of a partition's accumulator."""
        from pyspark import StorageLevel

        frame, offsets = self._frame_and_offsets(source)
        parse = source.parse if isinstance(source, SparkSource) else None
        if parse is not None:  # a JSON Lines table's lines, parsed in the pass as for `frame`'s rows
            frame = source.lines
        kept = rows_of is not None
        fields = _PARTIAL_FIELDS + (_KEY_FIELDS if kept else []) + TEXT_FIELDS
        ddl = ", ".join([PARTIALS_SCHEMA, *([HASHES_SCHEMA, _KEYS_SCHEMA] if kept else []), TEXTS_SCHEMA])
        passed = self._run(source, lambda: map_in_arrow(
            frame, _accumulate_partitions(create, source.columns, offsets, source.chunk_rows, pa.schema(fields),
                                          rows_of, parse), ddl).persist(StorageLevel.MEMORY_AND_DISK))
        try:
            partials = passed.where("partial IS NOT NULL")
            # the row counts (and a JSON Lines table's `LinesSeen`) alone first: a job over every
            # partition at once fills the cache
            counted = self._run(source, lambda: passed.where("rows IS NOT NULL")
                                .select("partition", "rows", "seen").collect())
            _check_counts({row["partition"]: row["rows"] for row in counted if row["rows"]}, offsets, source.name)
            if parse is not None:
                _note_seen(source, [row["seen"] for row in counted])
            total = self._run(source, lambda: _merge_in_order(partials, create()))
            texts = passed.where("number IS NOT NULL").select(*TEXT_COLUMNS)
            self._run(source, lambda: find_near_on_cluster(texts, _near_texts(total)))
            self._run(source, lambda: find_repeats_on_cluster(texts, _near_texts(total)))
            source.info["engine"] = self.name
            yield passed, total
        finally:
            passed.unpersist()

    def _frame_and_offsets(self, source: Source) -> tuple[Any, dict[int, tuple[int, int]]]:
        if not isinstance(source, SparkSource):
            raise InputError(f"{source.name}: the Spark engine profiles what it opened itself")
        source.offsets = self._run(source, lambda: partition_offsets(source.frame))  # for a later `row_at`
        return source.frame, source.offsets

    @staticmethod
    def _run(source: Source, job: Callable[[], A]) -> A:
        """A Spark job with its errors as one line naming the source."""
        try:  # mapInArrow never converts to pandas, yet pyspark checks (and warns about) its version
            with quiet_pyspark_pandas_warning():
                return job()
        except _spark_errors() as exc:
            raise _translate(exc, source.name) from None

    def spark(self) -> Any:
        """The session: the given one, the active one, or a new one on the master chosen (on a
        local master sized for the machine: `spark_local`)."""
        if self.session is not None:
            return self.session
        try:
            with quiet_pyspark_pandas_warning():
                from pyspark.sql import SparkSession
        except ImportError:
            raise InputError("the spark engine needs pyspark: pip install 'dataaudit[spark]'") from None

        master = self.master or os.environ.get("SPARK_MASTER")
        active = SparkSession.getActiveSession()
        if active is not None and master is None:
            self.session = active
            return active
        builder = SparkSession.builder.appName("dataaudit").config("spark.ui.showConsoleProgress", "false")
        if master is None and "PYSPARK_GATEWAY_PORT" not in os.environ:  # not under spark-submit
            master = "local[*]"
        if master is not None:
            builder = builder.master(master)
        try:  # local workers must run this very interpreter, where dataaudit is installed
            with environ_default("PYSPARK_PYTHON", sys.executable):
                self.session = start_session(builder, master)
        except _spark_errors() as exc:
            raise InputError(f"cannot start Spark (master {master or 'from spark-submit'}): "
                             f"{_first_line(exc)}") from None
        self.session.sparkContext.setLogLevel("ERROR")
        return self.session


def _refuse_spreadsheet_layout(probe: Source) -> None:
    """Spark's CSV reader takes the first line for the header and names blank header cells its
    own way (`_c4`): a file whose first line names its delimiter (`sep=;`) would be read as
    columns named `sep=`, and several blank header cells not as the local reader names them.
    Either is refused in one line, which says what to do, rather than read otherwise. So is one
    blank header cell, which the local reader keeps as the name `''` and Spark calls `_c<n>`: the
    engine then asked Spark for a column `''` and stopped with a traceback."""
    if probe.separator_line:
        raise InputError(f"{probe.name}:1: the first line names the delimiter (sep=), which the spark engine "
                         "cannot skip; delete that line, or use the local engine")
    if probe.written_names:
        places = ", ".join(str(i) for i, column in enumerate(probe.columns, 1) if column in probe.written_names)
        raise InputError(f"{probe.name}:1: the header has several blank names (columns {places}), which the spark "
                         "engine names otherwise; name them in the header, or use the local engine")
    if probe.format in ("csv", "tsv") and "" in probe.columns:
        raise InputError(f"{probe.name}:1: the header has a blank name (column {probe.columns.index('') + 1}), which "
                         "the spark engine names otherwise; name it in the header, or use the local engine")


def _frame_source(frame: Any, name: str, info: dict[str, Any], chunk_rows: int) -> SparkSource:
    columns = list(frame.columns)
    if len(set(columns)) != len(columns):
        raise InputError(f"{name}: duplicate column names")
    source = SparkSource(name, info.get("format", "spark"), columns, read=lambda: _streamed(frame, chunk_rows),
                         info=dict(info))
    source.frame, source.chunk_rows = frame, chunk_rows
    return source


def _streamed(frame: Any, chunk_rows: int) -> Iterator[pa.RecordBatch]:
    """The frame's rows in order, fetched one partition at a time, so a reader of them all never
    holds the whole table on the driver (a row a finding quotes is fetched alone: `row_at`)."""
    schema = frame.limit(0).toArrow().schema
    rows: list[dict[str, Any]] = []
    for row in frame.toLocalIterator():
        rows.append(row.asDict(recursive=True))
        if len(rows) == chunk_rows:
            yield pa.RecordBatch.from_pylist(rows, schema=schema)
            rows = []
    if rows:
        yield pa.RecordBatch.from_pylist(rows, schema=schema)


def _line_separator(path: Path) -> str:
    """The line end of every row of a CSV file read whole: Spark's parser, left to guess it,
    turns a quoted `\\r\\n` into `\\n`; told it, it keeps the bytes. A file whose rows end in
    different ways cannot be told one, and is refused rather than read with changed values."""
    separator, row = row_ends(path)
    if row is not None:
        shown = {"\n": "\\n", "\r\n": "\\r\\n", "\r": "\\r"}[separator]
        raise InputError(f"{path}: row {row:,} ends its line unlike the header ({shown}) while a quoted field spans "
                         "lines, which Spark reads with one line end: end every row alike, or use the local engine")
    return separator


def _read(spark: Any, path: str, fmt: str, *, delimiter: str | None, encoding: str | None, bad_rows: str,
          multi_line: bool = False, line_sep: str | None = None) -> Any:
    """CSV as the local reader reads it: header, every column text, `""` kept apart from empty.
    `multi_line`: the file has quoted fields spanning lines, which Spark reads only by parsing
    the file whole (one task per file) rather than split at line ends, with `line_sep`, the line
    end of its rows.

    Spark turns a cell equal to `nullValue` into null, after its parser has already replaced an
    unquoted empty field by `nullValue` and a quoted one by `emptyValue`: with both "" (the
    default) the two are indistinguishable, so `nullValue` is a NUL character no text cell holds.
    """
    mode = "DROPMALFORMED" if bad_rows == "skip" else "FAILFAST"
    try:
        if fmt in ("csv", "tsv"):
            sep = delimiter or ("\t" if fmt == "tsv" else ",")
            return spark.read.csv(path, header=True, inferSchema=False, sep=sep, quote='"', escape='"',
                                  encoding=encoding or "UTF-8", mode=mode, nullValue="\0", emptyValue="",
                                  multiLine=multi_line, **({"lineSep": line_sep} if line_sep else {}))
        if fmt == "jsonl":
            return spark.read.json(path, mode=mode, encoding=encoding)
        return spark.read.parquet(path)
    except _spark_errors() as exc:
        raise _translate(exc, path) from None


def _nested_as_text(spark: Any, frame: Any, path: str, bad_rows: str, encoding: str | None) -> tuple[Any, list[str]]:
    """`frame` (a JSON Lines file) with its objects and arrays as the local reader's JSON text.

    Spark's JSON reader makes an array a list and an object a struct, whose values the profile
    reads as Python's spelling (`['a', 'b']`) and a clean writes as Parquet lists, where the local
    reader keeps each as its JSON text (`["a", "b"]`, a text column): TruthfulQA's answer lists
    lost their text checks on Spark and were written as lists. Read again with those columns as
    text (Spark then hands on each value's JSON), each value gets the local reader's text."""
    from pyspark.sql.types import ArrayType, MapType, StringType, StructField, StructType

    nested = [f.name for f in frame.schema.fields if isinstance(f.dataType, ArrayType | MapType | StructType)]
    if not nested:
        return frame, []
    mode = "DROPMALFORMED" if bad_rows == "skip" else "FAILFAST"
    schema = StructType([StructField(f.name, StringType(), True) if f.name in nested else f
                         for f in frame.schema.fields])
    try:
        texts = spark.read.json(path, schema=schema, mode=mode, encoding=encoding)
    except _spark_errors() as exc:
        raise _translate(exc, path) from None
    return map_in_arrow(texts, _local_json_texts(nested), texts.schema), nested


def _local_json_texts(names: list[str]) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Each batch with the JSON text of its columns `names` as the local reader writes it."""
    from dataaudit.io.jsonl_reader import nested_text

    def texts(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            arrays = [pa.array([nested_text(v) for v in column.to_pylist()], pa.string()) if name in names else column
                      for name, column in zip(batch.schema.names, batch.columns, strict=True)]
            yield pa.RecordBatch.from_arrays(arrays, schema=batch.schema)

    return texts


def _line_parser(name: str, columns: list[str], chunk_rows: int, bad_rows: str, starts: dict[int, int]
                 ) -> Callable[[Iterator[pa.RecordBatch], Any], Iterator[pa.RecordBatch]]:
    """What parses a partition's batches of lines (`spark.read.text`'s one column), each line
    numbered from the partition's first line (`starts`: partition -> the lines before it), into
    the local reader's batches (`parsed_lines`), adding what it meets to a `LinesSeen`."""

    def parse(batches: Iterator[pa.RecordBatch], seen: Any) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        from dataaudit.io.jsonl_reader import parsed_lines

        first = starts.get(TaskContext.get().partitionId(), 0)

        def numbered() -> Iterator[tuple[int, str | None]]:
            line = first
            for batch in batches:
                for text in batch.column(0).to_pylist():
                    line += 1
                    yield line, text

        return parsed_lines(numbered(), name, columns, chunk_rows, bad_rows, seen)

    return parse


def _without_notes(parse: Callable[[Iterator[pa.RecordBatch], Any], Iterator[pa.RecordBatch]]
                   ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A partition's lines as the frame's rows: the parsed batches, their notes left (Spark's
    rows carry none)."""
    def rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from dataaudit.io.jsonl_reader import LinesSeen

        for batch in parse(batches, LinesSeen()):
            yield pa.RecordBatch.from_arrays(batch.columns, names=batch.schema.names)

    return rows


def _seen_in_partition(parse: Callable[[Iterator[pa.RecordBatch], Any], Iterator[pa.RecordBatch]]
                       ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """A partition's lines parsed for what they hold besides rows (`LinesSeen`), one pickled row."""
    def seen_in(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from dataaudit.io.jsonl_reader import LinesSeen

        seen = LinesSeen()
        for _ in parse(batches, seen):
            pass
        yield pa.RecordBatch.from_pydict({"seen": [pickle.dumps(seen, protocol=5)]},
                                         schema=pa.schema([("seen", pa.binary())]))

    return seen_in


def _note_seen(source: Source, parts: list[bytes]) -> None:
    """The partitions' pickled `LinesSeen` merged into what a whole local read gives `source`,
    in place as the local reader does (a copy of the source, an observed one, shares them): a
    later pass (the label model's) notes the same again rather than adding to it."""
    from dataaudit.io.jsonl_reader import LinesSeen

    seen = LinesSeen()
    for part in parts:
        seen.merge(pickle.loads(part))
    source.json_numbers.clear()
    source.json_numbers.update(set(source.columns) - seen.other)
    source.json_nested.clear()
    source.json_nested.update(seen.nested)
    source.late_keys.clear()
    source.late_keys.update((key, LateKey(key, line, source.chunk_rows))
                            for key, (line, _) in sorted(seen.late.items(), key=lambda item: item[1]))
    source.problems[:] = sorted(seen.problems, key=lambda problem: problem.line or 0)


def partition_offsets(frame: Any) -> dict[int, tuple[int, int]]:
    """partition -> (its first row's number, its row count), from a count that runs in Spark alone."""
    from pyspark.sql import functions as F

    counts = dict(frame.groupBy(F.spark_partition_id().alias("p")).count().collect())
    offsets, start = {}, 0
    for partition in sorted(counts):
        offsets[partition] = (start, counts[partition])
        start += counts[partition]
    return offsets


def _merge_in_order(partials: Any, total: A) -> A:
    """The partitions' partials (cached) merged into `total` in partition order, fetched one
    partition at a time: the driver holds two partials, however many partitions there are (a
    table's partial is about 2.5 MiB per 128 MB partition, so thousands of them at once would
    not fit)."""
    for row in partials.select("partial").toLocalIterator(prefetchPartitions=True):
        total = total.merged(pickle.loads(row["partial"]))
    return total


def _check_counts(profiled: dict[int, int], offsets: dict[int, tuple[int, int]], name: str) -> None:
    """Every partition profiled the rows it was counted with, else its row numbers would be wrong."""
    counted = {partition: count for partition, (_, count) in offsets.items() if count}
    if profiled != counted:
        changed = min(p for p in profiled.keys() | counted.keys() if profiled.get(p) != counted.get(p))
        raise InputError(f"{name}: partition {changed} held {counted.get(changed, 0):,} rows when counted and "
                         f"{profiled.get(changed, 0):,} when profiled; the DataFrame is not deterministic: "
                         "cache() or checkpoint() it first")


def _accumulate_partitions(create: Callable[[], Accumulator], columns: list[str], offsets: dict[int, tuple[int, int]],
                           chunk_rows: int, schema: pa.Schema,
                           rows_of: Callable[[Any, pa.Schema], Iterator[pa.RecordBatch]] | None = None,
                           parse: Callable[[Iterator[pa.RecordBatch], Any], Iterator[pa.RecordBatch]] | None = None
                           ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """With `rows_of` (a table's or a split's pass), each chunk's per-row hashes leave the
    partial as rows of their own as soon as they are made, so the partial shipped to the driver
    holds none; so do its texts' MinHash signatures, whatever the accumulator. `schema` holds
    the columns of all. With `parse`, the partition's batches are a JSON Lines table's lines,
    parsed into the local reader's chunks (their notes kept: not regrouped)."""

    def accumulate_partition(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        partition = TaskContext.get().partitionId()
        start = offsets.get(partition, (0, 0))[0]
        partial = create()
        rows = 0
        seen = None
        if parse is not None:
            from dataaudit.io.jsonl_reader import LinesSeen

            seen = LinesSeen()
            chunks = parse(batches, seen)
        else:
            chunks = regroup(batches, chunk_rows)
        for batch in chunks:
            partial.add(conform(narrow_strings(batch), columns), start + rows)
            rows += batch.num_rows
            if rows_of is not None:
                yield from rows_of(partial, schema)
            yield from text_batches(_near_texts(partial), schema)
        if rows or seen is not None:  # lines that are no rows (all bad, set aside) still have their `seen`
            fields = {"partition": [partition], "rows": [rows],
                      "partial": [pickle.dumps(partial, protocol=5) if rows else None],
                      "seen": [None if seen is None else pickle.dumps(seen, protocol=5)]}
            yield pa.RecordBatch.from_pydict(
                {name: fields.get(name, [None]) for name in schema.names}, schema=schema)

    return accumulate_partition


def _hash_batches(partial: Any, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The row hashes `partial` (a `PartialProfile`) holds, as batches of the pass's `schema`,
    taken out of it."""
    for records in partial.rows.hashes.take():
        yield _pass_rows(schema, **{name: records[name] for name in ROW_HASHES.names})


def _split_batches(partial: Any, schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """A split's accumulator's row hashes (of its `profile`) and row keys (of its `keys`), taken
    out of it, each row once for each feature set it is hashed over; a key row has no `whole` hash."""
    yield from _hash_batches(partial.profile, schema)
    for block in partial.keys.take():
        rows = np.arange(block.start, block.start + len(block.label), dtype=np.int64)
        for keyset, features in enumerate(block.features):
            yield _pass_rows(schema, row=rows, features=features, label=block.label, group=block.group,
                             keyset=np.full(len(rows), keyset, dtype=np.int64))


def _pass_rows(schema: pa.Schema, **columns: np.ndarray | None) -> pa.RecordBatch:
    """Rows of the pass's `schema` holding `columns` (their 64 bits stored as Spark's signed
    longs), its other columns, and those given as None, null."""
    n = len(next(c for c in columns.values() if c is not None))
    arrays = [pa.nulls(n, f.type) if columns.get(f.name) is None
              else pa.array(np.ascontiguousarray(columns[f.name]).view(np.int64)) for f in schema]
    return pa.RecordBatch.from_arrays(arrays, schema=schema)


def _near_texts(accumulator: Any) -> list[NearTexts]:
    """The text sets an accumulator holds: a fine-tuning file's, or a table's text columns' (a
    split's pass carries its table's `profile`)."""
    profile = getattr(accumulator, "profile", accumulator)
    if isinstance(profile, PartialProfile):
        return [texts for column in profile.texts for texts in column.near_texts()]
    return accumulator.near_texts() if hasattr(accumulator, "near_texts") else []


def _is_local(path: str) -> bool:
    return "://" not in path or path.startswith("file://")


def _format_of_url(path: str) -> str:
    """A remote path's format from its extension; a folder of files is taken for Parquet."""
    suffix = os.path.splitext(path.rstrip("/").rsplit("/", 1)[-1])[1].lower()
    for compressed in (".gz", ".bz2", ".zst", ".lz4"):
        if suffix == compressed:
            suffix = os.path.splitext(path.rstrip("/")[: -len(compressed)])[1].lower()
    return FORMATS.get(suffix, "parquet")


def _spark_errors() -> tuple[type[Exception], ...]:
    """What Spark raises for bad data or a bad setup: its own errors, and the JVM's through py4j."""
    from py4j.protocol import Py4JError
    from pyspark.errors import PySparkException

    return PySparkException, Py4JError


def _translate(exc: Exception, name: str) -> InputError:
    """Spark's errors (often a JVM stack trace) as one line a user can act on."""
    if isinstance(exc, InputError):
        return exc
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    raised = next((line.removeprefix(_RAISED) for line in lines if line.startswith(_RAISED)), None)
    if raised is not None:  # the one-line error a partition's parsing raised (a JSON Lines table's bad line)
        return InputError(raised)
    malformed = next((line for line in lines if "Malformed" in line or "malformed" in line), None)
    if malformed is not None:
        return InputError(f"{name}: malformed row ({malformed[:200]}); "
                          "`dataaudit audit --bad-rows skip` leaves such rows out")
    return InputError(f"{name}: Spark could not read the data: {_first_line(exc)}")


#: how a Python worker's traceback, which Spark's error holds, gives an `InputError` raised there
_RAISED = f"{InputError.__module__}.{InputError.__qualname__}: "


def _first_line(exc: Exception) -> str:
    lines = [line.strip() for line in str(exc).splitlines() if line.strip()]
    return lines[0][:300] if lines else type(exc).__name__
