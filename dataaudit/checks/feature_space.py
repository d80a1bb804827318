"""Whether repeated feature rows are intrinsic to the data: few possible combinations make
repeats samples, not copies.

A table of a few categorical columns (Titanic's class, age and sex: 4 x 2 x 2 = 16
combinations for 2,201 people) cannot help repeating itself, and the same feature row then
carries both outcomes because the features do not decide the label, not because someone
mislabelled it. The duplicate and conflict checks read this to say so instead of failing.

Repeats are intrinsic when every feature column has at most `MAX_LEVELS` values (a missing
value counts as one more), the distinct feature rows are at most `MAX_DISTINCT_SHARE` of the
rows, and they fill at least `MIN_COVERAGE` of the possible combinations (the product of the
columns' value counts): the rows repeat because the space is full, not because rows were
copied. Rows copied many times over in a large space (few distinct rows, but a small share of
what the columns allow) stay duplicates.
"""

from __future__ import annotations

from dataclasses import dataclass

from dataaudit.profile.model import Profile
from dataaudit.wording import plural

#: why the checks comparing rows' features skip a table whose columns are all ignored or the target:
#: every row has the same empty features, which would make every row a repeat of the first
NO_FEATURES = "no feature columns: every column is the target or ignored"

MAX_LEVELS = 20
MAX_DISTINCT_SHARE = 0.1
MIN_COVERAGE = 0.5
JSON_SAFE_INTEGER = 2**53


@dataclass(frozen=True)
class FeatureSpace:
    columns: int
    distinct_rows: int
    #: the product of the feature columns' value counts; None when a column has more than MAX_LEVELS
    #: or the product passes 2**53 (thousands of columns make it astronomical; no file has the rows to fill it,
    #: and JSON readers hold integers exactly only up to there)
    combinations: int | None
    intrinsic: bool

    def describe(self) -> str:
        """`14 distinct feature rows of 16 possible combinations of 3 columns`, for a message."""
        return (f"{plural(self.distinct_rows, 'distinct feature row')} of "
                f"{plural(self.combinations or 0, 'possible combination')} of {plural(self.columns, 'column')}")

    def details(self) -> dict[str, int | bool | None]:
        return {"intrinsic": self.intrinsic, "distinct_feature_rows": self.distinct_rows,
                "possible_combinations": self.combinations}


def feature_space(profile: Profile) -> FeatureSpace:
    """The feature columns' space and whether its repeats are intrinsic (see the module)."""
    features = [c for c in profile.columns if c.name in profile.features]
    levels = [c.distinct + (1 if c.missing else 0) for c in features]
    small = bool(levels) and max(levels) <= MAX_LEVELS
    distinct = profile.duplicates.distinct_feature_rows
    if not small or not profile.rows:
        return FeatureSpace(len(features), distinct, None, False)
    combinations = 1
    for count in levels:
        combinations *= count
        if combinations > JSON_SAFE_INTEGER:
            return FeatureSpace(len(features), distinct, None, False)
    intrinsic = distinct <= MAX_DISTINCT_SHARE * profile.rows and distinct >= MIN_COVERAGE * combinations
    return FeatureSpace(len(features), distinct, combinations, intrinsic)
