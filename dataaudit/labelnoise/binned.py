"""The boosting folds' probabilities from each fold's bins rather than its raw values.

Scoring a chunk with a fold's `predict_proba` walks every tree on the float values of every
row, and on the scoring pass that walk is most of the trees' time. A fold's trees were grown on
its bins (at most 255 per column, one byte a value) and each split on a number is a bin's upper
edge, so a value goes left exactly when its bin is at or below the split's bin: walking the
trees on the binned chunk (as scikit-learn does while fitting) gives the same leaves from an
array an eighth the size. Categories the fold's bins never saw (only its early-stopping rows
had them) are made missing first, as `predict_proba` treats them. A test pins the result
against `predict_proba`; the scikit-learn internals used here are the ones its own fit uses.
"""

from __future__ import annotations

import numpy as np
import pandas as pd


def fold_probabilities(model, tabular: pd.DataFrame) -> np.ndarray:
    """`model.predict_proba(tabular)` of a fitted `HistGradientBoostingClassifier`, on its bins."""
    values = np.array(model._preprocess_X(tabular, reset=False), dtype=np.float64, order="F")
    mapper = model._bin_mapper
    for column in np.flatnonzero(mapper.is_categorical_):
        known = np.isin(values[:, column], mapper.bin_thresholds_[column])
        values[~known, column] = np.nan
    binned = np.ascontiguousarray(mapper.transform(values))
    raw = np.zeros((len(binned), model.n_trees_per_iteration_), dtype=model._baseline_prediction.dtype, order="F")
    raw += model._baseline_prediction
    model._predict_iterations(binned, model._predictors, raw, is_binned=True, n_threads=1)
    return model._loss.predict_proba(raw)
