"""Text features lose surrounding blanks, so `"red "` and `"red"` become one value.

Only the blanks go: the characters between them are what the file says. Folding Unicode
compatibility forms (NFKC: a full-width `"ｒｅｄ"` to `"red"`, but also `…` to `...` and `²`
to `2`) rewrites text the user wrote, so it runs only when asked (`unicode=True`, the rule
pack's `normalize_unicode`)."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Sequence

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.preprocess.base import (
    FromProfile,
    Step,
    Tally,
    changed_mask,
    count_rewrites,
    decoded,
    encoded_as,
    every_row_if_encoded,
    is_text,
    note_nested,
    replace_column,
)
from dataaudit.preprocess.missing import MissingToNull
from dataaudit.profile.model import Profile
from dataaudit.profile.text_bytes import may_have_blanks_around
from dataaudit.profile.values import trimmed_away

TEXT_TYPES = ("text", "mixed", "boolean")


class NormalizeText(FromProfile):
    """Trim the text feature columns (and NFKC-normalize them with `unicode`); learns
    `columns_` from the profile. The `nested` columns hold JSON objects or arrays as their text
    (a JSON Lines table's): left as they are, as a Parquet list or struct is."""

    name = "normalize_text"
    state = ("columns_",)

    #: the columns where the audit of the rows the step cleans found text to trim (`where_found`); None: unknown
    found: frozenset[str] | None = None

    def __init__(self, unicode: bool = False) -> None:
        self.unicode = unicode

    def _learn(self, profile: Profile) -> None:
        self.columns_ = [c.name for c in profile.columns if c.role == "feature" and c.type in TEXT_TYPES]

    def where_found(self, profile: Profile, earlier: Sequence[Step] = ()) -> NormalizeText:
        """A copy that trims only the columns where `profile`, the audit of the very rows it will
        clean, counted text starting or ending with whitespace (`ColumnProfile.padded`, by the
        same trim), or a missing-value token spelled so unless a `missing_to_null` among the
        `earlier` steps nulled the tokens: elsewhere trimming would change nothing, and looking
        costs a scan of every text of the column. Not with `unicode`, which may rewrite any text."""
        if self.unicode:
            return self
        tokens_nulled = any(isinstance(step, MissingToNull) for step in earlier)
        narrowed = copy.copy(self)
        narrowed.found = frozenset(c.name for c in profile.columns
                                   if c.padded or (not tokens_nulled and _padded_token(c.tokens)))
        return narrowed

    def rows_changed(self, batch: pa.RecordBatch) -> np.ndarray:
        self.check_fitted()
        rows = np.zeros(batch.num_rows, dtype=bool)
        for _, stored, _, _, changed in self._rewritten(batch):
            rows |= every_row_if_encoded(stored, changed)
        return rows

    def _rewritten(self, batch: pa.RecordBatch) -> Iterator[tuple[str, pa.Array, pa.Array, pa.Array, np.ndarray]]:
        """Each column of `batch` with a text trimming changes: its name, the column as stored
        and decoded, trimmed, and the rows trimming changed."""
        for name in self.columns_ if self.found is None else [c for c in self.columns_ if c in self.found]:
            if name not in batch.schema.names or name in self.nested:
                continue
            stored = batch.column(name)
            array = decoded(stored)
            if not is_text(array) or not (self.unicode or may_have_blanks_around(array)):
                continue  # no text of the column starts or ends with a blank: trimming keeps them all
            cleaned = pc.utf8_trim_whitespace(pc.utf8_normalize(array, "NFKC") if self.unicode else array)
            changed = changed_mask(array, cleaned)
            if changed.any():
                yield name, stored, array, cleaned, changed

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        note_nested(tally, batch, self.columns_, self.nested)
        touched = np.zeros(batch.num_rows, dtype=bool)
        for name, stored, array, cleaned, changed in self._rewritten(batch):
            count_rewrites(tally, array, cleaned, changed)
            tally.cells[name] += int(changed.sum())
            touched |= changed
            batch = replace_column(batch, name, encoded_as(cleaned, stored.type, name))
        tally.rows_changed = int(touched.sum())
        return batch, tally


def _padded_token(tokens: dict[str, int]) -> bool:
    """Whether a missing-value token of a column is spelled with whitespace around it (`"  "`)."""
    if not tokens:
        return False
    spellings = pa.array(list(tokens), pa.string())
    return bool(trimmed_away(spellings, pc.utf8_trim_whitespace(spellings)).any())
