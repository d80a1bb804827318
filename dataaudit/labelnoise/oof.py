"""Out-of-fold predicted probabilities: every row is scored by a model that never saw it.

Confident learning needs exactly that (a model's opinion of its own training labels is
worthless), and the baseline metrics come from the same probabilities, computed once.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TextIO

import numpy as np
import pandas as pd

from dataaudit.engines.progress import ProgressLine
from dataaudit.labelnoise.features import Features

TEXT = "__text__"
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
REPEATS = 3
REPEAT_BELOW_ROWS = 5_000


@dataclass(frozen=True)
class Probabilities:
    """Out-of-fold probabilities of each model that ran, and their blend (what the baseline scores)."""

    by_model: dict[str, np.ndarray]
    blended: np.ndarray
    model: str


def out_of_fold(features: Features, y: np.ndarray, model: str, folds: int, seed: int,
                jobs: int | None, progress: TextIO | None = None) -> Probabilities:
    """Every row's class probabilities from models that never saw the row.

    `auto` fits boosted trees and the linear model on the same folds: trees win on interactions
    and thresholds, the linear model on small or smooth data and on free text. Their blend
    weight (0, 1/4, ..., 1) is the one of least out-of-fold log loss, measured rather than
    guessed. Below REPEAT_BELOW_ROWS rows the folds are drawn REPEATS times and the
    probabilities averaged: on small data one fold split moves a handful of rows across the
    line. Fits run single-threaded (`jobs` folds at once): on a busy machine OpenMP threads
    inside each fit cost more than they gain (see `one_thread_per_fit`). `progress` is the stream
    the fits are counted on (see `fit_progress`).
    """
    use_trees = model in ("auto", "gradient_boosting") and features.tabular.shape[1] > 0
    use_linear = model in ("auto", "logistic") or not use_trees
    repeats = REPEATS if len(y) < REPEAT_BELOW_ROWS else 1
    by_model: dict[str, np.ndarray] = {}
    with one_thread_per_fit(), fit_progress(progress, (use_trees + use_linear) * repeats * folds) as fits:
        if use_trees:
            by_model["gradient_boosting"] = repeated_out_of_fold(_boosting(seed), features.tabular, y, folds, seed,
                                                                 repeats, jobs, fits=fits)
        if use_linear:
            estimator, X = _linear(features, seed)
            by_model["logistic"] = repeated_out_of_fold(estimator, X, y, folds, seed, repeats, jobs, fits=fits)
    if len(by_model) == 1:
        name, probs = next(iter(by_model.items()))
        return Probabilities(by_model, probs, name)
    blended, name = _blend(by_model["gradient_boosting"], by_model["logistic"], y)
    return Probabilities(by_model, blended, name)


def one_thread_per_fit():
    """A cap of one thread on the OpenMP and BLAS runtimes the fits use.

    threadpoolctl can only cap a runtime that is already loaded, and scikit-learn loads its OpenMP
    runtime (and SciPy its BLAS) on import: the estimators are imported first, or the cap would
    find nothing to cap and every fit would start one thread per core; on a busy machine those
    threads wait on each other far longer than the fit itself takes.
    """
    import sklearn.ensemble  # loads OpenMP (gradient boosting) and SciPy's BLAS
    import sklearn.linear_model  # noqa: F401
    from threadpoolctl import threadpool_limits

    return threadpool_limits(limits=1)


def fit_progress(stream: TextIO | None, total: int) -> ProgressLine:
    """The progress line of the label model's `total` fits: on a large sample they take longer
    than the pass, and a terminal that says nothing for minutes looks hung."""
    return ProgressLine(stream, total_rows=total, label="label model: ", unit="fits")


def repeated_out_of_fold(estimator, X, y: np.ndarray, folds: int, seed: int, repeats: int, jobs: int | None,
                         method: str = "predict_proba", fits: ProgressLine | None = None) -> np.ndarray:
    """Out-of-fold `method` outputs averaged over `repeats` shuffled fold draws: stratified folds
    for class probabilities, plain folds for a regressor's `predict`; each draw's `folds` fits
    are counted on `fits`."""
    from sklearn.model_selection import KFold, StratifiedKFold, cross_val_predict

    splitter = StratifiedKFold if method == "predict_proba" else KFold
    total = None
    for repeat in range(repeats):
        cv = splitter(n_splits=folds, shuffle=True, random_state=seed + repeat)
        out = cross_val_predict(estimator, X, y, cv=cv, method=method, n_jobs=jobs)
        total = out if total is None else total + out
        if fits is not None:
            fits.advance(folds)
    return total / repeats


def _blend(trees: np.ndarray, linear: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, str]:
    rows = np.arange(len(y))

    def log_loss(weight: float) -> float:
        mixed = weight * trees[rows, y] + (1 - weight) * linear[rows, y]
        return float(-np.mean(np.log(np.clip(mixed, 1e-12, 1.0))))

    weight = min(BLEND_WEIGHTS, key=log_loss)
    return weight * trees + (1 - weight) * linear, f"gradient_boosting {weight:.2f} + logistic {1 - weight:.2f}"


def _boosting(seed: int):
    """Early stopping and mild regularisation: faster, and less eager to learn the wrong labels."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(categorical_features="from_dtype", early_stopping=True,
                                          l2_regularization=1.0, max_leaf_nodes=15, random_state=seed)


def _linear(features: Features, seed: int):
    """One-hot categories (missing is one), standardised median-filled numbers, TF-IDF text, logistic regression."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = features.tabular
    numeric = [c for c in frame.columns if not isinstance(frame[c].dtype, pd.CategoricalDtype)]
    categorical = [c for c in frame.columns if c not in numeric]
    X = frame.copy()
    for c in categorical:
        X[c] = X[c].astype("object").where(X[c].notna(), "<missing>")
    parts = [("numeric", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()),
              numeric),
             ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)]
    if features.text is not None:
        X[TEXT] = features.text.to_numpy()
        parts.append(("text", TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=100_000), TEXT))
    design = ColumnTransformer([p for p in parts if len(p[2])])
    return make_pipeline(design, LogisticRegression(max_iter=1000, random_state=seed)), X
