"""`target.copy`: a feature column that is the regression target again, or a monotone
transform of it (the target in other units, its logarithm, a column computed from it), read on
the audit's row sample. The class shortcuts (`shortcuts.feature`) ask whether a column predicts
a class; a continuous target is predicted by no value's majority, so this asks whether a column
orders the rows as the target does: the correlation of the two columns' ranks. Ties share a
rank (dense ranks), so equal values stay equal; a copy, `y * 1000` or `log(y)` reach 1, an
unrelated column about 0, and a strong honest predictor stays below 0.999.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dataaudit.checks.base import Results
from dataaudit.checks.outliers import NUMERIC
from dataaudit.levels import MaxLevels
from dataaudit.profile.model import Profile
from dataaudit.profile.text_numbers import numbers_in

#: fewer rows with both numbers say too little about an order
MIN_ROWS = 50


@dataclass(frozen=True)
class Copy:
    column: str
    correlation: float
    rows: int


def judge_copies(profile: Profile, levels: MaxLevels, results: Results) -> None:
    """A finding per numeric feature column whose ranks follow the target's past `levels`."""
    sample, target = profile.sample, profile.label.column
    if sample is None or target not in sample.values.column_names:
        results.skip("target.copy", "no row sample to compare the columns with the target on")
        return
    y = numbers_in(sample.values.column(target))
    for copy in _copies(profile, y):
        results.judge(
            "target.copy", levels, copy.correlation,
            f"Column {copy.column!r} orders the rows as target {target!r} does (rank correlation "
            f"{copy.correlation:.4f} on {copy.rows:,} sampled rows): a copy or a transform of the target, "
            f"which a model reads the target from.",
            column=copy.column, details={"rank_correlation": round(copy.correlation, 6), "rows": copy.rows},
            hint="Drop the column, or check how it was computed: a value known only with the target leaks it.",
        )


def _copies(profile: Profile, y: np.ndarray) -> list[Copy]:
    columns = profile.sample.values.column_names
    found = []
    for name in profile.features:
        if name in columns and profile.column(name).type in NUMERIC:
            x = numbers_in(profile.sample.values.column(name))
            both = np.isfinite(x) & np.isfinite(y)
            if int(both.sum()) >= MIN_ROWS:
                correlation = rank_correlation(x[both], y[both])
                if correlation is not None:
                    found.append(Copy(name, correlation, int(both.sum())))
    return found


def rank_correlation(x: np.ndarray, y: np.ndarray) -> float | None:
    """The absolute correlation of the dense ranks of `x` and `y` (a decreasing transform is a
    copy too); None when either is constant, which orders nothing."""
    rx = np.unique(x, return_inverse=True)[1].astype(np.float64)
    ry = np.unique(y, return_inverse=True)[1].astype(np.float64)
    rx, ry = rx - rx.mean(), ry - ry.mean()
    scale = float(np.sqrt((rx * rx).sum() * (ry * ry).sum()))
    if scale == 0:
        return None
    return min(1.0, abs(float((rx * ry).sum()) / scale))
