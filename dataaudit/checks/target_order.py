"""The judgements of a regression target read from the pass in row order: placeholders and runs.

- `target.sentinels`: a placeholder candidate (a listed sentinel, `-1`, or a number written
  only with nines: see `dataaudit.profile.placeholders`) that lies outside the range of the
  target's other numbers, below the smallest or above the largest, is a stand-in for a missing
  value (`-1` where the rest is never negative, `9999` above every real value), named with its
  rows. Inside that range it is taken for a real value, and so is one next to it, within
  `GAP_SHARE` of the range: `999` above counts of 0 to 998 is the top of the scale.
- `target.runs`: the longest run of one number in row order (a sensor stuck, a default filled
  down, a file sorted by the target). In a random order, the longest run of a value that holds
  a share `p` of `n` numbers is about `log(n (1 - p)) / log(1 / p)` rows (Schilling, "The
  longest run of heads", 1990), at least 1; the check judges the run's length as a multiple of
  that length against `max_run_ratio`, and leaves runs shorter than `min_run_rows` alone. The
  share is exact while the profile counts every target value; past that it is read off the
  percentiles and rounded up by one percentile, so the doubt goes to the data.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from dataaudit.checks.base import Results, pct
from dataaudit.profile.model import ColumnProfile, Placeholders, Profile
from dataaudit.wording import plural

#: how far past the range of the target's other numbers, as a share of that range, a candidate
#: must lie to be a placeholder (unless it is negative below a target never negative)
GAP_SHARE = 0.1

if TYPE_CHECKING:
    from dataaudit.checks.target import Rules


def number_counts(profile: Profile) -> dict[float, int]:
    """Rows per number of the target, exactly, while the profile counts every target value
    (spellings of one number, `2` and `2.0`, together); empty past that."""
    counts: dict[float, int] = {}
    if profile.label.tracked:
        for written, n in profile.label.counts.items():
            try:
                counts[float(written) + 0.0] = counts.get(float(written) + 0.0, 0) + n
            except ValueError:
                continue
    return counts


def judge_sentinels(profile: Profile, column: ColumnProfile, rules: Rules, results: Results) -> None:
    found = profile.label.placeholders
    if found is None or found.others_min is None:
        results.skip("target.sentinels", "the target holds no numbers besides placeholder candidates")
        return
    outside = {value: n for value, n in found.counts.items() if _stands_apart(value, found)}
    for value, n in outside.items():
        side = "below" if value < found.others_min else "above"
        rows = found.rows[value]
        shown = ", ".join(map(str, rows[:5])) + (", ..." if n > len(rows[:5]) else "")
        results.add(
            "target.sentinels", rules.sentinels.severity,
            f"Target {column.name!r} holds {value:g} in {plural(n, 'row')} (row {shown}), {side} every other "
            f"number of the target ({found.others_min:g} to {found.others_max:g}): a placeholder, not a value.",
            column=column.name, observed=n, examples=rows,
            details={"value": value, "rows": n, "others_min": found.others_min, "others_max": found.others_max},
            hint="A model fits the placeholder as a real target value: treat these rows as unlabelled "
                 "(drop them, or write the target empty) before training.",
        )


def _stands_apart(value: float, found: Placeholders) -> bool:
    """Whether a candidate lies outside the target's other numbers as a placeholder does: below a
    target otherwise never negative (`-1` under counts), or beyond its range by more than
    `GAP_SHARE` of that range (`999` above ages of 18 to 90). A candidate next to the range ends a
    scale (`999` above counts of 0 to 998, `99` above percentages up to 98): it is a value."""
    if found.others_min is None or found.others_max is None:
        return False
    gap = GAP_SHARE * (found.others_max - found.others_min)
    if value < found.others_min:
        return value < 0 <= found.others_min or found.others_min - value > gap
    return value - found.others_max > gap


def expected_longest_run(share: float, numbers: int) -> float:
    """About the longest run a value of this share of `numbers` makes in a random order (at least 1)."""
    if share >= 1.0:
        return float(numbers)
    return max(1.0, math.log(max(numbers * (1.0 - share), 1.0)) / math.log(1.0 / share))


def judge_runs(profile: Profile, column: ColumnProfile, rules: Rules, results: Results) -> None:
    run = profile.label.longest_run
    numbers = column.kinds.get("integer", 0) + column.kinds.get("float", 0)
    if run is None or not numbers:
        results.skip("target.runs", "the target holds no numbers")
        return
    exact = number_counts(profile)
    share = (exact.get(run.value, run.length) / numbers if exact
             else _share_from_percentiles(column.percentiles, run.value))
    if share >= 1.0:
        results.skip("target.runs", "the target holds one number only: no order to judge")
        return
    if run.length < rules.min_run_rows:
        return
    expected = expected_longest_run(share, numbers)
    ratio = run.length / expected
    of = f"{plural(numbers, 'number')}" if exact else f"{plural(numbers, 'number')}, read off its percentiles"
    results.judge(
        "target.runs", rules.max_run_ratio, ratio,
        f"Target {column.name!r} is {run.value:g} in {run.length:,} consecutive rows from row {run.start}: "
        f"{ratio:.1f} times the longest run its share ({pct(share, 1)} of {of}) gives in a random order "
        f"(about {expected:.1f} rows).",
        column=column.name, examples=[run.start],
        details={"value": run.value, "length": run.length, "start": run.start, "share": round(share, 6),
                 "expected_longest": round(expected, 3)},
        hint="A stuck sensor, a default filled down or a file sorted by the target: check the source of these "
             "rows, and shuffle before any split taken by position.",
    )


def _share_from_percentiles(percentiles: list[float] | None, value: float) -> float:
    if not percentiles:
        return 1.0
    at = int(np.count_nonzero(np.asarray(percentiles) == value))
    return min(1.0, (at + 1) / 100)
