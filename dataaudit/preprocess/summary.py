"""What cleaning did, as two report tables: per step, and the audit's measures before and after.

Table ids and column names are a contract that renderers and charts rely on.
"""

from __future__ import annotations

from typing import Any

from dataaudit.preprocess.base import Tally
from dataaudit.report.model import Report, ReportTable
from dataaudit.wording import plural, verb

STEPS_ID, BEFORE_AFTER_ID = "clean.steps", "clean.before_after"
ROW_STEPS = ("repeated_header", "missing_labels", "duplicates", "conflicts", "quarantine_rows")
#: what a row step's detail says of the rows it quarantined, `{rows}` the word agreeing with their count
ROW_DETAIL = {
    "malformed_rows": "malformed {rows} (a field too many or too few, a line that is no JSON object), kept as "
                      "their text",
    "repeated_header": "{rows} repeating the header (every cell its column's name)",
    "missing_labels": "{rows} without a label",
    "duplicates": "{rows} repeating an earlier row (the first is kept)",
    "conflicts": "{rows} of groups with identical features and different labels",
    "quarantine_rows": "{rows} given to quarantine",
}


def step_rows(order: list[str], tallies: dict[str, Tally]) -> list[list[Any]]:
    """[step, rows_changed, rows_quarantined, detail] for every step that ran, in order."""
    rows = []
    for name in order:
        tally = tallies.get(name, Tally())
        detail = tally.detail()
        if name in ROW_DETAIL:
            count = tally.rows_quarantined
            detail = f"{count:,} {ROW_DETAIL[name].format(rows=verb(count, 'row', 'rows'))}" if count else ""
        elif tally.rows_quarantined:
            detail = f"{plural(tally.rows_quarantined, 'row')} with a value that is not a number" + (
                f"; {detail}" if detail else "")
        rows.append([name, tally.rows_changed, tally.rows_quarantined, detail])
    return rows


def steps_table(order: list[str], tallies: dict[str, Tally]) -> ReportTable:
    return ReportTable(id=STEPS_ID, title="Cleaning steps", columns=["step", "rows_changed", "rows_quarantined",
                                                                     "detail"], rows=step_rows(order, tallies))


def measures(report: Report) -> dict[str, int | None]:
    """The audit's numbers that cleaning should bring to zero, plus rows and findings."""
    d = report.dataset
    # by role: a JSON Lines late key is a feature column of the profile, not of `features`
    disguised = sum(sum(c.tokens.values()) + sum(c.sentinels.values())
                    for c in d.column_profiles if c.role == "feature")
    return {
        "rows": d.rows,
        "exact duplicate rows": d.duplicates.exact_rows,
        "conflicting-label rows": d.duplicates.conflict_rows,
        "missing labels": None if d.labels is None else d.labels.missing,
        "label variant rows": sum(int(f.observed or 0) for f in report.findings if f.check == "labels.variants"),
        "disguised missing cells": disguised,
        "fail findings": report.counts["fail"],
        "warn findings": report.counts["warn"],
    }


def before_after_table(before: Report, after: Report) -> ReportTable:
    a, b = measures(before), measures(after)
    return ReportTable(id=BEFORE_AFTER_ID, title="Before and after cleaning", columns=["measure", "before", "after"],
                       rows=[[name, a[name], b[name]] for name in a])
