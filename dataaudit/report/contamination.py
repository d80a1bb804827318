"""The report's account of evaluation sets compared with the training texts: the dataset card's
counts and the table of the examples holding an item."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dataaudit.report.cards import ContaminationCard, MatchKinds
from dataaudit.report.model import ReportTable

if TYPE_CHECKING:
    from dataaudit.profile.text import TextProfile


def contamination_cards(texts: list[TextProfile]) -> list[ContaminationCard] | None:
    """One card per training text and evaluation set; None when no evaluation set was compared."""
    cards = [ContaminationCard(
        text=t.name, eval_set=s.name, kind=s.kind, fields=s.fields, items=s.items, ngram=t.contamination.ngram,
        items_matched=s.items_matched, items_by_kind=MatchKinds(**s.items_by_kind),
        examples_matched=s.examples_matched, examples_by_kind=MatchKinds(**s.examples_by_kind),
        copies_by_side=s.examples_by_side,
    ) for t in texts if t.contamination is not None for s in t.contamination.sets]
    return cards or None


def contamination_tables(texts: list[TextProfile]) -> list[ReportTable]:
    """Counts per evaluation set, then the first examples holding an item with the words they share."""
    judged = [t for t in texts if t.contamination is not None]
    if not judged:
        return []
    counts = [[t.name, s.name, ", ".join(s.fields), s.items, s.items_matched,
               *(s.items_by_kind[k] for k in ("exact", "ngram", "near")), s.examples_matched,
               ", ".join(f"{side} {n:,}" for side, n in s.examples_by_side.items())]
              for t in judged for s in t.contamination.sets]  # type: ignore[union-attr]
    first = judged[0].contamination
    assert first is not None
    summary = ReportTable(
        "contamination.sets", "Evaluation sets against the training texts",
        ["text", "eval set", "fields", "items", "items found", "exact", "ngram", "near", "examples holding one",
         "copies by side"], counts,
        f"An item is copied when its normalised text is equal (exact) or shared {first.ngram}-word n-grams cover at "
        f"least {first.min_share:.0%} of its words (ngram); near: estimated Jaccard similarity of word 3-grams >= "
        f"{first.near_threshold:g}. Each item and example counts once, under its strongest kind.")
    rows = [[t.name, s.name, m.example, m.item, m.kind, m.side, m.share, m.excerpt]
            for t in judged for s in t.contamination.sets for m in s.examples]  # type: ignore[union-attr]
    if not rows:
        return [summary]
    unit = judged[0].unit
    return [summary, ReportTable(
        "contamination.matches", "Training examples holding an evaluation item",
        ["text", "eval set", unit, "item", "kind", "side", "share", "shared words"], rows,
        "item: the evaluation set's line (JSONL), index (JSON array) or row (table); share: of the item's words "
        "covered (similarity for a near copy); the first examples of each set, in order.")]
