"""scikit-learn's estimator protocol, kept by the cleaning steps without importing scikit-learn.

Why: every step is a scikit-learn transformer (it runs in a `Pipeline`, `clone` copies it), yet
`dataaudit clean` runs the default steps (missing tokens, text, label spellings, columns) on
Arrow chunks where scikit-learn has nothing to do, and importing it costs more CPU than those
steps on a million rows. scikit-learn's conventions are duck-typed: an estimator is any object
with `get_params`, `set_params`, `fit` and `transform` whose `__init__` only stores its
parameters, and whose `__sklearn_tags__` describes it. `Estimator` provides those; the tags are
built only when scikit-learn asks for them, so scikit-learn loads with the first step that
needs it (imputation and scaling, at fit) or when a user's pipeline brings it.
"""

from __future__ import annotations

import inspect
from typing import Any, Self


class Estimator:
    """`get_params`, `set_params`, `fit_transform`, a readable `repr` and the tags of a
    transformer, from the constructor's parameters (each stored under its own name)."""

    @classmethod
    def _param_names(cls) -> list[str]:
        signature = inspect.signature(cls.__init__)
        return sorted(name for name, p in signature.parameters.items()
                      if name != "self" and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD))

    def get_params(self, deep: bool = True) -> dict[str, Any]:
        """The constructor's parameters; `deep` is accepted for scikit-learn: no step holds
        another estimator, so there is nothing deeper to list."""
        return {name: getattr(self, name) for name in self._param_names()}

    def set_params(self, **params: Any) -> Self:
        valid = self._param_names()
        for name, value in params.items():
            if name not in valid:
                raise ValueError(f"Invalid parameter {name!r} for estimator {self!r}. "
                                 f"Valid parameters are: {valid!r}.")
            setattr(self, name, value)
        return self

    def fit_transform(self, X: Any, y: Any = None, **fit_params: Any) -> Any:
        return self.fit(X, y, **fit_params).transform(X)  # type: ignore[attr-defined]  # a subclass's fit

    def __repr__(self) -> str:
        """As scikit-learn prints an estimator: the parameters that differ from their defaults."""
        defaults = inspect.signature(type(self).__init__).parameters
        changed = {name: value for name, value in self.get_params(deep=False).items()
                   if repr(value) != repr(defaults[name].default)}
        return f"{type(self).__name__}({', '.join(f'{name}={value!r}' for name, value in changed.items())})"

    def __sklearn_tags__(self) -> Any:
        """A transformer's default tags; only scikit-learn calls this, so it is loaded already."""
        from sklearn.utils import Tags, TargetTags, TransformerTags

        return Tags(estimator_type=None, target_tags=TargetTags(required=False), transformer_tags=TransformerTags())


def not_fitted(estimator: object) -> Exception:
    """scikit-learn's `NotFittedError` (a ValueError and an AttributeError), worded as its own."""
    from sklearn.exceptions import NotFittedError

    return NotFittedError(f"This {type(estimator).__name__} instance is not fitted yet. Call 'fit' with appropriate "
                          "arguments before using this estimator.")
