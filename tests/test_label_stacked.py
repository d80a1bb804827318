"""The scoring pass's shortcuts score rows as the fold models' own `predict_proba` does.

The linear folds are stacked into one product over a chunk's design built once, the boosting
folds walk their trees on each fold's bins; each fold's own `predict_proba` is the reference:
the probabilities must agree to float rounding (the trees' exactly), on real files and on drawn
frames with missing numbers, missing and unseen categories, empty texts and two classes.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.labelnoise.binned import fold_probabilities
from dataaudit.labelnoise.features import class_codes, fit_encoding
from dataaudit.labelnoise.oof import model_inputs, one_thread_per_fit, out_of_fold
from dataaudit.labelnoise.scoring import FoldModels
from dataaudit.labelnoise.stacked import StackedLogistic
from tests.conftest import DATA

TOKENS = ("NA", "?", "")
TOLERANCE = 1e-9


def _per_fold(pipelines: list, features) -> np.ndarray:
    """What the scoring pass computed before: every fold pipeline's `predict_proba`, averaged."""
    return np.mean([p.predict_proba(model_inputs("logistic", features)) for p in pipelines], axis=0)


def _fitted(sample: pa.Table, target: str, model: str = "logistic", folds: int = 3):
    columns = [c for c in sample.column_names if c != target]
    encoding = fit_encoding(sample, columns, TOKENS)
    y, classes = class_codes(sample.column(target).cast(pa.string()).to_pylist())
    with one_thread_per_fit():
        oof = out_of_fold(encoding.apply(sample), y, model, folds, 0, 1)
    return encoding, oof, y, classes


def _halves(path: Path, target: str) -> tuple[pa.Table, pa.Table]:
    table = pacsv.read_csv(path, convert_options=pacsv.ConvertOptions(strings_can_be_null=True))
    table = table.filter(pa.compute.is_valid(table.column(target)))
    order = np.random.default_rng(0).permutation(table.num_rows)
    half = table.num_rows // 2
    return table.take(order[:half]), table.take(order[half:])


@pytest.mark.parametrize(("name", "target"), [("penguins.csv", "species"), ("cars.csv", "Origin"),
                                              ("titanic.csv", "survived"), ("healthtweets_960.csv", "agency")])
def test_stacked_folds_score_real_files_as_the_fold_pipelines(name: str, target: str) -> None:
    sample, rest = _halves(DATA / name, target)
    encoding, oof, _, _ = _fitted(sample, target)
    features = encoding.apply(rest)
    stacked = StackedLogistic.of(oof.fitted["logistic"], encoding)
    np.testing.assert_allclose(stacked.probabilities(features), _per_fold(oof.fitted["logistic"], features),
                               rtol=0, atol=TOLERANCE)


@pytest.mark.parametrize(("name", "target"), [("penguins.csv", "species"), ("titanic.csv", "survived"),
                                              ("cars.csv", "Origin")])
def test_boosting_folds_on_their_bins_give_predict_proba_exactly(name: str, target: str) -> None:
    sample, rest = _halves(DATA / name, target)
    encoding, oof, _, _ = _fitted(sample, target, model="gradient_boosting")
    tabular = encoding.apply(rest).tabular
    for model in oof.fitted["gradient_boosting"]:
        np.testing.assert_array_equal(fold_probabilities(model, tabular), model.predict_proba(tabular))


def test_the_pass_blends_stacked_linear_and_tree_folds_as_before() -> None:
    sample, rest = _halves(DATA / "penguins.csv", "species")
    encoding, oof, y, classes = _fitted(sample, "species", model="auto")
    models = FoldModels.of("species", encoding, oof, y, classes, "predicted_neq_given", np.arange(sample.num_rows))
    by_model, blended = models.probabilities(rest)
    features = encoding.apply(rest)
    trees = np.mean([m.predict_proba(model_inputs("gradient_boosting", features))
                     for m in oof.fitted["gradient_boosting"]], axis=0)
    linear = _per_fold(oof.fitted["logistic"], features)
    weight = oof.weights["gradient_boosting"]
    np.testing.assert_allclose(by_model["logistic"], linear, rtol=0, atol=TOLERANCE)
    np.testing.assert_array_equal(by_model["gradient_boosting"], trees)
    np.testing.assert_allclose(blended, weight * trees + (1 - weight) * linear, rtol=0, atol=TOLERANCE)
    assert "logistic" not in models.fitted  # the pipelines do not travel to the workers: their weights do


WORDS = ["refund", "late", "parcel", "great", "broken", "thanks", "never", "again"]


@st.composite
def frames(draw: st.DrawFn) -> tuple[pa.Table, pa.Table]:
    """A labelled sample and later rows: numbers with gaps (one column all missing in the sample
    at times), a category with missing values and levels only the later rows have, texts of a
    few words (some empty), two to four classes."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    k = draw(st.integers(2, 4))
    n, later = draw(st.integers(12 * k, 90)), 40

    def rows(count: int, sample: bool) -> dict:
        label = np.concatenate([np.arange(k), rng.integers(0, k, count - k)]) if sample else rng.integers(0, k, count)
        number = np.where(rng.random(count) < 0.2, np.nan, label + rng.normal(0, 1, count))
        empty = sample and draw(st.booleans())
        levels = ["a", "b", "c"] if sample else ["a", "b", "c", "d"]
        colour = [None if rng.random() < 0.2 else levels[rng.integers(len(levels))] for _ in range(count)]
        text = [" ".join(rng.choice(WORDS, rng.integers(0, 5))) + f" w{c}" * int(rng.random() < 0.7)
                for c in label]
        return {"n": pa.array(number, mask=np.isnan(number)), "m": pa.array([None if empty else float(i % 7)
                                                                              for i in range(count)], pa.float64()),
                "colour": pa.array(colour, pa.string()), "note": pa.array(text, pa.string()),
                "label": pa.array([f"c{c}" for c in label], pa.string())}

    return pa.table(rows(n, True)), pa.table(rows(later, False))


@settings(max_examples=12, deadline=None)
@given(frames())
def test_stacked_folds_equal_the_fold_pipelines_on_drawn_frames(case: tuple[pa.Table, pa.Table]) -> None:
    sample, later = case
    encoding, oof, _, _ = _fitted(sample, "label")
    features = encoding.apply(later)
    stacked = StackedLogistic.of(oof.fitted["logistic"], encoding)
    np.testing.assert_allclose(stacked.probabilities(features), _per_fold(oof.fitted["logistic"], features),
                               rtol=0, atol=TOLERANCE)
