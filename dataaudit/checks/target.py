"""A regression target: told apart from class labels, and its distribution reported.

The target is a regression target when the rules say so (`checks.target.kind: regression`),
or, with `kind: auto` (the default), when all its present values are numbers and it has more
than `min_distinct` distinct ones; whole numbers (counts, codes, ratings) also need more than
`min_distinct_share` of the labelled rows distinct, since integer class codes are common and
fractional ones are not. `kind: classes` keeps any target a set of classes. The distinct count
is exact while the profile tracks every target value (10,000 of them) and the column's
HyperLogLog estimate past that.

On a regression target the checks that count classes (declared with `target=CLASSES`) are
skipped with the reason `a regression target (N distinct numbers)`, and these checks judge it
instead, from the target column's percentiles (the 101 points of its quantile sketch, see
`numeric.outliers` for their precision) and its counts per value; the report's table
`target.distribution` gives min, quartiles, max, mean and the most common value with its share.

- `target.point_mass` warns when one value holds more than `max_value_share` of the target's
  numbers: a mass at the minimum or maximum is censoring (hours worked are 0 for those who do
  not work), which a plain regression fits badly. The share is exact while every value is
  counted; past that it is read off the percentiles, to within a percentile (1%).
- `target.outliers` puts numeric.outliers' fences (`fence_iqr` IQRs beyond the quartiles) on
  the target.
- `target.sentinels` and `target.runs` read the target in row order: see
  `dataaudit.checks.target_order`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import numpy as np
from pydantic import Field

from dataaudit.checks.base import Results, pct, quoted_counts
from dataaudit.checks.outliers import NUMERIC, fences, outside_shares
from dataaudit.checks.registry import CLASSES, NUMBERS, Check, NoEquivalent
from dataaudit.checks.target_copy import judge_copies
from dataaudit.checks.target_order import judge_runs, judge_sentinels, number_counts
from dataaudit.levels import MaxLevels, MaxShareLevels, Number, Section, Toggle, Whole
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.profile.values import looks_numeric
from dataaudit.report.model import ReportTable, Severity
from dataaudit.wording import plural, verb

QUANTILES = frozenset({"quantiles"})
CHECKS = (
    Check("target.numbers", "Every value of a regression target is a number.", "target", ("not_numbers",),
          NoEquivalent("GX checks a column's stored type, not whether each text reads as a number"),
          target=NUMBERS),
    Check("target.point_mass", "No single value holds a large share of a regression target (censoring).", "target",
          ("max_value_share",),
          NoEquivalent("GX has no share of a column's most common value"), needs=QUANTILES, target=NUMBERS),
    Check("target.outliers", "Few values of a regression target lie far outside its quartiles.", "target",
          ("max_outlier_share", "fence_iqr"),
          NoEquivalent("GX bounds a column by fixed values; these fences move with the target's own quartiles"),
          needs=QUANTILES, target=NUMBERS),
    Check("target.sentinels", "No placeholder number (-1, 999, -999) stands outside a regression target's "
          "other values.", "target", ("sentinels",),
          NoEquivalent("GX can forbid listed values, not judge them against the range of the others"),
          target=NUMBERS),
    Check("target.runs", "No number of a regression target repeats in a run far longer than its share gives "
          "by chance.", "target", ("max_run_ratio", "min_run_rows"),
          NoEquivalent("GX has no expectation on the order of rows"), needs=QUANTILES, target=NUMBERS),
    Check("target.copy", "No feature column is a regression target again or a monotone transform of it "
          "(other units, its logarithm).", "target", ("max_rank_correlation",),
          NoEquivalent("GX has no expectation comparing one column's order with another's"),
          needs=frozenset({"sample"}), target=NUMBERS),
)


class Rules(Section):
    kind: Literal["auto", "classes", "regression"] = Field(
        "auto", description="auto: a numeric target with many distinct values is a regression target.")
    min_distinct: Whole = Field(20, ge=2, description="A numeric target with more distinct numbers is a "
                                                    "regression target.")
    min_distinct_share: Number = Field(0.05, ge=0, le=1, description="...and, when all are whole numbers, with "
                                                                    "more than this share of rows distinct.")
    not_numbers: Toggle = Toggle.FAIL
    max_value_share: MaxShareLevels = MaxShareLevels(warn=0.1)
    fence_iqr: Number = Field(3.0, gt=0, description="How many IQRs beyond the quartiles a value is far.")
    max_outlier_share: MaxShareLevels = MaxShareLevels(warn=0.1, fail=0.25)
    sentinels: Toggle = Toggle.WARN
    max_run_ratio: MaxLevels = MaxLevels(warn=3.0)
    min_run_rows: Whole = Field(5, ge=2, description="Shorter runs of one number are left alone.")
    max_rank_correlation: MaxLevels = MaxLevels(warn=0.999)


@dataclass(frozen=True)
class TargetKind:
    """What the target is: CLASSES, NUMBERS or None (no target), and a skip reason naming it."""

    kind: str | None
    reason: str


def target_kind(profile: Profile, rules: Rules) -> TargetKind:
    """The target's kind under the rule above."""
    label = profile.label
    if label is None:
        return TargetKind(None, "no target column")
    column = profile.column(label.column)
    distinct = _distinct_numbers(profile, column)
    numbers = f"a regression target ({plural(distinct, 'distinct number')})"
    if rules.kind == "regression":
        return TargetKind(NUMBERS, f"{numbers}, as checks.target.kind says")
    if rules.kind == "auto" and column.type in NUMERIC and distinct > rules.min_distinct and (
            column.type == "float" or distinct > rules.min_distinct_share * column.present):
        return TargetKind(NUMBERS, numbers)
    return TargetKind(CLASSES, "the target holds class labels, not a regression target")


def _distinct_numbers(profile: Profile, column: ColumnProfile) -> int:
    label = profile.label
    if column.type not in NUMERIC:
        return 0
    return len(label.counts) if label.tracked else column.distinct


def run(profile: Profile, rules: Rules, results: Results) -> None:
    """Judges the target only when it is a regression target: the runner skips these checks on
    any other, with the reason `target_kind` gives."""
    kind = target_kind(profile, rules)
    if kind.kind is None:
        for check in CHECKS:
            results.skip(check.id, kind.reason)
    if kind.kind != NUMBERS:
        return
    column = profile.column(profile.label.column)
    _not_numbers(column, rules, results)
    judge_sentinels(profile, column, rules, results)
    if not column.percentiles:
        for check in CHECKS:
            results.skip(check.id, "the target holds no numbers")
        return
    if column.percentiles[0] == column.percentiles[100]:
        _constant(column, results)
    else:
        _point_mass(column, _heaviest_value(profile, column), rules, results)
    _outliers(column, rules, results)
    judge_runs(profile, column, rules, results)
    judge_copies(profile, rules.max_rank_correlation, results)


def _not_numbers(column: ColumnProfile, rules: Rules, results: Results) -> None:
    """A regression target's present values that are no numbers (`$12.50`, `12,5`, `cat`): a
    model cannot regress on them, and every other target check reads the numbers alone, so a
    target of text read as numbers (`checks.target.kind: regression`) would pass unseen."""
    others = {kind: n for kind, n in column.kinds.items() if kind not in NUMERIC and n}
    count = sum(others.values())
    if not count:
        return
    counted = column.value_counts if column.value_counts is not None else dict(column.top_values or [])
    values = {value: n for value, n in counted.items() if not looks_numeric(value)}
    listed = f": {quoted_counts(values)}" if values else ""
    results.add(
        "target.numbers", rules.not_numbers.severity,
        f"Target {column.name!r} is read as a regression target, but {count:,} of its "
        f"{plural(column.present, 'value')} {verb(count, 'is no number', 'are no numbers')}{listed}.",
        column=column.name, observed=count,
        examples=sorted(row for kind in others for row in column.kind_rows.get(kind, []))[:20],
        details={"kinds": others, "values": dict(list(values.items())[:20])},
        hint="Write the target as numbers (no currency sign, unit or decimal comma), or read it as classes "
             "(`checks.target.kind: classes`).",
    )


@dataclass(frozen=True)
class Heaviest:
    value: float
    share: float  # of the target's numbers
    exact: bool
    rows: int = 0  # while exact: its rows, of `numbers`
    numbers: int = 0

    def described(self) -> str:
        if self.exact:
            return f"{self.rows:,} of {plural(self.numbers, 'number')} ({pct(self.rows, self.numbers)})"
        return f"about {pct(self.share, 1)} of the numbers"


def _heaviest_value(profile: Profile, column: ColumnProfile) -> Heaviest:
    """The most common number: counted exactly while the profile tracks every target value,
    otherwise the value the most percentiles fall on (its share to within a percentile). Listed
    sentinels outside the target's range (-999), which the column counts as missing, are left out
    as its percentiles leave them out: the value and its share describe the same numbers as the
    distribution's, and `target.sentinels` names the placeholders."""
    missing = {float(written) for written in column.sentinels}
    counts = {value: n for value, n in number_counts(profile).items() if value not in missing}
    if counts:
        value, n = max(counts.items(), key=lambda kv: (kv[1], -kv[0]))
        total = sum(counts.values())
        return Heaviest(value, n / total, exact=True, rows=n, numbers=total)
    grid = np.asarray(column.percentiles)
    values, repeats = np.unique(grid, return_counts=True)
    top = int(np.argmax(repeats))
    return Heaviest(float(values[top]), (int(repeats[top]) - 1) / 100, exact=False)


def point_mass(profile: Profile, rules: Rules) -> Heaviest | str:
    """The value `target.point_mass` warns of, its most common number past `max_value_share`, or
    why there is none. `shortcuts.feature` asks which column tells the rows at this value from the
    rest (hours 0, not working): a censored target's point mass is a class of its own that a
    feature can give away, though no feature predicts the other numbers' majority."""
    column = profile.column(profile.label.column)
    if not column.percentiles and not number_counts(profile):
        return "the target holds no numbers"
    heaviest = _heaviest_value(profile, column)
    if heaviest.share >= 1.0:
        return "a constant target: no other value to tell its rows from"
    if rules.max_value_share.judge(heaviest.share) is None:
        return (f"a regression target without a point mass: its most common number, {heaviest.value:,.6g}, is "
                f"in {heaviest.described()}, within checks.target.max_value_share")
    return heaviest


def distribution_table(profile: Profile, rules: Rules) -> list[ReportTable]:
    """The regression target's distribution for the report, where censoring shows as a most
    common value at the minimum; no table for class labels."""
    if target_kind(profile, rules).kind != NUMBERS:
        return []
    column = profile.column(profile.label.column)
    p = column.percentiles
    if not p:
        return []
    heaviest = _heaviest_value(profile, column)
    mean = round(column.numeric.mean, 6) if column.numeric else None
    return [ReportTable(
        id="target.distribution", title=f"Distribution of the regression target {column.name!r}",
        columns=["numbers", "min", "q1", "median", "q3", "max", "mean", "most_common", "most_common_share"],
        rows=[[column.present, p[0], p[25], p[50], p[75], p[100], mean, heaviest.value, round(heaviest.share, 6)]],
        note=f"Quartiles from the target's quantile sketch; the most common value is in {heaviest.described()}.",
    )]


def _point_mass(column: ColumnProfile, heaviest: Heaviest, rules: Rules, results: Results) -> None:
    p = column.percentiles
    where = ", its minimum," if heaviest.value == p[0] else ", its maximum," if heaviest.value == p[100] else ""
    results.judge(
        "target.point_mass", rules.max_value_share, heaviest.share,
        f"Target {column.name!r} is {heaviest.value:,.6g}{where} in {heaviest.described()}.",
        column=column.name, details={"value": heaviest.value, "share": round(heaviest.share, 6)},
        hint="A target piled at one value, at its minimum or maximum, is censored: fit a censored (Tobit) model "
             "or a hurdle model (whether it is that value, then how much), not a plain regression.",
    )


def _constant(column: ColumnProfile, results: Results) -> None:
    """A target of one number fails, as a single class fails `size.classes`: a regression has
    nothing to learn from it, and it is no censoring (no value lies beyond the one it holds)."""
    value = column.percentiles[0]
    results.add(
        "target.point_mass", Severity.FAIL,
        f"Target {column.name!r} is {value:,.6g} in all {plural(column.present, 'number')}: a constant target, "
        f"nothing for a regression to learn.",
        column=column.name, observed=1.0, details={"value": value, "share": 1.0},
        hint="Check the export or the join that filled the target: every row carries the same number.",
    )


def _outliers(column: ColumnProfile, rules: Rules, results: Results) -> None:
    p = column.percentiles
    if p[75] == p[25]:
        results.skip("target.outliers", "the target's quartiles coincide: no spread to measure distance in")
        return
    below, above = fences(p, rules.fence_iqr)
    low, high = outside_shares(p, below, above)
    share = low + high
    results.judge(
        "target.outliers", rules.max_outlier_share, share,
        f"Target {column.name!r}: about {pct(share, 1)} of its values lie beyond {rules.fence_iqr:g} IQRs from its "
        f"quartiles (below {below:.6g}: {pct(low, 1)}, above {above:.6g}: {pct(high, 1)}).",
        column=column.name, details={"fences": [below, above], "below": round(low, 6), "above": round(high, 6)},
        hint="Far target values weigh heavily in a squared loss: check them for entry errors, or model a "
             "transformed target (log) or with a robust loss.",
    )
