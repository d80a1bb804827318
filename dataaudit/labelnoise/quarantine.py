"""The suspected rows as a cleaning step needs them: row number -> (reason, score).

Reads a report (also one rebuilt from its JSON, which keeps every suspected row) or a profile
the model step has run on, so `dataaudit clean` can set the rows aside without re-running the
model. Relabelling is deliberately not offered: a suggestion is a model's guess, not a fact.

A class label's suspects (`labels.suspected`) go as `suspected_label`, score 1 - p(given label);
a regression target's (`target.suspected`) as `suspected_target`, score the robust standard
deviations of the row's residual. Two reasons, because the two scores are on different scales
and come from different checks: a manifest's count, or a quarantine's `_reason`, says which
model found the row and how to read its score. A target is one or the other, never both.
"""

from __future__ import annotations

from dataaudit.profile.model import Profile
from dataaudit.report.model import Report

CHECK = "labels.suspected"
REASON = "suspected_label"
TARGET_CHECK = "target.suspected"
TARGET_REASON = "suspected_target"


def suspected_rows(source: Report | Profile) -> dict[int, tuple[str, float]]:
    """Every suspected row, most likely first, as (`suspected_label`, score) for a class label or
    (`suspected_target`, score) for a regression target; empty when the model did not run, was no
    better than chance (or than the mean) or found nothing. One reason for all of a target's rows,
    so a manifest counts them together; the given and suggested (or predicted) values are in the
    audit's `labels.suspected` (or `target.suspected`) table."""
    if isinstance(source, Profile):
        quality, residuals = source.label_quality, source.target_residuals
        classes = [] if quality is None else [(s.row, s.score) for s in quality.suspected]
        values = [] if residuals is None else [(s.row, s.score) for s in residuals.suspected]
    else:  # the tables' columns: row, given, suggested (or predicted), score
        classes, values = (_table_rows(source, check) for check in (CHECK, TARGET_CHECK))
    return {**{int(row): (TARGET_REASON, float(score)) for row, score in values},
            **{int(row): (REASON, float(score)) for row, score in classes}}


def _table_rows(report: Report, check: str) -> list[tuple[int, float]]:
    table = next((t for t in report.tables if t.id == check), None)
    return [] if table is None else [(row[0], row[3]) for row in table.rows]
