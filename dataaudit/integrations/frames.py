"""Record batches as the pandas frames that pandera and Great Expectations validate.

The audit reads CSV cells as text and counts disguised missing values (`NA`, `?`, blanks) by
the rule pack's tokens; a frame handed to another validator carries those cells as nulls, so
both judge missing values alike, and its index holds the 0-based data-row numbers the report uses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pyarrow as pa
import pyarrow.compute as pc

if TYPE_CHECKING:
    import pandas as pd

    from dataaudit.rules.model import MissingValues


#: pandas' nullable dtypes of Arrow's integers and booleans
NULLABLE = {pa.int8(): "Int8", pa.int16(): "Int16", pa.int32(): "Int32", pa.int64(): "Int64",
            pa.uint8(): "UInt8", pa.uint16(): "UInt16", pa.uint32(): "UInt32", pa.uint64(): "UInt64",
            pa.bool_(): "boolean"}


def to_frame(batch: pa.RecordBatch | pa.Table, columns: list[str], offset: int,
             missing: MissingValues, nullable: bool = False) -> pd.DataFrame:
    """A frame with the source's columns in order, tokens as nulls, rows numbered from `offset`;
    a time of day as its text, which pandera infers and validates alike (as `datetime.time`
    objects it inferred `datetime64[ns]`, which the same file then failed). With `nullable`,
    integers and booleans take pandas' nullable dtypes (`Int64`, `boolean`): pandas' default
    makes integers with a null floats, and booleans with a null Python objects."""
    import pandas as pd

    folded = _folded_tokens(missing)
    arrays = {}
    for name in columns:
        array = batch.column(name) if name in batch.schema.names else pa.nulls(batch.num_rows, pa.string())
        if pa.types.is_time(array.type):  # pandas has no dtype of times of day: their text (`01:02:00`)
            array = array.cast(pa.string())
        arrays[name] = _null_tokens(array, folded, missing.case_sensitive)
    mapper = (lambda t: pd.api.types.pandas_dtype(NULLABLE[t]) if t in NULLABLE else None) if nullable else None
    frame = pa.table(arrays).to_pandas(types_mapper=mapper)
    frame.index = pd.RangeIndex(offset, offset + len(frame))
    return frame


def with_numbers(frame: pd.DataFrame) -> pd.DataFrame:
    """Text columns whose every present value is a number become numeric, as a typed reader would
    make them; a column with one word in it stays text."""
    import pandas as pd

    typed = frame.copy()
    for name in frame.columns:
        column = frame[name]
        if not (pd.api.types.is_string_dtype(column) or column.dtype == object):
            continue
        present = column.notna()
        if not present.any():
            continue
        numbers = pd.to_numeric(column, errors="coerce")
        if numbers[present].notna().all():
            if numbers.dtype.kind == "f" and not present.all():
                # a null makes integers floats (`1.5` would then pass as one of them), which past 2**53
                # are not even the integers (two ids one apart become one number): integers with a null
                # take pandas' nullable integer dtype, exact, as a typed reader of the column gives them
                exact = pd.to_numeric(column.astype("string[pyarrow]"), errors="coerce")
                numbers = exact if exact.dtype.kind in "iu" else numbers
            typed[name] = numbers
    return typed


def _folded_tokens(missing: MissingValues) -> pa.Array:
    tokens = (t.strip() for t in missing.tokens)
    return pa.array(sorted(set(tokens if missing.case_sensitive else (t.lower() for t in tokens))), pa.string())


def _null_tokens(array: pa.Array | pa.ChunkedArray, folded: pa.Array, case_sensitive: bool) -> pa.Array:
    if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)) or not len(folded):
        return array
    trimmed = pc.utf8_trim_whitespace(array)
    token = pc.is_in(trimmed if case_sensitive else pc.utf8_lower(trimmed), value_set=folded)
    return pc.if_else(token, pa.scalar(None, array.type), array)
