"""No personal value or secret in clear in a table's report, whichever check quotes it.

Many findings quote values of the rows they are about: a duplicate's or a conflict's feature
row, a label's spellings, a column's frequent or extreme values, a shortcut's tokens, the rows
a split shares with another, the span a training text copies from an evaluation set. Any of
them can hold an email or a key that sits in the row. Rather than each check remembering to
mask what it quotes, the report masks every text it holds once, here: each string of a
finding (its message, observed value, examples and details, keys included) and of a table's
rows goes through `redacted_value`, which replaces each value found by its placeholder
(`[EMAIL]`, `[SECRET]`) and leaves every other character. A column's name and the check's id
are the audit's own words and stay. A quote cut short must be masked before it is cut (as the
conflict's feature row is, `feature_rows`): half an address is no address to find.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dataaudit.pii.redact import redacted_value
from dataaudit.report.model import Finding, ReportTable


def masked_findings(findings: list[Finding]) -> list[Finding]:
    return [replace(f, message=masked(f.message), observed=masked(f.observed), examples=masked(f.examples),
                    details=masked(f.details)) for f in findings]


def masked_tables(tables: list[ReportTable]) -> list[ReportTable]:
    return [replace(t, rows=masked(t.rows)) for t in tables]


def masked(value: Any) -> Any:
    """`value` with every string in it, at any depth, shown through `redacted_value`."""
    if isinstance(value, str):
        return redacted_value(value)
    if isinstance(value, list):
        return [masked(item) for item in value]
    if isinstance(value, tuple):
        return tuple(masked(item) for item in value)
    if isinstance(value, dict):  # two keys masked alike (two emails) keep the first one's entry
        shown: dict[Any, Any] = {}
        for key, item in value.items():
            shown.setdefault(masked(key), masked(item))
        return shown
    return value
