"""What the shortcut measures found, as plain values: the checks and the report read this."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class SingleColumn:
    """How well one column alone predicts the label on the sampled rows.

    `accuracy` is the share of rows whose label the column's prediction gets right (cross-validated
    or from a neighbouring row, as `read_as` says); `majority` the share of the most frequent class,
    what a guess that ignores every column gets right."""

    column: str
    accuracy: float
    majority: float
    rows: int
    read_as: str

    @property
    def skill(self) -> float:
        """The share of the majority guess's errors this column alone avoids: 0 for a column that
        teaches nothing, 1 for one that predicts every row. Comparable across class balances,
        which accuracy is not (99% is nothing on a 99% majority, everything on 50/50)."""
        if self.majority >= 1.0:
            return 0.0
        return round(max(0.0, (self.accuracy - self.majority) / (1.0 - self.majority)), 6)


@dataclass(frozen=True)
class Signature:
    """A token of a text column that marks one class: `rows` sampled rows carry it, `in_class` of
    them belong to `label`, whose sampled rows number `class_rows`."""

    column: str
    token: str
    label: str
    rows: int
    in_class: int
    class_rows: int

    @property
    def share(self) -> float:
        """How much of its class the token covers."""
        return round(self.in_class / self.class_rows, 6)

    @property
    def purity(self) -> float:
        """How nearly only its class carries the token."""
        return round(self.in_class / self.rows, 6)


@dataclass(frozen=True)
class PointMass:
    """A regression target's point mass, the label its features are judged against: whether a
    row's `target` is `value`, which `share` of the target's numbers hold (hours 0 for the women
    not working)."""

    target: str
    value: float
    share: float


@dataclass(frozen=True)
class Shortcuts:
    """The shortcut measures of one sample. `skipped` says why none ran (no target, too few rows,
    a single class); then the lists are empty. `row_order` measures the rows' own order, `ids`
    the order of each id-like column's values, `features` every other feature column,
    `signatures` the tokens of the `text_columns` that mark a class. On a regression target the
    label is whether the target is at its `point_mass`, and only `features` are measured."""

    sample_rows: int
    folds: int
    features: list[SingleColumn] = field(default_factory=list)
    ids: list[SingleColumn] = field(default_factory=list)
    row_order: SingleColumn | None = None
    signatures: list[Signature] = field(default_factory=list)
    text_columns: list[str] = field(default_factory=list)
    skipped: str | None = None
    point_mass: PointMass | None = None
