"""Two splits' value counts of one column as a training run loads them, for drift and unseen
categories to judge what the model sees rather than how a file spells it.

The profile identifies a value by its text (`dataaudit.profile.values`): a typed boolean is
`true`, and a CSV's `True` is another text. That is right for duplicates and leakage, which
keep values byte for byte, but a CSV has no types: pandas and pyarrow load its `True` and a
Parquet `true` as the same boolean, and its `2020-01-08` and a Parquet timestamp printed
`2020-01-08 00:00:00.000000` as the same date. So where both splits' values all read as
booleans, or all as dates and timestamps, they are compared by their meaning.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dataaudit.profile.values import date_texts

#: the spellings pandas' and pyarrow's CSV readers both load as booleans, by what they mean
#: (pyarrow reads `tRuE` or ` True` as text, so neither is one)
BOOLEANS = {"true": "true", "True": "true", "TRUE": "true", "false": "false", "False": "false", "FALSE": "false"}


def as_loaded(reference: dict[str, int], counts: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """The two value counts keyed by what a loader makes of them: by boolean meaning when every
    value of both reads as a boolean, by the instant named when every value of both reads as a
    date, else as they are."""
    if reference.keys() <= BOOLEANS.keys() and counts.keys() <= BOOLEANS.keys():
        return _booleans(reference), _booleans(counts)
    if _all_dates(reference) and _all_dates(counts):
        ours, theirs = _dates(reference), _dates(counts)
        if ours is not None and theirs is not None:
            return ours, theirs
    return reference, counts


def _booleans(counts: dict[str, int]) -> dict[str, int]:
    folded: dict[str, int] = {}
    for text, n in counts.items():
        folded[BOOLEANS[text]] = folded.get(BOOLEANS[text], 0) + n
    return folded


def _all_dates(counts: dict[str, int]) -> bool:
    texts = pa.array(list(counts), pa.string())
    return bool(len(texts)) and bool(date_texts(texts, np.ones(len(texts), dtype=bool)).all())


def _dates(counts: dict[str, int]) -> dict[str, int] | None:
    """Counts keyed by the instant each text names (in UTC, a naive one taken as UTC, as pandas
    takes it), written as a date where it is midnight: `2020-01-08` whether a CSV writes it so
    or a typed timestamp prints `2020-01-08 00:00:00.000000`. None when a text names no instant
    pandas holds (`2020-02-30`, a year past 2262): a reader keeps such a column as text. pandas
    is imported here, for a column of dates only."""
    import pandas as pd

    stamps = pd.to_datetime(pd.Series(list(counts)).str.strip(), format="ISO8601", utc=True, errors="coerce")
    if stamps.isna().any():
        return None
    folded: dict[str, int] = {}
    for stamp, n in zip(stamps, counts.values(), strict=True):
        name = stamp.date().isoformat() if stamp == stamp.normalize() else stamp.tz_localize(None).isoformat(sep=" ")
        folded[name] = folded.get(name, 0) + n
    return folded
