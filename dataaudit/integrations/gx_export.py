"""A rule pack's checks as a Great Expectations 1.x Expectation Suite (its JSON form).

Only what GX states exactly is exported; every check without an equivalent is listed in the
suite's `meta`, so nobody mistakes the suite for the whole audit. A `fail` level becomes a
`critical` expectation and a `warn` level a `warning` one: the suite's critical expectations
pass exactly when the audit's gate does (for the exported checks), all of them when `--strict`
does. Per-column expectations need the column names, read from a data file's header.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from dataaudit.checks import REGISTRY
from dataaudit.checks.registry import Check, Exports, NoEquivalent
from dataaudit.levels import MaxLevels, MinLevels
from dataaudit.report.model import Severity
from dataaudit.rules.model import RulePack

GX_SEVERITY = {Severity.FAIL: "critical", Severity.WARN: "warning", Severity.INFO: "info"}


class _Suite:
    def __init__(self) -> None:
        self.expectations: list[dict[str, Any]] = []

    def expect(self, check: Check, severity: Severity | None, kind: str, **kwargs: Any) -> None:
        if kind not in check.gx.types:
            raise ValueError(f"{check.id} declares {check.gx.types}, not {kind}")
        if severity is not None:
            self.expectations.append({
                "type": kind, "kwargs": kwargs, "severity": GX_SEVERITY[severity],
                "meta": {"dataaudit": {"check": check.id, "level": severity.value}},
            })

    def at_levels(self, check: Check, levels: MaxLevels | MinLevels, kind: str, to_kwargs: Any) -> None:
        """One expectation per set level, `fail` first; `to_kwargs(level)` states it in GX's terms."""
        for severity, level in ((Severity.FAIL, levels.fail), (Severity.WARN, levels.warn)):
            if level is not None:
                self.expect(check, severity, kind, **to_kwargs(level))


@dataclass(frozen=True)
class _Data:
    """What the expectations are written against: the rule pack's checks and the columns."""

    checks: Any
    target: str | None
    features: list[str]
    columns: list[str] | None


def _at_least(level: float) -> dict[str, Any]:
    return {"min_value": math.ceil(level)}


def _mostly_present(column: str) -> Any:
    """The audit fails when the missing share exceeds the level; GX when the present share is below `mostly`."""
    def kwargs(level: float) -> dict[str, Any]:
        return {"column": column} | ({"mostly": round(1 - level, 12)} if level > 0 else {})
    return kwargs


def _level(check: Check, d: _Data) -> Any:
    """The check's first declared field in the rule pack: the level or toggle it exports."""
    return check.levels(d.checks)[check.fields[0]]


def _rows(suite: _Suite, check: Check, d: _Data) -> None:
    suite.at_levels(check, _level(check, d), "expect_table_row_count_to_be_between", _at_least)


def _rows_per_feature(suite: _Suite, check: Check, d: _Data) -> None:
    if d.features:
        suite.at_levels(check, _level(check, d), "expect_table_row_count_to_be_between",
                        lambda level: _at_least(level * len(d.features)))


def _classes(suite: _Suite, check: Check, d: _Data) -> None:
    if d.target is not None:
        suite.expect(check, _level(check, d).severity, "expect_column_unique_value_count_to_be_between",
                     column=d.target, min_value=2)


def _target_present(suite: _Suite, check: Check, d: _Data) -> None:
    if d.target is not None:
        suite.at_levels(check, _level(check, d), "expect_column_values_to_not_be_null", _mostly_present(d.target))


def _allowed(kind: str) -> Callable[[_Suite, Check, _Data], None]:
    def export(suite: _Suite, check: Check, d: _Data) -> None:
        allowed = d.checks.labels.allowed
        if d.target is not None and allowed is not None:
            suite.expect(check, _level(check, d).severity, kind, column=d.target, value_set=list(allowed))
    return export


def _features_present(suite: _Suite, check: Check, d: _Data) -> None:
    for column in d.features:
        suite.at_levels(check, _level(check, d), "expect_column_values_to_not_be_null", _mostly_present(column))


def _distinct_at_least(least: int) -> Callable[[_Suite, Check, _Data], None]:
    def export(suite: _Suite, check: Check, d: _Data) -> None:
        for column in d.features:
            suite.expect(check, _level(check, d).severity, "expect_column_unique_value_count_to_be_between",
                         column=column, min_value=least)
    return export


def _unique_rows(over_features: bool) -> Callable[[_Suite, Check, _Data], None]:
    """Only a level of 0 is exported: there GX's count of every copy and the audit's of repeats agree."""
    def export(suite: _Suite, check: Check, d: _Data) -> None:
        if not d.columns:
            return
        subset = [*d.features, *([d.target] if d.target else [])] if over_features else d.columns
        limits = _level(check, d)
        for severity, level in ((Severity.FAIL, limits.fail), (Severity.WARN, limits.warn)):
            if level == 0 and len(subset) > 1:
                suite.expect(check, severity, "expect_compound_columns_to_be_unique", column_list=subset,
                             ignore_row_if="never")
                break
    return export


#: How each check declared `Exports` becomes expectations (a test holds the two in step).
EXPORTERS: dict[str, Callable[[_Suite, Check, _Data], None]] = {
    "size.rows": _rows,
    "size.classes": _classes,
    "size.rows_per_feature": _rows_per_feature,
    "missing.column_share": _features_present,
    "missing.empty_column": _distinct_at_least(1),
    "missing.target": _target_present,
    "duplicates.rows": _unique_rows(over_features=False),
    "duplicates.features": _unique_rows(over_features=True),
    "labels.unexpected": _allowed("expect_column_values_to_be_in_set"),
    "labels.absent": _allowed("expect_column_distinct_values_to_contain_set"),
    "columns.constant": _distinct_at_least(2),
}


def no_equivalent() -> dict[str, str]:
    """The checks a suite does not state, or states only in part, and why: from their declarations."""
    return {c.id: c.gx.reason if isinstance(c.gx, NoEquivalent) else c.gx.partly
            for c in REGISTRY.values() if isinstance(c.gx, NoEquivalent) or c.gx.partly}


def export_suite(pack: RulePack, name: str, target: str | None = None,
                 columns: list[str] | None = None) -> dict[str, Any]:
    """The suite as GX's `ExpectationSuite.to_json_dict()` shapes it."""
    target = target if target is not None else pack.target
    features = [c for c in columns or [] if c != target and c not in pack.columns.ignore]
    data = _Data(pack.checks, target, features, columns)
    suite = _Suite()
    for check in REGISTRY.values():
        if isinstance(check.gx, Exports):
            EXPORTERS[check.id](suite, check, data)
    return {
        "name": name,
        "expectations": suite.expectations,
        "meta": {"dataaudit": {
            "rules": name, "target": target, "columns_known": columns is not None,
            "no_equivalent": no_equivalent(),
        }},
        "notes": "Exported by dataaudit from a rule pack; checks without a GX equivalent are listed in "
                 "meta.dataaudit.no_equivalent.",
    }
