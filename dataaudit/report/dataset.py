"""The dataset card of a report: what was audited, column by column, from the profile."""

from __future__ import annotations

from collections.abc import Collection

from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.profile.free_text import free_text_columns
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.report.cards import (
    ColumnCard,
    DatasetCard,
    DuplicateCard,
    IgnoredColumn,
    LabelCard,
    NumericCard,
    SplitCard,
)
from dataaudit.report.contamination import contamination_cards
from dataaudit.report.masking import NOTHING_SHOWN, masked, masked_dict


def dataset_summary(profile: Profile, splits: dict[str, SplitCard] | None = None,
                    auto_text: tuple[str, ...] = (), regions: tuple[str, ...] = DEFAULT_REGIONS,
                    labels: Collection[str] = NOTHING_SHOWN, classes: bool = True) -> DatasetCard:
    """The card of `profile`; `auto_text` names the columns audited as text without being named.
    Without `classes` (a regression target) the label card counts no rows per value: its numbers
    are no classes to list or chart, and the report's `target.distribution` describes them.
    A label or a top value holding a personal value or secret shows its placeholder, phone
    numbers read in `regions` (the rule pack's `checks.pii.phone_regions`), as in findings; the
    classes in `labels` (`masking.shown_labels`) are shown as written in the label card and the
    target column's top values, and nowhere else."""
    label = profile.label
    d = profile.duplicates
    return DatasetCard(
        rows=profile.rows,
        columns=len(profile.columns),
        features=profile.features,
        ignored=[IgnoredColumn(column=c, reason=r) for c, r in profile.ignored.items()],
        labels=None if label is None else LabelCard(
            column=label.column, counts=masked_dict(label.counts, regions, labels) if classes else {},
            missing=label.missing, categorical=classes and label.tracked),
        duplicates=DuplicateCard(
            exact_rows=d.exact_rows, feature_rows=d.feature_rows, conflict_groups=d.conflict_groups,
            conflict_rows=d.conflict_rows, distinct_feature_rows=d.distinct_feature_rows),
        column_profiles=[_column(c, regions, labels if label is not None and c.name == label.column else NOTHING_SHOWN)
                         for c in profile.columns],
        free_text_columns=free_text_columns(profile),
        splits=splits,
        auto_text_columns=list(auto_text) or None,
        contamination=contamination_cards(profile.text),
    )


def _shown(x: float) -> float:
    """`x` to six decimals, or, where those would show a number that is not 0 as 0 (the
    spread of numbers near 1e-184), to six significant digits."""
    rounded = round(x, 6)
    return float(f"{x:.6g}") if rounded == 0 and x != 0 else rounded


def _column(c: ColumnProfile, regions: tuple[str, ...], labels: Collection[str]) -> ColumnCard:
    n = c.numeric
    return ColumnCard(
        name=c.name, role=c.role, type=c.type, kinds=c.kinds, nulls=c.nulls, tokens=c.tokens,
        sentinels=c.sentinels, sentinels_in_range=c.sentinels_in_range, missing=c.missing,
        missing_share=round(c.missing / c.rows, 6) if c.rows else 0.0,
        distinct_estimate=c.distinct,
        numeric=None if n is None else NumericCard(min=n.min, max=n.max, mean=_shown(n.mean), std=_shown(n.std)),
        top_values=None if c.top_values is None else [(masked(value, regions, labels), count)
                                                      for value, count in c.top_values],
    )
