"""Evaluation items found in the training texts: the facts `contamination.eval_overlap` judges."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class EvalMatch:
    """A training example (a line, or a row of a text column) holding an evaluation item (its
    line, index or row in the evaluation set): how (`kind`: exact, ngram, near), on which side
    (prompt, answer, both, or text for a column), the share of the item's words covered (the
    estimated similarity for a near copy) and the overlapping words, truncated."""

    example: int
    item: int
    kind: str
    side: str
    share: float
    excerpt: str


@dataclass(frozen=True)
class EvalSetMatches:
    """One evaluation set against one training text: its items, and how many of them and of the
    training examples were matched, each counted once under its strongest kind; the examples
    holding a copy (exact or n-gram) by the side the overlap lies on."""

    name: str
    kind: str
    fields: list[str]
    unit: str
    items: int
    items_matched: int
    items_by_kind: dict[str, int]
    examples_matched: int
    examples_by_kind: dict[str, int]
    examples_by_side: dict[str, int]
    examples: list[EvalMatch]


@dataclass(frozen=True)
class ContaminationProfile:
    ngram: int
    min_share: float
    near_threshold: float
    sets: list[EvalSetMatches]
