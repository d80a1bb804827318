"""pandera schemas: infer one from a reference dataset, and validate the audited data against one.

Validation runs chunk by chunk as the audit streams the file, and keeps per (column, check)
only a count and the first example rows and values, so memory stays bounded by the chunk size.
The audit reads CSV cells as text, so the schema is applied with `coerce=True`: a value that
cannot become the column's dtype is a `coerce_dtype(...)` failure, reported with its row.
Checks spanning rows (`unique`, DataFrame-wide checks) see one chunk at a time.
"""

from __future__ import annotations

import copy
import functools
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pyarrow as pa

from dataaudit.checks.base import pct
from dataaudit.compression import read_bytes
from dataaudit.errors import InputError
from dataaudit.integrations.frames import NULLABLE, to_frame, with_numbers
from dataaudit.profile.values import date_texts, is_date_text
from dataaudit.report.model import CheckStatus, Finding, Severity
from dataaudit.scoped import quiet_pyspark_pandas_warning

if TYPE_CHECKING:
    import pandas as pd
    import pandera.pandas as pa_schema

    from dataaudit.io import Source
    from dataaudit.rules.model import MissingValues

CHECK_ID = "schema.pandera"
DESCRIPTION = "Every row satisfies the given pandera schema (dtypes, nullability, checks)."
EXAMPLE_ROWS = 10
EXAMPLE_VALUES = 5


def _pandera() -> Any:
    try:
        with quiet_pyspark_pandas_warning():
            import pandera.pandas as pandera
    except ImportError:
        raise InputError("pandera schemas need the 'pandera' extra: pip install 'dataaudit[pandera]'") from None
    return pandera


def load_schema(schema: str | Path | pa_schema.DataFrameSchema) -> pa_schema.DataFrameSchema:
    """A `DataFrameSchema` as given, or read from pandera's YAML file."""
    pandera = _pandera()
    if isinstance(schema, pandera.DataFrameSchema):
        return schema
    if not isinstance(schema, str | os.PathLike):
        raise InputError(f"schema must be a pandera DataFrameSchema or the path of its YAML file, not "
                         f"{_kind(schema)}")
    path = Path(schema)
    try:
        text = read_bytes(path).decode("utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot read the schema: {exc.strerror or exc}") from None
    try:
        loaded = pandera.DataFrameSchema.from_yaml(text)
    except Exception as exc:  # pandera raises yaml, key and its own errors for a malformed file
        raise InputError(f"{path}: not a pandera schema: {_one_line(exc)}") from None
    if not loaded.columns and not loaded.checks and loaded.index is None:
        # pandera reads any YAML mapping, its unknown keys ignored: a rule pack given as --schema
        # would be a schema checking nothing, and every file would pass it
        raise InputError(f"{path}: not a pandera schema: it names no column, index or check (pandera writes "
                         "one with DataFrameSchema.to_yaml, or `dataaudit schema infer`)")
    return loaded


def _kind(schema: Any) -> str:
    """What was given instead of a schema, saying how a class-based pandera model becomes one."""
    if isinstance(schema, type) and callable(getattr(schema, "to_schema", None)):
        return f"the model class {schema.__name__} (pass {schema.__name__}.to_schema())"
    return f"a {type(schema).__name__}"


def infer_schema(source: Source, missing: MissingValues, sample_rows: int | None) -> pa_schema.DataFrameSchema:
    """pandera's own inference on the first `sample_rows` rows (all when None), typed as a reader
    that knows numbers would type them, widened to hold the whole file; the index is left out,
    rows are numbered by the audit.

    pandera needs a frame, so the dtypes come from the sample; the rest of the file is read one
    chunk at a time, each reduced to a `_Seen`, so the schema takes in its ranges, its missing
    cells and values its dtype cannot hold: a schema inferred from a file accepts that file."""
    import pandas as pd

    pandera = _pandera()
    frames, rest, rows = [], {name: _Seen() for name in source.columns}, 0
    for batch in source.batches():
        cut = batch.num_rows if sample_rows is None else min(batch.num_rows, max(sample_rows - rows, 0))
        if cut:
            frames.append(to_frame(batch.slice(0, cut), source.columns, rows, missing, nullable=True))
        if cut < batch.num_rows:
            later = _typed(to_frame(batch.slice(cut), source.columns, rows + cut, missing, nullable=True))
            rest = {name: seen | _Seen.of(later[name]) for name, seen in rest.items()}
        rows += batch.num_rows
    if not frames:
        raise InputError(f"{source.name}: no rows to infer a schema from")
    frame = _typed(pd.concat(frames))
    if rows > len(frame):
        frame = pd.DataFrame({name: _widened(column, _Seen.of(column) | rest[name]) for name, column in frame.items()})
    # a column with a null keeps its nullable dtype (`Int64`, `boolean`): as a float or objects,
    # pandera inferred `float64` (a range 0..1 for booleans, which a CSV's `true` then failed);
    # the others are inferred `int64` and `bool` as before
    frame = frame.astype({name: column.dtype.numpy_dtype for name, column in frame.items()
                          if column.dtype.name in NULLABLE.values() and not column.isna().any()})
    schema = pandera.infer_schema(frame).reset_index(drop=True)
    return schema.update_columns({name: {"checks": _exact_integers(_timestamps_as_text(column.checks), frame[name])}
                                  for name, column in schema.columns.items()})


def _typed(frame: pd.DataFrame) -> pd.DataFrame:
    """Numbers, booleans and ISO 8601 times in text columns as a typed reader gives them."""
    return _with_booleans_and_times(with_numbers(frame))


@dataclass(frozen=True)
class _Seen:
    """What a schema needs of a column's rows: the dtype they all fit (None when no value is
    present, which fits any), whether a cell is missing, the least and greatest value where the
    dtype is ordered (any present value otherwise), and the categories of a categorical column.

    Two `_Seen` combine with `|` as the rows they describe would be typed together, so the rest
    of a file is folded one chunk at a time, in memory bounded by the chunk."""

    dtype: Any = None
    nulls: bool = False
    low: Any = None
    high: Any = None
    categories: tuple[Any, ...] = ()

    @classmethod
    def of(cls, column: pd.Series) -> _Seen:
        import pandas as pd

        present = column.dropna()
        nulls = len(present) < len(column)
        if present.empty:
            return cls(nulls=nulls)
        dtype = _base(column.dtype)
        low, high = (present.min(), present.max()) if _ordered(dtype) else (present.iloc[0], present.iloc[0])
        categories = tuple(column.cat.categories) if isinstance(dtype, pd.CategoricalDtype) else ()
        return cls(dtype, nulls, low, high, categories)

    def __or__(self, other: _Seen) -> _Seen:
        nulls = self.nulls or other.nulls
        if self.dtype is None or other.dtype is None:
            known = other if self.dtype is None else self
            return _Seen(known.dtype, nulls, known.low, known.high, known.categories)
        dtype = _joined(self.dtype, other.dtype)
        categories = tuple(dict.fromkeys(self.categories + other.categories))
        if not _ordered(dtype):  # text, categories, objects: any present value stands for them
            return _Seen(dtype, nulls, self.low, self.high, categories)
        low, high = min(self.low, other.low), max(self.high, other.high)
        if dtype.kind == "f" and self.dtype.kind in "iu" and other.dtype.kind in "iu" and low >= 0:
            dtype = np.dtype(np.uint64)  # integers past int64's greatest, as pandas reads them
        return _Seen(dtype, nulls, low, high, categories)

    def holding(self, fallback: Any) -> Any:
        """The dtype that holds these rows and nulls (`fallback` when no value is present):
        integers and booleans in pandas' nullable dtypes, categories with all of theirs."""
        import pandas as pd

        dtype = fallback if self.dtype is None else self.dtype
        if isinstance(dtype, pd.CategoricalDtype):
            return pd.CategoricalDtype(list(self.categories))
        return _nullable_dtypes().get(dtype, dtype)


def _base(dtype: Any) -> Any:
    """`dtype` without what does not change what its values are: pandas' nullable wrapper
    (`Int64` is `int64`), a categorical column's own categories."""
    import pandas as pd

    if isinstance(dtype, pd.CategoricalDtype):
        return pd.CategoricalDtype()
    return dtype.numpy_dtype if dtype.name in NULLABLE.values() else dtype


def _ordered(dtype: Any) -> bool:
    import pandas as pd

    return pd.api.types.is_numeric_dtype(dtype) or pd.api.types.is_datetime64_any_dtype(dtype)


def _joined(one: Any, other: Any) -> Any:
    """The dtype of a column whose rows are of `one` in part and of `other` in the rest, as the
    typing of the whole column would give it: integers with decimals are floats, and booleans,
    times or numbers with anything else (times in another zone too) are text."""
    if one == other:
        return one
    if isinstance(one, np.dtype) and isinstance(other, np.dtype) and one.kind in "iuf" and other.kind in "iuf":
        return np.promote_types(one, other)
    return _text_dtype()


@functools.cache
def _text_dtype() -> Any:
    """The dtype of a text column as `to_frame` reads it."""
    return pa.array([], pa.string()).to_pandas().dtype


@functools.cache
def _nullable_dtypes() -> dict[Any, Any]:
    """numpy's integer and boolean dtypes to pandas' nullable ones (`int64` to `Int64`)."""
    import pandas as pd

    return {pd.api.types.pandas_dtype(name).numpy_dtype: pd.api.types.pandas_dtype(name) for name in NULLABLE.values()}


def _widened(column: pd.Series, seen: _Seen) -> pd.Series:
    """The sample's column in the dtype the whole file's column fits, its least and greatest
    value and a null (when the file has one) appended: what pandera infers from it, a range, the
    nullability, holds for every row of the file. A sample column with no value has the dtype its
    typing gave an empty column (booleans), which cannot become every dtype (zoned timestamps):
    its nulls are made in the whole file's dtype instead, as no value fits any."""
    import pandas as pd

    dtype = seen.holding(column.dtype)
    ends = pd.Series([seen.low, seen.high, None if seen.nulls else seen.high], dtype=object)
    sampled = column.astype(dtype) if column.notna().any() else pd.Series(None, index=column.index, dtype=dtype)
    return pd.concat([sampled, ends.astype(dtype)], ignore_index=True)


def _with_booleans_and_times(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns whose every present value is `true`/`false` (any case) become booleans, and
    those whose every present value is an ISO 8601 date or timestamp become timestamps, as a typed
    reader (and the profile) reads them: as text, the schema accepted `maybe` in a column of
    booleans and `2021-13-45` in a column of dates. A column of times in several zones, or beyond
    what a timestamp holds, stays text."""
    import pandas as pd

    typed = frame.copy()
    for name, column in frame.items():
        if pd.api.types.infer_dtype(column, skipna=True) != "string":  # a column of dates is typed already
            continue
        present = column.dropna().str.strip()
        if present.str.lower().isin(("true", "false")).all():
            typed[name] = column.str.strip().str.lower().map({"true": True, "false": False}).astype("boolean")
        elif date_texts(_one_array(present), np.ones(len(present), dtype=bool)).all():
            typed[name] = _timestamps(column)
    return typed


def _one_array(texts: pd.Series) -> pa.Array:
    """The texts as one Arrow array: a column concatenated from several chunks is held in as many,
    and `date_texts` reads an array's buffers."""
    array = pa.array(texts, pa.string())
    return array.combine_chunks() if isinstance(array, pa.ChunkedArray) else array


def _timestamps(column: pd.Series) -> pd.Series:
    """ISO 8601 texts as pandera's nanosecond timestamps, or the texts as they were where they
    hold several zones or lie beyond 1677..2262."""
    import pandas as pd

    try:
        return pd.to_datetime(column.str.strip(), format="ISO8601").dt.as_unit("ns")
    except (ValueError, OverflowError):  # mixed zones, an out-of-bounds year
        return column


def _exact_integers(checks: list[pa_schema.Check], column: pd.Series) -> list[pa_schema.Check]:
    """The checks with an integer column's range ends as its exact least and greatest values.

    pandera takes them from `describe()`, as floats: past 2**53 a float is not the integer, so
    the range of ids such as 9007199254740993 took in 9007199254740992, a value the reference
    never held."""
    import pandas as pd

    if not pd.api.types.is_integer_dtype(column.dtype) or pd.api.types.is_bool_dtype(column.dtype):
        return checks
    ends = {"min_value": column.min(), "max_value": column.max()}
    pandera = _pandera()
    kept = []
    for check in checks:
        stats = check.statistics or {}
        if check.name and any(name in ends and pd.notna(ends[name]) for name in stats):
            check = getattr(pandera.Check, check.name)(**{
                name: int(ends[name]) if name in ends and pd.notna(ends[name]) else value
                for name, value in stats.items()})
        kept.append(check)
    return kept


def _timestamps_as_text(checks: list[pa_schema.Check]) -> list[pa_schema.Check]:
    """The checks with each timestamp statistic (an inferred range's ends) as its ISO 8601 text.

    pandera writes a timestamp bound with its zone dropped: one with a zone cannot be written in
    YAML at all, one without it loses its fraction of a second, so the reference's own latest row
    fails the range it set. The text keeps both; pandas compares a timestamp column to it as the
    instant it names, so data in another zone is judged by the same instants."""
    import pandas as pd

    pandera = _pandera()
    kept = []
    for check in checks:
        stats = check.statistics or {}
        if check.name and any(isinstance(value, pd.Timestamp) for value in stats.values()):
            check = getattr(pandera.Check, check.name)(**{
                name: value.isoformat(sep=" ") if isinstance(value, pd.Timestamp) else value
                for name, value in stats.items()})
        kept.append(check)
    return kept


def _reading_text_columns(schema: pa_schema.DataFrameSchema) -> pa_schema.DataFrameSchema:
    """The schema with each boolean column (`bool`, pandas' `boolean`) coercing as `_boolean`
    reads, each timestamp column left to pandera's own parsing coercing as `_timestamp` reads, and
    each column of pandas' nullable numbers (`Int64`, `UInt64`, `Float64`) coercing as `_number`
    reads.

    pandera coerces booleans with `astype(bool)`, for which every text but the empty one is True
    (`False`, `no`, `maybe`) and a null is False, and timestamps with `to_datetime`, which takes the
    format of a chunk's first text for all of it (after `03/04/2021`, every ISO date failed with
    no row named) or mixes formats: a CSV's cells are text, so its columns passed what they held.
    It coerces text to a nullable number with Arrow's parser, which refuses `+3` and ` 1` that the
    inference read as numbers, and then ran the column's range checks on its text: the file the
    schema was inferred from failed it, with no row named."""
    import pandas as pd
    from pandera import dtypes
    from pandera.engines import pandas_engine

    def reader(dtype: Any) -> Callable[[Any, bool], Any] | None:
        if isinstance(dtype, dtypes.Bool):
            return _boolean
        if isinstance(dtype, pandas_engine.DateTime) and not dtype.to_datetime_kwargs:
            return _timestamp
        if isinstance(dtype.type, pd.api.extensions.ExtensionDtype) and pd.api.types.is_numeric_dtype(dtype.type):
            return _number
        return None

    readers = {name: reader(column.dtype) for name, column in schema.columns.items()}
    retyped = {name: {"dtype": _reading_text(type(schema.columns[name].dtype), read)(
        **_fields(schema.columns[name].dtype))} for name, read in readers.items() if read is not None}
    return schema.update_columns(retyped) if retyped else schema


def _fields(dtype: Any) -> dict[str, Any]:
    """The arguments that make `dtype` again: a zoned timestamp's unit and zone (a naive one is in
    nanoseconds); none for the booleans."""
    return {"unit": dtype.unit, "tz": dtype.tz} if getattr(dtype, "tz", None) is not None else {}


def _boolean(value: Any, keeps_nulls: bool) -> Any:
    """A cell for a boolean column: `true` or `false` in any case (around spaces) as a CSV writes
    a boolean and as the profile classifies one; `1`, `0`, `yes`, `no` are not booleans there
    either. Other text raises, as does a null where the dtype cannot hold one (numpy's `bool`),
    and anything else (a bool, a number) is left to the dtype's own coercion."""
    import pandas as pd

    if isinstance(value, str):
        folded = value.strip().lower()
        if folded in ("true", "false"):
            return folded == "true"
        raise ValueError(f"not a boolean: {value!r}")
    if value is None or (not isinstance(value, bool) and pd.isna(value)):
        if keeps_nulls:
            return value
        raise ValueError("a null cannot be a bool")
    return value


def _timestamp(value: Any, keeps_nulls: bool) -> Any:
    """A cell for a timestamp column: an ISO 8601 date or timestamp (around spaces) as the profile
    classifies one, each text read on its own; other text (`maybe`, `2021-13-45`, `03/04/2021`)
    raises, and anything else (a null, a timestamp) is left to the dtype's own coercion, which
    keeps nulls."""
    import pandas as pd

    if not isinstance(value, str):
        return value
    if not is_date_text(value):
        raise ValueError(f"not an ISO 8601 date or time: {value!r}")
    return pd.Timestamp(value.strip())


def _number(value: Any, keeps_nulls: bool) -> Any:
    """A cell for a column of nullable numbers: a text as `pandas.to_numeric` reads it, as the
    inference read the column (`+3`, ` 1`), which raises for any other text (`abc`, `1_000`);
    anything else (a null, a number) is left to the dtype's own coercion. Plain ASCII digits, most
    cells, are read by `int`, which is ten times faster than `to_numeric` on one value."""
    import pandas as pd

    if not isinstance(value, str):
        return value
    digits = value[1:] if value[:1] == "-" else value
    return int(value) if digits.isascii() and digits.isdigit() else pd.to_numeric(value)


# ASCII digits int64 holds whatever they spell (19 digits may not), with a minus: `int` reads them
_PLAIN_INTEGER = r"^-?[0-9]{1,18}$"
# digits with a decimal point, as pandas writes a float: `to_numeric` reads each to a float64
_PLAIN_DECIMAL = r"^-?[0-9]+\.[0-9]+$"


def _read_cells(read: Callable[[Any, bool], Any], cells: pd.Series, keeps_nulls: bool) -> Any:
    """`read` of each cell, as objects in the cells' order.

    One Python call per cell made a CSV's nullable number, boolean and timestamp columns the slowest
    part of validating it. A column of text is read instead with `read` called once per distinct
    text (a boolean column has two, a column of dates a few thousand) and the results put back where
    each text stands; for `_number`, the plain integers (`-?` and at most 18 ASCII digits, most
    cells of an id column, each distinct) are cast by Arrow in one call, which gives exactly the
    integer `int` reads, and plain decimals (`-?1.25`) are read by one `to_numeric` of them all, so
    only the other texts (`+3`, ` 1`, `1e3`, `abc`) meet `read`. Every reader leaves a null as it is
    or refuses any null (`_boolean` for numpy's `bool`), so one null stands for all of them. The
    results are those of one call per cell, which a column that is not all text (typed cells of a
    Parquet file) still gets; which text a refusal names may differ, which the failure cases do not
    show: pandera finds them again one value at a time (`try_coerce`)."""
    import pandas as pd
    import pyarrow.compute as pc

    present = cells.notna().to_numpy()
    textual = isinstance(cells.dtype, pd.StringDtype) or (
        cells.dtype == object and pd.api.types.infer_dtype(cells, skipna=True) in ("string", "empty"))
    if not textual:
        return [read(value, keeps_nulls) for value in cells]
    read_cells = np.empty(len(cells), dtype=object)
    if not present.all():
        nulls = cells[~present].to_numpy(dtype=object)
        read(nulls[0], keeps_nulls)
        read_cells[~present] = nulls
    if not present.any():
        return read_cells
    texts = pa.array(cells.array if isinstance(cells.dtype, pd.StringDtype) else cells.to_numpy(dtype=object),
                     from_pandas=True)
    texts = (texts.combine_chunks() if isinstance(texts, pa.ChunkedArray) else texts).cast(pa.large_string())
    texts, where = texts.filter(pa.array(present)), np.flatnonzero(present)
    if read is _number:
        plain = pc.match_substring_regex(texts, _PLAIN_INTEGER).to_numpy(zero_copy_only=False)
        if plain.any():
            read_cells[where[plain]] = pc.cast(texts.filter(pa.array(plain)), pa.int64()).to_numpy().tolist()
            texts, where = texts.filter(pa.array(~plain)), where[~plain]
        plain = pc.match_substring_regex(texts, _PLAIN_DECIMAL).to_numpy(zero_copy_only=False)
        if plain.any():
            # `to_numeric` of one text parses it as the one value of an array: that of them all,
            # every one a float, parses each alike, and numpy's floats are what it returns for one
            floats = pd.to_numeric(texts.filter(pa.array(plain)).to_numpy(zero_copy_only=False))
            read_cells[where[plain]] = list(floats)
            texts, where = texts.filter(pa.array(~plain)), where[~plain]
    if len(texts):
        encoded = texts.dictionary_encode()
        read_texts = np.empty(len(encoded.dictionary), dtype=object)
        read_texts[:] = [read(text, keeps_nulls) for text in encoded.dictionary.to_pylist()]
        read_cells[where] = read_texts[encoded.indices.to_numpy()]
    return read_cells


@functools.cache
def _reading_text(base: type, read: Callable[[Any, bool], Any]) -> type:
    """pandera's dtype `base` with `read`'s reading of text and nulls, and which reports the
    values it cannot read as failures of `coerce_dtype('<its dtype>')` on their rows."""
    from pandera.engines import utils

    errors = _pandera().errors

    class TextReading(base):  # type: ignore[misc,valid-type]
        def _keeps_nulls(self) -> bool:
            return not (isinstance(self.type, np.dtype) and self.type.kind == "b")

        def coerce(self, data_container: Any) -> Any:
            import pandas as pd

            # objects, not `map`'s inferred dtype: an integer past 2**53 beside a null became a float
            read_values = _read_cells(read, data_container, self._keeps_nulls())
            return super().coerce(pd.Series(read_values, data_container.index, object, data_container.name))

        def coerce_value(self, value: Any) -> Any:
            import pandas as pd

            read_value = read(value, self._keeps_nulls())
            coerced = super().coerce_value(read_value)
            # numpy's scalar makes `Int64`'s 3750.5 the integer 3750, a value `coerce` refuses: the
            # failures sought one value at a time are those values
            if read is _number and self.type.kind in "iu" and not pd.isna(read_value) and coerced != read_value:
                raise ValueError(f"not an integer: {value!r}")
            return coerced

        def try_coerce(self, data_container: Any) -> Any:
            try:
                return self.coerce(data_container)
            except Exception as exc:  # the base's own try_coerce finds failures by its plain coercion
                raise errors.ParserError(
                    f"Could not coerce {type(data_container)} data_container into type {self}",
                    failure_cases=utils.numpy_pandas_coerce_failure_cases(data_container, self)) from exc

        def check(self, pandera_dtype: Any, data_container: Any = None) -> Any:
            return base(**_fields(self)).check(pandera_dtype, data_container)

    return TextReading


@dataclass
class _Tally:
    count: int = 0
    rows: list[int] = field(default_factory=list)
    values: list[str] = field(default_factory=list)

    def add(self, row: Any, value: Any) -> None:
        self.count += 1
        if row is not None and len(self.rows) < EXAMPLE_ROWS:
            self.rows.append(int(row))
        shown = repr(value)
        if value is not None and value == value and len(self.values) < EXAMPLE_VALUES and shown not in self.values:
            self.values.append(shown)


class SchemaValidator:
    """Validates each batch against the schema; a `BatchObserver` of the audit's pass."""

    def __init__(self, schema: str | Path | pa_schema.DataFrameSchema, columns: list[str],
                 missing: MissingValues) -> None:
        self.schema = _reading_text_columns(copy.deepcopy(load_schema(schema)))
        self.schema.coerce = True
        self.columns = columns
        self.missing = missing
        self.tallies: dict[tuple[str | None, str], _Tally] = {}
        self.whole_table: set[tuple[str | None, str, str]] = set()

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        # integers with a null in pandas' nullable dtype, as inference reads them: as floats, past
        # 2**53 they were other integers (a range passed a value beyond it) and int64's greatest
        # failed to coerce back to `Int64`
        frame = to_frame(batch, self.columns, offset, self.missing, nullable=True)
        cases = self._failures(frame, self.schema)
        uncoercible = cases["check"].str.startswith("coerce_dtype(") & cases["index"].notna()
        if uncoercible.any():
            # a value that cannot take the dtype (a word, or a null in an int column) stops the checks
            # of its column: check each such column again without those rows (other columns' results
            # stand); a null is `not_nullable`'s to report, not a coercion failure
            broken = cases[uncoercible].groupby("column")["index"].unique()
            again = [self._failures(frame.loc[~frame.index.isin(rows), [column]], self._column_schema(column))
                     for column, rows in broken.items()]
            kept = ~cases["column"].isin(set(broken.index)) | (cases["check"] == "not_nullable")
            cases = _concat(cases[kept], *again, cases[uncoercible & cases["failure_case"].notna()])
        cases = cases[~(cases["check"].str.startswith("coerce_dtype(") & cases["failure_case"].isna())]
        # a null next to an uncoercible value in a dtype that holds nulls (float, datetime, boolean)
        # stays in the column's second check, which finds it `not_nullable` again
        cases = cases[~(cases["index"].notna() & cases.duplicated(["column", "check", "index"])).to_numpy()]
        for case in cases.itertuples(index=False):
            column = None if case.column is None else str(case.column)
            if case.index is None:
                self.whole_table.add((column, case.check, str(case.failure_case)))
            else:
                self.tallies.setdefault((column, case.check), _Tally()).add(case.index, case.failure_case)

    def _column_schema(self, column: str) -> pa_schema.DataFrameSchema:
        return _pandera().DataFrameSchema({column: self.schema.columns[column]}, coerce=True)

    @staticmethod
    def _failures(frame: pd.DataFrame, schema: pa_schema.DataFrameSchema) -> pd.DataFrame:
        import pandas as pd

        pandera = _pandera()
        empty = pd.DataFrame({"column": [], "check": [], "failure_case": [], "index": []}, dtype=object)
        empty["check"] = empty["check"].astype(str)
        try:
            with quiet_pyspark_pandas_warning():  # pandera loads its Spark support at the first validation
                schema.validate(frame, lazy=True)
        except pandera.errors.SchemaErrors as exc:
            cases = exc.failure_cases[["column", "check", "failure_case", "index"]].astype(object)
        except pandera.errors.SchemaError as exc:
            cases = pd.DataFrame({"column": [None], "check": [str(exc.check or "schema")],
                                  "failure_case": [_one_line(exc)], "index": [None]})
        else:
            return empty
        cases = cases.where(cases.notna(), None)
        cases["check"] = cases["check"].astype(str)
        coercing = cases["check"].str.startswith("coerce_dtype(")
        coerced = set(zip(cases.loc[coercing, "column"], cases.loc[coercing, "index"], strict=True))
        # pandera repeats an uncoercible value as a dtype failure
        repeated = cases["check"].str.startswith("dtype(") & pd.Series(
            [(c, i) in coerced for c, i in zip(cases["column"], cases["index"], strict=True)], index=cases.index,
            dtype=bool)
        return cases[~repeated]

    def results(self, rows: int) -> tuple[list[Finding], list[CheckStatus]]:
        findings = [self._finding(column, check, tally, rows) for (column, check), tally in self.tallies.items()]
        findings += [
            Finding(check=CHECK_ID, severity=Severity.FAIL, column=column,
                    message=f"pandera check {check} failed{_on(column)}: {case}",
                    details={"pandera_check": check, "failure_case": case})
            for column, check, case in sorted(self.whole_table, key=str)
        ]
        status = "fail" if findings else "passed"
        return findings, [CheckStatus(CHECK_ID, DESCRIPTION, status)]

    @staticmethod
    def _finding(column: str | None, check: str, tally: _Tally, rows: int) -> Finding:
        share = f" ({pct(tally.count, rows)})" if rows else ""
        return Finding(
            check=CHECK_ID, severity=Severity.FAIL, column=column, observed=tally.count,
            message=(f"{tally.count:,} {'row' if tally.count == 1 else 'rows'}{share} fail pandera check "
                     f"{check}{_on(column)}" + (f"; values e.g. {', '.join(tally.values)}." if tally.values else ".")),
            examples=tally.rows,
            details={"pandera_check": check, "failure_cases": tally.values},
        )


def _on(column: str | None) -> str:
    return f" on column {column!r}" if column is not None else ""


def _concat(*frames: pd.DataFrame) -> pd.DataFrame:
    import pandas as pd

    filled = [frame for frame in frames if len(frame)]
    return pd.concat(filled) if filled else frames[0]


def _one_line(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    return text[:300] + ("..." if len(text) > 300 else "")
