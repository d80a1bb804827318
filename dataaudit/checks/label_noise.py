"""Model-based label quality: likely mislabelled rows, noise per class, whether labels are learnable.

The model runs before the checks (see `dataaudit.labelnoise`), on the audit's sample, and leaves
its results on the profile; these checks only judge them. The section's model settings (folds,
sample size, seed, model, filter) are read by the model step, the levels here. On a regression
target the model step runs a regressor instead, judged by `target.suspected`
(`dataaudit.checks.target_model`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts, skipped_without
from dataaudit.checks.registry import CLASSES, NUMBERS, Check, NoEquivalent
from dataaudit.checks.target_model import judge_target_residuals
from dataaudit.levels import MaxLevels, MinLevels, Number, Section, Toggle, Whole
from dataaudit.profile.model import Profile
from dataaudit.report.model import Severity
from dataaudit.wording import plural, verb

if TYPE_CHECKING:
    from dataaudit.profile.label_quality import LabelQuality

BY_MODEL = NoEquivalent("a cross-validated model's verdict, not a property of the values GX can state")
NEEDS = frozenset({"label_quality"})
CHECKS = (
    Check("labels.suspected", "Few rows look mislabelled to a cross-validated model (confident learning).",
          "label_noise", ("suspected", "max_noise_rate", "fail_needs_margin_over_chance"), BY_MODEL, needs=NEEDS,
          target=CLASSES),
    Check("labels.noise_rate", "No class has a high estimated share of wrong labels (one finding names every "
          "class past the level, worst first).", "label_noise",
          ("max_class_noise_rate",), BY_MODEL, needs=NEEDS,
          target=CLASSES),
    Check("baseline.learnability", "A cross-validated model beats a majority-class guess by a clear margin.",
          "label_noise", ("min_f1_gain",), BY_MODEL, needs=NEEDS,
          target=CLASSES),
    Check("target.suspected", "Few regression target values lie far from a cross-validated regressor's "
          "prediction.", "label_noise", ("suspected", "max_residual_mads"), BY_MODEL, needs=NEEDS,
          target=NUMBERS),
)

FilterBy = Literal["prune_by_noise_rate", "prune_by_class", "both", "confident_learning", "predicted_neq_given",
                   "low_normalized_margin", "low_self_confidence"]


class Rules(Section):
    folds: Whole = Field(5, ge=2, le=50)
    sample_rows: Whole = Field(100_000, ge=10)
    sample_rows_per_class: Whole = Field(50, ge=2)
    seed: Whole = Field(0, ge=0, le=2**31 - 1)  # scikit-learn takes below 2**32, the folds count up from it
    model: Literal["auto", "gradient_boosting", "logistic"] = "auto"
    filter_by: FilterBy = "predicted_neq_given"
    suspected: Toggle = Toggle.WARN
    max_noise_rate: MaxLevels = MaxLevels(fail=0.10)
    # a fail also needs two models that agree and a baseline this far above chance (balanced accuracy)
    fail_needs_margin_over_chance: Number = Field(0.20, ge=0.0, le=1.0)
    max_class_noise_rate: MaxLevels = MaxLevels(warn=0.20)
    min_f1_gain: MinLevels = MinLevels(warn=0.05)
    max_residual_mads: Number = Field(5.0, gt=0, description="A regression target value is suspected when its "
                                                            "out-of-fold residual lies more than this many robust "
                                                            "standard deviations (1.4826 MAD) from the median.")


def run(profile: Profile, rules: Rules, results: Results) -> None:
    judge_target_residuals(profile, rules, results)
    quality = profile.label_quality
    for_classes = tuple(check for check in CHECKS if check.target == CLASSES)
    if skipped_without(profile, quality, "model-based label checks are off (--label-noise turns them on)", for_classes,
                       results):
        return
    column = profile.label.column
    if quality.withheld:  # the model learnt too little: its disagreements are its own errors
        for check in ("labels.suspected", "labels.noise_rate"):
            results.skip(check, quality.withheld)
    else:
        _suspected(quality, rules, results, column)
        _noise_rate(quality, rules, results, column)
    _learnability(quality, rules, results, column)


def _suspected(quality: LabelQuality, rules: Rules, results: Results, column: str) -> None:
    rows = quality.suspected
    if not rows:
        return
    severity = rules.max_noise_rate.judge(quality.noise_rate) or rules.suspected.severity
    trusted = _trusted(quality, rules)
    held_back = severity is Severity.FAIL and not trusted
    if held_back:
        severity = Severity.WARN
    # each score as the table shows it, to three places: 0.998 is no 1.00
    top = ", ".join(f"row {s.row} '{s.given}' -> '{s.suggested}' ({s.score:.3f})" for s in rows[:3])
    results.add(
        "labels.suspected", severity,
        f"{len(rows):,} of {quality.modelled_rows:,} modelled rows ({pct(len(rows), quality.modelled_rows)}) look "
        f"mislabelled; estimated noise rate {pct(quality.noise_rate, 1)}. Most likely: {top}. "
        f"{_witnesses(quality)}" + (f" A warning, not a failure: {_why_not_trusted(quality, rules)}."
                                     if held_back else ""),
        column=column, threshold=rules.max_noise_rate.breached(quality.noise_rate),
        observed={"suspected_rows": len(rows), "estimated_noise_rate": round(quality.noise_rate, 6),
                  "models": quality.models, "balanced_accuracy": quality.baseline.balanced_accuracy,
                  "chance": round(quality.chance, 6), "margin_over_chance": quality.margin_over_chance,
                  "trusted": trusted},
        examples=[s.row for s in rows[:20]],
        details={"estimated_noise_rate": round(quality.noise_rate, 6), "modelled_rows": quality.modelled_rows,
                 "model": quality.model, "method": quality.method, "folds": quality.folds, "seed": quality.seed},
        hint="Review these rows by hand (the labels.suspected table lists every one, most likely first) "
             "before relabelling or dropping them.",
    )


def _trusted(quality: LabelQuality, rules: Rules) -> bool:
    """Whether the model's word is enough to fail the gate.

    A suspect is a row every model that ran flags; one model alone, or models that barely beat a
    guess, flag their own mistakes as much as wrong labels (text-only data with a weak linear
    model: half the rows "suspected"). Two models of different kinds agreeing, with a baseline
    clearly above chance, is the evidence a failure needs; anything less stays a warning.
    """
    return len(quality.models) >= 2 and quality.margin_over_chance >= rules.fail_needs_margin_over_chance


def _witnesses(quality: LabelQuality) -> str:
    models = quality.models
    if len(models) > 1:
        who = f"{' and '.join(models)} agree on every suspect; their blend's"
    else:
        why = f" ({quality.without_trees})" if quality.without_trees else ""
        who = f"only {models[0]} ran{why}; its"
    return (f"Models: {who} cross-validated balanced accuracy {quality.baseline.balanced_accuracy:.3f} is "
            f"{quality.margin_over_chance:+.3f} over chance ({quality.chance:.3f}).")


def _why_not_trusted(quality: LabelQuality, rules: Rules) -> str:
    margin = rules.fail_needs_margin_over_chance
    lacking = ["two models"] if len(quality.models) < 2 else []
    if quality.margin_over_chance < margin:
        lacking.append(f"a balanced accuracy at least {margin:.2f} over chance")
    return f"a failure needs {' and '.join(lacking)} (a weak model's own errors look like wrong labels)"


def _noise_rate(quality: LabelQuality, rules: Rules, results: Results, column: str) -> None:
    _noisy_classes(quality, rules.max_class_noise_rate, results, column)
    if quality.small_classes:
        results.add(
            "labels.noise_rate", Severity.INFO,
            f"Classes with fewer sampled rows than the {quality.folds} folds were left out of the model: "
            f"{quoted_counts(quality.small_classes)}.",
            column=column, observed=len(quality.small_classes), examples=list(quality.small_classes),
            hint="Collect more rows of these classes, or lower checks.label_noise.folds.",
        )


#: the classes past the level that the `labels.noise_rate` finding's message names, worst first;
#: its details and the table list every one
LISTED_CLASSES = 5


def _noisy_classes(quality: LabelQuality, levels: MaxLevels, results: Results, column: str) -> None:
    """One finding for all the classes past the level, judged by the worst of them.

    A finding per class buried the rest of the report: 60 classes a model learns well, a tenth
    of each flipped, gave 54 near-identical warnings under a 5% level, each its own CI
    annotation and SARIF result. The one finding says how many classes passed, names the worst
    few and keeps every one with its numbers in its details. Its severity is the worst class's,
    so the gate passes, warns or fails as it did with a finding per class.
    """
    noisy = sorted((c for c in quality.classes if levels.judge(c.noise_rate)), key=lambda c: (-c.noise_rate, c.label))
    if not noisy:
        return
    listed = ", ".join(f"{c.label!r} {pct(c.noise_rate, 1)} of {c.rows:,} rows ({c.suspected:,} suspected)"
                       for c in noisy[:LISTED_CLASSES])
    more = f" and {len(noisy) - LISTED_CLASSES:,} more" if len(noisy) > LISTED_CLASSES else ""
    lowest = min(level for level in (levels.warn, levels.fail) if level is not None)
    results.judge(
        "labels.noise_rate", levels, noisy[0].noise_rate,
        f"{len(noisy):,} of {plural(len(quality.classes), 'modelled class', 'modelled classes')} "
        f"{verb(len(noisy), 'has', 'have')} an estimated share of wrong labels above {pct(lowest, 1)}: "
        f"{listed}{more}. Over all {quality.modelled_rows:,} modelled rows it is {pct(quality.noise_rate, 1)}.",
        column=column, examples=[c.label for c in noisy],
        details={"kind": "noisy_classes", "examples_are": "labels",
                 "classes": {c.label: {"noise_rate": round(c.noise_rate, 6), "rows": c.rows, "suspected": c.suspected}
                             for c in noisy},
                 "estimated_noise_rate": round(quality.noise_rate, 6)},
        hint="Review the suspected rows of these classes (the labels.suspected table), or how they are told "
             "apart; the labels.noise_rate table lists every class.",
    )


def _learnability(quality: LabelQuality, rules: Rules, results: Results, column: str) -> None:
    """The model's macro F1 over a majority-class guess's. A guess of one class scores a low macro
    F1, so a model that predicts no better than chance still shows a gain over it (0.15 on three
    balanced classes of noise): such a model's gain is counted as none, and the finding says why."""
    model, dummy = quality.baseline, quality.dummy
    gain = model.macro_f1 - dummy.macro_f1
    judged, why = (0.0, f"; but {quality.no_signal}, so it counts as no gain") if quality.no_signal else (gain, "")
    results.judge(
        "baseline.learnability", rules.min_f1_gain, judged,
        f"{quality.folds}-fold cross-validation ({quality.model}) reaches macro F1 {model.macro_f1:.3f} (accuracy "
        f"{model.accuracy:.3f}); a majority-class guess reaches {dummy.macro_f1:.3f} ({dummy.accuracy:.3f}): "
        f"a gain of {gain:.3f}{why}.",
        column=column,
        details={"model": model.__dict__, "dummy": dummy.__dict__},
        hint="Features that barely predict the label: check the target column, leaked or missing features, "
             "or label noise.",
    )
