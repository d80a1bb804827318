"""Repeated rows: exact copies, and copies that differ only in ignored columns. In a small
feature space (`feature_space`) repeats are samples, and the findings say so at `intrinsic`'s
severity at most."""

from __future__ import annotations

from dataaudit.checks.base import Results, pct
from dataaudit.checks.feature_space import NO_FEATURES, FeatureSpace, feature_space
from dataaudit.checks.registry import Check, Exports
from dataaudit.levels import MaxLevels, MaxShareLevels, Section, Size, Toggle
from dataaudit.profile.model import Profile
from dataaudit.wording import plural, verb

UNIQUE_ROWS = ("expect_compound_columns_to_be_unique",)
CHECKS = (
    Check("duplicates.rows", "Few rows are exact copies of an earlier row.", "duplicates",
          ("max_duplicate_row_share", "intrinsic"),
          Exports(UNIQUE_ROWS, partly="GX counts every copy of a repeated row, the audit the repeats after the "
                                      "first; exported only at level 0, where both agree")),
    Check("duplicates.features", "Few rows repeat an earlier row's features and label while differing only in "
                                 "ignored columns (ids, timestamps).", "duplicates",
          ("max_feature_duplicate_share", "intrinsic"),
          Exports(UNIQUE_ROWS, partly="as duplicates.rows, over the feature columns")),
)
HINT = "Duplicates over-weight some examples and leak between splits; `dataaudit clean` drops them."
INTRINSIC_HINT = ("Set `duplicates: keep` in the rule pack's `preprocess:` section: otherwise `dataaudit clean` "
                  "drops every repeat, and with it most of the data.")


class Rules(Section):
    max_duplicate_row_share: MaxShareLevels = MaxShareLevels(warn=0.001, fail=0.05)
    max_feature_duplicate_share: MaxShareLevels = MaxShareLevels(warn=0.001, fail=0.05)
    intrinsic: Toggle = Toggle.INFO  # the most a finding says when repeats are intrinsic; fail: judge as usual
    memory_budget: Size = "64M"  # row hashes held for duplicates and conflicts before they spill to files


def run(profile: Profile, rules: Rules, results: Results) -> None:
    n = profile.rows
    d = profile.duplicates
    if not n:
        for check in CHECKS:
            results.skip(check.id, "no rows")
        return
    space = feature_space(profile)
    if space.intrinsic and rules.intrinsic is Toggle.OFF:
        for check in CHECKS:
            results.skip(check.id, f"repeats are intrinsic: {space.describe()}")
        return
    judged = _Judged(space, rules.intrinsic, results)
    judged.judge("duplicates.rows", rules.max_duplicate_row_share, d.exact_rows, n,
                 f"{plural(d.exact_rows, 'row')} ({pct(d.exact_rows, n)}) "
                 f"{verb(d.exact_rows, 'is an exact duplicate', 'are exact duplicates')} of an earlier row.",
                 d.exact_examples)
    differing = [c for c in profile.ignored if c not in profile.keys]
    if not profile.features:
        results.skip("duplicates.features", NO_FEATURES)
        return
    if not differing:
        results.skip("duplicates.features", "no ignored columns: the same as exact duplicates" if not profile.ignored
                     else "the ignored columns stay in the rows' identity: the same as exact duplicates")
        return
    beyond = d.feature_rows - d.exact_rows
    judged.judge("duplicates.features", rules.max_feature_duplicate_share, beyond, n,
                 f"{plural(beyond, 'more row')} ({pct(beyond, n)}) {verb(beyond, 'repeats', 'repeat')} "
                 f"an earlier row's features and label, differing only in "
                 f"{', '.join(map(repr, differing))}.", d.feature_examples)


class _Judged:
    """Both checks judged alike: in a small feature space, capped and saying why."""

    def __init__(self, space: FeatureSpace, intrinsic: Toggle, results: Results) -> None:
        self.space, self.results = space, results
        self.at_most = intrinsic.severity if space.intrinsic else None

    def judge(self, check: str, levels: MaxLevels, rows: int, n: int, message: str,
              repeats: list[tuple[int, int]]) -> None:
        hint = HINT
        if self.space.intrinsic:
            message += (f" Repeats are intrinsic here: {self.space.describe()}, so they are samples, not copies; "
                        "`duplicates: keep` in the rule pack's `preprocess:` section keeps them.")
            hint = INTRINSIC_HINT
        self.results.judge(
            check, levels, rows / n, message, info_when_present=True, at_most=self.at_most,
            examples=[row for row, _ in repeats],
            details={"rows": rows, "repeats": [list(p) for p in repeats], **self.space.details()}, hint=hint,
        )
