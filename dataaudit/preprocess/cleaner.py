"""`Cleaner`: the cleaning steps as one scikit-learn transformer over a DataFrame."""

from __future__ import annotations

from pathlib import Path
from typing import Any, Self

import numpy as np
import pyarrow as pa
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_array, check_is_fitted

from dataaudit.rules.model import RulePack


class Cleaner(TransformerMixin, BaseEstimator):
    """The value steps of `dataaudit clean` in a scikit-learn pipeline.

    `fit(X)` audits X, learns every step from it (disguised missing values, text forms, label
    spellings, numeric columns, constant and empty columns) and fits imputation, scaling and
    encoding on the rows `dataaudit.clean` would keep: duplicates, conflicting-label groups and
    unlabelled rows do not weigh in the statistics.

    `transform(X)` applies the fitted steps to every row and returns a DataFrame with as many
    rows, in the same order. It never drops a row: scikit-learn passes `y` beside `X`, and a
    transformer that removed rows would misalign them. So rows that `dataaudit.clean` would
    quarantine stay in the output, and a value that is not a number where the training data
    had numbers becomes NaN. To take rows out, run `dataaudit.clean` before the pipeline.

    `target` names the label column when X holds it: the label map and the row decisions of
    `fit` use it, and it is left out of the output, so a model never sees its own label.
    `impute`, `scale` and `encode` override the rule pack's `preprocess:` section (`None`: as
    the pack says); the defaults make the output ready for a model: numbers only, no NaN. For
    that, numbers stored as text become numbers (`coerce_numeric`, which `dataaudit clean`
    leaves off by default so that it writes every value as the input spells it).
    """

    def __init__(self, target: str | None = None, rules: str | Path | RulePack | None = "default",
                 ignore_columns: tuple[str, ...] = (), impute: str | None = "median", scale: str | None = "standard",
                 encode: str | None = "onehot") -> None:
        self.target = target
        self.rules = rules
        self.ignore_columns = ignore_columns
        self.impute = impute
        self.scale = scale
        self.encode = encode

    def fit(self, X: Any, y: Any = None) -> Self:
        from dataaudit.planning.options import column_names
        from dataaudit.preprocess.pipeline import plan

        frame = self._features(self._frame(X, reset=True))
        target = self._label() if self._label() in frame.columns else None
        # one name alone is one column, as `audit` and `clean` read it, not its letters
        fitted = plan(frame, target=target, rules=self._pack(), fitted=None,
                      ignore_columns=column_names(self.ignore_columns)).fitted
        self.fitted_ = fitted
        return self

    def transform(self, X: Any) -> Any:
        """The cleaned frame, its rows those of X, its index X's (a DataFrame's)."""
        check_is_fitted(self, "fitted_")
        frame = self._frame(X, reset=False)
        output = self._output(self._table(frame), len(frame))
        output.index = frame.index
        return output

    def get_feature_names_out(self, input_features: Any = None) -> np.ndarray:
        check_is_fitted(self, "fitted_")
        columns = list(self.fitted_.columns)
        batch = pa.RecordBatch.from_arrays([pa.array([], pa.string()) for _ in columns], names=columns)
        return np.asarray(self._output(self._steps(batch), 0).columns, dtype=object)

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = []
        return tags

    def _pack(self) -> RulePack:
        from dataaudit.rules.load import load_rules

        pack = load_rules(self.rules).rules
        config = pack.preprocess
        overrides: dict[str, Any] = {"coerce_numeric": True}
        if self.impute is not None:
            overrides["impute"] = {**config.impute.model_dump(), "numeric": self.impute}
        if self.scale is not None:
            overrides["scale"] = self.scale
        if self.encode is not None:
            overrides["encode"] = {**config.encode.model_dump(), "method": self.encode}
        checked = _validated(type(config), {**config.model_dump(), **overrides})
        return pack.model_copy(update={"preprocess": checked})

    def _frame(self, X: Any, reset: bool) -> Any:
        """X as a DataFrame with string column names, validated as scikit-learn validates. A
        Polars frame is read by its columns' names, as `audit` and `clean` read it and as
        scikit-learn's own transformers name their features; a LazyFrame is collected, as `audit`
        takes one (a transformer's output is in memory whole anyway)."""
        import pandas as pd

        from dataaudit.io.frame_reader import refuse_repeated_names
        from dataaudit.io.polars_reader import is_polars_frame

        if is_polars_frame(X):
            X = (X.collect() if type(X).__name__ == "LazyFrame" else X).to_pandas()
        if isinstance(X, pd.DataFrame):
            refuse_repeated_names(X)
        check_array(X, dtype=None, ensure_all_finite=False, ensure_min_samples=1)
        if isinstance(X, pd.DataFrame):  # a MultiIndex's column ("t", "label") by its text, as `audit` names it
            frame = X.set_axis([str(name) for name in X.columns], axis=1)
        else:  # an array's columns are those of `fit`, in order, as scikit-learn reads them
            array = np.asarray(X)
            fitted = getattr(self, "feature_names_in_", None)
            names = ([str(name) for name in fitted] if not reset and fitted is not None
                     and len(fitted) == array.shape[1] else [f"x{i}" for i in range(array.shape[1])])
            frame = pd.DataFrame(array, columns=names)
        if reset:
            self.n_features_in_ = frame.shape[1]
            if isinstance(X, pd.DataFrame):
                self.feature_names_in_ = np.asarray(frame.columns, dtype=object)
        elif isinstance(X, pd.DataFrame) and hasattr(self, "feature_names_in_"):
            frame = self._as_fitted(frame)
        elif frame.shape[1] != self.n_features_in_:
            raise ValueError(f"X has {frame.shape[1]} features, but {type(self).__name__} is expecting "
                             f"{self.n_features_in_} features as input.")
        return frame

    def _as_fitted(self, frame: Any) -> Any:
        """`frame`'s columns in the order of those X had in `fit`: the steps read columns by name,
        so a column renamed would pass unscaled and a model reading arrays would read another
        column. The label may be absent (new rows have none)."""
        fitted = [str(name) for name in self.feature_names_in_]
        given = [str(name) for name in frame.columns]
        missing = [name for name in fitted if name not in given and name != self._label()]
        unknown = [name for name in given if name not in fitted]
        if missing or unknown:
            raise ValueError(f"X's columns are not those {type(self).__name__} was fitted on: "
                             f"missing {missing}, unknown {unknown}")
        return frame[[name for name in fitted if name in given]]

    def _label(self) -> str | None:
        """The target as the frame names columns (by their text: `2` is `"2"`)."""
        from dataaudit.planning.options import column_name

        return column_name(self.target)

    def _table(self, frame: Any) -> pa.RecordBatch:
        from dataaudit.io.frame_reader import open_frame

        source = open_frame(self._features(frame), chunk_rows=max(1, len(frame)))
        batches = list(source.batches())
        return self._steps(batches[0] if batches else pa.RecordBatch.from_pylist([]))

    @staticmethod
    def _features(frame: Any) -> Any:
        """`frame` without its index: `audit` and `clean` read a named index as a column, but a
        transformer's features are X's columns alone, as many out of `transform` as `fit` saw."""
        return frame.reset_index(drop=True)

    def _steps(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        from dataaudit.preprocess.pipeline import transformed

        return transformed(batch, self.fitted_.steps)

    def _output(self, batch: pa.RecordBatch, rows: int) -> Any:
        import pandas as pd

        names = [n for n in batch.schema.names if n != self._label()]
        # without columns a batch has no row count: the frame keeps the input's
        return batch.select(names).to_pandas() if names else pd.DataFrame(index=range(rows))


#: where each parameter of `Cleaner` lands in the rule pack's `preprocess:` section
PARAMETERS = {("impute", "numeric"): "impute", ("scale",): "scale", ("encode", "method"): "encode"}


def _validated(section: Any, settings: dict[str, Any]) -> Any:
    """The `preprocess:` section with the parameters in it, validated as the rule pack's own: the
    sections are given as plain values, since a model given whole is taken unchecked and an
    unknown `encode` would pass silently. A value the pack does not take is a `ValueError` naming
    the parameter, as scikit-learn's estimators name theirs, not the pack's field."""
    from pydantic import ValidationError

    try:
        return section.model_validate(settings)
    except ValidationError as exc:
        error = exc.errors()[0]
        name = PARAMETERS.get(tuple(error["loc"]))
        if name is None:
            raise
        expected = error.get("ctx", {}).get("expected", "a value the rule pack takes")
        raise ValueError(f"Cleaner: {name} must be {expected}, or None for the rule pack's own, "
                         f"not {error['input']!r}") from None
