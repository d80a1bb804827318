"""Do the labels and the features stay the same over time inside one file?

A file gathered over years can change under a model's feet: the labelling guide was rewritten,
a government changed, a sensor was replaced. The file is read period by period of its time
column (a date, timestamp or year column found in the first rows, or `--time-column`; the
periods are chosen from the span, or `--period`: see `dataaudit.profile.periods`), and every
period is compared with the rest of the file with the split measures: class shares by
Jensen-Shannon divergence (`time.label_drift`), feature columns with at most 50 distinct values
by Jensen-Shannon divergence and numeric ones by PSI on the deciles of the rest
(`time.feature_drift`). The report's `time.periods` table lists every period.

Every period of every column is one comparison, so chance alone crosses a level somewhere in a
long file: a value is judged only when it also exceeds `significance` times the value two
samples of those sizes from one distribution give on average; below that it is left to the
table. One finding per column names the period furthest past its level and how many are past.

A feature that changes over time warns and does not fail by default: a panel's ages and years
of experience grow by construction, and a fleet's cars get lighter; the label changing is what
fails, since a model trained on the whole file learns a mixture of labelling rules.
"""

from __future__ import annotations

from pydantic import Field

from dataaudit.checks.base import Results
from dataaudit.checks.registry import CLASSES, TABLE, Check, NoEquivalent
from dataaudit.levels import MaxLevels, Number, Section, Whole
from dataaudit.profile.model import Profile
from dataaudit.profile.periods import PeriodProfile, periods_of
from dataaudit.profile.splits import Drift
from dataaudit.report.model import Severity
from dataaudit.wording import plural

PERIODS = NoEquivalent("a GX suite validates a batch as a whole; this check compares periods of one file")
NO_TIME_COLUMN = ("no time column: no date, timestamp or year column in the first rows (name one with "
                  "--time-column)")


def _check(check: str, description: str, fields: tuple[str, ...], target: str | None = None) -> Check:
    return Check(check, description, "time", (*fields, "significance"), PERIODS, needs=frozenset({"periods"}),
                 applies_to=frozenset({TABLE}), target=target)


CHECKS = (
    _check("time.label_drift", "Class shares stay the same over the periods of the time column (Jensen-Shannon).",
           ("max_label_divergence",), target=CLASSES),
    _check("time.feature_drift", "Feature columns keep their distribution over the periods of the time column "
                                 "(PSI, Jensen-Shannon).", ("max_psi", "max_categorical_divergence")),
)


class Rules(Section):
    min_period_rows: Whole = Field(100, ge=1, description="Periods chosen from the span hold at least this many "
                                                        "rows on average.")
    max_label_divergence: MaxLevels = MaxLevels(warn=0.01, fail=0.05)
    max_psi: MaxLevels = MaxLevels(warn=0.1)
    max_categorical_divergence: MaxLevels = MaxLevels(warn=0.02)
    significance: Number = Field(5.0, gt=0, description="A period's value is judged only past this many times "
                                                       "what chance gives at its size.")


def run(profile: Profile, rules: Rules, results: Results) -> None:
    periods = profile.periods
    if periods is None or not periods.periods:
        reason = NO_TIME_COLUMN if periods is None else (
            f"time column {periods.column!r} ({periods.reason}): {periods.skipped}")
        for check in CHECKS:
            results.skip(check.id, reason)
        return
    if profile.label is None:
        results.skip("time.label_drift", "no target column")
    elif periods.label_shift:
        _judge_column(results, rules, "time.label_drift", rules.max_label_divergence, periods, periods.label_shift,
                      f"Class shares of {periods.label_shift[0].column!r} change")
    else:
        results.skip("time.label_drift", "no period has labelled rows beside other labelled rows")
    levels = {"numeric": rules.max_psi, "categorical": rules.max_categorical_divergence}
    by_column: dict[str, list[Drift]] = {}
    for d in periods.drift:
        by_column.setdefault(d.column, []).append(d)
    if not by_column:
        results.skip("time.feature_drift", "no feature column could be compared over time")
    for column, drifts in by_column.items():
        _judge_column(results, rules, "time.feature_drift", levels[drifts[0].kind], periods, drifts,
                      f"Column {column!r} changes")


def _judge_column(results: Results, rules: Rules, check: str, levels: MaxLevels, periods: PeriodProfile,
                  drifts: list[Drift], subject: str) -> None:
    """One finding for one column: its period furthest past the level, among those chance cannot explain."""
    judged = [(severity, d) for d in drifts if d.value >= rules.significance * d.noise
              and (severity := levels.judge(d.value)) is not None]
    if not judged:
        return
    severity, worst = max(judged, key=lambda sd: (sd[0].rank, sd[1].value))
    held_back = severity is Severity.FAIL and not periods.named
    if held_back:  # a column found by its values may not be what dates the rows (a car's model year)
        severity = Severity.WARN
    rows = next(p.rows for p in periods.periods if p.name == worst.split)
    past = f"{len(judged)} of {len(drifts)} periods past the level"
    results.add(
        check, severity,
        f"{subject} over time ({periods.column!r}, {periods_of(periods.size or '')}): {worst.split} "
        f"({plural(rows, 'row')}) differs from the rest of the file by {_measured(worst)}; "
        f"{past}{_course(periods, worst)}."
        + (f" A warning, not a failure: the time column was found, not named (--time-column {periods.column} "
           "gates on it)." if held_back else ""),
        column=worst.column, observed=round(worst.value, 6), threshold=levels.breached(worst.value),
        details={"time_column": periods.column, "period": worst.split, "chance": round(worst.noise, 6),
                 "periods": {d.split: round(d.value, 6) for d in drifts}, **worst.details},
        hint=_HINT if severity is not Severity.INFO else None,
    )


_HINT = ("Train and evaluate on periods the model will meet (a split by time), or find out what changed at that "
         "date; the time.periods table lists every period.")


def _measured(d: Drift) -> str:
    if d.kind == "numeric":
        return (f"PSI {d.value:.3f} on the deciles of the rest (median {d.details['reference_median']:.4g} -> "
                f"{d.details['split_median']:.4g})")
    moved = list(d.details["largest_changes"].items())[:2]
    changes = ", ".join(f"{k!r} {a:.1%} -> {b:.1%}" for k, (a, b) in moved)
    return f"Jensen-Shannon divergence {d.value:.3f} bits ({changes})"


def _course(periods: PeriodProfile, d: Drift) -> str:
    """For a counted column, the share of its most moved value in the first and the last period
    (of two values moving alike, as both of a yes/no column do, the rarer one)."""
    if d.kind != "categorical":
        return ""
    changes = d.details["largest_changes"]
    value = max(changes, key=lambda k: (round(abs(changes[k][1] - changes[k][0]), 4), -changes[k][0]))
    first, last = periods.periods[0], periods.periods[-1]

    def share(counts: dict[str, int]) -> str:
        total = sum(counts.values())
        return f"{counts.get(value, 0) / total:.1%}" if total else "no rows"

    counts = (first.classes, last.classes) if d.column not in first.categories else (
        first.categories[d.column], last.categories[d.column])
    return f"; {value!r}: {share(counts[0])} in {first.name}, {share(counts[1])} in {last.name}"
