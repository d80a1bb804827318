"""Arrow arrays as numpy arrays without pandas.

pyarrow's own `Array.to_numpy()`, `ChunkedArray.to_numpy()` and `np.asarray(array)` go through
its pandas conversion, which imports pandas (about 0.3 s and 50 MiB) when it is installed, even
for an int64 array without nulls. A table audit converts arrays in every chunk and needs nothing
else of pandas, so it converts them here: numpy views on the Arrow buffers for fixed-width types,
the validity and boolean bitmaps unpacked with numpy, Python objects only for text.

`to_numpy(array)` gives what `array.to_numpy(zero_copy_only=False)` gives (tests/test_arrays.py
holds them equal): integers with nulls become float64 with NaN, booleans with nulls an object
array with None, dates and timestamps datetime64 with NaT in their own unit, text an object array.
`factorize` numbers values in order of first appearance as `pandas.factorize` does, with Arrow's
hash table; `repeated` marks the values that occur more than once (`repeated_and_distinct` counts
the distinct ones too), `repeats` the rows whose value an earlier row has.

This module is the bottom layer: it imports nothing of the package.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc


def to_numpy(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """`array.to_numpy(zero_copy_only=False)`, without importing pandas. Without nulls, a
    fixed-width array is a read-only view on its buffer, as pyarrow's is; with nulls, a copy."""
    if isinstance(array, pa.ChunkedArray):
        return to_numpy(array.chunk(0) if array.num_chunks == 1 else array.combine_chunks())
    kind = array.type
    if pa.types.is_dictionary(kind):
        return to_numpy(array.dictionary_decode())
    if pa.types.is_boolean(kind):
        return _with_nulls(array, _bits(array, 1), None)
    if pa.types.is_string(kind) or pa.types.is_large_string(kind) or pa.types.is_binary(kind) \
            or pa.types.is_large_binary(kind) or pa.types.is_null(kind):
        out = np.empty(len(array), dtype=object)
        out[:] = array.to_pylist()
        return out
    storage, shown = _numpy_types(kind)
    values = _fixed_width(array, storage)
    if shown is not None:
        values = values.astype(shown) if storage.itemsize != shown.itemsize else values.view(shown)
    return _with_nulls(array, values, np.nan if values.dtype.kind in "iuf" else np.datetime64("NaT"))


def factorize(values: np.ndarray) -> np.ndarray:
    """Each value's number (int64), from 0 in the order the values first appear: the codes of
    `pandas.factorize(values)`, found in one pass by Arrow's hash table instead of a sort."""
    return to_numpy(_wrapped(values).dictionary_encode().indices).astype(np.int64)


def _wrapped(values: np.ndarray) -> pa.Array:
    """Numbers as an Arrow array on their own buffer: not `pa.array`, which asks whether they
    are a pandas object."""
    contiguous = np.ascontiguousarray(values)
    return pa.Array.from_buffers(pa.from_numpy_dtype(contiguous.dtype), len(contiguous),
                                 [None, pa.py_buffer(contiguous)])


def first_of_each(codes: np.ndarray) -> np.ndarray:
    """Whether each row is the first of its value, given `factorize`'s codes: they number the
    values in the order they first appear, so a row is the first of its value exactly when its
    code is one more than every code before it."""
    if not codes.size:
        return np.zeros(0, dtype=bool)
    seen = np.maximum.accumulate(codes)
    return codes == np.concatenate(([-1], seen[:-1])) + 1


def repeated(values: np.ndarray) -> np.ndarray:
    """Whether each value occurs more than once: the values that repeat, found by a sort of
    the values alone, and each row looked up among them in Arrow's hash table, which costs a
    fraction of numbering every value by a sort (`np.unique` with its inverse and counts,
    0.07 to 0.2 s against 0.03 for a million 64-bit hashes)."""
    return repeated_and_distinct(values)[0]


def repeated_and_distinct(values: np.ndarray) -> tuple[np.ndarray, int]:
    """`repeated`, and how many values are distinct, both from its one sort of the values:
    equal values are neighbours once sorted, so the distinct ones are the values less the
    neighbours equal to the one before them."""
    ordered = np.sort(values)
    same = ordered[1:] == ordered[:-1]
    again = to_numpy(pc.is_in(_wrapped(values), value_set=_wrapped(np.unique(ordered[1:][same]))))
    return again, len(values) - int(same.sum())


def repeats(values: np.ndarray) -> np.ndarray:
    """Whether each value occurred at an earlier row: `~first_of_each(factorize(values))`,
    with the values numbered only among the rows whose value is `repeated` (a row whose value
    no other row has is the first of it), a small hash table instead of one of every value
    (0.03 s against 0.17 to 0.2 for a million distinct 64-bit hashes)."""
    again = np.flatnonzero(repeated(values))
    later = np.zeros(len(values), dtype=bool)
    later[again[~first_of_each(factorize(values[again]))]] = True
    return later


def _numpy_types(kind: pa.DataType) -> tuple[np.dtype, np.dtype | None]:
    """The numpy type of a fixed-width Arrow type's stored values, and the type pyarrow shows
    them as when that differs (dates, timestamps and durations are stored as integers)."""
    if pa.types.is_integer(kind):
        return np.dtype(f"{'u' if pa.types.is_unsigned_integer(kind) else ''}int{kind.bit_width}"), None
    if pa.types.is_floating(kind):
        return np.dtype(f"float{kind.bit_width}"), None
    if pa.types.is_date32(kind):
        return np.dtype(np.int32), np.dtype("datetime64[D]")
    if pa.types.is_date64(kind):
        return np.dtype(np.int64), np.dtype("datetime64[ms]")
    if pa.types.is_timestamp(kind):
        return np.dtype(np.int64), np.dtype(f"datetime64[{kind.unit}]")
    if pa.types.is_duration(kind):
        return np.dtype(np.int64), np.dtype(f"timedelta64[{kind.unit}]")
    raise TypeError(f"no pandas-free numpy conversion of Arrow type {kind}")


def _fixed_width(array: pa.Array, dtype: np.dtype) -> np.ndarray:
    """The array's values as a read-only view on its data buffer (nulls hold whatever is there)."""
    if len(array) == 0:
        return np.empty(0, dtype=dtype)
    view = np.frombuffer(array.buffers()[1], dtype=dtype, count=len(array), offset=array.offset * dtype.itemsize)
    view.flags.writeable = False  # Arrow's buffers are immutable: a write would change the chunk for every reader
    return view


def _bits(array: pa.Array, index: int) -> np.ndarray:
    """Buffer `index` of the array (0: validity, 1: a boolean array's values) as a bool array,
    from the array's offset, which need not fall on a byte."""
    if len(array) == 0:
        return np.zeros(0, dtype=bool)
    start, skip = divmod(array.offset, 8)
    raw = np.frombuffer(array.buffers()[index], dtype=np.uint8, count=(skip + len(array) + 7) // 8, offset=start)
    return np.unpackbits(raw, count=skip + len(array), bitorder="little")[skip:].view(bool)


def _with_nulls(array: pa.Array, values: np.ndarray, missing: object) -> np.ndarray:
    """`values` with the array's nulls set to `missing`, promoted as pyarrow promotes them:
    integers to float64, booleans to objects."""
    if array.null_count == 0:
        return values
    if values.dtype.kind in "iu":
        out = values.astype(np.float64)
    elif values.dtype.kind == "b":
        out = values.astype(object)
    else:
        out = values.copy()
    out[~_bits(array, 0)] = missing
    return out


def python_values(data: pa.Array | pa.ChunkedArray | pa.RecordBatch | pa.Table) -> list:
    """`data.to_pylist()`, without losing or refusing nanoseconds. Python's datetime stops at
    microseconds: pyarrow gives a timestamp or a duration with nanoseconds as pandas' Timestamp
    or Timedelta, so pandas is imported first where `data` holds one (pyarrow raises while a
    command keeps pandas out, `lazy_pandas`), and a time of day with nanoseconds, which pandas
    would cut to microseconds, is given as its text (`00:00:00.000000001`). A date, a timestamp
    or a duration past what Python's or pandas' types hold (the year 10000, 2**62 seconds) is
    given as Arrow's text of it (`10183-09-21`), and so is every one inside a nested value of
    its column."""
    kinds = data.schema.types if isinstance(data, pa.RecordBatch | pa.Table) else [data.type]
    if any(_holds_nanoseconds(kind) for kind in kinds):
        import pandas  # noqa: F401  - its import has pyarrow give nanoseconds from here on

        data = _times_made_text(data)
    try:
        return data.to_pylist()
    except (OverflowError, ValueError):  # pandas' OutOfBoundsDatetime is a ValueError
        if not any(_is_temporal(leaf) for kind in kinds for leaf in leaves(kind)):
            raise
    if isinstance(data, pa.RecordBatch | pa.Table):
        columns = [_past_python(column) for column in data.columns]
        return [dict(zip(data.schema.names, row, strict=True)) for row in zip(*columns, strict=True)]
    return _past_python(data)


def _is_temporal(kind: pa.DataType) -> bool:
    return pa.types.is_timestamp(kind) or pa.types.is_date(kind) or pa.types.is_duration(kind)


def _past_python(column: pa.Array | pa.ChunkedArray) -> list:
    """A column's values, where some date, timestamp or duration is past Python's types: a
    top-level one of those as Arrow's text, each other value as Python's; a nested column's
    dates, timestamps and durations all as Arrow's text."""
    try:
        return column.to_pylist()
    except (OverflowError, ValueError):
        if _is_temporal(column.type):
            texts = column.cast(pa.string()).to_pylist()
            return [_as_py_or(value, text) for value, text in zip(column, texts, strict=True)]
        return column.cast(with_leaves(column.type, lambda leaf: pa.string() if _is_temporal(leaf) else leaf)
                           ).to_pylist()


def _as_py_or(value: pa.Scalar, text: str | None) -> object:
    try:
        return value.as_py()
    except (OverflowError, ValueError):
        return text


def _times_made_text(data: pa.Array | pa.ChunkedArray | pa.RecordBatch | pa.Table
                     ) -> pa.Array | pa.ChunkedArray | pa.RecordBatch | pa.Table:
    """`data` with every time of day in nanoseconds, at any depth, made text (`_times_as_text`)."""
    if isinstance(data, pa.RecordBatch | pa.Table):
        columns = [column.cast(_times_as_text(column.type)) for column in data.columns]
        return type(data).from_arrays(columns, names=data.schema.names)
    return data.cast(_times_as_text(data.type))


def _holds_nanoseconds(kind: pa.DataType) -> bool:
    """Whether a timestamp, time or duration in nanoseconds is among `kind`'s values at any depth."""
    return any(_in_nanoseconds(leaf) for leaf in leaves(kind))


def leaves(kind: pa.DataType) -> list[pa.DataType]:
    """The types of `kind`'s values at every depth (inside dictionaries, maps, structs and
    lists), as `with_leaves` walks them."""
    seen: list[pa.DataType] = []
    with_leaves(kind, lambda leaf: seen.append(leaf) or leaf)  # each leaf as it is
    return seen


def _in_nanoseconds(leaf: pa.DataType) -> bool:
    return (pa.types.is_timestamp(leaf) or pa.types.is_time64(leaf) or pa.types.is_duration(leaf)) and leaf.unit == "ns"


def is_time_of_day_in_nanoseconds(kind: pa.DataType) -> bool:
    """A time of day in nanoseconds: neither Python's times nor pandas' hold one."""
    return pa.types.is_time64(kind) and kind.unit == "ns"


def _times_as_text(kind: pa.DataType) -> pa.DataType:
    """`kind` with every time of day in nanoseconds, at any depth, made text."""
    return with_leaves(kind, lambda leaf: pa.string() if is_time_of_day_in_nanoseconds(leaf) else leaf)


def with_leaves(kind: pa.DataType, leaf: Callable[[pa.DataType], pa.DataType]) -> pa.DataType:
    """`kind` with the type of its values at every depth (inside dictionaries, maps, structs
    and lists) made what `leaf` makes of it."""
    if pa.types.is_dictionary(kind):
        return pa.dictionary(kind.index_type, with_leaves(kind.value_type, leaf), kind.ordered)
    if pa.types.is_map(kind):
        return pa.map_(with_leaves(kind.key_type, leaf), with_leaves(kind.item_type, leaf), kind.keys_sorted)
    if pa.types.is_struct(kind):
        fields = (kind.field(i) for i in range(kind.num_fields))
        return pa.struct([field.with_type(with_leaves(field.type, leaf)) for field in fields])
    if pa.types.is_list(kind):
        return pa.list_(kind.value_field.with_type(with_leaves(kind.value_type, leaf)))
    if pa.types.is_large_list(kind):
        return pa.large_list(kind.value_field.with_type(with_leaves(kind.value_type, leaf)))
    if pa.types.is_fixed_size_list(kind):
        return pa.list_(kind.value_field.with_type(with_leaves(kind.value_type, leaf)), kind.list_size)
    return leaf(kind)
