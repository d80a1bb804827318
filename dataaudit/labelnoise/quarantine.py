"""The suspected rows as a cleaning step needs them: row number -> (reason, score).

Reads a report (also one rebuilt from its JSON, which keeps every suspected row) or a profile
the model step has run on, so `dataaudit clean` can set the rows aside without re-running the
model. Relabelling is deliberately not offered: a suggestion is a model's guess, not a fact.
"""

from __future__ import annotations

from dataaudit.profile.model import Profile
from dataaudit.report.model import Report

CHECK = "labels.suspected"
REASON = "suspected_label"


def suspected_rows(source: Report | Profile) -> dict[int, tuple[str, float]]:
    """Every suspected row, most likely first, as (`suspected_label`, score); empty when the model
    did not run or found nothing. One reason for all, so a manifest counts them together; the
    given and suggested labels are in the audit's `labels.suspected` table."""
    if isinstance(source, Profile):
        quality = source.label_quality
        found = [] if quality is None else [(s.row, s.score) for s in quality.suspected]
    else:  # the table's columns: row, given, suggested, score
        table = next((t for t in source.tables if t.id == CHECK), None)
        found = [] if table is None else [(row[0], row[3]) for row in table.rows]
    return {int(row): (REASON, float(score)) for row, score in found}
