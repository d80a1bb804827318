"""Numeric feature columns whose values reach far beyond the bulk of the column.

What `numeric.outliers` measures, per numeric feature column: the share of its numbers lying
strictly below `Q1 - fence_iqr * IQR` or strictly above `Q3 + fence_iqr * IQR` (Tukey's far
fences with the default 3), where Q1, Q3 and IQR = Q3 - Q1 come from the column's percentiles.
The percentiles are the 101 points (0, 1, ..., 100) the profile reads off the column's KLL
quantile sketch (`ProfileSpec.quantiles`, turned on because this check declares it needs
them); the share beyond a fence is the column's cumulative distribution there, interpolated
linearly between the neighbouring percentiles. Exact while a column has at most 200 numbers,
within the sketch's rank error (about 1.3%) past that, and to a percentile's width (1%) when
a fence falls between two percentiles, as in the tails: an estimate, stated as one.

A column whose quartiles coincide (IQR 0: mostly one value, such as a count that is usually
zero) has no spread to measure distance in and is not judged, and neither is one with fewer
than `min_distinct` distinct numbers: on a short scale (years of schooling, a 1-5 rating) the
quartiles are a step apart and ordinary values lie "far". The check is skipped, saying why, only
when no column is left. Columns of text, of missing values only, and non-features are not read.
Far values are not wrong values, so the levels are loose: a heavy tail (incomes, counts) warns
only when it holds a large share of the column. Past 200 numbers the sketch compacts (by a
seeded rule: the same file in the same chunks gives the same share on every run), so the share
is within the sketch's rank error of the true one, and another chunk size may move a share close
to a level to its other side.
"""

from __future__ import annotations

import numpy as np
from pydantic import Field

from dataaudit.checks.base import Results, pct
from dataaudit.checks.registry import Check, NoEquivalent
from dataaudit.levels import MaxShareLevels, Number, Section, Whole
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.profile.quantiles import cdf_at

CHECKS = (
    Check("numeric.outliers", "Few values of a numeric feature column lie far outside its quartiles.", "outliers",
          ("max_outlier_share", "fence_iqr", "min_distinct"),
          NoEquivalent("GX bounds a column by fixed values; these fences move with the column's own quartiles"),
          needs=frozenset({"quantiles"})),
)
NUMERIC = ("integer", "float")


class Rules(Section):
    fence_iqr: Number = Field(3.0, gt=0, description="How many IQRs beyond the quartiles a value is far.")
    min_distinct: Whole = Field(20, ge=2, description="Columns with fewer distinct numbers are a short scale, "
                                                    "left out.")
    max_outlier_share: MaxShareLevels = MaxShareLevels(warn=0.1, fail=0.25)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    numeric = [c for c in profile.columns if c.role == "feature" and c.type in NUMERIC and c.present]
    spread = [c for c in numeric if c.percentiles and c.distinct >= rules.min_distinct and _iqr(c) > 0]
    if not spread:
        reason = "no numeric feature column"
        if numeric:
            reason = (f"no numeric feature column has {rules.min_distinct} distinct values and a spread between "
                      "its quartiles" if any(c.percentiles for c in numeric)
                      else "no percentiles: the profile computes them only while a check that reads them is on")
        results.skip("numeric.outliers", reason)
        return
    for column in spread:
        below, above = fences(column.percentiles, rules.fence_iqr)
        low, high = outside_shares(column.percentiles, below, above)
        share = low + high
        # a fence past the column's own minimum or maximum has no value beyond it to name (the
        # negative fence of a count)
        lowest, highest = column.percentiles[0], column.percentiles[100]
        sides = [f"{side} {fence:.6g}: {pct(part, 1)}" for side, fence, part, reachable in (
            ("below", below, low, below > lowest), ("above", above, high, above < highest)) if reachable]
        results.judge(
            "numeric.outliers", rules.max_outlier_share, share,
            f"Column {column.name!r}: about {pct(share, 1)} of its values lie beyond {rules.fence_iqr:g} IQRs "
            f"from its quartiles ({', '.join(sides)}).",
            column=column.name,
            details={"fences": [below, above], "below": round(low, 6), "above": round(high, 6),
                     "quartiles": [column.percentiles[25], column.percentiles[75]]},
            hint="Check the far values: unit mix-ups and entry errors look like this; a real heavy tail may "
                 "want a log transform.",
        )


def _iqr(column: ColumnProfile) -> float:
    return column.percentiles[75] - column.percentiles[25]


def fences(percentiles: list[float], k: float) -> tuple[float, float]:
    """`(Q1 - k * IQR, Q3 + k * IQR)` of a column's percentiles."""
    q1, q3 = percentiles[25], percentiles[75]
    return q1 - k * (q3 - q1), q3 + k * (q3 - q1)


def outside_shares(percentiles: list[float], below: float, above: float) -> tuple[float, float]:
    """The shares of values strictly below `below` and strictly above `above`."""
    at_or_under = cdf_at(percentiles, np.array([np.nextafter(below, -np.inf), above]))
    return float(at_or_under[0]), float(1.0 - at_or_under[1])
