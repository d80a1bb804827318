"""A column's mean and standard deviation are right, and computed without a warning, however
large or small its numbers: up to the largest float, where the squares (and near it the sums)
of the numbers pass what a float holds while their mean and spread do not, and down to the
smallest, where the squares round to 0 while the spread does not."""

from __future__ import annotations

import json
import math
import statistics
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.profile.column import Moments
from dataaudit.profile.exact_sum import EXACT, exact_sum
from tests.cli_helpers import invoke, run

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
# no number so small that its square, or a product of two deviations, falls below the floats
moderate = st.one_of(st.just(0.0), st.floats(1e-30, 1e30), st.floats(-1e30, -1e-30))
huge = st.one_of(st.just(0.0), st.floats(1e-100, 1.7e308), st.floats(-1.7e308, -1e-100))


def _exact(values: list[float]) -> tuple[float, float]:
    """The mean and sample standard deviation in exact arithmetic, rounded once."""
    exact = [Fraction(x) for x in values]
    mean = sum(exact) / len(exact)
    variance = sum((x - mean) ** 2 for x in exact) / (len(exact) - 1)
    # the square root of a Fraction past the float range: of it over a square in range
    scale = Fraction(2) ** (math.frexp(max(map(abs, values)) or 1.0)[1] - 1)
    return float(mean), math.sqrt(float(variance / scale**2)) * float(scale)


def _merged(values: np.ndarray, cut: int) -> Moments:
    return Moments.of(values[:cut]).merged(Moments.of(values[cut:]))


@settings(max_examples=200, deadline=None)
@given(st.lists(moderate, min_size=2, max_size=40), st.integers(460, 900))
def test_moments_scale_with_their_numbers_to_the_bit(xs: list[float], k: int) -> None:
    """Multiplying every number by a power of two multiplies the mean and deviation by it exactly:
    past 2**448, where the numbers are scaled down, as below it."""
    values = np.array(xs)
    big = values * 2.0**k
    small, large = Moments.of(values), Moments.of(big)
    assert large.mean == small.mean * 2.0**k
    assert large.std() == small.std() * 2.0**k


@settings(max_examples=200, deadline=None)
@given(st.lists(huge, min_size=2, max_size=40), st.data())
def test_moments_of_huge_numbers_are_finite_and_right(xs: list[float], data: st.DataObject) -> None:
    values = np.array(xs)
    cut = data.draw(st.integers(0, len(xs)))
    mean, std = _exact(xs)
    with np.errstate(over="raise", invalid="raise"):  # no overflow on the way
        for moments in (Moments.of(values), _merged(values, cut)):
            assert math.isclose(moments.mean, mean, rel_tol=1e-9, abs_tol=1e-6 * max(map(abs, xs)))
            assert math.isclose(moments.std(), std, rel_tol=1e-9, abs_tol=1e-6 * max(map(abs, xs)))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.floats(-1e3, 1e3), min_size=2, max_size=30), st.integers(-300, 300), st.data())
def test_moments_are_right_at_any_scale_from_1e_300_to_1e300(xs: list[float], exponent: int,
                                                               data: st.DataObject) -> None:
    values = np.array(xs) * 10.0**exponent
    cut = data.draw(st.integers(0, len(xs)))
    mean, std = _exact(values.tolist())
    # a result below the normal floats is rounded to the subnormals' fixed step
    tolerance = max(1e-9 * float(np.abs(values).max()), 2 * np.finfo(float).smallest_subnormal)
    for moments in (Moments.of(values), _merged(values, cut)):
        assert math.isclose(moments.mean, mean, rel_tol=1e-9, abs_tol=tolerance)
        assert math.isclose(moments.std(), std, rel_tol=1e-9, abs_tol=tolerance)


def test_tiny_numbers_beside_zeros_keep_their_spread() -> None:
    values = np.array([0.0, 0.0, 1e-184, 3e-184, 0.0, 5e-324])
    expected = statistics.stdev([Fraction(x) for x in values.tolist()])
    for cut in range(len(values) + 1):
        assert math.isclose(_merged(values, cut).std(), float(expected), rel_tol=1e-12)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_column_of_1e300_numbers_reports_its_mean_and_spread(tmp_path: Path, runner) -> None:
    xs = [[1e300, -1e300, 3e300, 1.7e308, 1.6e308][i % 5] for i in range(50)]
    data = tmp_path / "huge.csv"
    data.write_text("x,label\n" + "".join(f"{x!r},{'ab'[i % 2]}\n" for i, x in enumerate(xs)))
    out = tmp_path / "report.json"
    _, err = runner(["audit", data, "-t", "label", "-f", "json", "-o", out, "-q"], 0)
    assert "Warning" not in err
    numeric = json.loads(out.read_text())["dataset"]["column_profiles"][0]["numeric"]
    mean, std = _exact(xs)
    assert math.isclose(numeric["mean"], mean, rel_tol=1e-12)
    assert math.isclose(numeric["std"], std, rel_tol=1e-12)
    assert math.isclose(std, statistics.stdev(x / 1e300 for x in xs) * 1e300, rel_tol=1e-9)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_column_of_1e_184_numbers_reports_its_spread(tmp_path: Path, runner) -> None:
    xs = [[1e-184, 2e-184, 4e-184, 0.0][i % 4] for i in range(40)]
    data = tmp_path / "tiny.csv"
    data.write_text("x,label\n" + "".join(f"{x!r},{'ab'[i % 2]}\n" for i, x in enumerate(xs)))
    out = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", out, "-q"], 0)
    numeric = json.loads(out.read_text())["dataset"]["column_profiles"][0]["numeric"]
    mean, std = _exact(xs)
    assert std > 0
    # the report shows six significant digits of numbers its six decimals would show as 0
    assert math.isclose(numeric["mean"], mean, rel_tol=1e-5)
    assert math.isclose(numeric["std"], std, rel_tol=1e-5)


@settings(max_examples=100, deadline=None)
@given(st.lists(moderate, min_size=1, max_size=20), st.sampled_from([[math.inf], [-math.inf], [math.inf, -math.inf]]),
       st.data())
def test_numbers_holding_an_infinity_have_its_mean_and_no_spread(xs: list[float], infinities: list[float],
                                                                 data: st.DataObject) -> None:
    """As in exact arithmetic: the mean of numbers with one infinity is it, with both it is
    undefined, and the spread is undefined, by any chunking and without a numpy warning."""
    values = np.array(data.draw(st.permutations(xs + infinities)))
    cut = data.draw(st.integers(0, len(values)))
    expected = math.nan if len(infinities) == 2 else infinities[0]
    with np.errstate(all="raise"):
        for moments in (Moments.of(values), _merged(values, cut)):
            assert moments.mean == expected or (math.isnan(moments.mean) and math.isnan(expected))
            assert math.isnan(moments.std())
            assert (moments.min, moments.max) == (min(values), max(values))


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_column_holding_an_infinity_gives_a_json_report_any_parser_reads(tmp_path: Path, runner) -> None:
    """`1e999` is read as an infinity; JSON has none, so what is not a finite number is null
    (Python's `Infinity` and `NaN` spellings are refused by jq, browsers and most parsers)."""
    data = tmp_path / "infinite.csv"
    data.write_text("x,y,label\n" + "".join(f"{'1e999' if i == 3 else i},{'-1e999' if i == 5 else i},{'ab'[i % 2]}\n"
                                           for i in range(50)))
    out = tmp_path / "report.json"
    _, err = runner(["audit", data, "-t", "label", "-f", "json", "-o", out, "-q"], 0)
    assert "Warning" not in err

    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} is not JSON")

    profiles = json.loads(out.read_text(), parse_constant=refuse)["dataset"]["column_profiles"]
    assert profiles[0]["numeric"] == {"min": 0.0, "max": None, "mean": None, "std": None}
    assert profiles[1]["numeric"] == {"min": None, "max": 49.0, "mean": None, "std": None}


def test_merging_means_of_opposite_signs_near_the_largest_float_stays_finite() -> None:
    values = np.array([-1.7e308, 9.965397022934737e307, 9.965397022934737e307])
    mean, std = _exact(values.tolist())
    for cut in range(len(values) + 1):
        merged = _merged(values, cut)
        assert math.isclose(merged.mean, mean, rel_tol=1e-9)
        assert math.isclose(merged.std(), std, rel_tol=1e-9)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(huge, st.floats(-1e-300, 1e-300)), min_size=1, max_size=40),
       st.lists(st.integers(1, 1000), min_size=40, max_size=40), st.data())
def test_the_mean_is_the_exact_sums_rounded_once_for_any_cut(xs: list[float], counts: list[int],
                                                             data: st.DataObject) -> None:
    """The sum behind the mean is exact, weighted or not, so a merged mean equals the whole's
    to the bit: a report rounding it to six decimals shows the same digits for any chunking."""
    values, weights = np.array(xs), np.array(counts[:len(xs)], dtype=np.float64)
    exact = sum(Fraction(x) * n for x, n in zip(xs, counts, strict=False))
    assert exact_sum(values, weights) == exact * 2**EXACT
    cut = data.draw(st.integers(0, len(xs)))
    assert _merged(values, cut).mean == Moments.of(values).mean == float(sum(map(Fraction, xs)) / len(xs))
