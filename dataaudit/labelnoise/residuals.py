"""The label model as a regressor: out-of-fold residuals of a regression target, and its doubtful rows.

Every sampled row's target is predicted by boosted trees that never saw the row (the folds of
`oof.repeated_out_of_fold`, drawn REPEATS times below REPEAT_BELOW_ROWS rows and averaged). The
trees minimise absolute error: a few corrupted targets in the training folds would pull a
squared-error fit towards themselves and hide their own residuals. A row is suspected when its
residual lies more than `max_mads` robust standard deviations from the median residual, the
robust standard deviation being 1.4826 times the residuals' median absolute deviation (MAD),
which a few wild residuals do not inflate as they would a standard deviation (see
`_robust_scale` for a censored target's pile of exact predictions). The out-of-fold
R² is reported next to that of the training folds' mean, the baseline any feature must beat;
a regressor that does not beat it lists no suspects (`_no_signal`).
"""

from __future__ import annotations

import math
from typing import TextIO

import numpy as np
import pandas as pd

from dataaudit.checks.label_noise import Rules
from dataaudit.labelnoise.features import LARGEST, fit_encoding, unused_columns
from dataaudit.labelnoise.oof import (
    REPEAT_BELOW_ROWS,
    REPEATS,
    fit_progress,
    one_thread_per_fit,
    repeated_out_of_fold,
)
from dataaudit.profile.label_quality import SuspectedValue, TargetResiduals
from dataaudit.profile.model import Profile

MODEL = "gradient_boosting (absolute error)"
#: the model where most rows hold the target's least (or greatest) value: see `_median_at_an_end`
SQUARED_MODEL = "gradient_boosting (squared error)"
#: fewer sampled rows per fold than this and a fold's residuals say more about the split than the rows
MIN_ROWS_PER_FOLD = 10
#: 1.4826 MAD estimates the standard deviation of normal residuals
MAD_TO_SD = 1.4826
#: a target value holding more of the rows is a point mass, left out of the residuals' scale
MASS_SHARE = 0.1


def assess_regression(profile: Profile, rules: Rules, missing_tokens: tuple[str, ...],
                      jobs: int | None = None, progress: TextIO | None = None) -> TargetResiduals:
    """Out-of-fold predictions of the target on the uniform part of the audit's sample."""
    sample, column = profile.sample.uniform(), profile.label.column
    settings = {"folds": rules.folds, "seed": rules.seed, "model": MODEL, "max_mads": rules.max_residual_mads}
    rows, values = np.asarray(sample.rows, dtype=np.int64), sample.values
    y_all = pd.to_numeric(values.column(column).cast("string").to_pandas().str.strip(), errors="coerce")
    numbered = np.flatnonzero(np.isfinite(y_all.to_numpy(dtype=np.float64, na_value=np.nan)))
    given = y_all.to_numpy(dtype=np.float64, na_value=np.nan)[numbered]
    unit = _unit(given)
    y = given / unit
    least = MIN_ROWS_PER_FOLD * rules.folds
    if len(y) < least:
        return TargetResiduals(len(y), **settings, skipped=f"{len(y)} sampled rows hold a target number, fewer "
                               f"than the {least} the regressor needs ({MIN_ROWS_PER_FOLD} per fold)")
    if np.ptp(y) == 0:
        return TargetResiduals(len(y), **settings, skipped="the target holds one number in the sample: nothing "
                                                           "to predict")
    if _median_at_an_end(y):
        settings["model"] = SQUARED_MODEL
    encoding = fit_encoding(values.take(numbered), profile.features, missing_tokens)
    features = encoding.apply(values.take(numbered))
    if features.tabular.shape[1] == 0:
        return TargetResiduals(len(y), **settings, skipped="no tabular feature column the regressor can use")
    repeats = REPEATS if len(y) < REPEAT_BELOW_ROWS else 1
    with one_thread_per_fit(), fit_progress(progress, 2 * repeats * rules.folds) as fits:
        regressor = _regressor(rules.seed, settings["model"] == SQUARED_MODEL)
        predicted = repeated_out_of_fold(regressor, features.tabular, y, rules.folds, rules.seed,
                                         repeats, jobs, method="predict", fits=fits)
        mean = repeated_out_of_fold(_mean(), np.zeros((len(y), 1)), y, rules.folds, rules.seed, repeats, jobs,
                                    method="predict", fits=fits)
    residual = y - predicted
    scale = _robust_scale(residual, y)
    score = np.abs(residual - np.median(residual)) / scale if scale > 0 else np.zeros(len(y))
    r2, r2_mean = round(_r2(y, predicted), 6), round(_r2(y, mean), 6)
    mae, mae_median = float(np.mean(np.abs(residual))) * unit, float(np.mean(np.abs(y - np.median(y)))) * unit
    no_signal = _no_signal(r2, r2_mean, mae, mae_median)
    suspects = np.flatnonzero(score > rules.max_residual_mads) if no_signal is None else np.array([], np.int64)
    suspects = suspects[np.lexsort((suspects, -score[suspects]))]
    return TargetResiduals(
        len(y), **settings,
        suspected=[SuspectedValue(int(rows[numbered[i]]), float(given[i]), round(float(predicted[i]) * unit, 6),
                                  round(float(score[i]), 3)) for i in suspects],
        r2=r2, r2_mean=r2_mean, no_signal=no_signal,
        mae=round(mae, 6), mae_mean=round(float(np.mean(np.abs(y - mean))) * unit, 6),
        residual_scale=round(scale * unit, 6), unused=unused_columns(encoding, profile.ignored, ("text",)),
    )


def _unit(y: np.ndarray) -> float:
    """What the target is divided by while it is fitted and scored: 1, unless its values pass
    LARGEST (about 1e308, the float maximum, is a value a file can hold), whose squares and sums
    overflow to infinity and make R² NaN. Then the least power of two that brings them below:
    dividing by one changes only the exponent, so the values keep their digits (but for those
    under the largest's rounding anyway), and R² and the robust scores do not depend on the
    unit; the errors and predictions are reported back in the target's own."""
    largest = float(np.max(np.abs(y), initial=0.0))  # no number in the sample: no scale to change
    return 2.0 ** math.ceil(math.log2(largest / LARGEST)) if largest > LARGEST else 1.0


def _no_signal(r2: float, r2_mean: float, mae: float, mae_median: float) -> str | None:
    """Why the residuals are no findings, or None: a regressor whose out-of-fold R² is not above
    the training folds' mean learnt nothing the mean does not know, and its residuals are then the
    target's distance from the mean, its own tail (85 of 2,000 rows of a lognormal drawn apart
    from its features lie past 5 robust standard deviations), not values the features contradict.
    An absolute-error regressor aims at the median, whose R² on a skewed target is below the
    mean's: its mean absolute error under the median's (the best constant's, in sample) is signal
    too."""
    if r2 > r2_mean or mae < mae_median:
        return None
    return (f"the regressor's out-of-fold R² {r2:.3f} is not above the mean's ({r2_mean:.3f}), nor its mean absolute "
            f"error {mae:.4g} below the median's ({mae_median:.4g}): it learnt nothing from the features, so its "
            "residuals are the target's own spread, not doubtful values")


def _robust_scale(residual: np.ndarray, y: np.ndarray) -> float:
    """1.4826 MAD of the residuals off the target's most common value when that value holds
    more than MASS_SHARE of the rows: a model that predicts a censored target's mass (0 hours)
    exactly leaves a pile of zero residuals there, which would shrink the MAD and make every
    ordinary error elsewhere look extreme. Where the MAD is still 0, the mean absolute deviation
    (times 1.2533, its normal scale) stands in."""
    values, counts = np.unique(y, return_counts=True)
    off_mass = y != values[np.argmax(counts)] if counts.max() > MASS_SHARE * len(y) else np.ones(len(y), bool)
    kept = residual[off_mass] if off_mass.sum() >= 2 else residual
    deviation = np.abs(kept - np.median(kept))
    mad = float(np.median(deviation)) * MAD_TO_SD
    return mad if mad > 0 else float(np.mean(deviation)) * 1.2533


def _r2(y: np.ndarray, predicted: np.ndarray) -> float:
    total = float(np.sum((y - y.mean()) ** 2))
    return 1.0 - float(np.sum((y - predicted) ** 2)) / total


def _median_at_an_end(y: np.ndarray) -> bool:
    """Whether half the rows or more hold the target's least or greatest value (a censored target,
    0 hours for most rows). Boosting on absolute error starts from the median and fits the sign
    of each row's error: with the median at an end every row's sign is the same, no tree can
    split, and the model predicts the median for every row, the largest true values then looking
    the most doubtful. Squared error fits those rows."""
    least, greatest = y.min(), y.max()
    return max(np.count_nonzero(y == least), np.count_nonzero(y == greatest)) * 2 >= len(y)


def _regressor(seed: int, squared: bool = False):
    from sklearn.ensemble import HistGradientBoostingRegressor

    return HistGradientBoostingRegressor(loss="squared_error" if squared else "absolute_error",
                                         categorical_features="from_dtype",
                                         early_stopping=True, l2_regularization=1.0, max_leaf_nodes=15,
                                         random_state=seed)


def _mean():
    from sklearn.dummy import DummyRegressor

    return DummyRegressor(strategy="mean")
