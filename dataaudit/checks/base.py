"""What every check module shares: the results collector and number formatting."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from dataaudit.levels import MaxLevels, MinLevels
from dataaudit.report.model import Finding, Severity
from dataaudit.wording import pct as pct  # checks format shares with it


@dataclass
class Results:
    """Findings and skipped checks, gathered while the checks run."""

    findings: list[Finding] = field(default_factory=list)
    skipped: dict[str, str] = field(default_factory=dict)
    #: whether the target holds class labels, known before the checks run: a check that judges
    #: any target (groups) words what only classes mean (labels a group mixes) by it
    classes: bool = False

    def add(self, check: str, severity: Severity | None, message: str, **fields: Any) -> None:
        if severity is not None:
            self.findings.append(Finding(check=check, severity=severity, message=message, **fields))

    def skip(self, check: str, reason: str) -> None:
        self.skipped.setdefault(check, reason)

    def judge(self, check: str, levels: MaxLevels | MinLevels, observed: float, message: str,
              info_when_present: bool = False, at_most: Severity | None = None, **fields: Any) -> None:
        """A finding at the severity `levels` give `observed`; `info` for a non-zero amount
        below the warn level when asked, so small problems are visible without failing; never
        above `at_most` (what the data cannot avoid is reported, not failed)."""
        severity = levels.judge(observed)
        if severity is None and info_when_present and observed > 0:
            severity = Severity.INFO
        if severity is not None and at_most is not None and severity.rank > at_most.rank:
            severity = at_most
        self.add(check, severity, message, observed=_round(observed), threshold=levels.breached(observed), **fields)


def skipped_without(profile: Any, measured: Any, absent: str, checks: tuple[Any, ...], results: Results) -> bool:
    """Skip every one of `checks` when the profile has no target, or lacks `measured` (a result a
    step computed before the checks; `absent` says why it is missing) or it says why it skipped;
    True when they were skipped."""
    reason = "no target column" if profile.label is None else absent if measured is None else measured.skipped
    if reason is None:
        return False
    for check in checks:
        results.skip(check.id, reason)
    return True


def _round(value: float) -> float | int:
    return value if isinstance(value, int) else round(float(value), 6)


def quoted_counts(counts: dict[str, int], limit: int = 5, fewest_first: bool = False) -> str:
    """`'NA' 11, '?' 3` for a message: the most frequent first, or the fewest (ties by name)."""
    items = (sorted(counts.items(), key=lambda kv: (kv[1], kv[0])) if fewest_first
             else sorted(counts.items(), key=lambda kv: -kv[1]))
    text = ", ".join(f"{name!r} {n:,}" for name, n in items[:limit])
    return text + (f" and {len(items) - limit} more" if len(items) > limit else "")
