"""AuditGate inside real scikit-learn pipelines, grid searches and the estimator convention checks."""

from __future__ import annotations

import pickle

import numpy as np
import pandas as pd
import pytest
from sklearn.exceptions import NotFittedError
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GridSearchCV, cross_val_score
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import StandardScaler
from sklearn.utils.estimator_checks import parametrize_with_checks

import dataaudit
from dataaudit.checks import FAMILIES
from dataaudit.checks.levels import MaxLevels, MinLevels, Toggle
from dataaudit.errors import LargeQuarantine, WorkerLost
from dataaudit.rules.model import RulePack
from dataaudit.sklearn import AuditGate
from tests.conftest import DATA


def iris() -> tuple[pd.DataFrame, pd.Series]:
    frame = pd.read_csv(DATA / "iris.csv")
    return frame.drop(columns="target"), frame["target"]


def _levels(annotation: object) -> bool:
    """Whether a rule field holds warn and fail levels (a share's too)."""
    return isinstance(annotation, type) and issubclass(annotation, (MaxLevels, MinLevels))


def warn_only_pack() -> RulePack:
    """Every check runs and reports, none fails: the convention checks feed random data."""
    checks = {}
    for name, family in FAMILIES.items():
        fields = family.Rules.model_fields.items()
        checks[name] = {field: {"fail": None} if _levels(info.annotation) else "warn"
                        for field, info in fields if _levels(info.annotation) or info.annotation is Toggle}
    return RulePack.model_validate({"checks": checks})


def test_gate_inside_a_pipeline_fit_changes_nothing_the_model_sees() -> None:
    X, y = iris()
    gated = make_pipeline(AuditGate(target="species"), StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    plain = make_pipeline(StandardScaler(), LogisticRegression(max_iter=500)).fit(X, y)
    np.testing.assert_array_equal(gated.predict(X), plain.predict(X))
    np.testing.assert_allclose(gated.predict_proba(X), plain.predict_proba(X))
    report = gated[0].report_
    assert report.passed and report.target == "species" and report.dataset.rows == len(X)
    assert report.dataset.labels.counts == y.value_counts().to_dict()


def test_gate_inside_grid_search() -> None:
    X, y = iris()
    pipe = make_pipeline(AuditGate(), StandardScaler(), LogisticRegression(max_iter=500))
    search = GridSearchCV(pipe, {"auditgate__strict": [False], "logisticregression__C": [0.1, 1.0]}, cv=3)
    search.fit(X, y)
    gate = search.best_estimator_[0]
    assert gate.report_.passed and gate.report_.target == "target"   # y has no name: the default
    assert gate.report_.dataset.rows == len(X)                     # refit on all rows
    assert search.best_score_ > 0.8


def test_failing_gate_raises_audit_failed_with_the_report() -> None:
    X, y = iris()
    noisy = y.where(y.index % 4 != 0, y.str.upper())   # 'SETOSA' beside 'setosa': label spelling variants
    pipe = make_pipeline(AuditGate(target="label"), LogisticRegression(max_iter=500))
    with pytest.raises(dataaudit.AuditFailed) as caught:
        pipe.fit(X, noisy)
    report = caught.value.report
    assert not report.passed
    assert "labels.variants" in {f.check for f in report.blocking}
    assert not hasattr(pipe[0], "report_")


def test_a_gate_failing_in_a_parallel_search_reaches_the_caller_as_audit_failed() -> None:
    """joblib's workers hand an exception back pickled: the error must survive the round trip."""
    X, y = iris()
    noisy = y.where(y.index % 4 != 0, y.str.upper())
    pipe = make_pipeline(AuditGate(target="label"), LogisticRegression(max_iter=500))
    with pytest.raises(dataaudit.AuditFailed, match=r"labels\.variants") as caught:
        cross_val_score(pipe, X, noisy, cv=2, n_jobs=2, error_score="raise")
    assert not caught.value.report.passed


def test_the_errors_that_carry_more_than_a_message_survive_pickling() -> None:
    X, y = iris()
    with pytest.raises(dataaudit.AuditFailed) as caught:
        AuditGate(target="label").fit(X, y.where(y.index % 4 != 0, y.str.upper()))
    failed = pickle.loads(pickle.dumps(caught.value))
    assert str(failed) == str(caught.value) and failed.report.to_dict() == caught.value.report.to_dict()
    lost = pickle.loads(pickle.dumps(WorkerLost("killed by signal 9")))
    assert str(lost) == str(WorkerLost("killed by signal 9"))
    large = pickle.loads(pickle.dumps(LargeQuarantine("most rows", {"rows": 10})))
    assert (str(large), large.summary) == ("most rows", {"rows": 10})


def test_strict_gate_fails_on_warnings_a_lenient_one_passes() -> None:
    X, y = iris()
    X = X.assign(constant=1.0)                           # columns.constant warns
    AuditGate().fit(X, y)
    with pytest.raises(dataaudit.AuditFailed):
        AuditGate(strict=True).fit(X, y)


def test_a_dataframe_holding_the_target_and_pandas_output() -> None:
    frame = pd.read_csv(DATA / "iris.csv")
    gate = AuditGate(target="target").set_output(transform="pandas").fit(frame)
    assert gate.report_.target == "target"
    assert gate.transform(frame) is frame or gate.transform(frame).equals(frame)
    assert list(gate.get_feature_names_out()) == list(frame.columns)


def test_numpy_input_passes_through_as_the_same_values() -> None:
    X, y = iris()
    values = X.to_numpy()
    gate = AuditGate().fit(values, y.to_numpy())
    np.testing.assert_array_equal(gate.transform(values), values)
    assert list(gate.get_feature_names_out()) == ["x0", "x1", "x2", "x3"]


def test_transform_before_fit_is_not_fitted_error() -> None:
    with pytest.raises(NotFittedError):
        AuditGate().transform(iris()[0])


def test_y_named_like_a_column_of_x_is_an_error() -> None:
    X, y = iris()
    with pytest.raises(ValueError, match="already has a column 'sepal_length_cm'"):
        AuditGate(target="sepal_length_cm").fit(X, y)


@parametrize_with_checks([AuditGate(rules=warn_only_pack())])
def test_sklearn_estimator_checks(estimator, check) -> None:
    check(estimator)


def test_the_failed_gate_names_its_failing_checks() -> None:
    data = DATA / "text" / "hhh_chat_60.jsonl"
    with pytest.raises(dataaudit.AuditFailed) as caught:
        dataaudit.audit(data).raise_for_gate()
    failing = list(dict.fromkeys(f.check for f in caught.value.report.blocking))
    assert {"text.duplicates", "text.conflicts"} <= set(failing)
    assert str(caught.value).startswith(f"audit gate failed on {data}: {', '.join(failing)} (")


def test_one_column_to_ignore_named_alone_is_that_column() -> None:
    X, y = iris()
    X = X.assign(row_id=range(len(X)))
    alone = AuditGate(ignore_columns="row_id").fit(X, y).report_
    listed = AuditGate(ignore_columns=["row_id"]).fit(X, y).report_
    assert alone.to_dict()["dataset"] == listed.to_dict()["dataset"]


def test_a_column_vector_y_is_read_as_one_label_per_row_with_scikit_learns_warning() -> None:
    """A (n, 1) y, which scikit-learn's estimators flatten with a DataConversionWarning, was refused."""
    from sklearn.exceptions import DataConversionWarning

    X, y = iris()
    with pytest.warns(DataConversionWarning, match="column-vector y"):
        framed = AuditGate().fit(X, y.rename("species").to_frame())
    with pytest.warns(DataConversionWarning):
        array = AuditGate().fit(X, y.to_numpy().reshape(-1, 1))
    assert framed.report_.target == "species" and array.report_.target == "target"  # the frame's column names it
    assert framed.report_.dataset.labels.counts == array.report_.dataset.labels.counts == y.value_counts().to_dict()
    with pytest.raises(ValueError, match="one label per row"):
        AuditGate().fit(X, np.column_stack([y, y]))
