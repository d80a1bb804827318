"""The report table of personal data and secrets found: per text and kind, the counts, where
they sit and a few masked examples; never a value in clear."""

from __future__ import annotations

from dataaudit.profile.pii import PII_KINDS
from dataaudit.profile.text import TextProfile
from dataaudit.report.model import ReportTable


def pii_table(texts: list[TextProfile]) -> list[ReportTable]:
    rows = [[t.name, kind, PII_KINDS[kind][2], found.values[kind], found.rows[kind],
             ", ".join(f"{place} {n:,}" for place, n in found.places[kind].items()),
             ", ".join(map(str, found.lines[kind][:10])),
             "; ".join(f"{e.line}: {e.masked}" for e in found.examples[kind][:3])]
            for t in texts if (found := t.pii) is not None for kind in found.values]
    if not rows:
        return []
    return [ReportTable("pii.found", "Personal data and secrets found",
                        ["text", "kind", "what", "values", "lines or rows", "where", "first lines", "masked"], rows,
                        "Values are masked: an email keeps its first letters and top-level domain, every other kind "
                        "shows its placeholder and length. `dataaudit clean --redact pii` replaces them.")]
