"""The feature row a label conflict shares, quoted in its finding.

The table profile keeps hashes of feature rows, not their values, so a conflict is counted in
bounded memory; the one row a person reads (the first of the first example group) is read
again after the pass (`Source.row_at`: stopping at that row, or on Spark fetched alone from the
cluster), and quoted shortened next to its labels.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from dataaudit.io.nested import json_text
from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.pii.redact import redacted_value
from dataaudit.wording import shortened

if TYPE_CHECKING:
    from dataaudit.io.source import Source
    from dataaudit.report.model import Finding

QUOTE_CHARS = 160
VALUE_CHARS = 40


def quote_conflicting_rows(findings: list[Finding], source: Source, features: list[str],
                           regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Finding]:
    """`findings` with the labels.conflicts finding quoting the feature row its first group shares,
    phone numbers in it read in `regions` (the rule pack's `checks.pii.phone_regions`)."""
    return [_quoted(f, source, features, regions) if f.check == "labels.conflicts" and f.details.get("examples") else f
            for f in findings]


def _quoted(finding: Finding, source: Source, features: list[str], regions: tuple[str, ...]) -> Finding:
    row = finding.details["examples"][0]["rows"][0]
    values = _row(source, row, features, regions)
    if values is None:
        return finding
    shown = shortened(", ".join(f"{name}={_short(value)!r}" for name, value in values.items()), QUOTE_CHARS)
    return replace(finding, message=f"{finding.message} Their features: {shown}.",
                   details={**finding.details, "feature_row": {"row": row, "values": values}})


def _row(source: Source, row: int, features: list[str], regions: tuple[str, ...]) -> dict[str, Any] | None:
    record = source.row_at(row)
    if record is None:
        return None
    # as text: a date, bytes or a nested value of a typed file must not break the JSON report;
    # a personal value or secret in it is shown as its placeholder, as everywhere in a report
    return {name: redacted_value(json_text(record.get(name)), regions) for name in features}


def _short(value: Any) -> Any:
    if isinstance(value, str) and len(value) > VALUE_CHARS:
        return value[: VALUE_CHARS - 1] + "…"
    return value
