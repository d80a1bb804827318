"""Text features as numbers: one 0/1 column per category, or one integer per category.

Categories are learned on the kept training rows and sorted, as scikit-learn's encoders sort
them; a category another split brings is all zeros (one-hot) or -1 (ordinal).
"""

from __future__ import annotations

from collections.abc import Iterable

import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.preprocess.base import Step, Tally, decoded, note_nested
from dataaudit.preprocess.numeric import text_columns
from dataaudit.profile.model import Profile


class Encode(Step):
    """Learns `categories_`: column -> sorted categories, for text features with at most
    `max_categories` of them, and `skipped_`: the text features left as text. The `nested`
    columns hold JSON objects or arrays as their text (a JSON Lines table's): not categories,
    left as they are, as a Parquet list or struct is."""

    name = "encode"
    state = ("categories_", "skipped_")

    def __init__(self, method: str = "onehot", max_categories: int = 50, exclude: tuple[str, ...] = ()) -> None:
        self.method = method
        self.max_categories = max_categories
        self.exclude = exclude

    def _fit(self, batches: Iterable[pa.RecordBatch], profile: Profile | None) -> None:
        seen: dict[str, set | None] = {}
        for batch in batches:
            for name in text_columns(batch, (*self.exclude, *self.nested)):
                values = seen.setdefault(name, set())
                if values is None:
                    continue
                values.update(v for v in pc.unique(batch.column(name)).to_pylist() if v is not None)
                if len(values) > self.max_categories:
                    seen[name] = None
        self.categories_ = {name: sorted(values) for name, values in seen.items() if values is not None}
        self.skipped_ = [name for name, values in seen.items() if values is None]

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        note_nested(tally, batch, [name for name in batch.schema.names if name not in self.exclude], self.nested)
        names, arrays = [], []
        for field in batch.schema:
            array = batch.column(field.name)
            categories = self.categories_.get(field.name)
            if categories is None:
                names.append(field.name)
                arrays.append(array)
                continue
            tally.cells[field.name] += len(array)
            codes = pc.index_in(decoded(array), value_set=pa.array(categories, pa.string()))
            unknown = pc.and_(pc.is_null(codes), pc.is_valid(array))
            _count_unknown(tally, array.filter(unknown), "-1" if self.method == "ordinal" else "all zeros")
            if self.method == "ordinal":
                names.append(field.name)
                arrays.append(pc.if_else(unknown, -1, codes.cast(pa.int64())))
                continue
            for i, category in enumerate(categories):
                names.append(f"{field.name}={category}")
                arrays.append(pc.fill_null(pc.equal(codes, i), False).cast(pa.int8()))
        if tally.cells:
            tally.rows_changed = batch.num_rows
            tally.notes.append(f"{self.method}: " + ", ".join(
                f"{name} ({len(self.categories_[name])} categories)" for name in tally.cells))
        if self.skipped_:
            tally.notes.append("left as text (too many categories): " + ", ".join(self.skipped_))
        return pa.RecordBatch.from_arrays(arrays, names=names), tally


def _count_unknown(tally: Tally, values: pa.Array, made: str) -> None:
    """Count the values no category was learned for (another split's, cleaned with a fitted
    state), as the rewrites the steps table and manifest show: they are encoded as no category,
    which a model reads as none of the known ones, and the split should say how often."""
    if len(values):
        for item in pc.value_counts(decoded(values)).to_pylist():
            tally.rewrites[f"{item['values']!r} -> {made} (unknown category)"] += item["counts"]
