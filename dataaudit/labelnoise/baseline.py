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


#: standard errors of a guess the balanced accuracy must clear before the model's disagreements count
CHANCE_SES = 3.0


def chance_error(y: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    """The standard error of the balanced accuracy of `predicted` against `y` under a guess:
    the labels shuffled against the predictions, both tallies kept (a permutation test, in
    closed form, with no refit).

    Shuffled, the rows of class j predicted j are hypergeometric: with n_j rows labelled j, m_j
    predicted j and N rows, their variance is n_j m_j (N - n_j)(N - m_j) / (N² (N - 1)) and two
    classes' counts covary by n_j m_j n_k m_k / (N² (N - 1)). The balanced accuracy, the mean of
    those counts over n_j, then has mean exactly 1 / classes (those with rows), whatever the model
    predicts, and the variance below. A model that predicts one class for every row has 0: its balanced
    accuracy is chance exactly, and nothing clears it.
    """
    n = np.bincount(y, minlength=classes).astype(np.float64)
    m = np.bincount(predicted, minlength=classes).astype(np.float64)
    rows = float(len(y))
    if rows < 2:
        return 0.0
    scale = rows * rows * (rows - 1.0)
    present = n > 0
    own = np.sum(m[present] * (rows - n[present]) * (rows - m[present]) / (n[present] * scale))
    shared = (m[present].sum() ** 2 - np.sum(m[present] ** 2)) / scale
    return float(np.sqrt(max(own + shared, 0.0))) / int(present.sum())


def above_chance(balanced_accuracy: float, chance: float, error: float) -> bool:
    """Whether a cross-validated balanced accuracy lies clearly above chance: more than
    CHANCE_SES standard errors of a guess (`chance_error`) above it, a one-sided permutation
    test at about 0.13%.

    Confident learning takes the model's disagreements with the labels for wrong labels, which
    holds only for a model better than chance (cleanlab says as much); a model that learnt
    nothing disagrees with about (classes - 1) / classes of the rows, and every one of those
    is its own error. The bar is one of evidence, not of strength, so it needs no setting:
    it falls as rows grow (about 0.03 over chance at 2,000 rows and 3 classes, 0.01 at
    20,000), and out-of-fold scores of a model fitted to noise sit at or below chance (each
    training fold under-represents what its held-out fold over-represents), so a guess rarely
    clears it. How much a model that does clear it may be trusted to fail the gate is
    `fail_needs_margin_over_chance`'s question.
    """
    return balanced_accuracy - chance > CHANCE_SES * error


def informedness(balanced_accuracy: float, classes: int) -> float:
    """The balanced accuracy rescaled from a guess's (0) to always right (1): the share of rows
    whose prediction is informed rather than a guess (Powers' informedness; scikit-learn's
    adjusted balanced accuracy).

    A wrong label can only be caught on a row where the model's prediction is informed, so the
    share of labels confident learning calls wrong cannot honestly exceed it: past it, most
    suspects are the model's guesses. With 500 classes a balanced accuracy of 0.012 is far above
    a guess's 0.002 by `above_chance`, yet informs 1% of the rows, while confident learning
    called 89% of the labels wrong (per-class thresholds near 1 / 500 let nearly every
    disagreement through). On 3 generated classes with 5% flipped labels the estimate stays
    below it at informedness 0.50 to 0.89 (estimated noise 0.29 to 0.05, precision of the
    suspects 0.14 to 0.87) and passes it at 0.28 to 0.10 (estimated noise 0.45 to 0.60,
    precision 0.08 to 0.06, near the 0.05 of rows picked at random). It is a ceiling, not a
    mark of quality: a model just under it still lists many honest rows, which
    `fail_needs_margin_over_chance` keeps to a warning.
    """
    chance = 1.0 / classes
    return (balanced_accuracy - chance) / (1.0 - chance)
