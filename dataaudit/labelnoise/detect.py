"""Confident learning on our out-of-fold probabilities, through cleanlab.

cleanlab (Northcutt et al., "Confident Learning", JAIR 2021) estimates the joint distribution of
given and true labels from per-class confidence thresholds; rows off its diagonal are the
suspects. We give it our own probabilities, so the model stays ours and the filtering theirs.
"""

from __future__ import annotations

import numpy as np


def label_issues(y: np.ndarray, by_model: dict[str, np.ndarray], ranking: np.ndarray, filter_by: str) -> np.ndarray:
    """Indices of rows every model flags, most likely mislabelled first (lowest `ranking`
    probability of the given label).

    Requiring each model's agreement trades a little recall for precision: a row looks wrong
    to trees and to a linear model for different reasons, and an honest but unusual row rarely
    fools both. Measured on flipped labels, the agreement beat either model and their blend.
    """
    from cleanlab.filter import find_label_issues

    flagged = None
    for probs in by_model.values():
        mask = find_label_issues(labels=y, pred_probs=probs, filter_by=filter_by, n_jobs=1)
        flagged = mask if flagged is None else flagged & mask
    index = np.flatnonzero(flagged)
    confidence = ranking[index, y[index]]
    return index[np.lexsort((index, confidence))]


def noise_rates(y: np.ndarray, probs: np.ndarray) -> tuple[np.ndarray, float]:
    """Estimated share of wrong labels per given class, and overall, from the calibrated joint."""
    from cleanlab.count import estimate_joint

    joint = estimate_joint(labels=y, pred_probs=probs)
    given = joint.sum(axis=1)
    per_class = np.where(given > 0, 1.0 - np.diag(joint) / np.where(given > 0, given, 1.0), 0.0)
    return np.clip(per_class, 0.0, 1.0), float(np.clip(1.0 - np.trace(joint), 0.0, 1.0))
