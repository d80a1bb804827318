"""`dataaudit.Cleaner` as a scikit-learn transformer: the estimator checks, and a pipeline."""

from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import make_pipeline
from sklearn.utils.estimator_checks import parametrize_with_checks

import dataaudit
from dataaudit.datasets import make_dirty_classification
from dataaudit.errors import InputError
from tests.conftest import DATA


# Every check of scikit-learn's suite runs; none is marked as an expected failure. Only
# `check_array_api_input` skips itself (it runs when SCIPY_ARRAY_API is set; Cleaner works on
# DataFrames, not array-API arrays). `Cleaner` declares what it is in `__sklearn_tags__`: it
# accepts NaN, strings and categories (so the checks that feed those expect no error), and it
# does not preserve float dtypes (encoding makes int8 columns), so
# `check_transformer_preserve_dtypes` has nothing to compare.
@parametrize_with_checks([dataaudit.Cleaner(), dataaudit.Cleaner(impute=None, scale="minmax", encode="ordinal")])
def test_scikit_learn_estimator_checks(estimator: dataaudit.Cleaner, check) -> None:
    check(estimator)


def test_transform_keeps_every_row_in_order_and_leaves_the_label_out() -> None:
    table, _ = make_dirty_classification(4_000, seed=7)
    frame = table.to_pandas()
    cleaner = dataaudit.Cleaner(target="label", ignore_columns=("id",)).fit(frame)
    out = cleaner.transform(frame)
    assert len(out) == len(frame) and "label" not in out.columns
    assert out.index.tolist() == list(range(len(frame)))
    numeric = out[["num_a", "num_b", "num_c", "age", "count"]]
    assert not numeric.isna().any().any()
    # the scaler was fitted on the rows `clean` keeps: without duplicates, conflicts and unlabelled rows
    kept = dataaudit.clean(frame, target="label", ignore_columns=["id"]).data
    assert np.allclose(cleaner.fitted_.steps[-2].center_,
                       kept[["num_a", "num_b", "num_c", "age", "count"]].astype(float).fillna(
                           kept[["num_a", "num_b", "num_c", "age", "count"]].astype(float).median()).mean())
    assert list(cleaner.get_feature_names_out()) == list(out.columns)


def test_in_a_pipeline_with_a_model() -> None:
    frame = pd.read_csv(DATA / "penguins.csv", keep_default_na=False)
    X, y = frame.drop(columns="species"), frame["species"]
    pipe = make_pipeline(dataaudit.Cleaner(), LogisticRegression(max_iter=1000)).fit(X, y)
    assert pipe.score(X, y) > 0.9
    assert pipe.predict(X.iloc[:5]).tolist() == ["Adelie"] * 5


def test_transform_before_fit_is_an_error() -> None:
    from sklearn.exceptions import NotFittedError

    with pytest.raises(NotFittedError):
        dataaudit.Cleaner().transform(pd.DataFrame({"a": [1.0]}))


@pytest.mark.parametrize(("parameter", "value"), [("impute", "bogus"), ("scale", "bogus"), ("encode", "bogus"),
                                                  ("encode", 1)])
def test_a_parameter_the_rule_pack_does_not_take_names_itself(parameter: str, value: object) -> None:
    """Checked as the pack's own values are: an unknown encoding is no silent default, an
    unknown imputation no error of scikit-learn's imputer about its `strategy`."""
    frame = pd.DataFrame({"num": np.arange(30.0), "label": ["p", "q"] * 15})
    with pytest.raises(ValueError, match=rf"Cleaner: {parameter} must be .*, not {value!r}"):
        dataaudit.Cleaner(target="label", **{parameter: value}).fit(frame)


def test_one_column_to_ignore_named_alone_is_that_column() -> None:
    frame = pd.DataFrame({"row_id": np.arange(30), "num": np.arange(30.0) % 7, "label": ["p", "q"] * 15})
    alone = dataaudit.Cleaner(target="label", ignore_columns="row_id").fit(frame)
    listed = dataaudit.Cleaner(target="label", ignore_columns=["row_id"]).fit(frame)
    pd.testing.assert_frame_equal(alone.transform(frame), listed.transform(frame))


def _mixed(rows: int = 60) -> pd.DataFrame:
    rng = np.random.default_rng(0)
    return pd.DataFrame({"n": rng.normal(size=rows), "m": rng.normal(size=rows), "c": rng.choice(["a", "b"], rows)},
                        index=pd.RangeIndex(100, 100 + rows))


@pytest.mark.parametrize("output", ["default", "pandas", "polars"])
def test_set_output_is_honoured_alone_and_in_a_pipeline(output: str) -> None:
    pl = pytest.importorskip("polars")
    from sklearn.preprocessing import FunctionTransformer

    frame = _mixed()
    expected = ["n", "m", "c=a", "c=b"]
    alone = dataaudit.Cleaner().set_output(transform=output)
    step = FunctionTransformer(feature_names_out="one-to-one")
    pipe = make_pipeline(dataaudit.AuditGate(), dataaudit.Cleaner(), step).set_output(transform=output)
    for out in (alone.fit(frame).transform(frame), alone.fit_transform(frame), pipe.fit(frame).transform(frame)):
        assert isinstance(out, pl.DataFrame if output == "polars" else pd.DataFrame)
        assert list(out.columns) == expected == list(alone.get_feature_names_out())
        if output != "polars":
            assert out.index.tolist() == frame.index.tolist()


def test_transform_output_set_in_the_config_is_honoured() -> None:
    pl = pytest.importorskip("polars")
    from sklearn import config_context

    frame = _mixed()
    with config_context(transform_output="polars"):
        out = make_pipeline(dataaudit.Cleaner()).fit_transform(frame)
    assert isinstance(out, pl.DataFrame) and out.columns == ["n", "m", "c=a", "c=b"]
    with config_context(transform_output="pandas"):
        out = make_pipeline(dataaudit.Cleaner()).fit(frame).transform(frame.to_numpy())
    assert isinstance(out, pd.DataFrame) and list(out.columns) == ["n", "m", "c=a", "c=b"]  # an array: by position


def test_a_polars_frame_is_read_by_its_columns_names() -> None:
    pl = pytest.importorskip("polars")

    frame = _mixed()
    cleaner = dataaudit.Cleaner().fit(pl.from_pandas(frame))
    assert list(cleaner.feature_names_in_) == ["n", "m", "c"]
    out = cleaner.set_output(transform="polars").transform(pl.from_pandas(frame[["c", "n", "m"]]))
    assert out.columns == ["n", "m", "c=a", "c=b"]
    assert np.allclose(out["n"].to_numpy(), dataaudit.Cleaner().fit(frame).transform(frame)["n"].to_numpy())


def test_a_polars_lazy_frame_is_collected_and_cleaned_as_its_frame() -> None:
    """`audit` takes a LazyFrame; the Cleaner gave scikit-learn's "Expected 2D array" on one."""
    pl = pytest.importorskip("polars")

    frame = pl.from_pandas(_mixed())
    eager = dataaudit.Cleaner(target="c").fit(frame)
    lazy = dataaudit.Cleaner(target="c").fit(frame.lazy())
    assert list(lazy.feature_names_in_) == ["n", "m", "c"]
    pd.testing.assert_frame_equal(lazy.transform(frame.lazy()), eager.transform(frame))
    pd.testing.assert_frame_equal(dataaudit.Cleaner().fit_transform(frame.lazy().select("m", "n")),
                                  dataaudit.Cleaner().fit_transform(frame.select("m", "n")))


@pytest.mark.parametrize(("columns", "named"), [(["a", "a", "b"], "'a'"), (["b", "a", "b", "a"], "'b'"),
                                                ([0, "0", "b"], "'0' (0 and '0' are one name as text)")])
def test_columns_of_one_name_are_refused_naming_them(columns: list[object], named: str) -> None:
    """The steps read columns by name: scikit-learn's own error named neither the columns nor
    `0` and `"0"`, which are one name as text. The Cleaner refuses them as `audit` and `clean` do."""
    frame = pd.DataFrame([[float(i + j) for j in range(len(columns))] for i in range(6)], columns=columns)
    message = f"the DataFrame has two columns named {named}; rename one"
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        dataaudit.Cleaner().fit(frame)
    fitted = dataaudit.Cleaner().fit(frame.iloc[:, [0, len(columns) - 1]].set_axis(["a", "b"], axis=1))
    with pytest.raises(InputError, match=f"^{re.escape(message)}$"):
        fitted.transform(frame)


def test_a_frame_with_multi_index_columns_is_read_by_their_text() -> None:
    """`("t", "label")` is named as `audit` names it: the label out of the output, and the
    columns of `fit` found again by `transform` (it raised a KeyError)."""
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({("f", "x"): rng.normal(size=60), ("f", "c"): rng.choice(list("abc"), 60),
                          ("t", "label"): rng.choice(["p", "q"], 60)})
    cleaner = dataaudit.Cleaner(target=("t", "label")).fit(frame)
    out = cleaner.transform(frame)
    assert list(out.columns) == ["('f', 'x')", "('f', 'c')=a", "('f', 'c')=b", "('f', 'c')=c"]
    assert list(cleaner.get_feature_names_out()) == list(out.columns)
    assert list(cleaner.transform(frame.drop(columns=[("t", "label")])).columns) == list(out.columns)
    model = make_pipeline(dataaudit.Cleaner(), LogisticRegression()).fit(frame.drop(columns=[("t", "label")]),
                                                                         frame[("t", "label")])
    assert model.score(frame.drop(columns=[("t", "label")]), frame[("t", "label")]) > 0.4
