"""Each period of a file against the rest of it: the split measures, read along the time column.

A period is compared with all other rows of the file, not with the whole (which holds the
period itself and would hide part of its difference) nor with the first period (which may be
the smallest): class shares and the values of counted columns by Jensen-Shannon divergence,
numeric columns by PSI on the deciles of the rest, each with what chance alone gives at these
sizes, exactly as a split is compared with the reference (`dataaudit.splits.compare`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import replace

from dataaudit.profile.model import Profile
from dataaudit.profile.splits import Drift
from dataaudit.splits.compare import categorical_drift, numeric_drift


def with_period_drift(profile: Profile) -> Profile:
    """The profile with every period of its time column measured against the rest of the file."""
    periods = profile.periods
    if periods is None or not periods.periods:
        return profile
    target = profile.label.column if profile.label is not None else None
    label_shift: list[Drift] = []
    drift: list[Drift] = []
    classes = _totals([p.classes for p in periods.periods])
    categories = {c: _totals([p.categories[c] for p in periods.periods]) for c in periods.periods[0].categories}
    for period in periods.periods:
        rest = _rest(classes, period.classes)
        if target is not None and period.classes and rest:
            label_shift.append(categorical_drift(target, period.name, rest, period.classes))
        for column, counts in period.categories.items():
            others = _rest(categories[column], counts)
            if counts and others:
                drift.append(categorical_drift(column, period.name, others, counts))
        for column, percentiles in period.percentiles.items():
            if column in period.rest_percentiles:
                drift.append(numeric_drift(column, period.name, period.rest_percentiles[column], percentiles,
                                           period.rest_numbers[column], period.numbers[column]))
    return replace(profile, periods=replace(periods, label_shift=label_shift, drift=drift))


def _totals(counts: list[dict[str, int]]) -> Counter:
    return sum((Counter(c) for c in counts), Counter())


def _rest(total: Counter, part: dict[str, int]) -> dict[str, int]:
    return {k: n - part.get(k, 0) for k, n in total.items() if n - part.get(k, 0)}
