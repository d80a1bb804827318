"""Out-of-fold predicted probabilities: every row is scored by a model that never saw it.

Confident learning needs exactly that (a model's opinion of its own training labels is
worthless), and the baseline metrics come from the same probabilities, computed once.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from dataaudit.labelnoise.features import Features

TEXT = "__text__"


def out_of_fold(features: Features, y: np.ndarray, model: str, folds: int, seed: int,
                jobs: int | None) -> tuple[np.ndarray, str]:
    """Probabilities (rows x classes) and the name of the model that made them.

    `auto` is gradient boosting when there are tabular features (free text joins it through
    a stacked TF-IDF model) and the linear model on text alone.
    """
    from sklearn.model_selection import StratifiedKFold, cross_val_predict

    cv = StratifiedKFold(n_splits=folds, shuffle=True, random_state=seed)
    if model == "auto":
        model = "gradient_boosting" if features.tabular.shape[1] else "logistic"
    if model == "logistic":
        estimator, X = _linear(features, seed)
        return cross_val_predict(estimator, X, y, cv=cv, method="predict_proba", n_jobs=jobs), model
    X = features.tabular
    if features.text is not None:
        text_probs = cross_val_predict(_text_model(seed), features.text, y, cv=cv, method="predict_proba",
                                       n_jobs=jobs)
        X = X.assign(**{f"{TEXT}{k}": text_probs[:, k] for k in range(text_probs.shape[1])})
    return cross_val_predict(_boosting(seed), X, y, cv=cv, method="predict_proba", n_jobs=jobs), model


def _boosting(seed: int):
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(categorical_features="from_dtype", random_state=seed)


def _text_model(seed: int):
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline

    return make_pipeline(TfidfVectorizer(sublinear_tf=True, min_df=2, ngram_range=(1, 2), max_features=100_000),
                         LogisticRegression(max_iter=1000, random_state=seed))


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
