"""No personal value or secret in clear in a table's report, whichever check quotes it.

Many findings quote values of the rows they are about: a duplicate's or a conflict's feature
row, a label's spellings, a column's frequent or extreme values, a shortcut's tokens, the rows
a split shares with another, the span a training text copies from an evaluation set. Any of
them can hold an email or a key that sits in the row. Rather than each check remembering to
mask what it quotes, the report masks every text it holds once, here: each string of a
finding (its message, observed value, threshold, examples, hint and details, keys included; a
hint quotes values too: `Merge the spellings into 'x'`) and of a table's
rows goes through `redacted_value` (phone numbers read in the rule pack's `phone_regions`),
which replaces each value found by its placeholder (`[EMAIL]`, `[SECRET]`) and leaves every
other character. A column's name and the check's id
are the audit's own words and stay. A quote cut short must be masked before it is cut (as the
conflict's feature row is, `feature_rows`): half an address is no address to find.

A classification target's classes are the one exception (`shown_labels`): a class written as a
dotted quad (`4.1.2.7`, a taxonomy node or a version) or a run of digits (a product code) looks
like an IP address or a phone number but names a class, and masking it hides what the report is
about. Such a class is shown as written where the text quoted is the target's (its label card,
its column's frequent values, the findings about the target column, its distribution table),
unless the personal-data scan found that kind of value in the target column (the target named
with `--text-column`): then it is personal data and masked as every value is. The same value
in any other column, finding or table is masked: there it is no class, with one exception: a field
that names a class of the target wherever it stands (a `class` key of a finding's details, such as a
shortcut token's class, or a table's `class` column, such as the label model's or the splits' class
shares) shows that class as written when it is exactly one of the shown classes (the finding's
message, which quotes the column's own values beside it, stays masked). A class holding an
email, a card number, an IBAN or a secret is never a code: it is masked.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from dataaudit.pii.detect import DEFAULT_REGIONS, find_pii
from dataaudit.pii.redact import ALL_KINDS, redactions, replaced
from dataaudit.report.model import Finding, ReportTable

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile

#: The kinds a class label may look like without being one: a dotted quad, a run of digits.
CODE_LIKE_KINDS = frozenset({"ip", "phone"})
#: The name of a field (a details key, a table column) whose value is one class of the target.
CLASS_FIELD = "class"
NOTHING_SHOWN: frozenset[str] = frozenset()


def shown_labels(profile: Profile, classes: bool, regions: tuple[str, ...] = DEFAULT_REGIONS,
                 scanned_in: Profile | None = None) -> frozenset[str]:
    """The classes of the target (when `classes`: a classification target) shown as written:
    those that look personal only through values of `CODE_LIKE_KINDS` the personal-data scan
    did not find in the target column. The scan read is `scanned_in`'s (a split's texts are
    scanned on the reference only), `profile`'s own by default."""
    label = profile.label
    if label is None or not classes:
        return NOTHING_SHOWN
    scanned = {kind for text in (scanned_in or profile).text if text.name == label.column and text.pii is not None
               for kind, values in text.pii.values.items() if values}
    code_like = CODE_LIKE_KINDS - scanned
    shown = set()
    for value in label.counts:
        kinds = {found.kind for found in find_pii(value, regions)}
        if kinds and kinds <= code_like:
            shown.add(value)
    return frozenset(shown)


def masked_findings(findings: list[Finding], regions: tuple[str, ...] = DEFAULT_REGIONS,
                    labels: Collection[str] = NOTHING_SHOWN, target: str | None = None) -> list[Finding]:
    """`findings` with every string masked; `regions` are the rule pack's `checks.pii.phone_regions`,
    `labels` the classes shown as written (`shown_labels`) in the findings about the `target`
    column; in any other finding nothing is shown as written."""
    return [_masked_finding(f, regions, labels if target is not None and f.column == target else NOTHING_SHOWN,
                            labels) for f in findings]


def _masked_finding(f: Finding, regions: tuple[str, ...], labels: Collection[str],
                    classes: Collection[str]) -> Finding:
    return replace(f, message=masked(f.message, regions, labels), observed=masked(f.observed, regions, labels),
                   threshold=masked(f.threshold, regions, labels), examples=masked(f.examples, regions, labels),
                   hint=masked(f.hint, regions, labels), details=masked(f.details, regions, labels, classes))


def masked_tables(tables: list[ReportTable], regions: tuple[str, ...] = DEFAULT_REGIONS,
                  labels: Collection[str] = NOTHING_SHOWN, classes: Collection[str] = NOTHING_SHOWN
                  ) -> list[ReportTable]:
    """`tables` with every cell masked but for the `labels` quoted anywhere and, in a `class`
    column, a cell that is exactly one of the `classes`."""
    return [replace(t, rows=[_masked_row(row, t.columns, regions, labels, classes) for row in t.rows])
            for t in tables]


def _masked_row(row: list[Any], columns: list[str], regions: tuple[str, ...], labels: Collection[str],
                classes: Collection[str]) -> list[Any]:
    return [cell if column == CLASS_FIELD and _is_class(cell, classes) else masked(cell, regions, labels)
            for column, cell in zip(columns, row, strict=True)]


def _is_class(value: Any, classes: Collection[str]) -> bool:
    return isinstance(value, str) and value in classes


def masked(value: Any, regions: tuple[str, ...] = DEFAULT_REGIONS, labels: Collection[str] = NOTHING_SHOWN,
           classes: Collection[str] = NOTHING_SHOWN) -> Any:
    """`value` with every string in it, at any depth, masked but for the `labels` it quotes and,
    under a `class` key, a value that is exactly one of the `classes`. Two keys of a dict masked
    alike (two emails) stay two: the later ones are numbered in the order they come (`[EMAIL]`,
    `[EMAIL] #2`), so no count or value is lost."""
    if isinstance(value, str):
        return masked_text(value, regions, labels)
    if isinstance(value, list):
        return [masked(item, regions, labels, classes) for item in value]
    if isinstance(value, tuple):
        return tuple(masked(item, regions, labels, classes) for item in value)
    if isinstance(value, dict):
        return masked_dict(value, regions, labels, classes)
    return value


def masked_text(text: str, regions: tuple[str, ...] = DEFAULT_REGIONS, labels: Collection[str] = NOTHING_SHOWN) -> str:
    """`text` with each personal value and secret replaced by its placeholder, but for a value
    that lies within one of the `labels` quoted in it. A key's path (`messages[].a.b@x.com`) is
    searched as if a blank followed its brackets: an address right after `].` is one all the
    same, which the detector's guard against the tail of a longer address (`x.a.b@x.com`) missed."""
    found = redactions(text.replace("].", "] "), ALL_KINDS, regions)  # the same length: the spans hold
    quoted = [(m.start(), m.end()) for label in labels if label in text for m in re.finditer(re.escape(label), text)]
    return replaced(text, [f for f in found if not any(start <= f.start and f.end <= end for start, end in quoted)])


def masked_dict(value: dict[Any, Any], regions: tuple[str, ...] = DEFAULT_REGIONS,
                labels: Collection[str] = NOTHING_SHOWN, classes: Collection[str] = NOTHING_SHOWN) -> dict[Any, Any]:
    """`value` with keys and values masked, every key kept distinct; a `class` key's value that
    is exactly one of the `classes` is kept as written."""
    shown: dict[Any, Any] = {}
    for key, item in value.items():
        kept = key == CLASS_FIELD and _is_class(item, classes)
        shown[distinct_key(masked(key, regions, labels), shown)] = item if kept else masked(item, regions, labels,
                                                                                           classes)
    return shown


def distinct_key(key: Any, taken: dict[Any, Any]) -> Any:
    """`key`, or when `taken` holds it already, `key #2` (`#3`, ...), the first number free."""
    if key not in taken or not isinstance(key, str):
        return key
    number = 2
    while f"{key} #{number}" in taken:
        number += 1
    return f"{key} #{number}"
