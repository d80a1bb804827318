"""Where the model step meets an audit: its settings, the sample it asks of the pass, its result."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, TextIO

from pydantic import ValidationError

from dataaudit.checks.label_noise import Rules
from dataaudit.errors import InputError
from dataaudit.profile.model import Profile
from dataaudit.profile.sample import SampleSpec
from dataaudit.report.model import ReportTable

if TYPE_CHECKING:
    from dataaudit.labelnoise.assess import Scan
    from dataaudit.profile.label_quality import LabelQuality, TargetResiduals


def settings(section: Rules, sample: int | None = None, folds: int | None = None) -> Rules:
    """The rule pack's section with the command line's overrides, validated like the pack."""
    overrides = {k: v for k, v in {"sample_rows": sample, "folds": folds}.items() if v is not None}
    try:
        return Rules.model_validate({**section.model_dump(), **overrides})
    except ValidationError as exc:
        error = exc.errors()[0]
        names = {"sample_rows": "sample", "folds": "folds"}
        raise InputError(f"{names.get(error['loc'][0], error['loc'][0])}: {error['msg']}") from None


def sample_spec(rules: Rules) -> SampleSpec:
    return SampleSpec(size=rules.sample_rows, per_label=rules.sample_rows_per_class, seed=rules.seed)


def with_label_quality(profile: Profile, rules: Rules, missing_tokens: tuple[str, ...],
                       jobs: int | None, progress: TextIO | None = None, scan: Scan | None = None) -> Profile:
    """The profile with the model's findings on it; unchanged when there is no categorical target.
    `scan` reads the whole file again for the rows outside the sample (see `assess`)."""
    if profile.label is None or profile.sample is None:
        return profile
    from dataaudit.labelnoise.assess import assess

    return replace(profile, label_quality=assess(profile, rules, missing_tokens, jobs, progress, scan))


def with_target_residuals(profile: Profile, rules: Rules, missing_tokens: tuple[str, ...],
                          jobs: int | None, progress: TextIO | None = None) -> Profile:
    """The profile with the regressor's out-of-fold residuals on a regression target."""
    if profile.label is None or profile.sample is None:
        return profile
    from dataaudit.labelnoise.residuals import assess_regression

    return replace(profile, target_residuals=assess_regression(profile, rules, missing_tokens, jobs, progress))


def residual_tables(found: TargetResiduals | None) -> list[ReportTable]:
    """Every suspected target value, farthest first, and the regressor against the mean; the
    latter alone when the regressor is no better than the mean (`TargetResiduals.no_signal`)."""
    if found is None or found.skipped:
        return []
    about = (f"{found.folds}-fold out-of-fold predictions ({found.model}) on {found.sample_rows:,} sampled rows "
             f"(seed {found.seed})")
    baseline = ReportTable(
        id="baseline.regression", title="Cross-validated regression baseline",
        columns=["metric", "model", "mean"],
        rows=[["R²", found.r2, found.r2_mean], ["mean absolute error", found.mae, found.mae_mean]],
        note=f"The same {about}; the mean is the training folds' mean, fitted fold by fold.{_unused(found.unused)}",
    )
    if found.no_signal:  # no suspects to list, only the weak model
        return [baseline]
    return [
        ReportTable(
            id="target.suspected", title="Suspected target values, farthest from the prediction first",
            columns=["row", "given", "predicted", "score"],
            rows=[[s.row, s.given, s.predicted, s.score] for s in found.suspected],
            note=f"{about}; score = |residual - median residual| / (1.4826 MAD of the residuals), suspected past "
                 f"{found.max_mads:g}. Review before changing a value.",
        ),
        baseline,
    ]


def tables(quality: LabelQuality | None) -> list[ReportTable]:
    """The suspected rows (all of them), the noise rate per class and the baseline, for the report;
    the baseline alone when the model learnt too little (`LabelQuality.withheld`)."""
    if quality is None or quality.skipped:
        return []
    about = f"{quality.folds}-fold out-of-fold probabilities ({quality.model}) on {quality.sample_rows:,} " \
            f"sampled rows (seed {quality.seed})"
    scored = f"; the other {quality.scored_rows:,} labelled rows scored by the mean of the fold models" \
        if quality.scored_rows else ""
    baseline, dummy = quality.baseline, quality.dummy
    metrics = [("accuracy", baseline.accuracy, dummy.accuracy),
               ("balanced accuracy", baseline.balanced_accuracy, dummy.balanced_accuracy),
               ("macro precision", baseline.macro_precision, dummy.macro_precision),
               ("macro recall", baseline.macro_recall, dummy.macro_recall),
               ("macro F1", baseline.macro_f1, dummy.macro_f1)]
    metrics += [(f"F1 {c!r}", f, dummy.per_class_f1[c]) for c, f in baseline.per_class_f1.items()]
    learnability = ReportTable(
        id="baseline.learnability", title="Cross-validated baseline",
        columns=["metric", "model", "majority_class"],
        rows=[[name, m, d] for name, m, d in metrics],
        note=f"The same {about}; the majority class is a DummyClassifier fitted fold by fold."
             f"{_without_trees(quality.without_trees)}{_unused(quality.unused)}",
    )
    if quality.withheld:  # no suspects and no noise rates to list, only the weak model
        return [learnability]
    return [
        ReportTable(
            id="labels.suspected", title="Suspected label errors, most likely first",
            columns=["row", "given", "suggested", "score"],
            rows=[[s.row, s.given, s.suggested, s.score] for s in quality.suspected],
            note=f"{about}{scored}; {quality.method}; score = 1 - p(given label). Review before relabelling.",
        ),
        ReportTable(
            id="labels.noise_rate", title="Estimated label noise per class",
            columns=["class", "rows", "suspected", "noise_rate"],
            rows=[[c.label, c.rows, c.suspected, c.noise_rate] for c in quality.classes],
            note=f"Estimated share of wrong labels among each class's modelled rows{scored}, at most the share "
                 f"every model flags; overall {quality.noise_rate:.4f}.",
        ),
        learnability,
    ]


def _without_trees(why: str | None) -> str:
    return f" {why[0].upper()}{why[1:]}." if why else ""


def _unused(columns: dict[str, str]) -> str:
    """The columns the model did not read, with why, for a table's note: a reader weighing the
    model must know which columns it never saw (an id, a column of one-off words)."""
    if not columns:
        return ""
    return " Not read by the model: " + "; ".join(f"{name!r}, {why}" for name, why in columns.items()) + "."
