"""The sum behind a column's mean is exact: compared with `fractions.Fraction` sums of the same
numbers, over every float (subnormals, numbers near the largest, negative zero, both signs),
weighted by row counts or not, by the extraction levels and by the per-exponent sums they fall
back on, in passes of any size. The weighted sums (a chunk's distinct values and their row
counts) give the mean of the same numbers row by row, to the bit."""

from __future__ import annotations

import itertools
import math
from fractions import Fraction
from pathlib import Path
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.profile import exact_sum as module
from dataaudit.profile.column import Moments
from dataaudit.profile.exact_sum import EXACT, exact_sum
from dataaudit.profile.extract import extract
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec

finite = st.floats(allow_nan=False, allow_infinity=False)
# numbers of one column: few binary orders of magnitude apart, as the extraction levels take them
ordinary = st.builds(lambda digits, exponent: digits * 10.0**exponent, st.integers(-10**6, 10**6),
                     st.integers(-8, 4))
subnormal = st.floats(-2.0**-1022, 2.0**-1022, allow_subnormal=True)
HEAVY = 2**27  # the rows of one pass per exponent


def _exact(values: list[float], counts: list[int] | None = None) -> Fraction:
    counts = counts or [1] * len(values)
    return sum((Fraction(x) * n for x, n in zip(values, counts, strict=True)), Fraction(0)) * 2**EXACT


def _arrays(values: list[float], counts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    return np.array(values, dtype=np.float64), np.array(counts, dtype=np.float64)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(finite, ordinary, subnormal, st.sampled_from([0.0, -0.0, 5e-324, -1.7976931348623157e308])),
                min_size=1, max_size=60), st.lists(st.integers(1, 10**6), min_size=60, max_size=60))
@example([1.7976931348623157e308, 1.7976931348623157e308, -5e-324], [1] * 60)
@example([-0.0, 0.0, -0.0], [1] * 60)
@example([0.1, 0.2, 0.3, 1e-300, -1e300, 1e300], [3] * 60)
def test_the_sum_is_exact_weighted_or_not(values: list[float], counts: list[int]) -> None:
    counts = counts[:len(values)]
    array, weights = _arrays(values, counts)
    assert exact_sum(array) == _exact(values)
    assert exact_sum(array, weights) == _exact(values, counts)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.integers(-10**6, 10**6).map(lambda n: n / 1024), min_size=1, max_size=60),
       st.lists(st.integers(1, 2**32), min_size=60, max_size=60))
def test_numbers_on_very_many_rows_are_summed_exactly_by_levels(values: list[float], counts: list[int]) -> None:
    """Row counts past a pass per exponent's (2**27) only make each level take fewer bits: 13
    or more of 2**38 rows, and these numbers span 30."""
    counts = counts[:len(values)]
    array, weights = _arrays(values, counts)
    with mock.patch.object(module, "_binned_sum", side_effect=AssertionError("not by levels")):
        assert exact_sum(array, weights) == _exact(values, counts)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(finite, subnormal, st.just(-0.0)), min_size=1, max_size=40),
       st.lists(st.integers(1, 50), min_size=40, max_size=40), st.integers(1, 9), st.integers(0, 4))
def test_the_sums_per_exponent_are_exact_in_passes_of_any_size(values: list[float], counts: list[int],
                                                                rows: int, levels: int) -> None:
    """The fall-back the levels end in (after `levels` of them), in passes of `rows` rows: a
    pass whose row counts reach that many is summed number by number."""
    counts = counts[:len(values)]
    array, weights = _arrays(values, counts)
    with mock.patch.object(module, "_EXACT_ROWS", rows), mock.patch.object(module, "_LEVELS", levels):
        assert exact_sum(array) == _exact(values)
        assert exact_sum(array, weights) == _exact(values, counts)


def test_numbers_too_large_for_the_levels_on_very_many_rows_are_summed_exactly() -> None:
    """Past 2**1023 over twice the rows no level can start: a pass whose row counts reach 2**27
    is summed number by number, one below it per exponent."""
    values = [1.5e308, -0.1, 5e-324, 1e-310, -2.0**-1022]
    for counts in ([2**30, 3, HEAVY, 1, 7], [1, 2, 3, 4, 5], [HEAVY - 16, 1, 2, 3, 4]):
        array, weights = _arrays(values, counts)
        assert exact_sum(array, weights) == _exact(values, counts)


def test_a_pass_per_exponent_holds_its_rows_below_2_53() -> None:
    """Just under 2**27 rows of the largest mantissa in one pass: every limb's sum is exact in float64."""
    largest_mantissa = math.nextafter(2.0, 0.0)  # 2 - 2**-52: every mantissa bit set
    weights = np.full(2**17, 2.0**10)
    weights[-1] -= 1
    array = np.full(weights.size, largest_mantissa)
    with mock.patch.object(module, "_LEVELS", 0):
        assert exact_sum(array, weights) == _exact([largest_mantissa], [HEAVY - 1])
        assert exact_sum(array) == _exact([largest_mantissa], [array.size])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(ordinary, finite, subnormal), min_size=1, max_size=30),
       st.lists(st.integers(1, 20), min_size=30, max_size=30))
def test_distinct_numbers_with_their_row_counts_have_the_rows_mean(values: list[float], counts: list[int]) -> None:
    """A chunk of text is profiled by its distinct values and their row counts, one of numbers
    row by row: the same numbers give the same mean to the bit, and the exact one."""
    counts = counts[:len(values)]
    array, weights = _arrays(values, counts)
    rows = np.repeat(array, counts)
    by_value, by_row = Moments.of(array, weights), Moments.of(rows)
    assert by_value.mean == by_row.mean == float(_exact(values, counts) / 2**EXACT / sum(counts))
    assert by_value.total == by_row.total


#: their mean, 500.9453125, sits on a tie of the six decimals a report shows, which a float sum of
#: chunks' sums rounded either way (500.94531250000006 with every row a chunk of its own)
TIED = [1e3, 2.5, 1e3, 1.75, 1e3, 1e3, 1.75, 1.75, 2.5, 1.75, 1e3, 1.75, 1.75, 1e3, 1e3, 1e3, 1e3, 1.75,
        1e3, 1.75, 1.75, 1e3, 1.75, 1e3, 1e3, 2.5, 1e3, 1e3, 1.75, 1e3, 1.75, 1.75]


@pytest.mark.parametrize("cuts", [[], [1], [5, 17], list(range(1, 39))])
def test_a_column_read_as_text_or_as_numbers_has_one_mean_for_any_chunking(cuts: list[int]) -> None:
    """The same column as CSV text (counted per distinct value) and as float64 (row by row), cut
    anywhere: one mean, the exact one."""
    numbers = TIED
    assert sum(map(Fraction, numbers)) / len(numbers) == Fraction("500.9453125")
    columns = {"text": pa.array([repr(x) for x in numbers]), "number": pa.array(numbers, pa.float64())}
    means = set()
    for name, array in columns.items():
        bounds = [0, *[c for c in cuts if c < len(numbers)], len(numbers)]
        merged = None
        for start, stop in itertools.pairwise(bounds):
            partial = PartialProfile.create(ProfileSpec(), [name])
            partial.add(pa.RecordBatch.from_arrays([array.slice(start, stop - start)], names=[name]), start)
            merged = partial if merged is None else merged.merged(partial)
        assert merged is not None
        means.add(extract(merged).column(name).numeric.mean)
    assert means == {500.9453125}


@pytest.mark.parametrize(("chunk_rows", "jobs"), [(5, 1), (5, 2), (3, 2)])
def test_an_audit_reports_one_mean_for_any_chunk_size_and_jobs(tmp_path: Path, chunk_rows: int, jobs: int) -> None:
    """A mean of 2504.1796875, shown to six decimals, as numbers and as text: summing chunks of
    5 rows in floats gave 2504.1796874999995, shown as 2504.179687."""
    numbers = [2.5, 3.25, 1e3, 12345.5, 3.25, 12345.5, 12345.5, 6.375, 1e3, 3.25, 3.25, 2.5, 1.75, 1.75, 1e3, 2.5]
    assert sum(map(Fraction, numbers)) / len(numbers) == Fraction("2504.1796875")
    data = tmp_path / "tied.parquet"
    pq.write_table(pa.table({"x": pa.array(numbers), "text": [repr(x) for x in numbers],
                             "label": ["ab"[i % 2] for i in range(len(numbers))]}), data)

    def means(**options: int) -> list[float]:
        report = dataaudit.audit(data, target="label", **options).to_dict()
        return [column["numeric"]["mean"] for column in report["dataset"]["column_profiles"][:2]]

    assert means(chunk_rows=chunk_rows, jobs=jobs) == means() == [2504.179688] * 2
