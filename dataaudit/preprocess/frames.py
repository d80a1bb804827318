"""The API's cleaned frames: the kept and the quarantined rows as pandas DataFrames.

A frame cleaned comes back as it was where no step changed it. Arrow, which the steps run on,
holds no index, names its columns with text, and has no type for some of pandas' (an object
column of several Python types, read as text; an ordered category, a nullable boolean); so each
column of the frame given is compared, row by row, with what the clean made of it, and a column
no step changed is the given column's own values at those rows, its dtype too. In a column a
step changed, the unchanged cells of an object column are the given objects, a category keeps
its categories in their order (a new value after them), and a pandas type that holds a missing
value (`Float64`, `boolean`, `string`, Arrow's) is kept. The rows keep their index labels, the
columns their names. A named index level, audited and cleaned as a column (`index_columns`), is
given back as the index it was, cleaned as that column is (what `write_to` writes of it): a label
no step changed is the given one, of the index's dtype.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyarrow as pa

from dataaudit.arrays import is_time_of_day_in_nanoseconds, leaves
from dataaudit.io.frame_reader import column_array, index_columns
from dataaudit.io.strings import narrow_strings, narrow_type
from dataaudit.preprocess.base import changed_mask
from dataaudit.preprocess.pipeline import ROW_COLUMN


def cleaned_frame(table: pa.Table, given: Any = None, rows: np.ndarray | None = None) -> Any:
    """`table` as a DataFrame; `given`, the pandas frame cleaned, and `rows`, the positions in it
    of the table's rows, give each unchanged value back as it was (see the module's docstring).

    Else, an integer column is numpy's integers where no value is missing, as Arrow gives it,
    and pandas' nullable type of its width and sign (`Int32`, `UInt64`) where one is: as floats
    it would lose a null's place and, past 2**53, the value. A boolean column holding a null is
    pandas' nullable `boolean`, not an object column of True, False and None. A column holding
    times of day in nanoseconds, at any depth, stays Arrow's (`pd.ArrowDtype`): pandas' own
    times hold microseconds, and refuse a value with more."""
    import pandas as pd

    table = narrow_strings(table)  # pandas has no string views, in a list neither, nor runs
    nullable = {pa.bool_(): pd.BooleanDtype(), pa.int8(): pd.Int8Dtype(), pa.int16(): pd.Int16Dtype(),
                pa.int32(): pd.Int32Dtype(),
                pa.int64(): pd.Int64Dtype(), pa.uint8(): pd.UInt8Dtype(), pa.uint16(): pd.UInt16Dtype(),
                pa.uint32(): pd.UInt32Dtype(), pa.uint64(): pd.UInt64Dtype()}

    def dtype(kind: pa.DataType) -> Any:
        return pd.ArrowDtype(kind) if any(is_time_of_day_in_nanoseconds(leaf) for leaf in leaves(kind)) else None

    frame = table.to_pandas(types_mapper=dtype)
    for i, column in enumerate(table.columns):
        if column.type in nullable and column.null_count:
            frame.isetitem(i, column.to_pandas(types_mapper=nullable.get).array)
    if given is not None and rows is not None:
        _as_given(frame, table, given, rows)
    return frame


def _as_given(frame: Any, table: pa.Table, given: Any, rows: np.ndarray) -> None:
    """`frame`, made of `table`, the rows of `given` at `rows` once cleaned, given back as
    `given` held each value no step changed, in place."""
    import pandas as pd

    names = {str(name): name for name in given.columns}
    # a named index level is a column of the clean's, given back as the index once cleaned
    levels = {name: pd.Series(values, index=given.index, name=name) for name, values in index_columns(given).items()}
    frame.index = given.index[rows]  # first: a column given back is the given one, its index the same
    unchanged: set[str] = set()
    for i, name in enumerate(table.column_names):
        if name not in names and name not in levels:  # `_row`, `_reason`
            continue
        column = levels[name] if name in levels else given[names[name]]
        before = column.iloc[rows]
        # the whole column, as the audit read it: its rows alone may read as another type
        changed = _changed(column_array(column).take(pa.array(rows, pa.int64())), table.column(i))
        if changed is None:
            continue
        if not changed.any():
            unchanged.add(name)
            frame.isetitem(i, before)
        elif before.dtype == object:
            values = before.to_numpy(dtype=object, copy=True)
            values[changed] = frame.iloc[:, i].to_numpy(dtype=object)[changed]
            frame.isetitem(i, values)
        elif isinstance(before.dtype, pd.CategoricalDtype):
            frame.isetitem(i, _in_categories(frame.iloc[:, i], before.dtype))
        elif isinstance(before.dtype, pd.api.extensions.ExtensionDtype):
            frame.isetitem(i, frame.iloc[:, i].astype(before.dtype).array)
    frame.index = _cleaned_index(frame, set(levels) - unchanged, given.index[rows])
    frame.columns = pd.Index([names.get(name, name) for name in frame.columns], name=given.columns.name)
    for name in levels:
        if name in frame.columns:
            del frame[name]


def _cleaned_index(frame: Any, changed: set[str], index: Any) -> Any:
    """`index`, the given rows' labels, with each named level a step `changed` the clean's
    column of its name in `frame`; every other level, one a step dropped too, as given."""
    import pandas as pd

    levels = [name is not None and str(name) in changed and str(name) in frame.columns for name in index.names]
    if not any(levels):
        return index
    arrays = [pd.Index(frame[str(name)].array, dtype=frame[str(name)].dtype, name=name) if cleaned
              else index.get_level_values(i) for i, (name, cleaned) in enumerate(zip(index.names, levels, strict=True))]
    if isinstance(index, pd.MultiIndex):
        return pd.MultiIndex.from_arrays(arrays, names=index.names)
    return arrays[0]


def _changed(before: pa.Array, after: pa.ChunkedArray) -> np.ndarray | None:
    """The rows where `after` differs from `before`; None where it holds another type than the
    one stored (a step cast it) or one Arrow cannot compare."""
    before, cleaned = _plain(before), _plain(after.combine_chunks())
    if narrow_type(cleaned.type) != narrow_type(before.type):  # text made numbers is a change, `"1"` to 1
        return None
    try:
        return changed_mask(before, cleaned.cast(before.type))  # a string as the frame stored it (large)
    except pa.ArrowNotImplementedError:  # no comparison of the type
        return None


def _plain(array: pa.Array) -> pa.Array:
    """`array`'s values as Arrow compares them: a dictionary's decoded, an extension type's
    (pandas' periods) as stored."""
    if isinstance(array, pa.ExtensionArray):
        array = array.storage
    return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array


def _in_categories(values: Any, kind: Any) -> Any:
    """`values` as a categorical of `kind`'s categories, in their order, and after them each
    value they do not hold, in the order it first appears; ordered if `kind` was."""
    import pandas as pd

    objects = values.astype(object)
    new = [value for value in pd.unique(objects.dropna()) if value not in kind.categories]
    categories = kind.categories.append(pd.Index(new)) if new else kind.categories
    return pd.Categorical(objects, categories=categories, ordered=kind.ordered)


def cleaned_frames(kept: pa.Table, held: pa.Table, given: Any) -> tuple[Any, Any]:
    """The kept and the quarantined rows of `given` (a file, a table, a frame) as DataFrames
    (`cleaned_frame`); of a pandas frame, each row at its position in it, as the quarantine's
    `_row` names it: a clean keeps the rows' order and adds none (a frame has no malformed row,
    which a quarantine holds with no `_row`)."""
    if not _is_pandas_frame(given):
        return cleaned_frame(kept), cleaned_frame(held)
    quarantined = held.column(ROW_COLUMN).to_numpy()
    return (cleaned_frame(kept, given, np.setdiff1d(np.arange(len(given)), quarantined)),
            cleaned_frame(held, given, quarantined))


def _is_pandas_frame(data: Any) -> bool:
    """Whether `data` is a pandas DataFrame, known without importing pandas for another input."""
    if not type(data).__module__.startswith("pandas"):
        return False
    import pandas as pd

    return isinstance(data, pd.DataFrame)
