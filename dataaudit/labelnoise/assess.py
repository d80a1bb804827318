"""The model step of an audit: from the profile's sample to `LabelQuality`, before the checks run."""

from __future__ import annotations

import dataclasses
import functools
from collections import Counter
from collections.abc import Callable
from typing import TextIO

import numpy as np

from dataaudit.checks.label_noise import Rules
from dataaudit.labelnoise import baseline, detect
from dataaudit.labelnoise.features import class_codes, fit_encoding, unused_columns
from dataaudit.labelnoise.oof import out_of_fold
from dataaudit.labelnoise.scoring import Candidates, FoldModels, ScoringPass
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.label_quality import ClassNoise, LabelQuality, SuspectedRow
from dataaudit.profile.model import Profile
from dataaudit.profile.values import fold_label

#: runs an accumulator over every row of the audited file and returns it merged
Scan = Callable[[Callable[[], ScoringPass]], ScoringPass]


def assess(profile: Profile, rules: Rules, missing_tokens: tuple[str, ...], jobs: int | None = None,
           progress: TextIO | None = None, scan: Scan | None = None) -> LabelQuality:
    """Out-of-fold probabilities once; confident learning, noise rates and the baseline from them.

    Labels are modelled folded (`Cat` and `cat` are one class: spelling is `labels.variants`'
    business); classes with fewer sampled rows than folds are left out and reported. `scan`
    runs an accumulator over every row of the file (`Engine.accumulate`); given it, and a file
    with labelled rows outside the sample, the fold models score those rows in one more pass
    (`dataaudit.labelnoise.scoring`), so suspects and noise rates cover the whole file. The
    baseline stays the sample's: out-of-fold scores are what it measures. A baseline not clearly
    above chance (`baseline.above_chance`) ends the step there, with no suspects, no noise rates
    and no scoring pass: a model that learnt nothing would list its own errors as wrong labels.
    So does a model above chance whose sample's estimated noise rate exceeds its informedness
    (`baseline.informedness`): it would call more labels wrong than it decides rows on evidence.
    """
    sample, label = profile.sample, profile.label
    if not label.tracked:
        return _skipped(LabelQuality(0, rules.folds, rules.seed, rules.model, rules.filter_by),
                        "the target is not categorical")
    given = sample.values.column(label.column).cast("string").to_pylist()
    folded = [fold_label(g) for g in given]
    counts = Counter(folded)
    small = {_display(label.folded, k): n for k, n in sorted(counts.items()) if n < rules.folds}
    keep = np.array([counts[k] >= rules.folds for k in folded], dtype=bool)
    method = (f"rows every model flags ({rules.filter_by}), at most confident learning's estimated count, "
              "ranked by self-confidence")
    quality = LabelQuality(sample_rows=int(keep.sum()), folds=rules.folds, seed=rules.seed, model=rules.model,
                           method=method, small_classes=small)
    if len(counts) - len(small) < 2:
        return _skipped(quality, f"fewer than 2 classes have at least {rules.folds} sampled rows (one per fold)")
    index = np.flatnonzero(keep)
    encoding = fit_encoding(sample.values.take(index), profile.features, missing_tokens)
    features = encoding.apply(sample.values.take(index))
    unused = unused_columns(encoding, profile.ignored)
    if features.empty:
        return _skipped(quality, "no feature column the model can use")
    y, classes = class_codes([folded[i] for i in index])
    oof = out_of_fold(features, y, rules.model, rules.folds, rules.seed, jobs, progress)
    probs, model = oof.blended, oof.model
    names = [_display(label.folded, c) for c in classes]
    suggested = probs.argmax(axis=1)
    learnt = baseline.scores(y, suggested, names)
    guessed = baseline.scores(y, baseline.majority_predictions(y, rules.folds, rules.seed), names)
    error = baseline.chance_error(y, suggested, len(classes))
    joint_counts = detect.confident_counts(y, probs, detect.thresholds(y, probs))
    class_rows = np.bincount(y, minlength=len(classes))
    fitted = LabelQuality(sample_rows=len(y), folds=rules.folds, seed=rules.seed, model=model, method=quality.method,
                          baseline=learnt, dummy=guessed, small_classes=small, models=list(oof.by_model),
                          unused=unused, without_trees=oof.without_trees)
    withheld = functools.partial(_withheld, fitted, names, class_rows)
    if not baseline.above_chance(learnt.balanced_accuracy, 1.0 / len(classes), error):
        return withheld(no_signal=_no_signal(label.column, learnt.balanced_accuracy, len(classes), error, len(y)))
    claimed = detect.noise_rates(detect.calibrated_joint(joint_counts, class_rows))[1]
    if claimed > baseline.informedness(learnt.balanced_accuracy, len(classes)):
        return withheld(too_weak=_too_weak(learnt.balanced_accuracy, len(classes), claimed))
    rows = np.asarray(sample.rows, dtype=np.int64)
    chosen = detect.sample_candidates(y, oof.by_model, rules.filter_by)
    found = Candidates().extended(rows[index[chosen]], probs[chosen, y[chosen]], probs[chosen].argmax(axis=1),
                                  y[chosen], [given[index[i]] for i in chosen])
    if scan is not None and profile.rows - label.missing > len(rows):
        scored = scan(functools.partial(ScoringPass, FoldModels.of(label.column, encoding, oof, y, classes,
                                                                    rules.filter_by, rows)))
        joint_counts, class_rows = joint_counts + scored.counts, class_rows + scored.class_rows
        found = found.merged(scored.candidates)
    joint = detect.calibrated_joint(joint_counts, class_rows)
    per_class, overall = detect.noise_rates(joint)
    at, confidence, suggested_class, given_class, spelling = found.arrays()
    kept = detect.ranked_suspects(at, confidence, detect.issue_count(joint, int(class_rows.sum())))
    suspected = [SuspectedRow(row=int(at[i]), given=found.spellings[spelling[i]], suggested=names[suggested_class[i]],
                              score=round(float(1.0 - confidence[i]), 6)) for i in kept]
    flagged = np.bincount(given_class[kept], minlength=len(classes))
    per_class = detect.flagged_rates(per_class, np.bincount(given_class, minlength=len(classes)), class_rows)
    return dataclasses.replace(
        fitted, suspected=suspected, noise_rate=round(overall, 6), scored_rows=int(class_rows.sum()) - len(y),
        classes=[ClassNoise(names[k], int(class_rows[k]), int(flagged[k]), round(float(per_class[k]), 6))
                 for k in range(len(classes))])


def _no_signal(column: str, balanced_accuracy: float, classes: int, error: float, rows: int) -> str:
    """Why a model that learnt nothing lists no suspects, in one line."""
    chance = 1.0 / classes
    return (f"the model predicts {column!r} no better than chance (balanced accuracy {balanced_accuracy:.2f} "
            f"against {chance:.2f} of a guess, {rows:,} rows; clearly better is above "
            f"{chance + baseline.CHANCE_SES * error:.2f}): its disagreements with the labels would be its own errors")


def _too_weak(balanced_accuracy: float, classes: int, claimed: float) -> str:
    """Why a model above chance but too weak for the share of wrong labels it claims lists no
    suspects, in one line."""
    informed = baseline.informedness(balanced_accuracy, classes)
    return (f"the model is too weak to accuse a row: its balanced accuracy {balanced_accuracy:.3f} against "
            f"{1.0 / classes:.3f} of a guess ({classes:,} classes) is {informed:.1%} of the way from a guess to "
            f"always right, yet its disagreements would call {claimed:.1%} of the labels wrong: more than its "
            f"informed predictions can explain, so they would be its own guesses")


def _withheld(quality: LabelQuality, names: list[str], class_rows: np.ndarray, no_signal: str | None = None,
              too_weak: str | None = None) -> LabelQuality:
    """The model's baseline and class counts, without suspects or noise rates: its disagreements
    are not findings (`LabelQuality.withheld`)."""
    return dataclasses.replace(
        quality, classes=[ClassNoise(name, int(n), 0, 0.0) for name, n in zip(names, class_rows, strict=True)],
        no_signal=no_signal, too_weak=too_weak)


def _display(folded: dict[str, dict[str, int]], key: str) -> str:
    spellings = folded.get(key)
    return canonical_spelling(spellings, None) if spellings else key


def _skipped(quality: LabelQuality, reason: str) -> LabelQuality:
    return LabelQuality(sample_rows=quality.sample_rows, folds=quality.folds, seed=quality.seed, model=quality.model,
                        method=quality.method, small_classes=quality.small_classes, skipped=reason)
