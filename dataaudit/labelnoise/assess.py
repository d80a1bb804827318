"""The model step of an audit: from the profile's sample to `LabelQuality`, before the checks run."""

from __future__ import annotations

from collections import Counter
from typing import TextIO

import numpy as np

from dataaudit.checks.label_noise import Rules
from dataaudit.labelnoise import baseline, detect
from dataaudit.labelnoise.features import class_codes, prepare
from dataaudit.labelnoise.oof import out_of_fold
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.label_quality import ClassNoise, LabelQuality, SuspectedRow
from dataaudit.profile.model import Profile
from dataaudit.profile.values import fold_label


def assess(profile: Profile, rules: Rules, missing_tokens: tuple[str, ...], jobs: int | None = None,
           progress: TextIO | None = None) -> LabelQuality:
    """Out-of-fold probabilities once; confident learning, noise rates and the baseline from them.

    Labels are modelled folded (`Cat` and `cat` are one class: spelling is `labels.variants`'
    business); classes with fewer sampled rows than folds are left out and reported.
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
    features = prepare(sample.values.take(index), profile.features, missing_tokens)
    if features.empty:
        return _skipped(quality, "no feature column the model can use")
    y, classes = class_codes([folded[i] for i in index])
    oof = out_of_fold(features, y, rules.model, rules.folds, rules.seed, jobs, progress)
    probs, model = oof.blended, oof.model
    names = [_display(label.folded, c) for c in classes]
    issues = detect.label_issues(y, oof.by_model, probs, rules.filter_by)
    per_class, overall = detect.noise_rates(y, probs)
    suggested = probs.argmax(axis=1)
    suspected = [SuspectedRow(row=sample.rows[index[i]], given=given[index[i]], suggested=names[suggested[i]],
                              score=round(float(1.0 - probs[i, y[i]]), 6)) for i in issues]
    flagged = np.bincount(y[issues], minlength=len(classes))
    rows = np.bincount(y, minlength=len(classes))
    return LabelQuality(
        sample_rows=len(y), folds=rules.folds, seed=rules.seed, model=model, method=quality.method,
        suspected=suspected,
        classes=[ClassNoise(names[k], int(rows[k]), int(flagged[k]), round(float(per_class[k]), 6))
                 for k in range(len(classes))],
        noise_rate=round(overall, 6),
        baseline=baseline.scores(y, suggested, names),
        dummy=baseline.scores(y, baseline.majority_predictions(y, rules.folds, rules.seed), names),
        small_classes=small, models=list(oof.by_model),
    )


def _display(folded: dict[str, dict[str, int]], key: str) -> str:
    spellings = folded.get(key)
    return canonical_spelling(spellings, None) if spellings else key


def _skipped(quality: LabelQuality, reason: str) -> LabelQuality:
    return LabelQuality(sample_rows=quality.sample_rows, folds=quality.folds, seed=quality.seed, model=quality.model,
                        method=quality.method, small_classes=quality.small_classes, skipped=reason)
