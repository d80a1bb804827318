"""Is there enough data: rows, rows per class, rows per feature, more than one class."""

from __future__ import annotations

from dataaudit.checks.base import Results, quoted_counts
from dataaudit.checks.registry import CLASSES, EVERY_KIND, Check, Exports, NoEquivalent
from dataaudit.levels import MinLevels, Section, Toggle
from dataaudit.profile.classes import class_counts
from dataaudit.profile.model import Profile
from dataaudit.report.model import Severity
from dataaudit.wording import plural, verb

ROW_COUNT = Exports(("expect_table_row_count_to_be_between",))
CHECKS = (
    Check("size.rows", "The dataset has enough rows.", "size", ("min_rows",), ROW_COUNT, applies_to=EVERY_KIND),
    Check("size.classes", "The target has at least two classes.", "size", ("single_class",),
          Exports(("expect_column_unique_value_count_to_be_between",)), target=CLASSES),
    Check("size.rows_per_class", "Every class has enough rows to learn and to evaluate.", "size",
          ("min_rows_per_class",), NoEquivalent("GX has no per-class row count"), target=CLASSES),
    Check("size.rows_per_feature", "There are enough rows per feature column.", "size", ("min_rows_per_feature",),
          ROW_COUNT),
)


class Rules(Section):
    min_rows: MinLevels = MinLevels(warn=100, fail=20)
    single_class: Toggle = Toggle.FAIL
    min_rows_per_class: MinLevels = MinLevels(warn=20, fail=5)
    min_rows_per_feature: MinLevels = MinLevels(warn=10, fail=2)


def run(profile: Profile, rules: Rules, results: Results) -> None:
    n = profile.rows
    if n == 0:
        results.add("size.rows", Severity.FAIL, "The dataset has no rows.", observed=0,
                    hint="Check the file: only a header, or every row was rejected.")
    else:
        results.judge("size.rows", rules.min_rows, n, f"The dataset has {plural(n, 'row')}.",
                      hint="Collect more data or lower size.min_rows in the rules.")
    if profile.features:
        per_feature = n / len(profile.features)
        results.judge(
            "size.rows_per_feature", rules.min_rows_per_feature, per_feature,
            f"{per_feature:,.1f} rows per feature column ({plural(n, 'row')}, "
            f"{plural(len(profile.features), 'feature')}).",
            hint="Drop uninformative columns or collect more rows.",
        )
    else:
        results.skip("size.rows_per_feature", "no feature columns")
    _classes(profile, rules, results)


def _classes(profile: Profile, rules: Rules, results: Results) -> None:
    label = profile.label
    if label is None or not label.tracked:
        for check in ("size.classes", "size.rows_per_class"):
            results.skip(check, "no target column" if label is None else "the target is not categorical")
        return
    counts = class_counts(label)
    if len(counts) < 2 and profile.rows:
        only = f"only {next(iter(counts))!r}" if counts else "no labels at all"
        results.add("size.classes", rules.single_class.severity,
                    f"The target {label.column!r} has {plural(len(counts), 'class', 'classes')} ({only}); "
                    "a classifier needs two.",
                    column=label.column, observed=len(counts), threshold=2)
    small = {name: c for name, c in counts.items() if rules.min_rows_per_class.judge(c)}
    if small:
        fewest = min(small.values())
        listed = quoted_counts(small, limit=10, fewest_first=True)  # all of them in the details
        results.judge(
            "size.rows_per_class", rules.min_rows_per_class, fewest,
            f"{plural(len(small), 'class', 'classes')} of {label.column!r} {verb(len(small), 'has', 'have')} "
            f"too few rows: {listed}.",
            column=label.column, examples=sorted(small, key=lambda name: (small[name], name)),  # as listed
            details={"classes": small},
            hint="Collect more examples of these classes, or merge or drop them.",
        )
