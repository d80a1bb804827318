"""Confident learning on our out-of-fold probabilities, through cleanlab.

cleanlab (Northcutt et al., "Confident Learning", JAIR 2021) estimates the joint distribution of
given and true labels from per-class confidence thresholds; rows off its diagonal are the
suspects. We give it our own probabilities, so the model stays ours and the filtering theirs.

The joint is counted here in parts (`confident_counts`, which add up chunk by chunk) and
calibrated once (`calibrated_joint`), so that it covers rows scored in a streamed pass over the
whole file as well as the sample, without keeping every row's probabilities: on the sample
alone it is cleanlab's `estimate_joint`, count for count (the tests compare them).
"""

from __future__ import annotations

import numpy as np

#: cleanlab's tolerance when it compares a probability with its class's threshold
THRESHOLD_SLACK = 1e-6


def sample_candidates(y: np.ndarray, by_model: dict[str, np.ndarray], filter_by: str) -> np.ndarray:
    """Positions of the sampled rows every model flags (cleanlab's `find_label_issues`, `filter_by`,
    on each model's out-of-fold probabilities).

    A row is a candidate when every model's probabilities flag it (by default: the model
    predicts another class); `ranked_suspects` keeps at most confident learning's estimate of
    the number of wrong labels of them. Two models of different kinds rarely misjudge the same
    honest row, and the estimate keeps a weak model's many errors from all becoming suspects.
    Measured on injected flips against filtering each model alone, the blend alone, the
    agreement without the cap and with the uncalibrated cap (benchmarks/bench_label_noise.py,
    docs/label-quality.md).
    """
    from cleanlab.filter import find_label_issues

    flagged = None
    for probs in by_model.values():
        mask = find_label_issues(labels=y, pred_probs=probs, filter_by=filter_by, n_jobs=1)
        flagged = mask if flagged is None else flagged & mask
    return np.flatnonzero(flagged)


def row_flags(y: np.ndarray, probs: np.ndarray, thresholds: np.ndarray, filter_by: str) -> np.ndarray:
    """Whether one model flags each row on its own, for rows scored outside the sample.

    cleanlab's filters other than `predicted_neq_given` rank or prune against counts of the
    whole set they are given; a streamed row is judged alone, so they stand in as confident
    learning's own rule (the row's confident class, by the sample's thresholds, is another
    than its label). `predicted_neq_given`, the default, is a rule of one row already.
    """
    if filter_by == "predicted_neq_given":
        return probs.argmax(axis=1) != y
    guess, confident = confident_classes(probs, thresholds)
    return confident & (guess != y)


def confident_classes(probs: np.ndarray, thresholds: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each row's confident class (the most probable of the classes at or above their thresholds)
    and whether it has one, as cleanlab's `compute_confident_joint` decides them."""
    above = probs >= thresholds - THRESHOLD_SLACK
    count = above.sum(axis=1)
    return np.where(count > 1, probs.argmax(axis=1), above.argmax(axis=1)), count > 0


def confident_counts(y: np.ndarray, probs: np.ndarray, thresholds: np.ndarray) -> np.ndarray:
    """Rows by given class (row) and confident class (column), for the rows that have one:
    cleanlab's confident joint before its diagonal floor and calibration. Counts of chunks add."""
    k = probs.shape[1]
    guess, confident = confident_classes(probs, thresholds)
    return np.bincount(y[confident] * k + guess[confident], minlength=k * k).reshape(k, k)


def thresholds(y: np.ndarray, probs: np.ndarray) -> np.ndarray:
    """Per-class thresholds: the mean probability of each class over the rows labelled with it."""
    from cleanlab.count import get_confident_thresholds

    return np.asarray(get_confident_thresholds(y, probs), dtype=np.float64)


def calibrated_joint(counts: np.ndarray, class_rows: np.ndarray) -> np.ndarray:
    """The estimated joint of given and true labels (sums to 1): `counts` with at least one row
    on each diagonal cell, each given class's row scaled to its `class_rows`, rounded keeping the
    row totals, as cleanlab's `calibrate_confident_joint` and `estimate_joint` do from labels.
    Taking the class counts rather than the labels is what lets the rows be counted in a pass."""
    from cleanlab.internal.constants import TINY_VALUE
    from cleanlab.internal.util import round_preserving_row_totals

    joint = counts.astype(np.int64)
    np.fill_diagonal(joint, joint.diagonal().clip(min=1))
    scaled = (joint.T / np.clip(joint.sum(axis=1), a_min=TINY_VALUE, a_max=None) * class_rows).T
    scaled = scaled / np.clip(np.sum(scaled), a_min=TINY_VALUE, a_max=None) * class_rows.sum()
    rounded = round_preserving_row_totals(scaled)
    return rounded / np.clip(float(np.sum(rounded)), a_min=TINY_VALUE, a_max=None)


def issue_count(joint: np.ndarray, rows: int) -> int:
    """How many of `rows` carry a wrong label by the joint: cleanlab's `num_label_issues` with
    `estimation_method="off_diagonal_calibrated"`, the cutoff cleanlab documents for a ranking
    (its uncalibrated count undercounts with few classes)."""
    return int(np.rint((1.0 - np.trace(joint)) * rows))


def noise_rates(joint: np.ndarray) -> tuple[np.ndarray, float]:
    """Estimated share of wrong labels per given class, and overall, from the calibrated joint."""
    given = joint.sum(axis=1)
    per_class = np.where(given > 0, 1.0 - np.diag(joint) / np.where(given > 0, given, 1.0), 0.0)
    return np.clip(per_class, 0.0, 1.0), float(np.clip(1.0 - np.trace(joint), 0.0, 1.0))


def flagged_rates(per_class: np.ndarray, candidates: np.ndarray, class_rows: np.ndarray) -> np.ndarray:
    """Each class's estimated share of wrong labels, at most the share of its rows every model
    flags (`candidates`, by given class).

    The joint counts a row against another class when its probability of that class reaches the
    class's threshold, the mean over the rows labelled with it: a class a model barely learns (one
    smaller than a tree's leaf) has a low threshold, so its rows and a neighbour's swap in the
    joint though the model predicts them right. The suspects are rows every model flags; a rate
    past them would be one model's word: on `parlspeech_uk.csv` the boosting, which cannot give a
    leaf to DUP's 9 rows, put 7 of them and 7 of SNP's 22 off the diagonal (78% and 32%) while the
    linear model predicts all 9 DUP rows right (every label there follows `party.facts.id`).
    """
    return np.minimum(per_class, candidates / np.maximum(class_rows, 1))


def ranked_suspects(rows: np.ndarray, confidence: np.ndarray, cap: int) -> np.ndarray:
    """Positions of the `cap` candidates least confident in their given label, ties by row number:
    the suspects, most likely mislabelled first."""
    return np.lexsort((rows, confidence))[:cap]
