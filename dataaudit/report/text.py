"""Untrusted text made printable and inert: control characters shown as escapes, never obeyed or
dropped, and nothing from the data read by a CI runner as a command."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from dataaudit.wording import plural

if TYPE_CHECKING:
    from dataaudit.report.cards import DatasetCard
    from dataaudit.report.model import Finding

# C0 and C1 controls, DEL, and the invisible characters that reorder or break a line: bidi marks,
# embeddings, overrides and isolates (a U+202E can make `exe.txt` read `txt.exe`), line and
# paragraph separators
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
# Runners obey `::command` at the start of a log line (GitHub Actions, some trimming the indent
# first) and `##[command` or `##vso[command` anywhere in it (GitHub's legacy form, Azure Pipelines)
_COMMAND = re.compile(r"(?<!\S)(?=::)|(?<=##)(?=\[)|(?<=##vso)(?=\[)")

# the one line every human-readable report gives the columns audited as text without being named
AUTO_TEXT = "Audited as text by themselves (long, varied texts in their first rows)"
AUTO_TEXT_OFF = "--no-auto-text audits only the --text-column columns"


def printable(text: object, keep: str = "") -> str:
    """`bell\\x07` for a value holding a bell: a terminal or a chart shows it, neither acts on it.

    `keep` names control characters the caller escapes its own way (GitHub's `%0A` for a newline)."""
    return _CONTROL.sub(lambda m: m.group() if m.group() in keep else repr(m.group())[1:-1], str(text))


def inert(text: object, keep: str = "") -> str:
    """Printable, and never a workflow command however a line wraps: a backslash goes before a
    word-initial `::` and inside `##[`, so `::error` from the data prints as `\\::error`.

    Every line-based format (console, annotations, Markdown, JUnit) shows data through this."""
    return _COMMAND.sub("\\\\", printable(text, keep))


def shown_examples(finding: Finding) -> list[str]:
    """A finding's examples as a person reads them: a copy names the earlier row or line it
    repeats, `2 (copy of 1)`. Raw text: each renderer escapes it its own way."""
    for key, relation in (("repeats", "copy"), ("copies", "near copy")):
        pairs = finding.details.get(key)
        if pairs:
            return [f"{copy} ({relation} of {original})" for copy, original in pairs]
    return [str(e) for e in finding.examples]


def shape(dataset: DatasetCard) -> str:
    """What was audited, in a few words: `344 rows x 8 columns`, or `2 chat examples` for a
    fine-tuning file, whose records are examples rather than rows of columns."""
    if dataset.kind:
        return plural(dataset.rows, f"{dataset.kind} example")
    return f"{plural(dataset.rows, 'row')} x {plural(dataset.columns, 'column')}"
