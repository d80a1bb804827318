"""From the sampled rows as read (often all strings) to model inputs, without hand tuning.

A column is numeric when nearly all its present values parse as numbers; otherwise it is free
text (TF-IDF) when its values are several words long and either nearly all differ (even in a
sample of a few dozen rows, where a category of one-off values would teach nothing) or are too
many for a category; a category when it has few distinct values (gradient boosting splits on
categories natively), and a category of its most frequent values otherwise. A column of dates
(as `dataaudit.profile.time_like` reads them: ISO 8601, `dd/mm/yyyy`, typed dates) is a number,
its days since 1970, as AutoGluon and H2O turn dates into numbers: unique per row as dates
are, their order still teaches (a label that changed over time), where a category of them
would teach nothing. Columns unique per row (ids), with no value present, or of words no two rows
share carry no signal and are left out; `Encoding.left_out` says which and why, for the report.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

from dataaudit.profile.time_like import DATES, read_time_column

NUMERIC_SHARE = 0.9
MAX_LEVELS = 250  # below HistGradientBoosting's 255 bins, which bound its native categories
TEXT_WORDS = 3.0
ID_LIKE_SHARE = 0.9
#: numbers are clipped to this magnitude (infinities too): the linear model standardises them, and
#: the squares of values near the float maximum (1e308) overflow to infinity where these sum safely
LARGEST = 1e150
#: why a column is left out of the model, by what its values look like
NO_VALUE, ID_LIKE, ONE_OFF_WORDS = ("no value present", "unique per row, like an id",
                                    "free text whose every word is in one row only")


@dataclass
class Features:
    """`tabular`: numeric and pandas-categorical columns; `text`: one document per row, or None."""

    tabular: pd.DataFrame
    text: pd.Series | None

    @property
    def empty(self) -> bool:
        return self.tabular.shape[1] == 0 and self.text is None


@dataclass(frozen=True)
class ColumnEncoding:
    """How one feature column becomes a model input: `numeric`, `date` (days since 1970, read
    with the pandas `format`), `category` (of `levels`: any other value is missing) or `text`;
    or none, `skip`, for the `reason` it names (`NO_VALUE`, `ID_LIKE`, `ONE_OFF_WORDS`)."""

    name: str
    kind: str
    levels: tuple[str, ...] = ()
    format: str | None = None
    reason: str = ""


@dataclass(frozen=True)
class Encoding:
    """The feature encoding decided on the sample, applied as it is to every other chunk of the
    file: a model fitted on the sample's categories and columns must read the same ones, and a
    chunk alone (a few rows of a category, say) would decide differently."""

    columns: tuple[ColumnEncoding, ...]
    tokens: frozenset[str]

    @property
    def left_out(self) -> dict[str, str]:
        """The columns the model does not read, each with why: a reader of the report must know
        that a column it expected to matter taught the model nothing."""
        return {c.name: c.reason for c in self.columns if c.kind == "skip"}

    def apply(self, values: pa.Table | pa.RecordBatch) -> Features:
        tabular: dict[str, pd.Series] = {}
        texts: list[pd.Series] = []
        for column in self.columns:
            raw = values.column(column.name).to_pandas()
            if column.kind == "numeric":
                tabular[column.name] = _numbers(raw, self.tokens)
            elif column.kind == "date":
                tabular[column.name] = _days(_present(raw, self.tokens), column.format)
            elif column.kind == "category":
                tabular[column.name] = _category(_present(raw, self.tokens), column.levels)
            elif column.kind == "text":
                texts.append(_present(raw, self.tokens).fillna(""))
        text = None
        if texts:
            text = texts[0]
            for more in texts[1:]:
                text = text + " " + more
        return Features(pd.DataFrame(tabular, index=range(values.num_rows)), text)


def fit_encoding(values: pa.Table, columns: list[str], missing_tokens: tuple[str, ...]) -> Encoding:
    """Each column's kind, and a category's levels, as the sampled rows show them."""
    tokens = frozenset(t.strip().lower() for t in missing_tokens)
    return Encoding(tuple(_encode_column(name, values.column(name).to_pandas(), tokens) for name in columns),
                    tokens)


def unused_columns(encoding: Encoding, ignored: dict[str, str], unread: tuple[str, ...] = ()) -> dict[str, str]:
    """Every column of the table the model does not read, with why: the audit's ignored columns
    (ids, times) with their reasons, the feature columns the encoding left out, and those of the
    `unread` kinds (the regressor reads no `text`)."""
    return {**{name: f"ignored ({why})" for name, why in ignored.items()}, **encoding.left_out,
            **{c.name: f"{c.kind}, which this model does not read" for c in encoding.columns if c.kind in unread}}


def _encode_column(name: str, raw: pd.Series, tokens: frozenset[str]) -> ColumnEncoding:
    if pd.api.types.is_bool_dtype(raw.dtype) or pd.api.types.is_numeric_dtype(raw.dtype):
        return ColumnEncoding(name, "numeric")
    text = _present(raw, tokens)
    present = text.dropna()
    if present.empty:
        return ColumnEncoding(name, "skip", reason=NO_VALUE)
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().sum() >= NUMERIC_SHARE * len(present):
        return ColumnEncoding(name, "numeric")
    dated = read_time_column(name, present.tolist())
    if dated is not None and dated.kind == DATES:
        return ColumnEncoding(name, "date", format=dated.format or "ISO8601")
    distinct = present.nunique()
    several_words = present.str.split().str.len().mean() >= TEXT_WORDS
    if several_words and distinct >= ID_LIKE_SHARE * len(present):
        # nearly every value its own: a category would have nothing to share, nor would text of one-off words
        if _words_repeat(present):
            return ColumnEncoding(name, "text")
        return ColumnEncoding(name, "skip", reason=ONE_OFF_WORDS)
    if distinct <= MAX_LEVELS:
        return ColumnEncoding(name, "category", tuple(sorted(present.unique())))
    if several_words and _words_repeat(present):
        return ColumnEncoding(name, "text")
    if distinct >= ID_LIKE_SHARE * len(present):
        return ColumnEncoding(name, "skip", reason=ID_LIKE)
    return ColumnEncoding(name, "category", tuple(sorted(present.value_counts().index[:MAX_LEVELS])))


def _words_repeat(present: pd.Series) -> bool:
    """Whether some word (as TF-IDF splits them) is in two rows: TF-IDF keeps only such words
    (`min_df=2`), and text whose every word is a one-off teaches as little as an id."""
    from sklearn.feature_extraction.text import CountVectorizer

    try:
        counts = CountVectorizer(min_df=2).fit_transform(present.to_numpy())
    except ValueError:  # no word left at two rows or more (or none at all)
        return False
    return counts.shape[1] > 0


def _present(raw: pd.Series, tokens: frozenset[str]) -> pd.Series:
    """Values as stripped strings, a missing token (`NA`, `?`) as missing."""
    text = raw.astype("string").str.strip()
    return text.mask(text.str.lower().isin(tokens))


def _numbers(raw: pd.Series, tokens: frozenset[str]) -> pd.Series:
    """Floats, clipped to +-LARGEST: an infinity (a division by zero) stays the largest value, and
    the order of the values below it is kept; missing stays missing."""
    if pd.api.types.is_bool_dtype(raw.dtype) or pd.api.types.is_numeric_dtype(raw.dtype):
        numbers = raw.astype("float64")
    else:
        numbers = pd.to_numeric(_present(raw, tokens), errors="coerce").astype("float64")
    return numbers.clip(-LARGEST, LARGEST)


def _days(text: pd.Series, format: str) -> pd.Series:
    """Days since 1970-01-01 (UTC) as floats, a time of day as its fraction; a value that does
    not read as a date is missing."""
    stamps = pd.to_datetime(text, format=format, errors="coerce", utc=True)
    return (stamps - pd.Timestamp(0, tz="UTC")) / pd.Timedelta(days=1)


def _category(text: pd.Series, levels: tuple[str, ...]) -> pd.Series:
    """A categorical of plain strings over `levels`, NaN for missing and for any other value, as
    every scikit-learn encoder accepts."""
    values = text.where(text.isin(levels)).to_numpy(dtype=object, na_value=np.nan)
    return pd.Series(pd.Categorical(values, categories=list(levels)), index=text.index)


def class_codes(labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Integer codes 0..k-1 for labels, classes sorted, as cleanlab expects."""
    classes = sorted(set(labels))
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[x] for x in labels], dtype=np.int64), classes
