"""The comparison of a dataset's splits: plain facts the `splits` checks and the report read.

Row numbers are 0-based data rows of the split they belong to. The first split is the
reference (training) split that every other split is compared with.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np


@dataclass(frozen=True)
class SchemaDiff:
    """Columns of the reference a split lacks (with their role), columns only the split has,
    and shared columns whose type family (numeric, text, boolean, datetime, mixed) differs."""

    split: str
    missing: dict[str, str]
    extra: list[str]
    type_changes: dict[str, tuple[str, str]]


@dataclass(frozen=True)
class Leakage:
    """Rows of `split` whose shared features equal those of some reference row (`sources`: the
    first such reference row of each); of those, the rows whose label differs from every
    reference row with the same features. The arrays hold the first rows (a bounded number),
    `leaked_rows` and `other_label_rows` count them all."""

    split: str
    rows: int
    leaked: np.ndarray
    sources: np.ndarray
    other_label: np.ndarray
    features: tuple[str, ...]
    leaked_rows: int
    other_label_rows: int


@dataclass(frozen=True)
class GroupOverlap:
    """Groups (values of the group column) that occur in both `other` and `split`, and the rows
    of `split` that belong to them (`rows` the first of them, `shared_rows` how many)."""

    split: str
    other: str
    column: str
    groups: int
    split_groups: int
    rows: np.ndarray
    split_rows: int
    shared_rows: int


@dataclass(frozen=True)
class LabelShift:
    """Class shares of `split` against the reference: JS divergence (bits), what chance alone
    gives at these sizes, reference classes the split lacks, split classes the reference lacks,
    and per class the split's spellings of it that no reference row has (`Cat` where the
    reference writes `cat`)."""

    split: str
    js: float
    noise: float
    missing: list[str]
    unseen: dict[str, int]
    respelled: dict[str, list[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class Drift:
    """One column of one split against the reference: PSI (numeric, on the reference's decile
    bins) or JS divergence (categorical), with its chance level."""

    column: str
    split: str
    kind: str
    measure: str
    value: float
    noise: float
    rows: int
    details: dict = field(default_factory=dict)


@dataclass(frozen=True)
class UnseenCategories:
    column: str
    split: str
    rows: int
    split_rows: int
    values: dict[str, int]
    #: of the values shown, those the reference has in another case or with blanks around (`'dream '`
    #: for `Dream`): respelled, not new categories, each with the reference's spelling
    respelled: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class MissingShift:
    column: str
    split: str
    reference_share: float
    split_share: float
    noise: float

    @property
    def change(self) -> float:
        return abs(self.split_share - self.reference_share)


@dataclass(frozen=True)
class SplitComparison:
    reference: str
    sizes: dict[str, int]
    target: str | None
    class_counts: dict[str, dict[str, int]] | None
    schema: list[SchemaDiff]
    leakage: list[Leakage]
    group_column: str | None
    groups: list[GroupOverlap]
    label_shift: list[LabelShift]
    drift: list[Drift]
    unseen: list[UnseenCategories]
    missing: list[MissingShift]
    not_compared: list[tuple[str, str, str]]
    #: whether the group column was named (--group-column) or found: an id-like column that repeats
    group_named: bool = True
    #: by split after the reference, how many of its groups an earlier split has too, each once
    #: however many earlier splits have it (the pairs in `groups` count it once a pair)
    shared_groups: dict[str, int] = field(default_factory=dict)
    #: the splits without the group column (a found one need not be in every split): their
    #: groups are compared with no other split's
    group_lacking: list[str] = field(default_factory=list)

    @property
    def others(self) -> list[str]:
        return [name for name in self.sizes if name != self.reference]
