"""`AuditGate`: a scikit-learn step that audits the training data in `fit` and stops a bad fit.

    >>> from sklearn.pipeline import make_pipeline
    >>> from dataaudit.sklearn import AuditGate
    >>> pipe = make_pipeline(AuditGate(target="label", rules="strict"), model)
    >>> pipe.fit(X, y)          # raises dataaudit.AuditFailed (carrying the report) on a failed gate

`fit` audits X with y as the target column (or a DataFrame X that holds the target column),
and `transform` hands X on unchanged, so the gate costs the model nothing at predict time. It
follows scikit-learn's conventions: `__init__` only stores parameters, learned state ends in `_`.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.exceptions import DataConversionWarning
from sklearn.utils.validation import _check_feature_names_in, check_is_fitted, validate_data

from dataaudit.errors import AuditFailed
from dataaudit.planning.options import column_name
from dataaudit.report.model import Report
from dataaudit.rules.model import RulePack

DEFAULT_TARGET = "target"


class AuditGate(TransformerMixin, BaseEstimator):
    """Audits the data a pipeline is fitted on; passes the data through unchanged.

    Parameters
    ----------
    target : the label column's name. With `y`, y is audited under this name (default: y's own
        name, else "target"); without `y`, X must be a DataFrame holding this column. The column
        passes through `transform` with the rest of X.
    rules : a shipped rule pack's name, a YAML path, or a `RulePack`.
    strict : warnings fail the gate too.
    ignore_columns : columns that are not features (ids, timestamps); one name alone is one column.
    schema, gx_suite : a pandera schema and a Great Expectations suite to validate as well.

    Attributes
    ----------
    report_ : the `Report` of the last fit (which passed: a failed gate raises `AuditFailed`).
    n_features_in_, feature_names_in_ : as every scikit-learn transformer.
    """

    def __init__(self, target: str | None = None, rules: str | Path | RulePack = "default", strict: bool = False,
                 ignore_columns: tuple[str, ...] = (), schema: Any = None, gx_suite: str | Path | None = None) -> None:
        self.target = target
        self.rules = rules
        self.strict = strict
        self.ignore_columns = ignore_columns
        self.schema = schema
        self.gx_suite = gx_suite

    def fit(self, X: Any, y: Any = None) -> AuditGate:
        """Audit X (with y); raise `AuditFailed` carrying the report when the gate fails."""
        from dataaudit.api import audit

        X = _validated(self, X, reset=True)
        frame, target = self._frame(X, y)
        report = audit(frame, target=target, rules=self.rules, strict=self.strict,
                       ignore_columns=self.ignore_columns, schema=self.schema, gx_suite=self.gx_suite)
        if not report.passed:
            raise AuditFailed(report)
        self.report_: Report = report
        return self

    def transform(self, X: Any) -> Any:
        """X unchanged: a DataFrame itself, any other array-like as a numpy array of the same values
        (after the feature checks every fitted transformer makes)."""
        check_is_fitted(self)
        return _validated(self, X, reset=False)

    def get_feature_names_out(self, input_features: Any = None) -> Any:
        check_is_fitted(self)
        return _check_feature_names_in(self, input_features)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.target_tags.required = False
        return tags

    def _frame(self, X: Any, y: Any) -> tuple[Any, str | None]:
        import numpy as np
        import pandas as pd

        frame = X if isinstance(X, pd.DataFrame) else pd.DataFrame(X, columns=[f"x{i}" for i in range(X.shape[1])])
        if y is None:
            return frame, self.target
        named = self.target if self.target is not None else getattr(y, "name", None)
        if named is None and isinstance(y, pd.DataFrame) and y.shape[1] == 1:
            named = y.columns[0]  # a one-column frame of labels: its column's name
        target = DEFAULT_TARGET if named is None else column_name(named)  # read by their text (`3`: "3")
        if target in {str(column) for column in frame.columns}:
            raise ValueError(f"AuditGate: X already has a column {target!r}; name y's column with target=")
        labels = np.asarray(y)
        if labels.ndim == 2 and labels.shape[1] == 1:  # a column vector, flattened as scikit-learn's estimators do
            warnings.warn("A column-vector y was passed when a 1d array was expected; it is read as one label per "
                          "row.", DataConversionWarning, stacklevel=3)
            labels = labels.ravel()
        if labels.ndim != 1 or len(labels) != len(frame):
            raise ValueError(f"AuditGate: y must be one label per row of X ({len(frame)}), got shape {labels.shape}")
        return frame.assign(**{target: labels}), target


def _validated(gate: AuditGate, X: Any, reset: bool) -> Any:
    """A DataFrame as it is; any other input through `check_array` (2-D, dense, any dtype, NaN allowed)."""
    import pandas as pd
    from scipy import sparse

    if sparse.issparse(X):
        raise TypeError("AuditGate audits dense data (a DataFrame or an array), not a sparse matrix")
    if isinstance(X, pd.DataFrame):
        validate_data(gate, X, reset=reset, skip_check_array=True)
        return X
    return validate_data(gate, X, reset=reset, dtype=None, ensure_all_finite=False)
