"""Repeated rows: exact copies, and copies that differ only in ignored columns."""

from __future__ import annotations

from dataaudit.checks.base import Results, pct
from dataaudit.checks.levels import MaxLevels, Section
from dataaudit.profile.model import Profile
from dataaudit.wording import plural, verb

CHECKS = {
    "duplicates.rows": "Few rows are exact copies of an earlier row.",
    "duplicates.features": "Few rows repeat an earlier row's features and label while differing only in "
                           "ignored columns (ids, timestamps).",
}
HINT = "Duplicates over-weight some examples and leak between splits; `dataaudit clean` drops them."


class Rules(Section):
    max_duplicate_row_share: MaxLevels = MaxLevels(warn=0.001, fail=0.05)
    max_feature_duplicate_share: MaxLevels = MaxLevels(warn=0.001, fail=0.05)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    n = profile.rows
    d = profile.duplicates
    if not n:
        for check in CHECKS:
            results.skip(check, "no rows")
        return
    results.judge(
        "duplicates.rows", rules.max_duplicate_row_share, d.exact_rows / n,
        f"{plural(d.exact_rows, 'row')} ({pct(d.exact_rows, n)}) "
        f"{verb(d.exact_rows, 'is an exact duplicate', 'are exact duplicates')} of an earlier row.",
        info_when_present=True, examples=[row for row, _ in d.exact_examples],
        details={"rows": d.exact_rows, "repeats": [list(p) for p in d.exact_examples]}, hint=HINT,
    )
    if not profile.ignored:
        results.skip("duplicates.features", "no ignored columns: the same as exact duplicates")
        return
    beyond = d.feature_rows - d.exact_rows
    results.judge(
        "duplicates.features", rules.max_feature_duplicate_share, beyond / n,
        f"{plural(beyond, 'more row')} ({pct(beyond, n)}) {verb(beyond, 'repeats', 'repeat')} an earlier row's "
        f"features and label, differing only "
        f"in {', '.join(map(repr, profile.ignored))}.",
        info_when_present=True, examples=[row for row, _ in d.feature_examples],
        details={"rows": beyond, "repeats": [list(p) for p in d.feature_examples]}, hint=HINT,
    )
