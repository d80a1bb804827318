"""The dataset card of a report: what was audited, column by column, from the profile."""

from __future__ import annotations

from typing import Any

from dataaudit.profile.free_text import free_text_columns
from dataaudit.profile.model import ColumnProfile, Profile


def dataset_summary(profile: Profile) -> dict[str, Any]:
    label = profile.label
    return {
        "rows": profile.rows,
        "columns": len(profile.columns),
        "features": profile.features,
        "ignored": [{"column": c, "reason": r} for c, r in profile.ignored.items()],
        "labels": None if label is None else {
            "column": label.column,
            "counts": label.counts,
            "missing": label.missing,
            "categorical": label.tracked,
        },
        "duplicates": {
            "exact_rows": profile.duplicates.exact_rows,
            "feature_rows": profile.duplicates.feature_rows,
            "conflict_groups": profile.duplicates.conflict_groups,
            "conflict_rows": profile.duplicates.conflict_rows,
            "distinct_feature_rows": profile.duplicates.distinct_feature_rows,
        },
        "column_profiles": [_column(c) for c in profile.columns],
        "free_text_columns": free_text_columns(profile),
    }


def _column(c: ColumnProfile) -> dict[str, Any]:
    data: dict[str, Any] = {
        "name": c.name,
        "role": c.role,
        "type": c.type,
        "kinds": c.kinds,
        "nulls": c.nulls,
        "tokens": c.tokens,
        "sentinels": c.sentinels,
        "sentinels_in_range": c.sentinels_in_range,
        "missing": c.missing,
        "missing_share": round(c.missing / c.rows, 6) if c.rows else 0.0,
        "distinct_estimate": c.distinct,
    }
    if c.numeric is not None:
        n = c.numeric
        data["numeric"] = {"min": n.min, "max": n.max, "mean": round(n.mean, 6), "std": round(n.std, 6)}
    if c.top_values is not None:
        data["top_values"] = [[value, count] for value, count in c.top_values]
    return data
