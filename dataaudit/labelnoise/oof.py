"""Out-of-fold predicted probabilities: every row is scored by a model that never saw it.

Confident learning needs exactly that (a model's opinion of its own training labels is
worthless), and the baseline metrics come from the same probabilities, computed once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit.labelnoise.features import Features

TEXT = "__text__"
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)


def out_of_fold(features: Features, y: np.ndarray, model: str, folds: int, seed: int,
                jobs: int | None) -> tuple[np.ndarray, str]:
    """Probabilities (rows x classes) and a description of the model that made them.

    `auto` fits both models on the same folds and blends their probabilities with the weight
    (0, 1/4, ..., 1) of least out-of-fold log loss: boosted trees win on interactions and
    thresholds, the linear model on small or smooth data and on free text, and which one wins is
    measured on the data rather than guessed. Fits run single-threaded per fold (`jobs` folds at
    once): on a busy machine OpenMP threads inside each fit cost more than they gain.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from threadpoolctl import threadpool_limits

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    use_trees = model in ("auto", "gradient_boosting") and features.tabular.shape[1] > 0
    use_linear = model in ("auto", "logistic") or not use_trees
    probs: dict[str, np.ndarray] = {}
    with threadpool_limits(limits=1):
        if use_trees:
            probs["gradient_boosting"] = cross_val_predict(_boosting(seed), features.tabular, y, cv=cv,
                                                           method="predict_proba", n_jobs=jobs)
        if use_linear:
            estimator, X = _linear(features, seed)
            probs["logistic"] = cross_val_predict(estimator, X, y, cv=cv, method="predict_proba", n_jobs=jobs)
    if len(probs) == 1:
        return next(iter(probs.items()))[::-1]
    return _blend(probs["gradient_boosting"], probs["logistic"], y)


def _blend(trees: np.ndarray, linear: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, str]:
    rows = np.arange(len(y))

    def log_loss(weight: float) -> float:
        mixed = weight * trees[rows, y] + (1 - weight) * linear[rows, y]
        return float(-np.mean(np.log(np.clip(mixed, 1e-12, 1.0))))

    weight = min(BLEND_WEIGHTS, key=log_loss)
    described = {1.0: "gradient_boosting", 0.0: "logistic"}.get(
        weight, f"gradient_boosting {weight:.2f} + logistic {1 - weight:.2f}")
    return weight * trees + (1 - weight) * linear, described


def _boosting(seed: int):
    """Early stopping and mild regularisation: faster, and less eager to learn the wrong labels."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(categorical_features="from_dtype", early_stopping=True,
                                          l2_regularization=1.0, max_leaf_nodes=15, random_state=seed)


def _linear(features: Features, seed: int):
    """One-hot categories, standardised numbers with missing indicators, TF-IDF text, logistic regression."""
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
    parts = [("numeric", make_pipeline(SimpleImputer(strategy="median", add_indicator=True,
                                                     keep_empty_features=True), StandardScaler()), numeric),
             ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)]
    if features.text is not None:
        X[TEXT] = features.text.to_numpy()
        parts.append(("text", TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=100_000), TEXT))
    design = ColumnTransformer([p for p in parts if len(p[2])])
    return make_pipeline(design, LogisticRegression(max_iter=1000, random_state=seed)), X
