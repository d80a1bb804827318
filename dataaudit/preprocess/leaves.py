"""The text leaves of a nested Arrow column (a Parquet list, struct or map, at any depth)
rewritten where they are, every other part of the column kept.

A rewrite maps a column of strings to one of the same length and type, with a count per
string of what it found (a row of `width` numbers). The walk hands it each string leaf whole
and rebuilds only the layers above a leaf it changed, from their own offsets and validity: the
shape, the nulls and every other leaf are the column's own buffers. The counts are summed up to
the column's rows, leaves under a null (a null struct's fields) left out. A map's keys are
read, not rewritten: two keys made one would be one key, its other value lost."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dataaudit.io.strings import is_text_type

#: a column of strings to its rewrite and its counts, one row of numbers per string
Rewrite = Callable[[pa.Array], tuple[pa.Array, np.ndarray]]


@dataclass
class Walked:
    """The column rewritten (the same array when no leaf changed), its counts per row, and
    whether a map key held what the rewrite looks for."""

    array: pa.Array
    counts: np.ndarray
    in_keys: bool = False


class Unwalkable(Exception):
    """A layout the walk cannot rebuild (a union, a list view, a run-end encoded column)."""


def rewrite_leaves(array: pa.Array, rewrite: Rewrite, width: int) -> Walked:
    """`array` with each of its string leaves rewritten by `rewrite`; raises `Unwalkable`."""
    kind = array.type
    if is_text_type(kind):
        rewritten, counts = rewrite(array)
        return Walked(rewritten, counts)
    if pa.types.is_list(kind) or pa.types.is_large_list(kind):
        return _list(array, rewrite, width)
    if pa.types.is_fixed_size_list(kind):
        return _fixed_size_list(array, rewrite, width)
    if pa.types.is_struct(kind):
        return _struct(array, rewrite, width)
    if pa.types.is_map(kind):
        return _map(array, rewrite, width)
    if pa.types.is_nested(_values_type(kind)) or pa.types.is_run_end_encoded(kind):
        raise Unwalkable(str(kind))
    return Walked(array, np.zeros((len(array), width), dtype=np.int64))


def _values_type(kind: pa.DataType) -> pa.DataType:
    return kind.value_type if pa.types.is_dictionary(kind) else kind


def _mask(array: pa.Array) -> pa.Array | None:
    return array.is_null() if array.null_count else None


def _valid(array: pa.Array) -> np.ndarray:
    return np.asarray(array.is_valid().to_numpy(zero_copy_only=False), dtype=bool)


def _offsets(array: pa.Array) -> pa.Array:
    """A list's offsets, as an array of its own: Arrow rebuilds a list with nulls only from
    offsets that are no slice of a longer array (a sliced column's are)."""
    offsets = array.offsets
    return pa.array(offsets.to_numpy(zero_copy_only=False), offsets.type) if offsets.offset else offsets


def _per_row(offsets: pa.Array, counts: np.ndarray, array: pa.Array) -> np.ndarray:
    """The counts of a list's values summed per list, between its offsets; a null list none."""
    bounds = np.asarray(offsets.to_numpy(zero_copy_only=False), dtype=np.int64)
    running = np.vstack([np.zeros((1, counts.shape[1]), dtype=np.int64), np.cumsum(counts, axis=0)])
    summed = running[bounds[1:]] - running[bounds[:-1]]
    summed[~_valid(array)] = 0
    return summed


def _list(array: pa.Array, rewrite: Rewrite, width: int) -> Walked:
    values = rewrite_leaves(array.values, rewrite, width)  # the whole child: the offsets point into it
    counts = _per_row(array.offsets, values.counts, array)
    if values.array is array.values:
        return Walked(array, counts, values.in_keys)
    rebuilt = type(array).from_arrays(_offsets(array), values.array, type=array.type, mask=_mask(array))
    return Walked(rebuilt, counts, values.in_keys)


def _fixed_size_list(array: pa.Array, rewrite: Rewrite, width: int) -> Walked:
    size = array.type.list_size
    child = array.values.slice(array.offset * size, len(array) * size)
    values = rewrite_leaves(child, rewrite, width)
    counts = values.counts.reshape(len(array), size, width).sum(axis=1)
    counts[~_valid(array)] = 0
    if values.array is child:
        return Walked(array, counts, values.in_keys)
    rebuilt = pa.FixedSizeListArray.from_arrays(values.array, type=array.type, mask=_mask(array))
    return Walked(rebuilt, counts, values.in_keys)


def _struct(array: pa.Array, rewrite: Rewrite, width: int) -> Walked:
    children = [array.field(i) for i in range(array.type.num_fields)]
    fields = [rewrite_leaves(child, rewrite, width) for child in children]
    counts = sum((f.counts for f in fields), np.zeros((len(array), width), dtype=np.int64))
    counts[~_valid(array)] = 0
    in_keys = any(f.in_keys for f in fields)
    if all(f.array is child for f, child in zip(fields, children, strict=True)):
        return Walked(array, counts, in_keys)
    rebuilt = pa.StructArray.from_arrays([f.array for f in fields], fields=list(array.type), mask=_mask(array))
    return Walked(rebuilt, counts, in_keys)


def _map(array: pa.Array, rewrite: Rewrite, width: int) -> Walked:
    entries = array.values  # the whole child struct of keys and items: the offsets point into it
    keys, items = entries.field(0), entries.field(1)
    in_keys = bool(rewrite_leaves(keys, rewrite, width).counts.any())
    values = rewrite_leaves(items, rewrite, width)
    counts = _per_row(array.offsets, values.counts, array)
    if values.array is items:
        return Walked(array, counts, in_keys or values.in_keys)
    rebuilt = pa.MapArray.from_arrays(_offsets(array), keys, values.array, type=array.type, mask=_mask(array))
    return Walked(rebuilt, counts, in_keys or values.in_keys)
