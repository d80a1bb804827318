"""A rule pack's checks as a Great Expectations 1.x Expectation Suite (its JSON form).

Only what GX states exactly is exported; every check without an equivalent is listed in the
suite's `meta`, so nobody mistakes the suite for the whole audit. A `fail` level becomes a
`critical` expectation and a `warn` level a `warning` one: the suite's critical expectations
pass exactly when the audit's gate does (for the exported checks), all of them when `--strict`
does. Per-column expectations need the column names, read from a data file's header.
"""

from __future__ import annotations

import math
from typing import Any

from dataaudit.levels import MaxLevels, MinLevels
from dataaudit.report.model import Severity
from dataaudit.rules.model import RulePack

GX_SEVERITY = {Severity.FAIL: "critical", Severity.WARN: "warning", Severity.INFO: "info"}
NO_EQUIVALENT = {
    "size.rows_per_class": "GX has no per-class row count",
    "balance.imbalance_ratio": "GX has no ratio between value counts",
    "balance.minority_share": "GX has no share of the rarest value",
    "missing.rows": "GX has no per-row share of missing values",
    "duplicates.rows": "GX counts every copy of a repeated row, the audit the repeats after the first; "
                       "exported only at level 0, where both agree",
    "duplicates.features": "as duplicates.rows, over the feature columns",
    "labels.variants": "GX has no folding of spellings",
    "labels.conflicts": "GX has no check across feature rows and labels",
    "labels.mixed_types": "GX has no per-value kind of a column",
    "columns.unique": "the audit's id detection weighs value kinds and a minimum row count",
    "columns.mixed_types": "GX has no per-value kind of a column",
    "source.bad_rows": "GX sees only the rows a reader could parse",
}


class _Suite:
    def __init__(self) -> None:
        self.expectations: list[dict[str, Any]] = []

    def expect(self, check: str, severity: Severity | None, kind: str, **kwargs: Any) -> None:
        if severity is not None:
            self.expectations.append({
                "type": kind, "kwargs": kwargs, "severity": GX_SEVERITY[severity],
                "meta": {"dataaudit": {"check": check, "level": severity.value}},
            })

    def at_levels(self, check: str, levels: MaxLevels | MinLevels, kind: str, to_kwargs: Any) -> None:
        """One expectation per set level, `fail` first; `to_kwargs(level)` states it in GX's terms."""
        for severity, level in ((Severity.FAIL, levels.fail), (Severity.WARN, levels.warn)):
            if level is not None:
                self.expect(check, severity, kind, **to_kwargs(level))


def _at_least(level: float) -> dict[str, Any]:
    return {"min_value": math.ceil(level)}


def _mostly_present(column: str) -> Any:
    """The audit fails when the missing share exceeds the level; GX when the present share is below `mostly`."""
    def kwargs(level: float) -> dict[str, Any]:
        return {"column": column} | ({"mostly": round(1 - level, 12)} if level > 0 else {})
    return kwargs


def export_suite(pack: RulePack, name: str, target: str | None = None,
                 columns: list[str] | None = None) -> dict[str, Any]:
    """The suite as GX's `ExpectationSuite.to_json_dict()` shapes it."""
    checks = pack.checks
    target = target if target is not None else pack.target
    features = [c for c in columns or [] if c != target and c not in pack.columns.ignore]
    suite = _Suite()
    suite.at_levels("size.rows", checks.size.min_rows, "expect_table_row_count_to_be_between", _at_least)
    if features:
        suite.at_levels("size.rows_per_feature", checks.size.min_rows_per_feature,
                        "expect_table_row_count_to_be_between", lambda level: _at_least(level * len(features)))
    if target is not None:
        suite.expect("size.classes", checks.size.single_class.severity,
                     "expect_column_unique_value_count_to_be_between", column=target, min_value=2)
        suite.at_levels("missing.target", checks.missing.max_missing_target_share,
                        "expect_column_values_to_not_be_null", _mostly_present(target))
        if checks.labels.allowed is not None:
            allowed = list(checks.labels.allowed)
            suite.expect("labels.unexpected", checks.labels.unexpected.severity,
                         "expect_column_values_to_be_in_set", column=target, value_set=allowed)
            suite.expect("labels.absent", checks.labels.absent.severity,
                         "expect_column_distinct_values_to_contain_set", column=target, value_set=allowed)
    for column in features:
        suite.at_levels("missing.column_share", checks.missing.max_column_share,
                        "expect_column_values_to_not_be_null", _mostly_present(column))
        suite.expect("missing.empty_column", checks.missing.empty_column.severity,
                     "expect_column_unique_value_count_to_be_between", column=column, min_value=1)
        suite.expect("columns.constant", checks.columns.constant.severity,
                     "expect_column_unique_value_count_to_be_between", column=column, min_value=2)
    if columns:
        for check, levels, subset in (("duplicates.rows", checks.duplicates.max_duplicate_row_share, columns),
                                      ("duplicates.features", checks.duplicates.max_feature_duplicate_share,
                                       [*features, *([target] if target else [])])):
            for severity, level in ((Severity.FAIL, levels.fail), (Severity.WARN, levels.warn)):
                if level == 0 and len(subset) > 1:
                    suite.expect(check, severity, "expect_compound_columns_to_be_unique", column_list=subset,
                                 ignore_row_if="never")
                    break
    return {
        "name": name,
        "expectations": suite.expectations,
        "meta": {"dataaudit": {
            "rules": name, "target": target, "columns_known": columns is not None,
            "no_equivalent": NO_EQUIVALENT,
        }},
        "notes": "Exported by dataaudit from a rule pack; checks without a GX equivalent are listed in "
                 "meta.dataaudit.no_equivalent.",
    }
