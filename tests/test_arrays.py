"""The pandas-free Arrow-to-numpy conversion gives what pyarrow's own `to_numpy` gives.

A table audit converts Arrow arrays to numpy in every chunk with `dataaudit.arrays.to_numpy`
instead of pyarrow's, which imports pandas. The two are held equal here, value for value and
dtype for dtype, on every type the audit converts, with nulls, with offsets that do not fall on
a byte (slices) and across the chunks of a chunked array; and `factorize` against pandas'.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.arrays import factorize, first_of_each, repeated, repeats, to_numpy
from tests.test_audit_imports import REFUSING_PANDAS

INTEGERS = {pa.int8(): 7, pa.int16(): 15, pa.int32(): 31, pa.int64(): 63}
UNSIGNED = {pa.uint8(): 8, pa.uint16(): 16, pa.uint32(): 32, pa.uint64(): 64}


def values_of(kind: pa.DataType) -> st.SearchStrategy:
    """Values an array of `kind` can hold, None (a null) among them."""
    if kind in INTEGERS:
        bits = INTEGERS[kind]
        plain = st.integers(-(2**bits), 2**bits - 1)
    elif kind in UNSIGNED:
        plain = st.integers(0, 2 ** UNSIGNED[kind] - 1)
    elif pa.types.is_floating(kind):
        plain = st.floats(width=kind.bit_width, allow_nan=True, allow_infinity=True)
    elif pa.types.is_boolean(kind):
        plain = st.booleans()
    elif pa.types.is_date32(kind):
        plain = st.dates()
    elif pa.types.is_timestamp(kind) or pa.types.is_date64(kind) or pa.types.is_duration(kind):
        plain = st.integers(-(2**53), 2**53)
    else:
        plain = st.text(max_size=5)
    return st.one_of(st.none(), plain)


KINDS = [*INTEGERS, *UNSIGNED, pa.float16(), pa.float32(), pa.float64(), pa.bool_(), pa.date32(), pa.date64(),
         pa.timestamp("s"), pa.timestamp("ns", tz="Europe/Paris"), pa.duration("us"), pa.string(),
         pa.large_string(), pa.binary()]


@st.composite
def arrow_arrays(draw: st.DrawFn) -> pa.Array | pa.ChunkedArray:
    """An array of a random type, sliced at a random offset, or a chunked array of such slices."""
    kind = draw(st.sampled_from(KINDS))
    if kind == pa.float16():
        make = lambda v: pa.array(np.array([np.nan if x is None else x for x in v], np.float16),  # noqa: E731
                                  mask=np.array([x is None for x in v], bool))
    elif pa.types.is_binary(kind):
        make = lambda v: pa.array([None if x is None else x.encode() for x in v], kind)  # noqa: E731
    else:
        make = lambda v: pa.array(v, kind)  # noqa: E731

    def sliced() -> pa.Array:
        array = make(draw(st.lists(values_of(kind), max_size=40)))
        start = draw(st.integers(0, len(array)))
        return array.slice(start, draw(st.integers(0, len(array) - start)))

    if draw(st.booleans()):
        return sliced()
    return pa.chunked_array([sliced() for _ in range(draw(st.integers(0, 3)))], kind)


def assert_same(ours: np.ndarray, theirs: np.ndarray) -> None:
    assert ours.dtype == theirs.dtype
    assert len(ours) == len(theirs)
    if ours.dtype == object:
        assert [(type(x), x) for x in ours] == [(type(x), x) for x in theirs]
    else:
        np.testing.assert_array_equal(ours, theirs, strict=True)


@given(arrow_arrays())
def test_to_numpy_gives_what_pyarrow_gives(array: pa.Array | pa.ChunkedArray) -> None:
    assert_same(to_numpy(array), array.to_numpy(zero_copy_only=False) if isinstance(array, pa.Array)
                else array.to_numpy())


@given(st.lists(st.sampled_from(["a", "b", "c", None]), max_size=30), st.integers(0, 5))
def test_a_dictionary_array_gives_its_decoded_values(texts: list[str | None], start: int) -> None:
    array = pa.array(texts).dictionary_encode().slice(start)
    assert_same(to_numpy(array), array.to_numpy(zero_copy_only=False))


def test_booleans_without_nulls_stay_booleans_and_nulls_are_none() -> None:
    assert to_numpy(pa.array([True, False, True] * 3).slice(5)).tolist() == [True, True, False, True]
    assert to_numpy(pa.array([True, None, False])).tolist() == [True, None, False]


def test_a_type_it_does_not_convert_is_named() -> None:
    with pytest.raises(TypeError, match="list<item: int64>"):
        to_numpy(pa.array([[1], [2]]))


@given(st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**63]), max_size=60))
def test_factorize_numbers_values_as_pandas_does(numbers: list[int]) -> None:
    values = np.array(numbers, dtype=np.uint64)
    codes = factorize(values)
    assert codes.dtype == np.int64
    np.testing.assert_array_equal(codes, pd.factorize(values)[0])


@given(st.lists(st.integers(0, 6), max_size=60))
def test_first_of_each_marks_the_rows_whose_value_no_earlier_row_has(numbers: list[int]) -> None:
    first = first_of_each(factorize(np.array(numbers, dtype=np.uint64)))
    assert first.tolist() == [value not in numbers[:row] for row, value in enumerate(numbers)]

@given(st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**63, 2**64 - 1]), max_size=60))
def test_repeated_marks_the_values_that_occur_more_than_once(numbers: list[int]) -> None:
    values = np.array(numbers, dtype=np.uint64)
    _, which, counts = np.unique(values, return_inverse=True, return_counts=True)
    assert repeated(values).tolist() == (counts[which] > 1).tolist() == [numbers.count(n) > 1 for n in numbers]


@given(st.lists(st.integers(0, 2**64 - 1) | st.sampled_from([0, 1, 2**63, 2**64 - 1]), max_size=60))
def test_repeats_marks_the_rows_whose_value_an_earlier_row_has(numbers: list[int]) -> None:
    values = np.array(numbers, dtype=np.uint64)
    assert repeats(values).tolist() == (~first_of_each(factorize(values))).tolist() == [
        value in numbers[:row] for row, value in enumerate(numbers)]


#: Converts each type with pandas refused: pyarrow's own conversion would import it.
WITHOUT_PANDAS = REFUSING_PANDAS + """
import numpy as np, pyarrow as pa, pyarrow.csv as pv
from dataaudit.arrays import factorize, to_numpy
# one thread: a reader's pool still winding down as the interpreter ends has aborted it (SIGABRT)
table = pv.read_csv(pa.py_buffer(b"n,x,flag,day,name\\n1,1.5,true,2024-01-02,a\\n,2.5,,2024-01-03,\\n3,,false,,c\\n"),
                    read_options=pv.ReadOptions(use_threads=False))
for column in table.columns:
    print(to_numpy(column).tolist())
print(to_numpy(table["n"].chunk(0).slice(1)).tolist(), factorize(np.array([9, 4, 9], np.uint64)).tolist())
print("pandas" in sys.modules)
"""


def test_converts_without_pandas() -> None:
    proc = subprocess.run([sys.executable, "-c", WITHOUT_PANDAS], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == [
        "[1.0, nan, 3.0]",
        "[1.5, 2.5, nan]",
        "[True, None, False]",
        "[datetime.date(2024, 1, 2), datetime.date(2024, 1, 3), None]",
        "['a', '', 'c']",
        "[nan, 3.0] [0, 1, 0]",
        "False",
    ]


def test_a_view_on_arrow_data_cannot_change_it() -> None:
    array = pa.array([1.0, 2.0, 3.0])
    values = to_numpy(array.slice(1))
    with pytest.raises(ValueError, match="read-only"):
        values[0] = 99.0
    assert array.to_pylist() == [1.0, 2.0, 3.0]
