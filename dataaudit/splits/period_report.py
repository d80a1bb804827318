"""The periods of a file as the report shows them: one row per period, its class shares and how
far it is from the rest of the file (`time.periods`), which the HTML report also draws."""

from __future__ import annotations

from typing import Any

from dataaudit.checks.time_drift import Rules
from dataaudit.profile.periods import PeriodProfile
from dataaudit.profile.splits import Drift
from dataaudit.report.model import ReportTable
from dataaudit.wording import plural, verb

#: Classes given a share column of their own; the others are summed in "share other".
SHOWN_CLASSES = 6
TABLE_ID = "time.periods"
SHARE = "share "


def period_tables(periods: PeriodProfile | None, rules: Rules) -> list[ReportTable]:
    """The `time.periods` table, when the file was read period by period."""
    if periods is None or not periods.periods:
        return []
    totals: dict[str, int] = {}
    for period in periods.periods:
        for name, n in period.classes.items():
            totals[name] = totals.get(name, 0) + n
    shown = sorted(totals, key=lambda k: (-totals[k], k))[:SHOWN_CLASSES]
    other = len(totals) > len(shown)
    label = {d.split: d for d in periods.label_shift}
    warn = {"numeric": rules.max_psi.warn or 0.1, "categorical": rules.max_categorical_divergence.warn or 0.02}
    features = _largest(periods.drift, warn)
    rows = []
    for period in periods.periods:
        labelled = sum(period.classes.values())
        shares = [round(period.classes.get(k, 0) / labelled, 4) if labelled else None for k in shown]
        if other:
            shares.append(round(1 - sum(s or 0 for s in shares), 4) if labelled else None)
        shift, drift = label.get(period.name), features.get(period.name)
        row: list[Any] = [period.name, period.rows, *shares,
                          None if shift is None else round(shift.value, 4),
                          None if shift is None else round(shift.noise, 4),
                          None if drift is None else f"{drift.column} ({drift.measure} {drift.value:.3f})"]
        rows.append(row)
    columns = ["period", "rows", *(SHARE + k for k in shown), *([SHARE + "other"] if other else []),
               "label JS", "chance", "largest feature drift"]
    undated = (f" {plural(periods.undated, 'row')} without a readable time {verb(periods.undated, 'is', 'are')} "
               "left out." if periods.undated else "")
    note = (f"Time column {periods.column!r} ({periods.reason}); {periods.note}. Each period is compared "
            f"with the rest of the file.{undated}")
    if periods.not_compared:
        note += " Not compared: " + "; ".join(f"{c!r} ({why})" for c, why in periods.not_compared.items()) + "."
    return [ReportTable(id=TABLE_ID, title="Periods of the time column", columns=columns, rows=rows, note=note)]


def _largest(drifts: list[Drift], warn: dict[str, float]) -> dict[str, Drift]:
    """Per period, the feature drift largest against its warn level, so that PSI and
    Jensen-Shannon values rank together (as the splits' drift table ranks them)."""
    out: dict[str, Drift] = {}
    for d in drifts:
        best = out.get(d.split)
        if best is None or d.value / warn[d.kind] > best.value / warn[best.kind]:
            out[d.split] = d
    return out
