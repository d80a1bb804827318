"""The linear fold models as one: a chunk's design built once, every fold's logits in one product.

Each fold's pipeline (median imputing, standardising, one-hot, TF-IDF, logistic regression) was
fitted on its own share of the sample, so transforming a chunk fold by fold repeats the same
tokenising and encoding five times over, only to weigh the result differently. Every step is
linear once fitted, so its fitted parameters fold into the model's coefficients instead:

- a number `x` standardised after median filling adds `w/scale * x - w*mean/scale` when present
  and `w * (median - mean)/scale` when missing: one weight per column and one per missing column;
- a category's one-hot column adds its coefficient, a value the fold never saw adds nothing:
  one weight per level of the sample's encoding (and one for missing);
- TF-IDF is the sublinear term frequency times the fold's idf, divided by the row's L2 norm over
  the fold's own vocabulary: the terms are counted once over the union of the folds'
  vocabularies, and each fold's norm is the squared frequencies times its squared idf.

So a chunk is tokenised and encoded once, and one matrix product gives every fold's logits; the
probabilities are the pipelines' own (`predict_proba`) to within float rounding (a test pins
them). Only the order of the sums changes, never what the models are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from dataaudit.labelnoise.features import Encoding, Features

MISSING = "<missing>"  # what `oof.model_inputs` calls a missing category for the linear model


@dataclass(frozen=True)
class StackedLogistic:
    """Fold pipelines' weights stacked column-wise: `folds` blocks of `outputs` columns each
    (one column per class, or one in all for a two-class model)."""

    folds: int
    outputs: int
    numeric: list[str]
    numeric_weights: np.ndarray  # (numeric columns, folds * outputs)
    missing_weights: np.ndarray  # (numeric columns, folds * outputs)
    categorical: list[tuple[str, np.ndarray]]  # column, (levels + missing, folds * outputs) by category code
    vectorizer: object | None  # counts the union of the folds' vocabularies
    idf: np.ndarray | None  # (union terms, folds): a fold's idf, 0 where a term is not in its vocabulary
    text_weights: np.ndarray | None  # (union terms, folds * outputs): idf times coefficient
    intercepts: np.ndarray  # (folds * outputs,)

    @classmethod
    def of(cls, pipelines: list, encoding: Encoding) -> StackedLogistic:
        """The pipelines of `oof._linear`, fitted on the sample's folds over `encoding`'s columns."""
        designs = [p[0] for p in pipelines]
        models = [p[-1] for p in pipelines]
        outputs = models[0].coef_.shape[0]
        parts = {name: columns for name, _, columns in designs[0].transformers_ if name != "remainder"}
        numeric = list(parts.get("numeric", []))
        categorical = list(parts.get("categorical", []))
        numeric_weights, missing_weights, shift = _numeric_weights(designs, models, len(numeric))
        levels = {c.name: [*c.levels, MISSING] for c in encoding.columns if c.kind == "category"}
        vectorizer, idf, text_weights = _text_weights(designs, models) if "text" in parts else (None, None, None)
        return cls(len(pipelines), outputs, numeric, numeric_weights, missing_weights,
                   [(c, _category_weights(designs, models, i, levels[c])) for i, c in enumerate(categorical)],
                   vectorizer, idf, text_weights, np.concatenate([m.intercept_ for m in models]) + shift)

    def probabilities(self, features: Features) -> np.ndarray:
        """The mean of the folds' `predict_proba` for every row of `features`."""
        logits = np.broadcast_to(self.intercepts, (len(features.tabular), len(self.intercepts))).copy()
        if self.numeric:
            numbers = features.tabular[self.numeric].to_numpy(dtype=np.float64)
            missing = np.isnan(numbers)
            logits += np.where(missing, 0.0, numbers) @ self.numeric_weights + missing @ self.missing_weights
        for column, weights in self.categorical:
            logits += weights[features.tabular[column].cat.codes.to_numpy()]  # code -1, missing: the last row
        if self.vectorizer is not None:
            logits += self._text_logits(features.text)
        return _mean_probabilities(logits.reshape(len(logits), self.folds, self.outputs))

    def _text_logits(self, text: pd.Series) -> np.ndarray:
        frequencies = self.vectorizer.transform(text.to_numpy())
        np.log(frequencies.data, out=frequencies.data)
        frequencies.data += 1.0
        squared = frequencies.copy()
        squared.data **= 2
        norms = np.sqrt(np.asarray(squared @ self.idf**2))  # (rows, folds)
        weighted = np.asarray(frequencies @ self.text_weights).reshape(len(norms), self.folds, self.outputs)
        scale = np.divide(1.0, norms, out=np.zeros_like(norms), where=norms > 0)
        return (weighted * scale[:, :, None]).reshape(len(norms), -1)


def _coefficients(design, model, part: str) -> np.ndarray:
    """The model's coefficients on the columns of `part` of the fold's design (outputs, columns)."""
    return model.coef_[:, design.output_indices_[part]]


def _numeric_weights(designs: list, models: list, columns: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Per fold: the weight of a present value, the weight of a missing one (its median's) and the
    constant all rows share (the standardising shift), from `(x - mean) / scale` with `x` the
    value or the median."""
    if not columns:
        outputs = sum(m.coef_.shape[0] for m in models)
        return np.zeros((0, outputs)), np.zeros((0, outputs)), np.zeros(outputs)
    per_value, per_missing, shifts = [], [], []
    for design, model in zip(designs, models, strict=True):
        imputer, scaler = design.named_transformers_["numeric"]
        weights = (_coefficients(design, model, "numeric") / scaler.scale_).T  # (columns, outputs)
        per_value.append(weights)
        per_missing.append(weights * imputer.statistics_[:, None])
        shifts.append(-(weights * scaler.mean_[:, None]).sum(axis=0))
    return np.hstack(per_value), np.hstack(per_missing), np.concatenate(shifts)


def _category_weights(designs: list, models: list, position: int, levels: list[str]) -> np.ndarray:
    """Each level's coefficient in each fold (0 for a level the fold never saw), one row per
    level and a last one for missing; a level spelt like the missing marker shares its row, as
    `oof.model_inputs` makes them one value."""
    index = {v: i for i, v in reversed(list(enumerate(levels)))}
    blocks = []
    for design, model in zip(designs, models, strict=True):
        encoder = design.named_transformers_["categorical"]
        coef = _coefficients(design, model, "categorical")
        start = sum(len(c) for c in encoder.categories_[:position])
        block = np.zeros((len(levels), coef.shape[0]))
        for offset, value in enumerate(encoder.categories_[position]):
            block[index[value]] += coef[:, start + offset]
        blocks.append(block[[index[v] for v in levels]])
    return np.hstack(blocks)


def _text_weights(designs: list, models: list) -> tuple[object, np.ndarray, np.ndarray]:
    from sklearn.feature_extraction.text import CountVectorizer

    vectorizers = [d.named_transformers_["text"] for d in designs]
    terms = sorted(set().union(*(v.vocabulary_ for v in vectorizers)))
    union = {t: i for i, t in enumerate(terms)}
    shared = {k: v for k, v in vectorizers[0].get_params().items() if k in CountVectorizer().get_params()}
    counter = CountVectorizer(**{**shared, "vocabulary": union, "max_df": 1.0, "min_df": 1, "max_features": None})
    idf = np.zeros((len(terms), len(vectorizers)))
    blocks = []
    for fold, (design, model, vectorizer) in enumerate(zip(designs, models, vectorizers, strict=True)):
        coef = _coefficients(design, model, "text")
        at = np.array([union[t] for t in vectorizer.vocabulary_], dtype=np.int64)
        columns = np.fromiter(vectorizer.vocabulary_.values(), dtype=np.int64, count=len(at))
        idf[at, fold] = vectorizer.idf_[columns]
        block = np.zeros((len(terms), coef.shape[0]))
        block[at] = (coef[:, columns] * vectorizer.idf_[columns]).T
        blocks.append(block)
    return counter, idf, np.hstack(blocks)


def _mean_probabilities(logits: np.ndarray) -> np.ndarray:
    """(rows, folds, outputs) logits to the mean over folds of each fold's class probabilities, as
    `LogisticRegression.predict_proba` turns them: softmax, or for one output the logistic of it
    against 0."""
    from scipy.special import expit, softmax

    if logits.shape[2] == 1:
        positive = expit(logits[:, :, 0]).mean(axis=1)
        return np.column_stack([1.0 - positive, positive])
    return softmax(logits, axis=2).mean(axis=1)
