"""The suspected rows as a cleaning step needs them: row number -> (reason, score).

Reads a report (also one rebuilt from its JSON, which keeps every suspected row) or a profile
the model step has run on, so `dataaudit clean` can set the rows aside without re-running the
model. Relabelling is deliberately not offered: a suggestion is a model's guess, not a fact.
"""

from __future__ import annotations

from dataaudit.profile.model import Profile
from dataaudit.report.model import Report

CHECK = "labels.suspected"


def suspected_rows(source: Report | Profile) -> dict[int, tuple[str, float]]:
    """Every suspected row, most likely first; empty when the model did not run or found nothing."""
    if isinstance(source, Profile):
        quality = source.label_quality
        found = [] if quality is None else [(s.row, s.given, s.suggested, s.score) for s in quality.suspected]
    else:
        table = next((t for t in source.tables if t.id == CHECK), None)
        found = [] if table is None else [tuple(row) for row in table.rows]
    return {int(row): (_reason(given, suggested), float(score)) for row, given, suggested, score in found}


def _reason(given: str, suggested: str) -> str:
    return f"{CHECK}: labelled {given!r}, the model suggests {suggested!r}"
