"""Checks judged on profiles built in memory (tests/profiles.py): the observed value, the level it
crossed, the status and the message, without a file or an engine in between."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.checks import run_checks
from dataaudit.profile.model import Profile
from dataaudit.report.model import Finding
from dataaudit.rules.model import RulePack
from tests.profiles import make_column, make_profile, spread


def judged(profile: Profile, rules: RulePack | None = None) -> tuple[dict[str, Finding], dict[str, str]]:
    """The most severe finding of each check, and every check's status (with its reason if skipped)."""
    findings, statuses = run_checks(profile, rules or RulePack())
    worst: dict[str, Finding] = {}
    for finding in findings:
        worst.setdefault(finding.check, finding)
    return worst, {s.check: s.reason or s.status for s in statuses}


# --------------------------------------------------------------------------- balance
def test_an_imbalance_of_exactly_the_warn_ratio_passes_and_one_row_more_warns() -> None:
    _, status = judged(make_profile(label_counts={"a": 1000, "b": 100}, columns=["x"]))
    assert status["balance.imbalance_ratio"] == "passed"
    found, status = judged(make_profile(label_counts={"a": 1001, "b": 100}, columns=["x"]))
    assert status["balance.imbalance_ratio"] == "warn"
    finding = found["balance.imbalance_ratio"]
    assert (finding.observed, finding.threshold) == (10.01, 10)
    assert finding.message == "Class imbalance 10.0:1 ('a' 1,001 vs 'b' 100)."
    assert finding.column == "label" and finding.details == {"classes": {"a": 1001, "b": 100}}


def test_the_smallest_class_share_is_judged_against_its_levels() -> None:
    found, status = judged(make_profile(label_counts={"a": 99, "b": 1}, columns=["x"]))
    assert status["balance.minority_share"] == "warn"
    finding = found["balance.minority_share"]
    assert (finding.observed, finding.threshold) == (0.01, 0.02)
    assert finding.message == "The smallest class 'b' is 1.0% of labelled rows (1 of 100)."
    _, status = judged(make_profile(label_counts={"a": 98, "b": 2}, columns=["x"]))
    assert status["balance.minority_share"] == "passed"
    found, _ = judged(make_profile(label_counts={"a": 1999, "b": 1}, columns=["x"]))
    assert found["balance.minority_share"].severity == "fail" and found["balance.minority_share"].threshold == 0.002


def test_one_class_skips_balance_saying_why() -> None:
    _, status = judged(make_profile(label_counts={"a": 50}, columns=["x"]))
    assert status["balance.minority_share"] == status["balance.imbalance_ratio"] == "fewer than two classes"


@given(st.lists(st.integers(1, 5000), min_size=2, max_size=6))
def test_the_smallest_class_fires_exactly_below_its_warn_share(counts: list[int]) -> None:
    labels = {f"c{i}": n for i, n in enumerate(counts)}
    _, status = judged(make_profile(label_counts=labels, columns=["x"]))
    share = min(counts) / sum(counts)
    expected = "fail" if share < 0.002 else "warn" if share < 0.02 else "passed"
    assert status["balance.minority_share"] == expected


# --------------------------------------------------------------------------- size
def test_no_rows_fails_size_rows() -> None:
    found, status = judged(make_profile(rows=0, columns=[make_column("x", rows=0)]))
    assert status["size.rows"] == "fail"
    assert found["size.rows"].message == "The dataset has no rows." and found["size.rows"].observed == 0


@pytest.mark.parametrize(("rows", "status", "observed"), [(30, "passed", None), (29, "warn", 9.666667),
                                                           (5, "fail", 1.666667)])
def test_rows_per_feature_against_its_levels(rows: int, status: str, observed: float | None) -> None:
    found, statuses = judged(make_profile(rows=rows, columns=["x", "y", "z"]))
    assert statuses["size.rows_per_feature"] == status
    if observed is not None:
        assert found["size.rows_per_feature"].observed == observed
        message = found["size.rows_per_feature"].message
        assert message == f"{rows / 3:,.1f} rows per feature column ({rows} rows, 3 features)."


def test_rows_per_feature_skips_without_features() -> None:
    _, status = judged(make_profile(label_counts={"a": 60, "b": 60}))
    assert status["size.rows_per_feature"] == "no feature columns"


# --------------------------------------------------------------------------- missing
def test_a_column_missing_exactly_the_warn_share_is_info_and_more_warns() -> None:
    found, status = judged(make_profile(columns=[make_column("x", nulls=1)]))
    assert status["missing.column_share"] == "info" and found["missing.column_share"].observed == 0.01
    found, status = judged(make_profile(columns=[make_column("x", nulls=2)]))
    assert status["missing.column_share"] == "warn"
    assert found["missing.column_share"].message == "Column 'x': 2 of 100 values missing (2.0%): 2 null."


def test_disguised_tokens_count_and_are_named() -> None:
    found, status = judged(make_profile(columns=[make_column("x", nulls=1, tokens={"NA": 30})]))
    assert status["missing.column_share"] == "fail"
    finding = found["missing.column_share"]
    assert (finding.observed, finding.threshold) == (0.31, 0.3)
    assert finding.message == "Column 'x': 31 of 100 values missing (31%): 1 null, 30 disguised ('NA' 30)."
    assert finding.details == {"nulls": 1, "tokens": {"NA": 30}, "sentinels": {}, "sentinels_in_range": {}}


def test_an_empty_column_and_missing_labels() -> None:
    found, status = judged(make_profile(rows=100, label_counts={"a": 50, "b": 49},
                                        columns=["x", make_column("y", nulls=100)]))
    assert status["missing.empty_column"] == "warn" and found["missing.empty_column"].column == "y"
    assert status["missing.target"] == "warn"  # 1% missing: above warn 0, not above fail 0.01
    assert found["missing.target"].message == "1 row (1.0%) has no label in 'label'."


# --------------------------------------------------------------------------- numeric.outliers
TAIL = [float(k) for k in range(85)] + [10_000.0] * 16  # Q1 25, Q3 75: the upper far fence is 225


def test_far_values_warn_with_their_share_and_fences() -> None:
    found, status = judged(make_profile(columns=[make_column("x", percentiles=TAIL)]))
    assert status["numeric.outliers"] == "warn"
    finding = found["numeric.outliers"]
    # 1 - cdf(225), interpolated between the 84th percentile (84) and the 85th (10,000)
    assert finding.observed == round(0.16 - 0.01 * (225 - 84) / (10_000 - 84), 6) and finding.threshold == 0.1
    assert finding.details["fences"] == [-125.0, 225.0] and finding.details["below"] == 0.0
    # no value of x lies below 0, its minimum: the fence at -125 is not named
    assert finding.message == ("Column 'x': about 16% of its values lie beyond 3 IQRs from its quartiles "
                               "(above 225: 16%).")


def test_both_fences_are_named_where_values_lie_beyond_both() -> None:
    both = [-10_000.0] * 8 + [float(k) for k in range(85)] + [10_000.0] * 8
    found, _ = judged(make_profile(columns=[make_column("x", percentiles=both)]))
    assert "(below -133: 8.0%, above 217: 8.0%)" in found["numeric.outliers"].message


def test_values_on_a_fence_are_not_beyond_it() -> None:
    on_fence = [float(k) for k in range(85)] + [225.0] * 16
    _, status = judged(make_profile(columns=[make_column("x", percentiles=on_fence)]))
    assert status["numeric.outliers"] == "passed"


def test_a_wider_fence_or_an_even_spread_passes() -> None:
    wide = RulePack.model_validate({"checks": {"outliers": {"fence_iqr": 200}}})
    assert judged(make_profile(columns=[make_column("x", percentiles=TAIL)]), wide)[1]["numeric.outliers"] == "passed"
    assert judged(make_profile(columns=[make_column("x", percentiles=spread())]))[1]["numeric.outliers"] == "passed"


@pytest.mark.parametrize(("column", "reason"), [
    (make_column("c", type="text"), "no numeric feature column"),
    (make_column("x"), "no percentiles: the profile computes them only while a check that reads them is on"),
    (make_column("x", percentiles=[0.0] * 90 + [5.0] * 11), "no numeric feature column has 20 distinct values "
                                                            "and a spread between its quartiles"),
    (make_column("x", percentiles=TAIL, distinct=19), "no numeric feature column has 20 distinct values and a "
                                                      "spread between its quartiles"),
    (make_column("id", role="ignored", percentiles=TAIL), "no numeric feature column"),
])
def test_outliers_skip_saying_why(column: object, reason: str) -> None:
    assert judged(make_profile(columns=[column]))[1]["numeric.outliers"] == reason
