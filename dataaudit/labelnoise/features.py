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


@dataclass
class Features:
    """`tabular`: numeric and pandas-categorical columns; `text`: one document per row, or None."""

    tabular: pd.DataFrame
    text: pd.Series | None

    @property
    def empty(self) -> bool:
        return self.tabular.shape[1] == 0 and self.text is None


def prepare(values: pa.Table, columns: list[str], missing_tokens: tuple[str, ...]) -> Features:
    tabular: dict[str, pd.Series] = {}
    texts: list[pd.Series] = []
    tokens = {t.strip().lower() for t in missing_tokens}
    for name in columns:
        raw = values.column(name).to_pandas()
        kind, series = _prepare_column(raw, tokens)
        if kind == "text":
            texts.append(series)
        elif kind != "skip":
            tabular[name] = series
    text = None
    if texts:
        text = texts[0]
        for more in texts[1:]:
            text = text + " " + more
    return Features(pd.DataFrame(tabular, index=range(values.num_rows)), text)


def _prepare_column(raw: pd.Series, tokens: set[str]) -> tuple[str, pd.Series]:
    if pd.api.types.is_bool_dtype(raw.dtype):
        return "numeric", raw.astype("float64")
    if pd.api.types.is_numeric_dtype(raw.dtype):
        return "numeric", raw.astype("float64")
    text = raw.astype("string").str.strip()
    text = text.mask(text.str.lower().isin(tokens))
    present = text.dropna()
    if present.empty:
        return "skip", text
    numbers = pd.to_numeric(text, errors="coerce")
    if numbers.notna().sum() >= NUMERIC_SHARE * len(present):
        return "numeric", numbers.astype("float64")
    distinct = present.nunique()
    several_words = present.str.split().str.len().mean() >= TEXT_WORDS
    if several_words and distinct >= ID_LIKE_SHARE * len(present):
        return "text", text.fillna("")  # nearly every value its own: a category would have nothing to share
    if distinct <= MAX_LEVELS:
        return "category", _category(text)
    if several_words:
        return "text", text.fillna("")
    if distinct >= ID_LIKE_SHARE * len(present):
        return "skip", text
    top = present.value_counts().index[:MAX_LEVELS]
    return "category", _category(text.where(text.isin(top)))


def _category(text: pd.Series) -> pd.Series:
    """A categorical of plain strings with NaN for missing, as every scikit-learn encoder accepts."""
    return pd.Series(text.to_numpy(dtype=object, na_value=np.nan), index=text.index, dtype="category")


def class_codes(labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Integer codes 0..k-1 for labels, classes sorted, as cleanlab expects."""
    classes = sorted(set(labels))
    index = {c: i for i, c in enumerate(classes)}
    return np.array([index[x] for x in labels], dtype=np.int64), classes
