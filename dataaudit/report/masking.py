"""No personal value or secret in clear in a table's report, whichever check quotes it.

Many findings quote values of the rows they are about: a duplicate's or a conflict's feature
row, a label's spellings, a column's frequent or extreme values, a shortcut's tokens, the rows
a split shares with another, the span a training text copies from an evaluation set. Any of
them can hold an email or a key that sits in the row. Rather than each check remembering to
mask what it quotes, the report masks every text it holds once, here: each string of a
finding (its message, observed value, examples and details, keys included) and of a table's
rows goes through `redacted_value` (phone numbers read in the rule pack's `phone_regions`),
which replaces each value found by its placeholder (`[EMAIL]`, `[SECRET]`) and leaves every
other character. A column's name and the check's id
are the audit's own words and stay. A quote cut short must be masked before it is cut (as the
conflict's feature row is, `feature_rows`): half an address is no address to find.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.pii.redact import redacted_value
from dataaudit.report.model import Finding, ReportTable


def masked_findings(findings: list[Finding], regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """`findings` with every string masked; `regions` are the rule pack's `checks.pii.phone_regions`."""
    return [replace(f, message=masked(f.message, regions), observed=masked(f.observed, regions),
                    examples=masked(f.examples, regions), details=masked(f.details, regions)) for f in findings]


def masked_tables(tables: list[ReportTable], regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[ReportTable]:
    return [replace(t, rows=masked(t.rows, regions)) for t in tables]


def masked(value: Any, regions: tuple[str, ...] = DEFAULT_REGIONS) -> Any:
    """`value` with every string in it, at any depth, shown through `redacted_value`. Two keys
    of a dict masked alike (two emails) stay two: the later ones are numbered in the order they
    come (`[EMAIL]`, `[EMAIL] #2`), so no count or value is lost."""
    if isinstance(value, str):
        return redacted_value(value, regions)
    if isinstance(value, list):
        return [masked(item, regions) for item in value]
    if isinstance(value, tuple):
        return tuple(masked(item, regions) for item in value)
    if isinstance(value, dict):
        return masked_dict(value, regions)
    return value


def masked_dict(value: dict[Any, Any], regions: tuple[str, ...] = DEFAULT_REGIONS) -> dict[Any, Any]:
    """`value` with keys and values masked, every key kept distinct."""
    shown: dict[Any, Any] = {}
    for key, item in value.items():
        shown[distinct_key(masked(key, regions), shown)] = masked(item, regions)
    return shown


def distinct_key(key: Any, taken: dict[Any, Any]) -> Any:
    """`key`, or when `taken` holds it already, `key #2` (`#3`, ...), the first number free."""
    if key not in taken or not isinstance(key, str):
        return key
    number = 2
    while f"{key} #{number}" in taken:
        number += 1
    return f"{key} #{number}"
