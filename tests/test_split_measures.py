"""The distances splits are compared by, their chance levels, and the quantile sketch they read."""

from __future__ import annotations

import json
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

import dataaudit
from dataaudit.profile.extract import extract
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.report.model import Severity
from dataaudit.splits import measures as m
from tests.cli_helpers import invoke

COUNTS = st.lists(st.integers(0, 50), min_size=2, max_size=8).filter(lambda c: sum(c) > 0)


@given(COUNTS, COUNTS)
def test_jensen_shannon_is_a_bounded_symmetric_divergence(a: list[int], b: list[int]) -> None:
    n = max(len(a), len(b))
    p = m.shares(np.array(a + [0] * (n - len(a)), dtype=float))
    q = m.shares(np.array(b + [0] * (n - len(b)), dtype=float))
    assert 0.0 <= m.js_divergence(p, q) <= 1.0 + 1e-12
    assert abs(m.js_divergence(p, q) - m.js_divergence(q, p)) < 1e-12
    assert m.js_divergence(p, p) == 0.0
    assert m.psi(p, p) == 0.0


def test_disjoint_shares_are_one_bit_apart() -> None:
    assert m.js_divergence(np.array([1.0, 0.0]), np.array([0.0, 1.0])) == 1.0


def test_cdf_of_a_discrete_column_takes_the_highest_tied_rank() -> None:
    percentiles = [0.0] * 30 + [1.0] * 50 + [2.0] * 21  # 101 values: 30% zeros, 50% ones, the rest twos
    assert m.cdf_at(percentiles, np.array([-1.0, 0.0, 0.5, 1.0, 2.0])).tolist() == [0.0, 0.29, 0.295, 0.79, 1.0]
    edges = m.bin_edges(percentiles)
    assert edges.tolist() == [np.nextafter(0.0, -np.inf), 0.0, 1.0, 2.0]  # the zeros fill the lowest decile
    assert m.bin_shares(percentiles, edges).sum() == 1.0


def test_chance_level_shrinks_with_split_size() -> None:
    assert m.psi_noise(10, 100, 100) == 9 / 50
    assert m.psi_noise(10, 100_000, 100_000) < 0.001
    assert m.js_noise(4, 1000, 1000) < m.js_noise(4, 100, 100)


def test_drift_on_small_splits_is_only_info() -> None:
    """Two samples of 30 rows from one distribution differ a lot by chance: not a warning."""
    rng = np.random.default_rng(1)
    frames = [pd.DataFrame({"x": rng.normal(size=30), "label": rng.choice(["a", "b"], size=30)}) for _ in range(2)]
    report = dataaudit.audit({"train": frames[0], "val": frames[1]}, target="label")
    drift = [f for f in report.findings if f.check == "splits.numeric_drift"]
    assert drift and all(f.severity is Severity.INFO and "too small to tell" in f.message for f in drift)


def test_an_empty_bin_of_a_small_sample_weighs_half_a_row() -> None:
    """Twenty rows of the reference's own distribution that miss one decile: the empty bin is
    what 20 rows cannot tell from a share of 1 in 40, not 1 in 10,000 (which alone gave PSI 0.69)."""
    reference = np.linspace(0.0, 1.0, 101).tolist()  # uniform on [0, 1]
    edges = m.bin_edges(reference)
    counts = np.array([3, 2, 2, 2, 2, 2, 2, 2, 3, 0], dtype=float)  # 20 rows, none in the top decile
    p, q = m.bin_shares(reference, edges), counts / counts.sum()
    assert m.share_floor(20) == 0.025
    assert m.psi(p, q, 5000, 20) < 3 * m.psi_noise(len(p), 5000, 20)
    assert m.psi(p, q) > 0.69  # unsized shares keep the old floor
    assert m.share_floor(10_000) == m.PSI_EPSILON


def _numeric_frame(rng: np.random.Generator, rows: int, shift: float = 0.0) -> pd.DataFrame:
    columns = {f"x{i}": rng.normal(size=rows).round(3) + shift for i in range(10)}
    return pd.DataFrame({**columns, "label": rng.choice(["a", "b"], size=rows)})


def test_a_twenty_row_random_test_split_does_not_drift(tmp_path: Path) -> None:
    """A test split of 20 rows drawn from the training distribution: ten numeric columns, none of
    which drifts, and a gate that passes; a 20-row split shifted by three standard deviations fails."""
    rng = np.random.default_rng(0)
    train, test, shifted = tmp_path / "train.csv", tmp_path / "test.csv", tmp_path / "shifted.csv"
    _numeric_frame(rng, 3000).to_csv(train, index=False)
    _numeric_frame(rng, 20).to_csv(test, index=False)
    _numeric_frame(rng, 20, shift=3.0).to_csv(shifted, index=False)
    out = tmp_path / "report.json"
    invoke(["audit", train, "-t", "label", "--split", f"test={test}", "--format", "json", "-o", out], 0)
    drift = [f for f in json.loads(out.read_text())["findings"] if f["check"] == "splits.numeric_drift"]
    assert drift and all(f["severity"] == "info" for f in drift), [(f["severity"], f["message"]) for f in drift]
    invoke(["audit", train, "-t", "label", "--split", f"test={shifted}", "--format", "json", "-o", out], 1)
    drift = [f for f in json.loads(out.read_text())["findings"] if f["check"] == "splits.numeric_drift"]
    assert sorted(f["column"] for f in drift if f["severity"] == "fail") == [f"x{i}" for i in range(10)]


def test_a_profile_with_quantile_sketches_survives_pickling() -> None:
    """Worker processes hand partial profiles back pickled."""
    spec = ProfileSpec(quantiles=True)
    partial = PartialProfile.create(spec, ["x"])
    partial.add(pa.RecordBatch.from_arrays([pa.array(np.arange(1000.0))], names=["x"]), 0)
    again = pickle.loads(pickle.dumps(partial))
    assert extract(again).column("x").percentiles == extract(partial).column("x").percentiles


REFERENCE_VALUES = st.lists(st.integers(-5, 5), min_size=1, max_size=60)


@given(REFERENCE_VALUES, st.lists(st.integers(1, 5), min_size=1, max_size=60))
def test_a_split_wholly_below_the_reference_drifts(reference: list[int], below: list[int]) -> None:
    """Values all smaller than any of the reference's share no bin with it, whatever mass the
    reference has at its least value (a constant column, a tenth or more of zeros)."""
    least = min(reference)
    split = [least - b for b in below]
    p_grid = np.percentile(reference, range(101), method="lower").tolist()
    q_grid = np.percentile(split, range(101), method="lower").tolist()
    edges = m.bin_edges(p_grid)
    p, q = m.bin_shares(p_grid, edges), m.bin_shares(q_grid, edges)
    assert m.psi(p, q, len(reference), len(split)) > 0.25


def test_a_sentinel_below_a_mass_at_zero_is_drift(tmp_path: Path) -> None:
    """A third of the training rows buy nothing (0); the test split writes those rows -1. They
    counted as zeros, PSI 0.002 and no finding; two samples of one distribution still agree."""
    rng = np.random.default_rng(0)

    def purchases() -> pd.DataFrame:
        counts = rng.poisson(3, 2000)
        counts[rng.random(2000) < 0.3] = 0
        return pd.DataFrame({"purchases": counts, "label": rng.choice(["p", "q"], 2000)})

    train, same, sentinel = (tmp_path / f"{name}.csv" for name in ("train", "same", "sentinel"))
    purchases().to_csv(train, index=False)
    purchases().to_csv(same, index=False)
    marked = purchases()
    marked.loc[marked["purchases"] == 0, "purchases"] = -1
    marked.to_csv(sentinel, index=False)
    out = tmp_path / "report.json"
    invoke(["audit", train, "-t", "label", "--split", f"test={same}", "--split", f"marked={sentinel}",
            "--format", "json", "-o", out], 1)
    drift = {f["message"].split("'")[3]: f for f in json.loads(out.read_text())["findings"]
             if f["check"] == "splits.numeric_drift"}
    assert list(drift) == ["marked"] and drift["marked"]["severity"] == "fail", drift


def test_a_constant_column_drifts_down_as_it_drifts_up() -> None:
    """7 in every training row: a test split of 5 drifted by PSI 0, one of 9 by 13.8."""
    rng = np.random.default_rng(0)

    def frame(c: int) -> pd.DataFrame:
        return pd.DataFrame({"x": rng.normal(size=500).round(3), "c": c, "label": rng.choice(["p", "q"], 500)})

    report = dataaudit.audit({"train": frame(7), "down": frame(5), "up": frame(9)}, target="label")
    failed = sorted(f.message.split("'")[3] for f in report.findings
                    if f.check == "splits.numeric_drift" and f.column == "c" and f.severity is Severity.FAIL)
    assert failed == ["down", "up"]
