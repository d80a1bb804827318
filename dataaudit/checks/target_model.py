"""`target.suspected`: the regression target values a cross-validated regressor doubts.

The model step (`dataaudit.labelnoise.residuals`) predicts every sampled row's target out of
fold and leaves its residuals on the profile; this judges them: any row whose residual lies more
than `max_residual_mads` robust standard deviations from the median residual is a finding at
the `suspected` level, with the model's out-of-fold R² next to the mean's, so a reader can weigh
the witness (a model that barely beats the mean flags its own errors as much as wrong values);
one that does not beat the mean lists none, and the check is skipped saying so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataaudit.checks.base import Results, pct
from dataaudit.profile.model import Profile

if TYPE_CHECKING:
    from dataaudit.checks.label_noise import Rules

CHECK = "target.suspected"


def judge_target_residuals(profile: Profile, rules: Rules, results: Results) -> None:
    found = profile.target_residuals
    if profile.label is None:
        results.skip(CHECK, "no target column")
        return
    if found is None:
        results.skip(CHECK, "model-based label checks are off (--label-noise turns them on)")
        return
    if found.skipped or found.no_signal:  # no model, or one no better than the mean: no suspects to judge
        results.skip(CHECK, found.skipped or found.no_signal)
        return
    if not found.suspected:
        return
    top = ", ".join(f"row {s.row} {s.given:g} (predicted {s.predicted:.4g})" for s in found.suspected[:3])
    n = len(found.suspected)
    results.add(
        CHECK, rules.suspected.severity,
        f"{n:,} of {found.sample_rows:,} modelled rows ({pct(n, found.sample_rows)}) hold a target value more than "
        f"{found.max_mads:g} robust standard deviations ({found.residual_scale:.4g}) from a {found.folds}-fold "
        f"out-of-fold prediction. Farthest: {top}. The model's out-of-fold R² is {found.r2:.3f}; the mean's "
        f"{found.r2_mean:.3f}.",
        column=profile.label.column, observed=n, examples=[s.row for s in found.suspected[:20]],
        details={"r2": found.r2, "r2_mean": found.r2_mean, "mae": found.mae, "mae_mean": found.mae_mean,
                 "residual_scale": found.residual_scale, "max_mads": found.max_mads, "model": found.model,
                 "modelled_rows": found.sample_rows, "folds": found.folds, "seed": found.seed},
        hint="Review these rows (the target.suspected table lists every one, farthest first) for entry errors, "
             "unit slips or placeholders before training on them.",
    )
