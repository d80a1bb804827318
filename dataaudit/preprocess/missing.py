"""Disguised missing values ("?", "NA", whitespace, out-of-range -999) become real nulls.

Values are classified by the audit's own `value_table`, with the rule pack's tokens, so every
cell the audit counted as disguised is exactly a cell this step nulls. A sentinel is nulled
only in the columns where the audit found it outside the range of real values.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.preprocess.base import (
    FromProfile,
    Step,
    Tally,
    count_rewrites,
    decoded,
    encoded_as,
    every_row_if_encoded,
    is_text,
    replace_column,
)
from dataaudit.profile import values as v
from dataaudit.profile.model import Profile
from dataaudit.profile.spec import DEFAULT_MISSING_TOKENS, ProfileSpec


class MissingToNull(FromProfile):
    """Null every disguised token and out-of-range sentinel in the feature and target columns.

    Learns `columns_` (the columns it looks at) and `sentinels_` (per column, the sentinel
    values the audit found outside the column's range).
    """

    name = "missing_to_null"
    state = ("columns_", "sentinels_")

    #: per column, the tokens as spelled in the rows the step cleans (`where_found`); None: unknown
    found: dict[str, list[str]] | None = None

    def __init__(self, tokens: tuple[str, ...] = DEFAULT_MISSING_TOKENS, case_sensitive: bool = False) -> None:
        self.tokens = tokens
        self.case_sensitive = case_sensitive

    def spec(self) -> ProfileSpec:
        return ProfileSpec(tokens=tuple(self.tokens), case_sensitive=self.case_sensitive)

    def _learn(self, profile: Profile) -> None:
        self.columns_ = [c.name for c in profile.columns if c.role != "ignored"]
        self.sentinels_ = {c.name: sorted(float(s) for s in c.sentinels) for c in profile.columns
                           if c.role == "feature" and c.sentinels}

    def where_found(self, profile: Profile, earlier: Sequence[Step] = ()) -> MissingToNull:
        """A copy that looks only at the columns where `profile`, the audit of the very rows it
        will clean, found a disguised value: elsewhere it would null nothing, and testing every
        cell of a column costs about as much as profiling it again. In those columns it looks
        for the tokens as the audit found them spelled (`found`): a cell is a token by its text
        alone, so the cells spelled so are exactly the cells the audit counted as tokens, found
        by one lookup per cell instead of trimming and folding every distinct value."""
        if any(v.looks_numeric(token) for token in self.tokens):
            return self  # the audit counts a column of numbers on its fast path, which sees no token
        found = {c.name: c for c in profile.columns if c.tokens or c.sentinels}
        narrowed = copy.copy(self)
        narrowed.columns_ = [name for name in self.columns_ if name in found]
        narrowed.found = {name: sorted(found[name].tokens) for name in narrowed.columns_}
        return narrowed

    def rows_changed(self, batch: pa.RecordBatch) -> np.ndarray:
        self.check_fitted()
        rows = np.zeros(batch.num_rows, dtype=bool)
        for _, stored, _, missing in self._disguised(batch):
            rows |= every_row_if_encoded(stored, missing)
        return rows

    def _disguised(self, batch: pa.RecordBatch) -> Iterator[tuple[str, pa.Array, pa.Array, np.ndarray]]:
        """Each column of `batch` holding a disguised cell: its name, the column as stored and
        decoded, and its disguised cells."""
        for name in self.columns_:
            if name not in batch.schema.names:
                continue
            stored = batch.column(name)
            array = decoded(stored)
            spelled = self.found.get(name) if self.found is not None else None
            missing = self._missing(array, self.sentinels_.get(name, []), spelled)
            if missing.any():
                yield name, stored, array, missing

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        touched = np.zeros(batch.num_rows, dtype=bool)
        for name, stored, array, missing in self._disguised(batch):
            cleaned = pc.if_else(pa.array(missing), pa.scalar(None, array.type), array)
            count_rewrites(tally, array, cleaned, missing)  # a missing cell is a present value, now null
            tally.cells[name] += int(missing.sum())
            touched |= missing
            batch = replace_column(batch, name, encoded_as(cleaned, stored.type, name))
        tally.rows_changed = int(touched.sum())
        return batch, tally

    def _missing(self, array: pa.Array, sentinels: list[float], spelled: list[str] | None = None) -> np.ndarray:
        """The disguised cells: tokens (with `spelled`, the tokens as written in these rows) and,
        in a column of numbers, the `sentinels`."""
        if not is_text(array):
            if not sentinels or not (pa.types.is_integer(array.type) or pa.types.is_floating(array.type)):
                return np.zeros(len(array), dtype=bool)
            found = (pc.is_in(array.cast(pa.float64()), pa.array(sentinels)) if pa.types.is_floating(array.type)
                     else pc.is_in(array, _integer_sentinels(array.type, sentinels)))
            return to_numpy(pc.fill_null(found, False))
        if spelled is not None and not sentinels:
            return to_numpy(pc.is_in(array, value_set=pa.array(spelled, array.type)))
        spec = ProfileSpec(tokens=tuple(self.tokens), case_sensitive=self.case_sensitive, sentinels=tuple(sentinels))
        encoded = pc.dictionary_encode(array)
        if sentinels:  # the value table's classification of each distinct value, without its hashing
            _, kind, number = v.classify(encoded.dictionary, spec)
            numeric = (kind == v.INTEGER) | (kind == v.FLOAT)
            disguised = pa.array((kind == v.TOKEN) | (numeric & np.isin(number, sentinels)))
        else:  # tokens alone: the value table's token test, without its numbers
            trimmed = pc.utf8_trim_whitespace(encoded.dictionary)
            folded = trimmed if self.case_sensitive else pc.utf8_lower(trimmed)
            disguised = pc.is_in(folded, value_set=pa.array(spec.folded_tokens, pa.string()))
        return to_numpy(pc.fill_null(pc.take(disguised, encoded.indices), False))


def _integer_sentinels(kind: pa.DataType, sentinels: list[float]) -> pa.Array:
    """The `sentinels` a column of integers of `kind` can hold, as its values: compared as
    integers, exactly (a cast of the column to floats is refused past 2**53, and would round)."""
    bounds = np.iinfo(kind.to_pandas_dtype())
    return pa.array([int(s) for s in sentinels if float(s).is_integer() and bounds.min <= s <= bounds.max], kind)
