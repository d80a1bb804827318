"""Imputation and scaling of feature columns, fitted with scikit-learn on the kept rows.

Both learn from values, not from the profile, so they are fitted on a stream of cleaned chunks
(`fit` with an iterable of chunks): StandardScaler and MinMaxScaler through `partial_fit`, in memory bounded by
the chunk; the median, the most frequent number and RobustScaler need every value of a column,
so those keep 8 bytes per row and numeric column while fitting. Nulls are left out of every
statistic, as scikit-learn leaves out NaN, and so are infinities (`as_matrix`), which are kept
as they are: no step rewrites a value it learned nothing about.
"""

from __future__ import annotations

import warnings
from collections import Counter
from collections.abc import Iterable
from decimal import ROUND_HALF_EVEN, Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.errors import InputError, quoted
from dataaudit.preprocess.base import Step, Tally, decoded, encoded_as, is_text, note_nested, replace_column
from dataaudit.profile import values as v
from dataaudit.profile.model import Profile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.wording import plural

#: texts read as written: the missing-value tokens are nulls by the time a fill is learned
_AS_WRITTEN = ProfileSpec(tokens=())


def numeric_columns(batch: pa.RecordBatch, exclude: tuple[str, ...]) -> list[str]:
    """The columns of numbers: integers, floats and decimals (a Parquet decimal128 or decimal256,
    which impute fills with a decimal of the column's scale and scale makes float64)."""
    return [f.name for f in batch.schema if f.name not in exclude and _is_number(_values_type(f.type))]


def _is_number(kind: pa.DataType) -> bool:
    return pa.types.is_integer(kind) or pa.types.is_floating(kind) or pa.types.is_decimal(kind)


def _decimal_fill(value: float, kind: pa.DataType) -> Decimal | None:
    """`value` as a decimal of the column's scale (rounded half to even, as Arrow rounds), or
    None where it needs more digits than the column's precision holds."""
    fill = Decimal(repr(value)).quantize(Decimal(1).scaleb(-kind.scale), rounding=ROUND_HALF_EVEN)
    return fill if len(fill.as_tuple().digits) <= kind.precision else None


def _values_type(kind: pa.DataType) -> pa.DataType:
    """The type of a column's values: a dictionary-encoded column's numbers are numbers too (a
    pandas categorical, an Arrow table encoded in memory)."""
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def rounds_as_float(array: pa.Array) -> bool:
    """Whether an integer column holds an integer past 2^53, which a float64 would round (and
    which Arrow refuses to cast to one, raising): a step that made the column floats to write a
    fraction into it would change values nobody asked to change."""
    values = decoded(array)
    if not pa.types.is_integer(values.type) or values.null_count == len(values):
        return False
    bounds = pc.min_max(values)
    return max(abs(bounds["min"].as_py()), abs(bounds["max"].as_py())) > v.EXACT_INTEGERS


def _whole_in(value: float, kind: pa.DataType) -> bool:
    """Whether `value` is a whole number the integer type holds: the mean of integers near 2^63,
    summed as floats, can round to 2^63 itself, one past what an int64 holds."""
    bounds = np.iinfo(kind.to_pandas_dtype())
    return float(value).is_integer() and bounds.min <= int(value) <= bounds.max


def _floats(array: pa.Array) -> pa.Array:
    """A decoded column's numbers as float64, an integer past 2^53 as its nearest float: what a
    statistic or a scaled value is made of (Arrow's checked cast raises on such an integer)."""
    return array.cast(pa.float64(), safe=False)


def _as_floats(array: pa.Array, column: str) -> pa.Array:
    """The column's numbers as float64, encoded again if it was: it keeps its encoding."""
    kind = array.type
    floats = _floats(decoded(array))
    return encoded_as(floats, pa.dictionary(kind.index_type, pa.float64(), kind.ordered)
                      if pa.types.is_dictionary(kind) else pa.float64(), column)


def text_columns(batch: pa.RecordBatch, exclude: tuple[str, ...]) -> list[str]:
    return [f.name for f in batch.schema if f.name not in exclude and is_text(decoded(batch.column(f.name)))]


def as_matrix(batch: pa.RecordBatch, columns: list[str]) -> np.ndarray:
    """Columns as float64, null as NaN: scikit-learn's view of missing values. An infinity is
    NaN here too, left out of the fit: scikit-learn refuses one ("Input X contains infinity"),
    and a mean or spread taken over one is not finite, which would make every value of its
    column NaN once scaled or imputed with it."""
    if not columns:
        return np.zeros((batch.num_rows, 0))
    matrix = np.column_stack([_floats(decoded(batch.column(c))).to_numpy(zero_copy_only=False)
                              for c in columns])
    matrix[np.isinf(matrix)] = np.nan
    return matrix


def note_infinities(tally: Tally, name: str, values: pa.Array) -> None:
    """Say in the step's report that `values` (a decoded column) hold infinities, which the
    fit left out and the step keeps as they are."""
    if pa.types.is_floating(values.type) and pc.any(pc.is_inf(values)).as_py():
        tally.notes.append(f"{name}: infinite values left out of the fit and kept as they are")


def _finite_texts(texts: list[str]) -> list[str]:
    """Of a column's texts (its values kept as text, or the constant fill), those that are no
    infinite number as the audit reads them: `1e999`, which prints otherwise and so stays
    text, or `inf` among numbers. A fill written into every null is never one, as a numeric
    fill is never one either: a column whose fill would be one keeps its nulls."""
    infinite = v.infinite_numbers(pa.array(texts, pa.string()), _AS_WRITTEN)
    return [text for text, drop in zip(texts, infinite.tolist(), strict=True) if not drop]


def _number_of(fill: str, column: str) -> float:
    """A text fill (learned on a split where the column was text) for a split where the column
    holds numbers: the number it spells (`16.5`, the numeric fill of a float column kept as
    text, or a most frequent text that reads as one, as Arrow's cast of it read it); a text
    that is no number (`red`) is no value of this column, which is refused."""
    try:
        number = float(fill)
    except ValueError:
        number = None
    if number is None or not np.isfinite(number):
        raise InputError(f"column {quoted(column)} holds numbers, but its fill {fill!r}, learned on the fitted "
                         "split where it was text, is no number; clean both splits with the column of one kind, "
                         "or fit without a categorical fill")
    return number


def _finite_scaling(center: np.ndarray, scale: np.ndarray, spread: np.ndarray) -> tuple[list[float], list[float]]:
    """The fitted centres and scales, with the identity (0, 1) for a column whose centre or
    `spread` (the variance or range the scale comes from: scikit-learn makes a scale of 1 of
    one it cannot use) is not a finite number: a column with no finite number (all null or
    infinite), or whose spread passes the largest float (numbers near 1e308). Such a column
    is left as it is rather than made NaN or zero, or only shifted."""
    finite = np.isfinite(center) & np.isfinite(scale) & np.isfinite(spread)
    return np.where(finite, center, 0.0).tolist(), np.where(finite, scale, 1.0).tolist()


class Impute(Step):
    """Fill nulls of numeric features (SimpleImputer: mean, median, most_frequent, constant) and
    of text features (most_frequent, constant). Learns `fill_`: column -> fill value. The
    `nested` columns hold JSON objects or arrays as their text (a JSON Lines table's): no text
    fill, as a Parquet list or struct gets none."""

    name = "impute"
    state = ("fill_",)

    def __init__(self, numeric: str = "median", categorical: str = "none", fill_number: float = 0.0,
                 fill_text: str = "missing", exclude: tuple[str, ...] = ()) -> None:
        self.numeric = numeric
        self.categorical = categorical
        self.fill_number = fill_number
        self.fill_text = fill_text
        self.exclude = exclude

    def _fit(self, batches: Iterable[pa.RecordBatch], profile: Profile | None) -> None:
        from sklearn.impute import SimpleImputer

        numbers: list[np.ndarray] = []
        counts: dict[str, Counter] = {}
        num_cols: list[str] = []
        txt_cols: list[str] = []
        rounded: dict[str, pa.DataType] = {}
        spelled = _SpelledFloats()
        for batch in batches:
            num_cols = numeric_columns(batch, self.exclude) if self.numeric != "none" else []
            rounded.update((name, _values_type(batch.column(name).type)) for name in num_cols
                           if rounds_as_float(batch.column(name)))
            texts = text_columns(batch, (*self.exclude, *self.nested))
            if self.numeric != "none":
                spelled.add(batch, texts)
            txt_cols = texts if self.categorical != "none" else []
            numbers.append(as_matrix(batch, num_cols))
            for name in txt_cols:
                column = counts.setdefault(name, Counter())
                for item in pc.value_counts(decoded(batch.column(name))).to_pylist():
                    if item["values"] is not None:
                        column[item["values"]] += item["counts"]
        self.fill_ = {}
        if num_cols:
            imputer = SimpleImputer(strategy=self.numeric, fill_value=self.fill_number, keep_empty_features=True)
            matrix = np.vstack(numbers)
            # no row kept (all quarantined): learn as from one empty row, the fill of an all-null column
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)  # an overflow: its fill is dropped below
                imputer.fit(matrix if len(matrix) else np.full((1, len(num_cols)), np.nan))
            # a fill past the largest float (the median of numbers near it, summed on the way) would
            # write an infinity into every null, and a fraction would make floats of integers past
            # 2^53, rounding them (a whole fill past the column's type would not fit): such a column
            # keeps its nulls
            self.fill_.update({c: float(s) for c, s in zip(num_cols, imputer.statistics_, strict=True)
                               if np.isfinite(s) and (c not in rounded or _whole_in(s, rounded[c]))})
        floats = spelled.columns()
        if floats:  # numbers kept as text (`18.0`): the numeric fill, written as a float prints
            imputer = SimpleImputer(strategy=self.numeric, fill_value=self.fill_number, keep_empty_features=True)
            imputer.fit(spelled.matrix(floats))
            self.fill_.update({c: repr(float(s)) for c, s in zip(floats, imputer.statistics_, strict=True)
                               if np.isfinite(s)})
        for name in (c for c in txt_cols if c not in floats):
            seen = counts.get(name, Counter())
            texts = _finite_texts([self.fill_text] if self.categorical == "constant" or not seen else list(seen))
            if texts:  # the most frequent, ties to the smallest value as scikit-learn breaks them
                self.fill_[name] = min(texts, key=lambda value: (-seen[value], value))

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        if self.categorical != "none":
            note_nested(tally, batch, [name for name in batch.schema.names if name not in self.exclude], self.nested)
        touched = np.zeros(batch.num_rows, dtype=bool)
        for name, value in self.fill_.items():
            if name not in batch.schema.names:
                continue
            array = batch.column(name)
            kind = _values_type(array.type)
            if isinstance(value, str) and _is_number(kind):  # a text fill, learned where the column was text
                value = _number_of(value, name)
            fill: object = value
            if pa.types.is_decimal(kind):  # a decimal of the column's scale, as its other values are
                fill = _decimal_fill(value, kind)
                if fill is None:
                    tally.notes.append(f"{name}: nulls kept: the fill {value!r} has more digits than the "
                                       f"column's decimal({kind.precision}, {kind.scale}) holds")
                    continue
                if Decimal(repr(value)) != fill:
                    tally.notes.append(f"{name}: filled with {fill}, the fill {value!r} rounded to the "
                                       f"column's {plural(kind.scale, 'decimal place')}")
            # a fraction, or a whole fill the type cannot hold (a pack's fill_number of 1e20, 1000
            # in an int8 column), is written as a float
            if pa.types.is_integer(kind) and not _whole_in(value, kind):
                if rounds_as_float(array):  # another split's: the fit leaves out such a column's fill
                    raise InputError(f"column {quoted(name)} holds integers past 2^53, which its fill {value!r} "
                                     "(a fraction or past its integer type, learned on the fitted split) would "
                                     "round, turning the column into floats; fill it with median or most_frequent, "
                                     "or store it as text")
                # in every chunk, with nulls or not, so the column keeps one type across chunks
                array = _as_floats(array, name)
                batch = replace_column(batch, name, array)
            null = array.is_null().to_numpy(zero_copy_only=False)
            if not null.any():
                continue
            values = decoded(array)
            note_infinities(tally, name, values)
            try:  # another split's column of another kind (booleans, times) where the fit saw text
                filler = pa.scalar(fill).cast(values.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                raise InputError(f"column {quoted(name)} holds {values.type} values, but its fill {value!r}, learned "
                                 "on the fitted split, is none of them; clean both splits with the column of one "
                                 "kind") from None
            filled = encoded_as(pc.fill_null(values, filler), array.type, name)
            tally.cells[name] += int(null.sum())
            tally.rewrites[f"null -> {value!r}" if fill is value else f"null -> {fill}"] += int(null.sum())
            touched |= null
            batch = replace_column(batch, name, filled)
        tally.rows_changed = int(touched.sum())
        return batch, tally


class _SpelledFloats:
    """The text columns whose every present value reads as a float and one as no integer
    (`18.0`, `1.10`, `1e3`: numbers a CSV keeps as text where `coerce_numeric` would respell
    them), with their numbers: `impute` fills them with its numeric strategy, as a number they
    are, not their most frequent text. Columns of integers so kept (`00123`, ids past 2**53) are
    codes: they keep the categorical fill."""

    def __init__(self) -> None:
        self._numbers: dict[str, list[np.ndarray]] = {}
        self._refused: set[str] = set()
        self._fraction: set[str] = set()

    def add(self, batch: pa.RecordBatch, names: list[str]) -> None:
        for name in names:
            if name in self._refused:
                continue
            trimmed = pc.utf8_trim_whitespace(decoded(batch.column(name)))
            try:
                floats = pc.cast(trimmed, pa.float64())
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                self._refused.add(name)
                self._numbers.pop(name, None)
                continue
            if name not in self._fraction:
                try:
                    pc.cast(trimmed, pa.int64())
                except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
                    self._fraction.add(name)
            values = floats.to_numpy(zero_copy_only=False)
            self._numbers.setdefault(name, []).append(np.where(np.isinf(values), np.nan, values))

    def columns(self) -> list[str]:
        return [name for name in self._numbers if name in self._fraction]

    def matrix(self, columns: list[str]) -> np.ndarray:
        """The columns' numbers, null and infinite as NaN (left out of the fit, as `as_matrix` does)."""
        return np.column_stack([np.concatenate(self._numbers[name]) for name in columns])


class Scale(Step):
    """Scale numeric features: `standard` (StandardScaler), `minmax` (MinMaxScaler to [0, 1]) or
    `robust` (RobustScaler). Learns `columns_`, `center_` and `scale_`: x -> (x - center) / scale,
    scikit-learn's own statistics, so another split is scaled exactly as scikit-learn would."""

    name = "scale"
    state = ("columns_", "center_", "scale_")

    def __init__(self, method: str = "standard", exclude: tuple[str, ...] = ()) -> None:
        self.method = method
        self.exclude = exclude

    def _fit(self, batches: Iterable[pa.RecordBatch], profile: Profile | None) -> None:
        from sklearn.preprocessing import MinMaxScaler, RobustScaler, StandardScaler

        scaler = {"standard": StandardScaler, "minmax": MinMaxScaler, "robust": RobustScaler}[self.method]()
        columns: list[str] = []
        kept: list[np.ndarray] = []
        # a column with nothing finite to learn gives NaN or an infinity, which `_finite_scaling`
        # turns into leaving it as it is, rather than numpy's warnings
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            for batch in batches:
                columns = numeric_columns(batch, self.exclude)
                matrix = as_matrix(batch, columns)
                if self.method == "robust":
                    kept.append(matrix)
                elif len(matrix) and columns:
                    scaler.partial_fit(matrix)
            if self.method == "robust" and columns and sum(len(m) for m in kept):
                scaler.fit(np.vstack(kept))
            self.columns_ = columns
            if not columns or not hasattr(scaler, "scale_"):
                self.center_, self.scale_ = [0.0] * len(columns), [1.0] * len(columns)
            elif self.method == "minmax":
                self.center_, self.scale_ = _finite_scaling(scaler.data_min_, 1.0 / scaler.scale_,
                                                            scaler.data_range_)
            elif self.method == "standard":
                self.center_, self.scale_ = _finite_scaling(scaler.mean_, scaler.scale_, scaler.var_)
            else:
                self.center_, self.scale_ = _finite_scaling(scaler.center_, scaler.scale_, scaler.scale_)

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        for name, center, scale in zip(self.columns_, self.center_, self.scale_, strict=True):
            if name not in batch.schema.names:
                continue
            if pa.types.is_decimal(_values_type(batch.column(name).type)):
                tally.notes.append(f"{name}: decimal values scaled as float64, each from its nearest float")
            values = _as_floats(batch.column(name), name)
            tally.cells[name] += len(values) - values.null_count
            note_infinities(tally, name, decoded(values))
            scaled = pc.divide(pc.subtract(decoded(values), center), scale)
            batch = replace_column(batch, name, encoded_as(scaled, values.type, name))
        if tally.cells:
            tally.rows_changed = batch.num_rows
            tally.notes.append(f"{self.method} scaling of {plural(len(tally.cells), 'column')}")
        return batch, tally
