"""The order of an id's values, for the question whether it gives the label away.

Which columns are ids is decided once, on a file's first rows, by `dataaudit.profile.id_columns`
(row numbers, UUIDs, digests, file names, codes named like an id); the row sample keeps them
although they are no features. An id whose values, sorted, line the rows up by label (a row
number written after the file was sorted by class, a key that begins with the class) lets a
model learn the label from the id. Only an id unique in the sample names rows: one whose values
repeat names a thing (a patient over visits), and neighbours in its order are the same thing's
other rows, not the rows written next to each other.
"""

from __future__ import annotations

import re

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

_INTEGER = re.compile(r"[+-]?\d+")


def id_order(column: pa.ChunkedArray) -> np.ndarray | None:
    """The sampled rows in the order of the id's values, numeric when every value is an integer,
    else as text; None when a value is missing or repeats."""
    n = len(column)
    if column.null_count or pc.count_distinct(column).as_py() != n:
        return None
    texts = [str(v) for v in column.to_pylist()]
    if all(_INTEGER.fullmatch(t) for t in texts):
        return np.argsort(np.array([int(t) for t in texts], dtype=object), kind="stable")
    return np.argsort(np.array(texts, dtype=object), kind="stable")
