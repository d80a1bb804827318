"""Which sampled columns are ids: one rule, kept in this one function so that a shared id
detection can replace it.

An id names a row instead of describing it: every sampled row has a value and no two share one.
Two kinds are common in training tables: a running number (`0, 1, 2, ...`, the index pandas
writes with `to_csv`), whose values rise or fall with the row order, and a key of one word
holding a digit and a letter (`goodhealth-577117109701967872`, `img_0042.jpg`, `r0001234`). A
unique column of measured numbers (a price, a weight) is neither: its values do not follow the
rows, and a number is no key.
"""

from __future__ import annotations

import re
from itertools import pairwise

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

MIN_ROWS = 20
_INTEGER = re.compile(r"-?\d+")
_KEY = re.compile(r"(?=\S*\d)(?=\S*[^\W\d_])\S+")  # one word with a digit and a letter: no number


def id_like_columns(values: pa.Table, columns: list[str]) -> dict[str, np.ndarray]:
    """The id-like columns among `columns` of the sampled rows (in row order), each with the
    order of its values: numeric for a running number, lexicographic for a key."""
    found = {}
    for name in columns:
        order = id_order(values.column(name))
        if order is not None:
            found[name] = order
    return found


def id_order(column: pa.ChunkedArray) -> np.ndarray | None:
    """The rows in the order of the column's values when it is an id, else None."""
    n = len(column)
    if n < MIN_ROWS or column.null_count or pc.count_distinct(column).as_py() != n:
        return None
    texts = [str(v) for v in column.to_pylist()]
    if all(_INTEGER.fullmatch(t) for t in texts):
        numbers = [int(t) for t in texts]
        pairs = list(pairwise(numbers))
        running = all(a < b for a, b in pairs) or all(a > b for a, b in pairs)
        return np.argsort(np.array(numbers, dtype=object), kind="stable") if running else None
    if all(_KEY.fullmatch(t) for t in texts):
        return np.argsort(np.array(texts, dtype=object), kind="stable")
    return None
