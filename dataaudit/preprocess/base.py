"""What every cleaning step shares: the scikit-learn estimator protocol, the chunk it works on,
and the tally of what it changed.

A step is a scikit-learn transformer over chunks of rows (pyarrow `RecordBatch`es): `__init__`
only stores parameters; `fit` is the one way to learn, the same signature on every step, and
sets the state named in `state` (all ending in `_`), forgetting any earlier fit; `transform`
calls `check_fitted` first. The protocol is duck-typed (`estimator.py`): scikit-learn is not
imported for a step that does not use it. `fit(X, profile=...)` takes the rows (a record batch, a table,
a DataFrame or an array, or an iterator of record batches, so a file larger than memory is
fitted chunk by chunk) and, when the caller has it, their audit profile: the clean passes its
audit's, so clean and audit read the same numbers. Steps that learn from the profile
(`FromProfile`) make one from X when none is given; steps that learn from values (`numeric.py`,
`encode.py`) read X's chunks. `transform` returns what it is given, a batch for a batch, a
DataFrame for a DataFrame, an array for an array, so a step also runs in a scikit-learn
pipeline. `transform_counted` returns the chunk and what changed; `transform` drops the count,
so transforming never mutates the step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, ClassVar, Self

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import factorize, first_of_each, to_numpy
from dataaudit.errors import InputError
from dataaudit.io.nested import json_texts
from dataaudit.preprocess.estimator import Estimator, not_fitted
from dataaudit.report.masking import distinct_key, masked_text
from dataaudit.wording import plural

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile
    from dataaudit.profile.spec import ProfileSpec

EXAMPLES = 5
MAX_REWRITES = 1000
#: the rewrites the manifest lists per step (the steps table shows the first `EXAMPLES`)
SHOWN_REWRITES = 20


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
            parts.append(f"{plural(sum(self.cells.values()), 'cell')} ({columns}{more})")
        if self.rewrites:
            parts.append(", ".join(f"{change} {n:,}" for change, n in self.rewrites.most_common(EXAMPLES)))
        return "; ".join(parts)

    def to_dict(self) -> dict[str, Any]:
        return {"rows_changed": self.rows_changed, "rows_quarantined": self.rows_quarantined,
                "cells": dict(sorted(self.cells.items())), "rewrites": dict(self.rewrites.most_common(SHOWN_REWRITES)),
                "notes": self.notes}

    def masked(self, regions: tuple[str, ...]) -> Tally:
        """This tally as the steps table and the manifest show it: its most frequent rewrites
        (a cell's text before and after, `'  a@b.com ' -> 'a@b.com'`) with every personal value
        and secret replaced by its placeholder (phone numbers read in `regions`' national
        formats), two rewrites masked alike kept apart (`#2`) with their counts."""
        rewrites: Counter = Counter()
        for change, n in self.rewrites.most_common(SHOWN_REWRITES):
            rewrites[distinct_key(masked_text(change, regions), rewrites)] = n
        return Tally(self.rows_changed, self.rows_quarantined, Counter(self.cells), rewrites, list(self.notes))


class Step(Estimator):
    """One named cleaning step over a chunk; see the module docstring for the protocol."""

    name: ClassVar[str]
    #: the fitted attributes saved in the fitted-state JSON (all end in `_`)
    state: ClassVar[tuple[str, ...]]
    #: the columns holding JSON objects or arrays as their text (a JSON Lines table's), which
    #: the text steps leave as they are: set for each file cleaned (`pipeline.reading`), never
    #: a parameter, so a saved state carries no column of the file it was fitted on
    nested: tuple[str, ...] = ()

    def fit(self, X: Any = None, y: Any = None, *, profile: Profile | None = None) -> Self:
        """Learn from the rows `X` (or their audit `profile`); see the module docstring. A
        narrowing (`where_found`) is forgotten too: it holds for the rows it was found in."""
        for name in (*self.state, "n_features_in_", "found"):
            vars(self).pop(name, None)
        if X is not None and not isinstance(X, Iterator):  # an iterator is a stream, read once by `_fit`
            X = as_batch(X)[0]
            self.n_features_in_ = X.num_columns
        self._fit(as_batches(X), profile)
        return self

    def _fit(self, batches: Iterable[pa.RecordBatch], profile: Profile | None) -> None:
        raise NotImplementedError

    def transform(self, X: Any) -> Any:
        batch, give_back = as_batch(X)
        expected = getattr(self, "n_features_in_", batch.num_columns)
        if batch.num_columns != expected:
            raise ValueError(f"X has {batch.num_columns} features, but {type(self).__name__} is expecting "
                             f"{expected} features as input.")
        return give_back(self.transform_counted(batch)[0])

    def __sklearn_tags__(self) -> Any:
        tags = super().__sklearn_tags__()
        tags.input_tags.allow_nan = True  # a missing value is what many steps are for
        tags.input_tags.string = True
        tags.input_tags.categorical = True
        tags.transformer_tags.preserves_dtype = []  # text may become numbers, numbers scaled floats
        return tags

    def transform_counted(self, X: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        self.check_fitted()
        return self._apply(X)

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        raise NotImplementedError

    def where_found(self, profile: Profile, earlier: Sequence[Step] = ()) -> Step:
        """The step narrowed to what `profile`, the audit of the very rows it will clean, found
        there (`found`), so that it does not search every cell of every chunk again for what the
        audit saw nowhere; `earlier` are the steps that run before it. The step itself where it
        has nothing to narrow. Only for the data the step was fitted on: another split may hide
        anything anywhere."""
        return self

    def rows_changed(self, batch: pa.RecordBatch) -> np.ndarray | None:
        """The rows `transform` would rewrite in `batch`, found without rewriting it, or a few
        more (a row listed that the step leaves as it is costs only its being run again); every
        row when it changes a column's type or rewrites a dictionary-encoded column, whose rows
        cannot be spliced back one by one. None where the step cannot tell (a step changing
        the columns): the deciding pass then hashes every row. A step rewrites each row from
        that row alone, so the rows a run of steps rewrites are among those each step would
        rewrite in the chunk as read: the deciding pass runs the steps on those rows alone
        (`pipeline.rewrites`)."""
        return None

    def invalid_rows(self, batch: pa.RecordBatch) -> dict[str, np.ndarray]:
        """Per column, the rows of `batch` whose value the step cannot carry over (a text that is
        no number, in a column cast to numbers), which `dataaudit clean` quarantines rather than
        let `transform` make them null; `batch` as the steps before this one cleaned it. Empty
        for a step that takes every value."""
        return {}

    def check_fitted(self) -> None:
        """Raise scikit-learn's `NotFittedError` unless every attribute of `state` is set."""
        if not all(hasattr(self, name) for name in self.state):
            raise not_fitted(self)

    def state_dict(self) -> dict[str, Any]:
        self.check_fitted()
        return {name.rstrip("_"): getattr(self, name) for name in self.state}

    @classmethod
    def from_state(cls, params: dict[str, Any], state: dict[str, Any]) -> Self:
        step = cls(**params)
        for name in cls.state:
            setattr(step, name, state[name.rstrip("_")])
        return step


class FromProfile(Step):
    """A step that learns from the audit profile: the caller's, or one made of X with `spec()`."""

    def _fit(self, batches: Iterable[pa.RecordBatch], profile: Profile | None) -> None:
        self._learn(profile if profile is not None else profile_of(batches, self.spec()))

    def spec(self) -> ProfileSpec:
        """How X is profiled when no profile is given: its target and missing-value tokens."""
        from dataaudit.profile.spec import ProfileSpec

        return ProfileSpec()

    def _learn(self, profile: Profile) -> None:
        raise NotImplementedError


def profile_of(batches: Iterable[pa.RecordBatch], spec: ProfileSpec) -> Profile:
    """The audit's profile of rows given without one, by the audit's own engine."""
    from dataaudit.engines.local import LocalEngine
    from dataaudit.io import open_source

    chunks = list(batches)
    if not chunks or not sum(chunk.num_rows for chunk in chunks):
        raise ValueError("no rows to fit on: give X (at least one row) or its profile")
    return LocalEngine().profile(open_source(pa.Table.from_batches(chunks)), spec)


def as_batches(X: pa.RecordBatch | Iterator[pa.RecordBatch] | None) -> Iterator[pa.RecordBatch]:
    """The chunks `_fit` reads: one batch, a stream of them (a file's), or none (a profile alone)."""
    if X is None:
        return iter(())
    if isinstance(X, pa.RecordBatch):
        return iter([X])
    return X


def as_batch(X: Any) -> tuple[pa.RecordBatch, Callable[[pa.RecordBatch], Any]]:
    """X as one record batch, and how to hand a transformed batch back in X's kind: Arrow as a
    record batch, a DataFrame as a DataFrame, anything array-like as a numpy array (columns
    `x0`, `x1`, ...)."""
    if isinstance(X, pa.RecordBatch):
        return X, _same
    if isinstance(X, pa.Table):
        return X.combine_chunks().to_batches()[0] if X.num_rows else _empty(X.schema), _same
    import pandas as pd
    from sklearn.utils.validation import check_array

    array = check_array(X, dtype=None, ensure_all_finite=False)  # scikit-learn's errors for what it rejects
    if isinstance(X, pd.DataFrame):
        return pa.RecordBatch.from_pandas(X.rename(columns=str), preserve_index=False), _to_frame
    columns = [pa.array(array[:, i], from_pandas=True) for i in range(array.shape[1])]
    return pa.RecordBatch.from_arrays(columns, names=[f"x{i}" for i in range(array.shape[1])]), _to_array


def _same(batch: pa.RecordBatch) -> pa.RecordBatch:
    return batch


def _to_frame(batch: pa.RecordBatch) -> Any:
    return batch.to_pandas()


def _to_array(batch: pa.RecordBatch) -> np.ndarray:
    return batch.to_pandas().to_numpy()


def _empty(schema: pa.Schema) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([pa.array([], f.type) for f in schema], schema=schema)


def every_row_if_encoded(stored: pa.Array, changed: np.ndarray) -> np.ndarray:
    """`changed`, the rows a step rewrites in the column `stored`, as `Step.rows_changed`
    gives them: every row when the column is dictionary-encoded and any of them changes."""
    if pa.types.is_dictionary(stored.type) and changed.any():
        return np.ones(len(changed), dtype=bool)
    return changed


def replace_column(batch: pa.RecordBatch, name: str, array: pa.Array) -> pa.RecordBatch:
    index = batch.schema.get_field_index(name)
    return batch.set_column(index, pa.field(name, array.type), array)


def is_text(array: pa.Array) -> bool:
    return pa.types.is_string(array.type) or pa.types.is_large_string(array.type)


def decoded(array: pa.Array) -> pa.Array:
    """The column's values themselves: a dictionary-encoded column (a Parquet file's text, stored
    with its Arrow schema) decoded, so that a step reads its cells as it reads a plain column's."""
    return array.dictionary_decode() if pa.types.is_dictionary(array.type) else array


def encoded_as(values: pa.Array, kind: pa.DataType, column: str) -> pa.Array:
    """`values` (of a `decoded` column) in the column's own type `kind`: a dictionary-encoded
    column is encoded again with its index type, so the cleaned file stores it as the input did.

    A step can add a value (`impute`'s fill) to a dictionary whose indices are already all
    used (`int8` holds 128 values): widened in one chunk only, the column would have two types
    and no file could hold it, so the clean is refused, saying how to store the column."""
    if not pa.types.is_dictionary(kind):
        return values
    encoded = values.dictionary_encode()
    index = kind.index_type
    room = 2 ** (index.bit_width - (1 if pa.types.is_signed_integer(index) else 0))
    if len(encoded.dictionary) > room:
        raise InputError(f"column {column!r} is dictionary-encoded with {index} indices, which hold {room:,} "
                         f"values, and its cleaned values number {len(encoded.dictionary):,}: encode it with "
                         "int32 indices, or not at all, before cleaning")
    return encoded.cast(kind)


def note_nested(tally: Tally, batch: pa.RecordBatch, names: Iterable[str], json: Iterable[str] = ()) -> None:
    """Say in the step's report that it leaves the nested columns among `names` (lists, structs,
    maps: text to the audit, which reads them as their JSON; and the `json` columns, a JSON Lines
    table's holding objects or arrays as their JSON text) as they are: trimming, filling or
    encoding has no meaning for them, and the user who sees the step on such a column should
    know it did not apply."""
    held = set(json)
    nested = [name for name in names if name in batch.schema.names
              and (name in held or pa.types.is_nested(batch.schema.field(name).type))]
    if nested:
        tally.notes.append("nested values (lists, structs) left as they are: " + ", ".join(nested))


def handed_back(before: pa.Array, after: pa.Array) -> bool:
    """Whether a step left the column `before` as it was, giving `after`: the same array (a step
    hands back a column it does not change), or one of equal values. The same memory tells it
    of a column holding NaN too, which equals no NaN, in a list or a struct as well, which
    Arrow can neither compare row by row nor splice."""
    same = (before.type == after.type and len(before) == len(after) and before.offset == after.offset
            and _addresses(before) == _addresses(after))
    return same or before.equals(after)


def _addresses(array: pa.Array) -> list[int | None]:
    return [None if buffer is None else buffer.address for buffer in array.buffers()]


def changed_mask(before: pa.Array, after: pa.Array) -> np.ndarray:
    """Rows whose value differs, a null compared with a value counting as a change. A nested
    value (a list, a struct), which Arrow has no comparison for, is compared as its JSON text."""
    if pa.types.is_nested(before.type):
        before, after = json_texts(before), json_texts(after)
    differs = to_numpy(pc.fill_null(pc.not_equal(before, after), False))
    nulls = to_numpy(pc.is_null(before)) != to_numpy(pc.is_null(after))
    return differs | nulls


def count_rewrites(tally: Tally, before: pa.Array, after: pa.Array, mask: np.ndarray) -> None:
    """The most frequent rewrites of a column ("'NA' -> null"), from its distinct changed pairs,
    counted in the order each pair first appears."""
    if not mask.any():
        return
    where = pa.array(mask)
    old, old_values = _coded(before.filter(where))
    new, new_values = _coded(after.filter(where))
    pair = factorize(old * len(new_values) + new)
    counts = np.bincount(pair)
    for code, row in enumerate(np.flatnonzero(first_of_each(pair)).tolist()):
        key = f"{_show(old_values[old[row]])} -> {_show(new_values[new[row]])}"
        # a bounded record: a column rewritten value by value would otherwise grow it without end
        if key in tally.rewrites or len(tally.rewrites) < MAX_REWRITES:
            tally.rewrites[key] += int(counts[code])


def _coded(cells: pa.Array) -> tuple[np.ndarray, list[str | None]]:
    """The cells' texts as codes into their distinct texts (null one of them)."""
    encoded = pc.dictionary_encode(cells.cast(pa.string()), null_encoding="encode")
    return to_numpy(encoded.indices).astype(np.int64), encoded.dictionary.to_pylist()


def _show(value: str | None) -> str:
    return "null" if value is None else repr(value)
