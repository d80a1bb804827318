"""Real `Profile` objects built in a line, so a check can be tested without a file.

Every number a check reads can be set; the rest defaults to a clean dataset: no missing
values, no duplicates, every column numeric with half as many distinct values as rows (not an
id, not a constant). `make_profile(label_counts={"a": 90, "b": 10}, columns=["x",
make_column("y", nulls=5)])` is a 100-row table with a target `label` and two feature columns.
"""

from __future__ import annotations

from dataaudit.profile.model import ColumnProfile, DuplicateProfile, LabelProfile, NumericSummary, Profile
from dataaudit.profile.values import fold_label

DEFAULT_ROWS = 100


def make_column(name: str, *, rows: int = DEFAULT_ROWS, role: str = "feature", type: str = "integer",
                nulls: int = 0, tokens: dict[str, int] | None = None, sentinels: dict[str, int] | None = None,
                distinct: int | None = None, percentiles: list[float] | None = None,
                top_values: list[tuple[str, int]] | None = None) -> ColumnProfile:
    """One column of `rows` cells, `nulls` of them empty and `tokens`/`sentinels` disguised;
    a numeric column's summary spans its percentiles when given, else 0 to rows - 1."""
    tokens, sentinels = tokens or {}, sentinels or {}
    present = rows - nulls - sum(tokens.values()) - sum(sentinels.values())
    numeric = None
    if type in ("integer", "float") and present:
        low, high = (percentiles[0], percentiles[-1]) if percentiles else (0.0, float(present - 1))
        numeric = NumericSummary(count=present, min=low, max=high, mean=(low + high) / 2, std=1.0)
    return ColumnProfile(
        name=name, role=role, rows=rows, type=type, kinds={type: present} if present else {}, spaced=0,
        kind_rows={}, nulls=nulls, null_rows=list(range(nulls))[:20], tokens=tokens, token_rows=[],
        sentinels=sentinels, sentinel_rows=[], sentinels_in_range={},
        distinct=present // 2 if distinct is None else distinct, numeric=numeric, top_values=top_values,
        percentiles=percentiles,
    )


def make_profile(*, rows: int | None = None, label_counts: dict[str, int] | None = None, target: str = "label",
                 columns: list[str | ColumnProfile] = (), missing_per_row: list[int] | None = None,
                 duplicates: DuplicateProfile | None = None, tracked: bool = True) -> Profile:
    """A table of `rows` rows (default: the labels' total, else 100) with the given feature
    columns (a name is a clean numeric column) and, with `label_counts`, a target column."""
    n = rows if rows is not None else sum(label_counts.values()) if label_counts else DEFAULT_ROWS
    built = [make_column(c, rows=n) if isinstance(c, str) else c for c in columns]
    label = None
    if label_counts is not None:
        labelled = sum(label_counts.values())
        folded: dict[str, dict[str, int]] = {}
        for spelling, count in label_counts.items():
            folded.setdefault(fold_label(spelling), {})[spelling] = count
        label = LabelProfile(column=target, counts=dict(label_counts), folded=folded, missing=n - labelled,
                             missing_rows=list(range(labelled, n))[:20], tracked=tracked)
        built.append(make_column(target, rows=n, role="target", type="text", nulls=n - labelled,
                                 distinct=len(label_counts), top_values=list(label_counts.items())))
    return Profile(
        rows=n, columns=built, features=[c.name for c in built if c.role == "feature"], ignored={},
        label=label, duplicates=duplicates or DuplicateProfile(0, [], 0, [], 0, 0, [], distinct_feature_rows=n),
        missing_per_row=missing_per_row if missing_per_row is not None else [n], missing_per_row_examples={},
    )


def spread(low: float = 0.0, high: float = 100.0) -> list[float]:
    """The percentiles 0, 1, ..., 100 of numbers spread evenly from `low` to `high`."""
    return [low + (high - low) * k / 100 for k in range(101)]
