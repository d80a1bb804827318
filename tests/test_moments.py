"""A column's mean and standard deviation are right, and computed without a warning, however
large its numbers: up to the largest float, where the squares (and near it the sums) of the
numbers pass what a float holds while their mean and spread do not."""

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
