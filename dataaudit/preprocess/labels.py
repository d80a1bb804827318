"""Label spellings that fold together (`Cat`, `cat `, `CAT`) become one canonical label: the
allowed label when the rules list one, else the most frequent spelling, chosen by the same
`canonical_spelling` the `labels.variants` check names in its finding."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.preprocess.base import (
    FromProfile,
    Tally,
    changed_mask,
    count_rewrites,
    every_row_if_encoded,
    replace_column,
)
from dataaudit.profile.classes import canonical_spelling
from dataaudit.profile.model import Profile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.values import fold_label


class MergeLabelVariants(FromProfile):
    """Map each label to its class's canonical spelling.

    Learns `label_map_`: folded key -> canonical label. A label of another split whose key
    the training data never had is left as it is (the audit then reports it).
    """

    name = "merge_label_variants"
    state = ("label_map_",)

    def __init__(self, target: str | None = None, allowed: list[str] | None = None) -> None:
        self.target = target
        self.allowed = allowed

    def spec(self) -> ProfileSpec:
        return ProfileSpec(target=self.target)

    def _learn(self, profile: Profile) -> None:
        label = profile.label
        folded = label.folded if label is not None else {}
        self.label_map_ = {key: canonical_spelling(spellings, self.allowed)
                           for key, spellings in sorted(folded.items())}

    def rows_changed(self, batch: pa.RecordBatch) -> np.ndarray:
        """The rows whose label's text is no canonical spelling: a label of another type whose
        text changes but whose value does not (`01` to `1` in a column of integers) is among
        them, and is left as it is."""
        self.check_fitted()
        mapping = self._mapping(batch)
        if mapping is None:
            return np.zeros(batch.num_rows, dtype=bool)
        encoded, spellings, canonical = mapping
        respelled = pa.array([new != old for old, new in zip(spellings, canonical, strict=True)], pa.bool_())
        changed = to_numpy(pc.fill_null(pc.take(respelled, encoded.indices), False))
        return every_row_if_encoded(batch.column(self.target), changed)

    def _mapping(self, batch: pa.RecordBatch) -> tuple[pa.DictionaryArray, list[str], list[str]] | None:
        """The labels' texts as codes into their spellings, and each spelling's canonical one;
        None when no label is respelled."""
        if self.target is None or self.target not in batch.schema.names or not self.label_map_:
            return None
        try:
            texts = batch.column(self.target).cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return None  # labels that are no text (lists, bytes that are no UTF-8) have no spellings
        encoded = pc.dictionary_encode(texts)
        spellings = encoded.dictionary.to_pylist()
        canonical = [self.label_map_.get(fold_label(s), s) for s in spellings]
        return None if canonical == spellings else (encoded, spellings, canonical)

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        mapping = self._mapping(batch)
        if mapping is None:
            return batch, tally
        encoded, _, canonical = mapping
        array = batch.column(self.target)
        mapped = pc.take(pa.array(canonical, pa.string()), encoded.indices)
        if mapped.type != array.type:
            mapped = mapped.cast(array.type)
        changed = changed_mask(array, mapped)
        if not changed.any():  # respelled texts of the same values (a bool `True` allowed as 'True')
            return batch, tally
        count_rewrites(tally, array, mapped, changed)
        tally.cells[self.target] += int(changed.sum())
        tally.rows_changed = int(np.count_nonzero(changed))
        return replace_column(batch, self.target, mapped), tally
