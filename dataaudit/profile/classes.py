"""Classes as the checks, the label model and the clean see them: spelling variants merged under one canonical name."""

from __future__ import annotations

from dataaudit.profile.model import LabelProfile
from dataaudit.profile.values import fold_label


def canonical_spelling(spellings: dict[str, int], allowed: list[str] | None) -> str:
    """The allowed label when the rules list one for this key, else the most frequent spelling
    (ties broken alphabetically, so the choice never depends on row order)."""
    if allowed:
        key = fold_label(next(iter(spellings)))
        for label in allowed:
            if fold_label(label) == key:
                return label
    return min(spellings, key=lambda s: (-spellings[s], s))


def class_counts(label: LabelProfile, allowed: list[str] | None = None) -> dict[str, int]:
    """Rows per class, largest first, keyed by the canonical spelling."""
    counts = {canonical_spelling(s, allowed): sum(s.values()) for s in label.folded.values()}
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
