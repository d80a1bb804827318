"""Label spellings that fold together (`Cat`, `cat `, `CAT`) become one canonical label: the
allowed label when the rules list one, else the most frequent spelling, chosen by the same
`canonical_spelling` the `labels.variants` check names in its finding."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.preprocess.base import FromProfile, Tally, changed_mask, count_rewrites, replace_column
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

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        if self.target is None or self.target not in batch.schema.names or not self.label_map_:
            return batch, tally
        array = batch.column(self.target)
        try:
            texts = array.cast(pa.string())
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            return batch, tally  # labels that are no text (lists, bytes that are no UTF-8) have no spellings
        encoded = pc.dictionary_encode(texts)
        spellings = encoded.dictionary.to_pylist()
        canonical = [self.label_map_.get(fold_label(s), s) for s in spellings]
        if canonical == spellings:
            return batch, tally
        mapped = pc.take(pa.array(canonical, pa.string()), encoded.indices)
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            mapped = mapped.cast(array.type)
        changed = changed_mask(array, mapped)
        count_rewrites(tally, array, mapped, changed)
        tally.cells[self.target] += int(changed.sum())
        tally.rows_changed = int(np.count_nonzero(changed))
        return replace_column(batch, self.target, mapped), tally
