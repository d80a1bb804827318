"""The report's table of languages: examples per language, with their first lines."""

from __future__ import annotations

from dataaudit.profile.languages import UNDETERMINED
from dataaudit.profile.text import TextProfile
from dataaudit.report.model import ReportTable
from dataaudit.wording import pct


def language_table(texts: list[TextProfile]) -> ReportTable:
    rows = []
    for t in texts:
        found = t.languages
        if found is None:
            continue
        for name, count in found.counts.items():
            outside = bool(found.expected) and name not in (*found.expected, UNDETERMINED)
            rows.append([t.name, name, count, pct(count, found.examples), "yes" if outside else "",
                         ", ".join(map(str, found.lines.get(name, [])[:10]))])
    told = next(t.languages for t in texts if t.languages is not None)
    note = (f"Told by lingua (low-accuracy mode) on chunks of whole sentences; an example with fewer than "
            f"{told.min_letters} letters told at a confidence of {told.min_confidence:g} or more is undetermined, "
            f"one whose second language holds {told.mixed_share:.0%} of them (and twice the minimum) is mixed "
            "(counted under its first).")
    return ReportTable("text.languages", "Languages of the examples",
                       ["text", "language", "examples", "share", "outside", "first lines"], rows, note)
