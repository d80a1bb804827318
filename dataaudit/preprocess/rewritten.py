"""The rows the value steps rewrite, found by the deciding pass, so that the writing pass runs
those steps on them alone.

Why: the value steps (`missing_to_null`, `normalize_text`, `merge_label_variants`,
`coerce_numeric`) test every cell of their columns, which costs about a CPU second a million
rows; the deciding pass already asked each of them which rows it rewrites (`Step.rows_changed`:
about 5% of the benchmark's rows) to judge the cleaned rows, and keeps those rows. The writing
pass then runs the steps on the kept rows among those and leaves the other kept rows as read.
That is exact: a step changes nothing in a row no step rewrote, and its tally (rows, cells,
rewrites) counts only the cells it changes, in row order, so the written values and the
manifest's tallies are those of the steps run on every kept row. A step that changes a column's
type, or rewrites a dictionary-encoded column, rewrites every row of the chunk, so it runs on
them all.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.preprocess.base import Step, Tally, handed_back


@dataclass
class RewrittenRows:
    """`rows`: per input row, whether one of `steps` (the leading steps of the run) changed it."""

    steps: list[Step]
    rows: np.ndarray

    def through(self, batch: pa.RecordBatch, rewritten: np.ndarray, tallies: dict[str, Tally]) -> pa.RecordBatch:
        """`batch` through `steps`, run on its `rewritten` rows alone, their tallies added to `tallies`."""
        part = batch if rewritten.all() else batch.take(pa.array(np.flatnonzero(rewritten)))
        changed = part
        for step in self.steps:
            changed, tally = step.transform_counted(changed)
            tallies.setdefault(step.name, Tally()).add(tally)
        if part is batch:
            return changed
        return spliced(batch, rewritten, part, changed)


def spliced(batch: pa.RecordBatch, rows: np.ndarray, before: pa.RecordBatch, after: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with its `rows` (a mask) holding `after`'s values where they differ from `before`'s
    (the same rows, as taken from `batch`)."""
    assert after.schema.names == batch.schema.names, "the steps covered keep the columns"
    mask = pa.array(rows)
    for index, (old, new) in enumerate(zip(before.columns, after.columns, strict=True)):
        if handed_back(old, new):
            continue
        assert new.type == old.type, "a step that changes a column's type rewrites every row"
        column = batch.column(index)
        nulled = _only_nulled(old, new)
        if nulled is not None:
            into = np.zeros(len(rows), dtype=bool)
            into[np.flatnonzero(rows)[nulled]] = True
            column = pc.if_else(pa.array(into), pa.scalar(None, column.type), column)
        else:
            column = pc.replace_with_mask(column, mask, new)
        batch = batch.set_column(index, after.schema.field(index), column)
    return batch


def _only_nulled(old: pa.Array, new: pa.Array) -> np.ndarray | None:
    """The cells `new` made null, when that is all it changed of `old` (a token or a sentinel
    nulled): those are spliced in by one masked copy of the column (`if_else`), several times
    faster than `replace_with_mask`. None when a value changed, and for a dictionary-encoded
    column, which a step rewrites in every row and is never spliced."""
    if pa.types.is_dictionary(old.type):
        return None
    kept = new.is_valid()
    if not old.filter(kept).equals(new.filter(kept)):
        return None
    return to_numpy(pc.and_(old.is_valid(), pc.invert(kept)))
