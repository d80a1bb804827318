"""Two reports of the same data compared finding by finding: what is new, what got worse, what
stayed and what was fixed.

Findings are matched by fingerprint (see `fingerprint.py`), so a finding whose numbers moved is
the same finding. A matched finding is worse when its severity rose, or when its number moved
past `delta` (a share of the old value) the bad way. Which way is bad the finding itself says:
a number that crossed a lower limit (observed below its threshold, in the old report or else the
new) is worse as it falls, any other number (counts, shares, ratios past an upper limit) as it
grows. A finding that weighs several numbers at once gives them by name, its headline first
(labels.suspected: the suspected rows, then the noise rate, the models...): the headline is its
number, a count, worse as it grows.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Literal

from dataaudit.errors import InputError
from dataaudit.report.cards import BaselineInfo
from dataaudit.report.model import Finding, Report, Severity
from dataaudit.report.saved import load_report

#: how far a number may move the bad way, as a share of its old value, before the finding is worse
DEFAULT_DELTA = 0.1
Status = Literal["new", "worsened", "unchanged", "fixed"]
#: the order a comparison lists its findings in, most urgent first
STATUSES: tuple[Status, ...] = ("new", "worsened", "fixed", "unchanged")


@dataclass(frozen=True)
class Change:
    """One finding of either report: its status, and the old and new finding it was matched from."""

    status: Status
    old: Finding | None
    new: Finding | None
    why: str = ""
    """How a worsened finding got worse (`warn -> fail`, `observed 0.05 -> 0.12`)."""

    @property
    def finding(self) -> Finding:
        """The finding as it is now, or as it was when it is fixed."""
        found = self.new or self.old
        assert found is not None
        return found

    @property
    def regressed(self) -> bool:
        """New or worse, at a severity that can fail a gate (an info finding never does)."""
        return self.status in ("new", "worsened") and self.finding.severity is not Severity.INFO


@dataclass(frozen=True)
class ReportDiff:
    old: Report
    new: Report
    delta: float
    changes: list[Change]

    def of(self, status: Status) -> list[Change]:
        return [c for c in self.changes if c.status == status]

    @property
    def regressed(self) -> bool:
        """Whether anything that can fail a gate is new or worse: `dataaudit diff` exits 1 then."""
        return any(c.regressed for c in self.changes)

    @property
    def counts(self) -> dict[str, int]:
        return {status: len(self.of(status)) for status in STATUSES}


def compare(old: Report, new: Report, delta: float = DEFAULT_DELTA) -> ReportDiff:
    """Every finding of both reports, matched by fingerprint; several findings of one fingerprint
    are matched in report order."""
    olds: dict[str, list[Finding]] = {}
    for finding in old.findings:
        olds.setdefault(finding.fingerprint, []).append(finding)
    changes: list[Change] = []
    for finding in new.findings:
        earlier = olds.get(finding.fingerprint)
        if not earlier:
            changes.append(Change("new", None, finding))
            continue
        before = earlier.pop(0)
        why = worse(before, finding, delta)
        changes.append(Change("worsened" if why else "unchanged", before, finding, why))
    changes += [Change("fixed", finding, None) for left in olds.values() for finding in left]
    changes.sort(key=lambda c: STATUSES.index(c.status))
    return ReportDiff(old, new, delta, changes)


def refuse_unlike(old: Report, new: Report, names: tuple[str, str]) -> None:
    """Refuse two reports of different data: findings compare only between audits of the same
    kind of input (a table, or a fine-tuning file of one layout) for the same target, whose
    columns overlap. Otherwise every finding would come out new or fixed, and a baseline would
    forgive what it never saw: a report of another file handed over by mistake says so instead.
    A renamed file, new rows or a new column still compare."""
    what = {"target": (old.target, new.target), "input": (_input(old), _input(new))}
    for name, (before, after) in what.items():
        if before != after:
            raise InputError(f"{names[1]}: not comparable with {names[0]}: {name} {after!r} here, {before!r} there")
    columns = [{c.name for c in r.dataset.column_profiles} for r in (old, new)]
    if all(columns) and not columns[0] & columns[1]:
        raise InputError(f"{names[1]}: not comparable with {names[0]}: no column in common")


def _input(report: Report) -> str:
    return f"a {report.dataset.kind} file" if report.dataset.kind is not None else "a table"


def worse(old: Finding, new: Finding, delta: float) -> str:
    """How `new` is worse than `old`, or "" when it is not."""
    if new.severity.rank > old.severity.rank:
        return f"{old.severity.value} -> {new.severity.value}"
    before, after = _headline(old.observed), _headline(new.observed)
    if new.severity.rank < old.severity.rank or before is None or after is None:
        return ""
    moved = (after - before) * _bad_way(old, new)
    if moved > 0 and moved > delta * abs(before):
        return f"observed {_shown(before)} -> {_shown(after)}"
    return ""


def against_baseline(report: Report, baseline: Report, path: str, delta: float = DEFAULT_DELTA) -> Report:
    """`report` gated against `baseline`: its failing findings that the baseline had too, no
    worse, are forgiven; new and worsened ones still fail the gate."""
    refuse_unlike(baseline, report, (path, report.source.path or "the data"))
    gating = {id(f) for f in report.gating}
    diff = compare(baseline, report, delta)
    by_status = {status: [c.finding.fingerprint for c in diff.of(status) if id(c.new) in gating]
                 for status in ("unchanged", "new", "worsened")}
    info = BaselineInfo(path=path, created_at=baseline.created_at, delta=delta, forgiven=by_status["unchanged"],
                        new=by_status["new"], worsened=by_status["worsened"])
    return replace(report, baseline=info, saved_passed=None)  # judged again, against this baseline


def baseline_gate(baseline: str | Path | Report | None, delta: float = DEFAULT_DELTA) -> Callable[[Report], Report]:
    """What an audit does to its report for `baseline`: nothing without one; a saved report is
    read now, so that one that cannot be read is refused before the audit's pass."""
    if baseline is None:
        return lambda report: report
    if isinstance(baseline, Report):
        saved, name = baseline, f"the report of {baseline.source.name or 'the data'}"
    elif isinstance(baseline, str | os.PathLike):
        saved, name = load_report(Path(baseline)), str(baseline)
    else:
        raise InputError(f"baseline must be a saved JSON report's path or a Report, not a {type(baseline).__name__}"
                         + (" (read it with Report.from_dict)" if isinstance(baseline, dict) else ""))
    return lambda report: against_baseline(report, saved, name, delta)


def _bad_way(old: Finding, new: Finding) -> float:
    """-1.0 when a smaller number is worse: the finding (as it was, else as it is) lies below the
    limit it crossed; 1.0 otherwise."""
    for finding in (old, new):  # a threshold bounds a plain number; a named headline is a count
        if _number(finding.observed) and _number(finding.threshold) and finding.observed != finding.threshold:
            return -1.0 if float(finding.observed) < float(finding.threshold) else 1.0  # type: ignore[arg-type]
    return 1.0


def _headline(observed: object) -> float | None:
    """The number a comparison follows: `observed` itself, or the first of the numbers a finding
    names (`{"suspected_rows": 40, ...}`: 40); None when it has none (a text)."""
    if isinstance(observed, dict) and observed:
        observed = next(iter(observed.values()))
    return float(observed) if _number(observed) else None  # type: ignore[arg-type]


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _shown(value: float) -> str:
    return f"{value:.4g}"
