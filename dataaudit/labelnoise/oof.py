"""Out-of-fold predicted probabilities: every row is scored by a model that never saw it.

Confident learning needs exactly that (a model's opinion of its own training labels is
worthless), and the baseline metrics come from the same probabilities, computed once.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TextIO

import numpy as np
import pandas as pd

from dataaudit.engines.progress import ProgressLine
from dataaudit.errors import WorkerLost
from dataaudit.labelnoise.features import Features

TEXT = "__text__"
BLEND_WEIGHTS = (0.0, 0.25, 0.5, 0.75, 1.0)
REPEATS = 3
REPEAT_BELOW_ROWS = 5_000
#: the share of a training fold the boosting sets aside to stop early (scikit-learn's default)
VALIDATION_SHARE = 0.1
MAX_VALIDATION_SHARE = 0.5
#: the fewest rows of a leaf of the boosted trees (scikit-learn's `min_samples_leaf`)
LEAF_ROWS = 20


@dataclass(frozen=True)
class Probabilities:
    """Out-of-fold probabilities of each model that ran, and their blend (what the baseline scores).

    `fitted` are each model's fold estimators and `weights` each model's share of the blend: what
    scores the rows outside the sample (`dataaudit.labelnoise.scoring`)."""

    by_model: dict[str, np.ndarray]
    blended: np.ndarray
    model: str
    fitted: dict[str, list] = field(default_factory=dict)
    weights: dict[str, float] = field(default_factory=dict)
    #: why the boosted trees did not run where they were asked to (`trees_left_out`), or None
    without_trees: str | None = None


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
    the fits are counted on (see `fit_progress`). The fold estimators are kept: they score the
    file's rows outside the sample. Classes too small for the trees' leaves leave the linear
    model alone (`trees_left_out`).
    """
    without_trees = trees_left_out(y, folds) if model in ("auto", "gradient_boosting") else None
    use_trees = model in ("auto", "gradient_boosting") and features.tabular.shape[1] > 0 and without_trees is None
    use_linear = model in ("auto", "logistic") or not use_trees
    repeats = REPEATS if len(y) < REPEAT_BELOW_ROWS else 1
    by_model: dict[str, np.ndarray] = {}
    fitted: dict[str, list] = {"gradient_boosting": [], "logistic": []}
    with one_thread_per_fit(), fit_progress(progress, (use_trees + use_linear) * repeats * folds) as fits:
        for name in [name for name, used in (("gradient_boosting", use_trees), ("logistic", use_linear)) if used]:
            estimator = (_boosting(seed, _validation_share(y, folds)) if name == "gradient_boosting"
                         else _linear(features, seed))
            by_model[name] = repeated_out_of_fold(estimator, model_inputs(name, features), y, folds, seed, repeats,
                                                  jobs, fits=fits, fitted=fitted[name])
    fitted = {name: fitted[name] for name in by_model}
    if len(by_model) == 1:
        name, probs = next(iter(by_model.items()))
        return Probabilities(by_model, probs, name, fitted, {name: 1.0}, without_trees)
    weight = _blend_weight(by_model["gradient_boosting"], by_model["logistic"], y)
    weights = {"gradient_boosting": weight, "logistic": 1 - weight}
    name = f"gradient_boosting {weight:.2f} + logistic {1 - weight:.2f}"
    return Probabilities(by_model, blend(by_model, weights), name, fitted, weights)


def trees_left_out(y: np.ndarray, folds: int) -> str | None:
    """Why the boosted trees do not run on these labels, or None when they do.

    Boosting grows one tree per class each round, so its cost grows with the classes (500 classes
    of 10 rows: about 8,000 trees a fit, 84% of an audit's time), while a class with fewer
    training rows than a leaf holds (LEAF_ROWS) can never have a leaf of its own: its trees learn
    little beyond the class's share. When the median class is that small, most classes are, and
    the linear model, which learns a class from a handful of rows at the cost of one fit for all,
    runs alone."""
    median = float(np.median(np.bincount(y))) * (folds - 1) / folds
    if median >= LEAF_ROWS:
        return None
    return (f"gradient boosting did not run: the median class has {median:.0f} rows in a training fold, fewer than "
            f"the {LEAF_ROWS} of a tree's leaf, so its trees (one per class each round, "
            f"{len(np.unique(y)):,} classes) would cost much and learn little")


def blend(by_model: dict[str, np.ndarray], weights: dict[str, float]) -> np.ndarray:
    """The models' probabilities mixed by their weights (one model: its own probabilities)."""
    if len(by_model) == 1:
        return next(iter(by_model.values()))
    return weights["gradient_boosting"] * by_model["gradient_boosting"] + weights["logistic"] * by_model["logistic"]


def model_inputs(name: str, features: Features) -> pd.DataFrame:
    """What model `name` reads: the tabular frame as it is for the trees, the frame with missing
    categories spelled out and the text joined on for the linear model. The sample's rows and
    every row scored after it go through here, so both see one encoding."""
    if name == "gradient_boosting":
        return features.tabular
    frame = features.tabular
    X = frame.copy()
    for c in frame.columns:
        if isinstance(frame[c].dtype, pd.CategoricalDtype):
            X[c] = X[c].astype("object").where(X[c].notna(), "<missing>")
    if features.text is not None:
        X[TEXT] = features.text.to_numpy()
    return X


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
                         method: str = "predict_proba", fits: ProgressLine | None = None,
                         fitted: list | None = None) -> np.ndarray:
    """Out-of-fold `method` outputs averaged over `repeats` shuffled fold draws: stratified folds
    for class probabilities, plain folds for a regressor's `predict`; each draw's `folds` fits
    are counted on `fits`, and the fitted fold estimators appended to `fitted` when given (what
    `cross_val_predict` computes, without throwing the estimators away)."""
    from sklearn.base import clone
    from sklearn.model_selection import KFold, StratifiedKFold
    from sklearn.utils.parallel import Parallel, delayed

    splitter = StratifiedKFold if method == "predict_proba" else KFold
    total = None
    for repeat in range(repeats):
        cv = splitter(n_splits=folds, shuffle=True, random_state=seed + repeat)
        splits = list(cv.split(X, y))
        with _worker_ends_as_an_error():
            done = Parallel(n_jobs=jobs)(delayed(_fit_and_apply)(clone(estimator), X, y, train, test, method)
                                         for train, test in splits)
        out = None
        for (_, test), (model, outputs) in zip(splits, done, strict=True):
            out = np.zeros((len(y), *outputs.shape[1:]), dtype=outputs.dtype) if out is None else out
            out[test] = outputs
            if fitted is not None:
                fitted.append(model)
        total = out if total is None else total + out
        if fits is not None:
            fits.advance(folds)
    return total / repeats


@contextmanager
def _worker_ends_as_an_error() -> Iterator[None]:
    """A fit's worker process (joblib's, with `jobs` above 1) that ends abruptly, as the
    out-of-memory killer ends one, stops the run with the one line a `--jobs` worker's end
    gives, not a traceback and the exit code of a failed gate."""
    from joblib.externals.loky.process_executor import TerminatedWorkerError

    try:
        yield
    except TerminatedWorkerError as exc:  # its message lists the exit codes, a signal's as `SIGKILL(-9)`
        code = re.search(r"\((-?\d+)\)", str(exc))
        raise WorkerLost.with_exit_code(int(code.group(1)) if code else None) from None


def _fit_and_apply(estimator, X, y: np.ndarray, train: np.ndarray, test: np.ndarray, method: str):
    def rows(index: np.ndarray):
        return X.iloc[index] if hasattr(X, "iloc") else X[index]

    estimator.fit(rows(train), y[train])
    return estimator, getattr(estimator, method)(rows(test))


def _blend_weight(trees: np.ndarray, linear: np.ndarray, y: np.ndarray) -> float:
    rows = np.arange(len(y))

    def log_loss(weight: float) -> float:
        mixed = weight * trees[rows, y] + (1 - weight) * linear[rows, y]
        return float(-np.mean(np.log(np.clip(mixed, 1e-12, 1.0))))

    return min(BLEND_WEIGHTS, key=log_loss)


def _validation_share(y: np.ndarray, folds: int) -> float | None:
    """The share of every training fold the boosting sets aside to stop early, or None where no
    share can be: the split is stratified, so both sides need a row of every class (at least two
    rows of the rarest class in a fold, and more validation rows than classes: with many classes
    the share grows past VALIDATION_SHARE, up to MAX_VALIDATION_SHARE)."""
    counts = np.bincount(y)
    counts = counts[counts > 0]
    k = len(counts)
    rarest = int(counts.min()) - math.ceil(counts.min() / folds)
    train = len(y) - math.ceil(len(y) / folds)
    share = max(VALIDATION_SHARE, (k + 1) / train)
    if rarest < 2 or share > MAX_VALIDATION_SHARE or train - math.ceil(share * train) < k:
        return None
    return share


def _boosting(seed: int, validation_share: float | None = VALIDATION_SHARE):
    """Early stopping and mild regularisation: faster, and less eager to learn the wrong labels.
    Without a validation share (`_validation_share`), all its rounds run."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    return HistGradientBoostingClassifier(categorical_features="from_dtype",
                                          early_stopping=validation_share is not None,
                                          validation_fraction=validation_share or VALIDATION_SHARE,
                                          l2_regularization=1.0, max_leaf_nodes=15, random_state=seed)


def _linear(features: Features, seed: int):
    """One-hot categories (missing is one), standardised median-filled numbers, TF-IDF text,
    logistic regression, over `model_inputs("logistic", features)`."""
    from sklearn.compose import ColumnTransformer
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    frame = features.tabular
    numeric = [c for c in frame.columns if not isinstance(frame[c].dtype, pd.CategoricalDtype)]
    categorical = [c for c in frame.columns if c not in numeric]
    parts = [("numeric", make_pipeline(SimpleImputer(strategy="median", keep_empty_features=True), StandardScaler()),
              numeric),
             ("categorical", OneHotEncoder(handle_unknown="ignore"), categorical)]
    if features.text is not None:
        parts.append(("text", TfidfVectorizer(sublinear_tf=True, min_df=2, max_features=100_000), TEXT))
    design = ColumnTransformer([p for p in parts if len(p[2])])
    return make_pipeline(design, LogisticRegression(max_iter=1000, random_state=seed))
