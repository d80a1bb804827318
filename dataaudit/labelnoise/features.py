"""From the sampled rows as read (often all strings) to model inputs, without hand tuning.

A column is numeric when nearly all its present values parse as numbers; otherwise it is free
text (TF-IDF) when its values are several words long and either nearly all differ (even in a
sample of a few dozen rows, where a category of one-off values would teach nothing) or are too
many for a category; a category when it has few distinct values (gradient boosting splits on
categories natively), and a category of its most frequent values otherwise. Columns unique per
row (ids) carry no signal and are left out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa

NUMERIC_SHARE = 0.9
MAX_LEVELS = 250  # below HistGradientBoosting's 255 bins, which bound its native categories
TEXT_WORDS = 3.0
ID_LIKE_SHARE = 0.9
#: numbers are clipped to this magnitude (infinities too): the linear model standardises them, and
#: the squares of values near the float maximum (1e308) overflow to infinity where these sum safely
LARGEST = 1e150


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
    """How one feature column becomes a model input: `numeric`, `category` (of `levels`: any
    other value is missing) or `text`; or none, `skip` (no value present, or an id)."""

    name: str
    kind: str
    levels: tuple[str, ...] = ()


@dataclass(frozen=True)
class Encoding:
    """The feature encoding decided on the sample, applied as it is to every other chunk of the
    file: a model fitted on the sample's categories and columns must read the same ones, and a
    chunk alone (a few rows of a category, say) would decide differently."""

    columns: tuple[ColumnEncoding, ...]
    tokens: frozenset[str]

    def apply(self, values: pa.Table | pa.RecordBatch) -> Features:
        tabular: dict[str, pd.Series] = {}
        texts: list[pd.Series] = []
        for column in self.columns:
            raw = values.column(column.name).to_pandas()
            if column.kind == "numeric":
                tabular[column.name] = _numbers(raw, self.tokens)
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


def prepare(values: pa.Table, columns: list[str], missing_tokens: tuple[str, ...]) -> Features:
    """The sample's model inputs (see `fit_encoding`)."""
    return fit_encoding(values, columns, missing_tokens).apply(values)


def fit_encoding(values: pa.Table, columns: list[str], missing_tokens: tuple[str, ...]) -> Encoding:
    """Each column's kind, and a category's levels, as the sampled rows show them."""
    tokens = frozenset(t.strip().lower() for t in missing_tokens)
    return Encoding(tuple(_encode_column(name, values.column(name).to_pandas(), tokens) for name in columns),
                    tokens)


def _encode_column(name: str, raw: pd.Series, tokens: frozenset[str]) -> ColumnEncoding:
    if pd.api.types.is_bool_dtype(raw.dtype) or pd.api.types.is_numeric_dtype(raw.dtype):
        return ColumnEncoding(name, "numeric")
    text = _present(raw, tokens)
    present = text.dropna()
    if present.empty:
        return ColumnEncoding(name, "skip")
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().sum() >= NUMERIC_SHARE * len(present):
        return ColumnEncoding(name, "numeric")
    distinct = present.nunique()
    several_words = present.str.split().str.len().mean() >= TEXT_WORDS
    if several_words and distinct >= ID_LIKE_SHARE * len(present):
        # nearly every value its own: a category would have nothing to share, nor would text of one-off words
        return ColumnEncoding(name, "text" if _words_repeat(present) else "skip")
    if distinct <= MAX_LEVELS:
        return ColumnEncoding(name, "category", tuple(sorted(present.unique())))
    if several_words and _words_repeat(present):
        return ColumnEncoding(name, "text")
    if distinct >= ID_LIKE_SHARE * len(present):
        return ColumnEncoding(name, "skip")
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
