"""The one report model. Renderers format it; nothing downstream recomputes a statistic.

`Report.to_dict()` is the JSON contract for pipelines; `SCHEMA_VERSION` changes with any
incompatible change to its shape (see docs/report-schema.md).
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from dataaudit.errors import AuditFailed
from dataaudit.levels import Severity

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile

SCHEMA_VERSION = "1.0"


@dataclass(frozen=True)
class Finding:
    """One observation with its numbers: what a person needs to find and fix the rows."""

    check: str
    severity: Severity
    message: str
    column: str | None = None
    # a number or a text; a check that weighs several numbers at once gives them by name
    # (labels.suspected: rows, models, balanced accuracy, margin over chance), GX its own value
    observed: float | int | str | dict[str, Any] | list[Any] | None = None
    threshold: float | int | str | None = None
    examples: list[Any] = field(default_factory=list)
    hint: str | None = None
    details: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Finding:
        return cls(**{**data, "severity": Severity(data["severity"])})


@dataclass(frozen=True)
class CheckStatus:
    """Every check that was considered: `passed`, its worst severity, or `skipped` with why."""

    check: str
    description: str
    status: str
    reason: str | None = None


@dataclass(frozen=True)
class ReportTable:
    """A table a feature adds beside the findings (per-split class shares, suspected rows, ...).

    Renderers show every table the same generic way, so a new feature needs no renderer change;
    `rows` hold plain JSON values in the order of `columns`.
    """

    id: str
    title: str
    columns: list[str]
    rows: list[list[Any]]
    note: str | None = None


@dataclass
class Report:
    source: dict[str, Any]
    target: str | None
    rules: dict[str, Any]
    strict: bool
    dataset: dict[str, Any]
    checks: list[CheckStatus]
    findings: list[Finding]
    tables: list[ReportTable] = field(default_factory=list)
    tool: dict[str, str] = field(default_factory=dict)
    created_at: str = ""
    schema_version: str = SCHEMA_VERSION
    # the profile an in-process audit judged (None for a report read back from JSON): what
    # `dataaudit clean` fits its steps on; not part of the JSON contract
    profile: Profile | None = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def blocking(self) -> list[Finding]:
        """The findings that make the gate fail."""
        worst = Severity.WARN if self.strict else Severity.FAIL
        return [f for f in self.findings if f.severity.rank >= worst.rank]

    @property
    def passed(self) -> bool:
        return not self.blocking

    def raise_for_gate(self) -> None:
        """Raise `AuditFailed` carrying this report when the gate fails; a pipeline's stop sign."""
        if not self.passed:
            raise AuditFailed(self)

    def to_dict(self) -> dict[str, Any]:
        return {
            "schema_version": self.schema_version,
            "tool": self.tool,
            "created_at": self.created_at,
            "passed": self.passed,
            "strict": self.strict,
            "counts": self.counts,
            "source": self.source,
            "target": self.target,
            "rules": self.rules,
            "dataset": self.dataset,
            "checks": [asdict(c) for c in self.checks],
            "findings": [f.to_dict() for f in self.findings],
            "tables": [asdict(t) for t in self.tables],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from its JSON form, e.g. to render a saved report again."""
        return cls(
            source=data["source"],
            target=data["target"],
            rules=data["rules"],
            strict=data["strict"],
            dataset=data["dataset"],
            checks=[CheckStatus(**c) for c in data["checks"]],
            findings=[Finding.from_dict(f) for f in data["findings"]],
            tables=[ReportTable(**t) for t in data.get("tables", [])],
            tool=data.get("tool", {}),
            created_at=data.get("created_at", ""),
            schema_version=data.get("schema_version", SCHEMA_VERSION),
        )


def created_now() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set, so sample reports render reproducibly."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = datetime.fromtimestamp(int(epoch), UTC) if epoch.isdigit() else datetime.now(UTC)
    return moment.isoformat(timespec="seconds")
