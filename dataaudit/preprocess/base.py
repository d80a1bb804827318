"""What every cleaning step shares: the scikit-learn estimator protocol, the chunk it works on,
and the tally of what it changed.

A step is a scikit-learn transformer (`__init__` only stores parameters; learned state ends in
`_` and is set in `fit`; `transform` calls `check_is_fitted`) over one chunk of rows, a pyarrow
`RecordBatch`. Steps that learn from the dataset's audit profile take it as a fit parameter,
so clean and audit read the same numbers; steps that learn from values (`numeric.py`,
`encode.py`) also have `partial_fit`, so a file larger than memory is fitted chunk by chunk.
`transform_counted` returns the chunk and what changed; `transform` drops the count, so
transforming never mutates the step.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any, ClassVar, Self

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from sklearn.base import BaseEstimator, TransformerMixin
from sklearn.utils.validation import check_is_fitted

EXAMPLES = 5
MAX_REWRITES = 1000


@dataclass
class Tally:
    """What one step changed, summed over chunks: rows touched, rows quarantined, cells per
    column and the most frequent rewrites ("'NA' -> null")."""

    rows_changed: int = 0
    rows_quarantined: int = 0
    cells: Counter = field(default_factory=Counter)
    rewrites: Counter = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        self.rows_changed += other.rows_changed
        self.rows_quarantined += other.rows_quarantined
        self.cells.update(other.cells)
        self.rewrites.update(other.rewrites)
        for note in other.notes:
            if note not in self.notes:
                self.notes.append(note)

    def detail(self) -> str:
        parts = list(self.notes)
        if self.cells:
            columns = ", ".join(f"{name} {n:,}" for name, n in self.cells.most_common(EXAMPLES))
            more = f" and {len(self.cells) - EXAMPLES} more" if len(self.cells) > EXAMPLES else ""
            parts.append(f"{sum(self.cells.values()):,} cells ({columns}{more})")
        if self.rewrites:
            parts.append(", ".join(f"{change} {n:,}" for change, n in self.rewrites.most_common(EXAMPLES)))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"rows_changed": self.rows_changed, "rows_quarantined": self.rows_quarantined,
                "cells": dict(sorted(self.cells.items())), "rewrites": dict(self.rewrites.most_common(20)),
                "notes": self.notes}


class Step(BaseEstimator, TransformerMixin, auto_wrap_output_keys=None):
    """One named cleaning step over a chunk; see the module docstring for the protocol."""

    name: ClassVar[str]
    #: the fitted attributes saved in the fitted-state JSON (all end in `_`)
    state: ClassVar[tuple[str, ...]]

    def transform(self, X: pa.RecordBatch) -> pa.RecordBatch:
        return self.transform_counted(X)[0]

    def transform_counted(self, X: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        check_is_fitted(self, self.state[0])
        return self._apply(X)

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        raise NotImplementedError

    def state_dict(self) -> dict[str, Any]:
        check_is_fitted(self, self.state[0])
        return {name.rstrip("_"): getattr(self, name) for name in self.state}

    @classmethod
    def from_state(cls, params: dict[str, Any], state: dict[str, Any]) -> Self:
        step = cls(**params)
        for name in cls.state:
            setattr(step, name, state[name.rstrip("_")])
        return step


def replace_column(batch: pa.RecordBatch, name: str, array: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    return batch.set_column(index, pa.field(name, array.type), array)


def is_text(array: pa.Array) -> bool:
    return pa.types.is_string(array.type) or pa.types.is_large_string(array.type)


def changed_mask(before: pa.Array, after: pa.Array) -> np.ndarray:
    """Rows whose value differs, a null compared with a value counting as a change."""
    differs = pc.fill_null(pc.not_equal(before, after), False).to_numpy(zero_copy_only=False)
    nulls = pc.is_null(before).to_numpy(zero_copy_only=False) != pc.is_null(after).to_numpy(zero_copy_only=False)
    return differs | nulls


def count_rewrites(tally: Tally, before: pa.Array, after: pa.Array, mask: np.ndarray) -> None:
    """The most frequent rewrites of a column ("'NA' -> null"), from its distinct changed pairs."""
    if not mask.any():
        return
    where = pa.array(mask)
    pairs = pa.table({"a": before.filter(where).cast(pa.string()), "b": after.filter(where).cast(pa.string())})
    for item in pairs.group_by(["a", "b"]).aggregate([([], "count_all")]).to_pylist():
        key = f"{_show(item['a'])} -> {_show(item['b'])}"
        # a bounded record: a column rewritten value by value would otherwise grow it without end
        if key in tally.rewrites or len(tally.rewrites) < MAX_REWRITES:
            tally.rewrites[key] += item["count_all"]


def _show(value: str | None) -> str:
    return "null" if value is None else repr(value)
