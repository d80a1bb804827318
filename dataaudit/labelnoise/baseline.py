"""How well the labels can be learned: the model's out-of-fold scores next to a majority guess."""

from __future__ import annotations

import numpy as np

from dataaudit.profile.label_quality import Scores


def scores(y: np.ndarray, predicted: np.ndarray, classes: list[str]) -> Scores:
    from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, precision_recall_fscore_support

    labels = np.arange(len(classes))
    precision, recall, f1, _ = precision_recall_fscore_support(y, predicted, labels=labels, average="macro",
                                                               zero_division=0)
    per_class = f1_score(y, predicted, labels=labels, average=None, zero_division=0)
    return Scores(
        accuracy=round(float(accuracy_score(y, predicted)), 6),
        balanced_accuracy=round(float(balanced_accuracy_score(y, predicted)), 6),
        macro_precision=round(float(precision), 6),
        macro_recall=round(float(recall), 6),
        macro_f1=round(float(f1), 6),
        per_class_f1={c: round(float(s), 6) for c, s in zip(classes, per_class, strict=True)},
    )


def majority_predictions(y: np.ndarray, folds: int, seed: int) -> np.ndarray:
    """What a majority-class DummyClassifier predicts for each row, fold by fold like the model."""
    from sklearn.dummy import DummyClassifier
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    return cross_val_predict(DummyClassifier(strategy="most_frequent"), np.zeros((len(y), 1)), y, cv=cv)
