"""The one report model. Renderers format it; nothing downstream recomputes a statistic.

`Report.to_dict()` is the JSON contract for pipelines: a `ReportDocument`, whose generated JSON
Schema is committed as report.schema.json. `SCHEMA_VERSION` changes with any incompatible change
to its shape (see docs/report-schema.md).
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from functools import cache
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import Field, TypeAdapter, ValidationError, with_config

from dataaudit.errors import AuditFailed, InputError, quoted
from dataaudit.jsontext import non_finite_as_text
from dataaudit.levels import Severity
from dataaudit.report.cards import OMIT, STRICT, BaselineInfo, DatasetCard, RulesInfo, SourceInfo, ToolInfo, plain
from dataaudit.report.fingerprint import finding_fingerprint

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile

SCHEMA_VERSION = "1.6"
MAJOR = SCHEMA_VERSION.split(".")[0]


@with_config(STRICT)
@dataclass(frozen=True)
class Finding:
    """One observation with its numbers: what a person needs to find and fix the rows."""

    check: str
    severity: Severity
    message: str
    column: str | None = None
    observed: float | int | str | dict[str, Any] | list[Any] | None = None
    """A number or a text; a check that weighs several numbers at once gives them by name
    (labels.suspected: rows, models, balanced accuracy, margin over chance), GX its own value."""
    threshold: float | int | str | None = None
    examples: list[Any] = field(default_factory=list)
    """Row numbers or values."""
    hint: str | None = None
    details: dict[str, Any] = field(default_factory=dict)
    fingerprint: str = field(init=False, default="")
    """Which problem this is, the same in every audit that finds it: 16 hex digits from the check,
    the column and the details naming the split, class or kind, never from counts or rows. New
    in schema 1.3; computed again when a report is read, so older reports have it too."""

    def __post_init__(self) -> None:
        # as JSON carries them, so that a saved report renders and fingerprints as the audit did
        for name in ("observed", "threshold", "details"):
            object.__setattr__(self, name, non_finite_as_text(getattr(self, name)))
        # derived, not given: a finding copied with another column or details gets its own
        object.__setattr__(self, "fingerprint", finding_fingerprint(self.check, self.column, self.details))

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


#: a check's outcome: `passed`, the severity of its worst finding, or `skipped` (with a reason)
Status = Literal["passed", "info", "warn", "fail", "skipped"]


@with_config(STRICT)
@dataclass(frozen=True)
class CheckStatus:
    """Every check that was considered: `passed`, its worst severity, or `skipped` with why."""

    check: str
    description: str
    status: Status
    reason: str | None = None


@with_config(STRICT)
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
    """Every row, plain JSON values in the order of `columns`; a number that is not finite as
    its text (`inf`), as JSON carries it."""
    note: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "rows", non_finite_as_text(self.rows))


@dataclass(repr=False)
class Report:
    source: SourceInfo
    target: str | None
    rules: RulesInfo
    strict: bool
    dataset: DatasetCard
    checks: list[CheckStatus]
    findings: list[Finding]
    tool: ToolInfo
    tables: list[ReportTable] = field(default_factory=list)
    created_at: str = ""
    schema_version: str = SCHEMA_VERSION
    baseline: BaselineInfo | None = None
    # the profile an in-process audit judged (None for a report read back from JSON): what
    # `dataaudit clean` fits its steps on; not part of the JSON contract
    profile: Profile | None = field(default=None, repr=False, compare=False)
    # the verdict a saved report was written with (None for an audit run here): what its run
    # decided, with the baseline and strictness it had, and so what every rendering of it says
    saved_passed: bool | None = field(default=None, repr=False, compare=False)

    @property
    def counts(self) -> dict[str, int]:
        counts = {s.value: 0 for s in Severity}
        for finding in self.findings:
            counts[finding.severity.value] += 1
        return counts

    @property
    def blocking(self) -> list[Finding]:
        """The findings that make the gate fail.

        The baseline forgives each fingerprint as often as it lists it, never more: should two
        findings ever share a fingerprint, one forgiven can never hide the other, new one."""
        forgiven = Counter(self.baseline.forgiven) if self.baseline is not None else Counter()
        blocking = []
        for finding in self.gating:
            if forgiven[finding.fingerprint] > 0:
                forgiven[finding.fingerprint] -= 1
            else:
                blocking.append(finding)
        return blocking

    @property
    def forgiven(self) -> list[Finding]:
        """The findings that would fail the gate but for the baseline: each format marks them, so
        a passed report listing failures says why, and a failed one which finding failed it."""
        blocking = {id(f) for f in self.blocking}
        return [f for f in self.gating if id(f) not in blocking]

    @property
    def gating(self) -> list[Finding]:
        """The findings severe enough to fail the gate, before a baseline forgives any."""
        worst = Severity.WARN if self.strict else Severity.FAIL
        return [f for f in self.findings if f.severity.rank >= worst.rank]

    @property
    def passed(self) -> bool:
        """The gate's verdict: a saved report's as its run decided it, never judged again."""
        return self.saved_passed if self.saved_passed is not None else not self.blocking

    def __repr__(self) -> str:
        """One line, as a notebook cell, a log or a debugger shows a report: the verdict, what
        was audited and the findings per severity. Every card, check and table would be tens of
        thousands of characters; `str(report)` is the report as the terminal shows it, a notebook
        shows it as Markdown, and `to_dict()` holds every field."""
        from dataaudit.report.text import shape

        counts = ", ".join(f"{self.counts[severity]} {severity}" for severity in ("fail", "warn", "info"))
        target = f"target {self.target!r}" if self.target else "no target"
        return (f"<Report {'passed' if self.passed else 'failed'}: {self.source.name or 'the data'}, "
                f"{shape(self.dataset)}, {target}; {counts}>")

    def __str__(self) -> str:
        """The report as `dataaudit audit` prints it, without the terminal's colours (`print(report)`)."""
        import click

        from dataaudit.report.console import render_console

        return click.unstyle(render_console(self))

    def _repr_markdown_(self) -> str:
        """A notebook's display of the report: the pull-request comment's Markdown, every value
        from the data escaped, so a cell ending in `report` shows the verdict and the findings."""
        from dataaudit.report.markdown import render_markdown

        return render_markdown(self)

    def raise_for_gate(self) -> None:
        """Raise `AuditFailed` carrying this report when the gate fails; a pipeline's stop sign."""
        if not self.passed:
            raise AuditFailed(self)

    def to_dict(self) -> dict[str, Any]:
        return plain(ReportDocument(
            schema_version=self.schema_version, tool=self.tool, created_at=self.created_at, passed=self.passed,
            strict=self.strict, counts=self.counts, source=self.source, target=self.target, rules=self.rules,
            dataset=self.dataset, checks=self.checks, findings=self.findings, tables=self.tables,
            baseline=self.baseline,
        ))

    def to_json(self) -> str:
        """The report as `--format json` writes it, byte for byte: `json.dumps(to_dict())` would
        spell numbers and characters otherwise (a NaN, `\u00e9`)."""
        from dataaudit.report.formats import Format, render

        return render(self, Format.JSON)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Report:
        """Rebuild a report from its JSON form, e.g. to render a saved report again.

        Raises `ReportFormatError` (one line) for a schema_version of another major or a
        document that is not this version's report; anything but a dict is not one (JSON text
        is read with `json.loads` first)."""
        if not isinstance(data, dict):
            raise ReportFormatError(f"a report is read from the dict its JSON holds, not from a {type(data).__name__}")
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != MAJOR:
            raise ReportFormatError(f"report schema_version {quoted(version, 40)} cannot be read by this dataaudit, "
                                    f"which reads {MAJOR}.x")
        try:
            doc = _document_adapter().validate_python(_without_fingerprints(data))
        except ValidationError as exc:
            newer = _minor(version) > _minor(SCHEMA_VERSION)
            raise ReportFormatError(
                f"not a valid dataaudit JSON report ({_first_error(exc)})" + (
                    f"; it is of schema {quoted(version, 40)}, newer than the {SCHEMA_VERSION} this dataaudit "
                    "reads: upgrade dataaudit to read it" if newer else "")) from None
        baseline = _baseline_as_read(doc.baseline, _written_fingerprints(data), doc.findings)
        return cls(source=doc.source, target=doc.target, rules=doc.rules, strict=doc.strict, dataset=doc.dataset,
                   checks=doc.checks, findings=doc.findings, tables=doc.tables, tool=doc.tool,
                   created_at=doc.created_at, schema_version=doc.schema_version, baseline=baseline,
                   saved_passed=doc.passed)


class ReportFormatError(ValueError):
    """A dict that `Report.from_dict` cannot read as a report; its message is one line."""


@with_config(STRICT)
@dataclass(frozen=True)
class ReportDocument:
    """The JSON form of a report, key for key in the order written: what `Report.to_dict` writes,
    `Report.from_dict` reads back and the committed JSON Schema is generated from."""

    schema_version: Annotated[str, Field(pattern=rf"^{MAJOR}\.[0-9]+$")]
    """The report format's version; a reader reads its own major only."""
    tool: ToolInfo
    created_at: str
    """UTC, ISO 8601 (SOURCE_DATE_EPOCH when set)."""
    passed: bool
    """The gate's verdict."""
    strict: bool
    """Whether warnings failed the gate."""
    counts: dict[Severity, int]
    """Findings per severity."""
    source: SourceInfo
    target: str | None
    """The label column."""
    rules: RulesInfo
    dataset: DatasetCard
    checks: list[CheckStatus]
    """Every check considered, with its outcome."""
    findings: list[Finding]
    """Most severe first."""
    tables: list[ReportTable] = field(default_factory=list)
    """Tables a feature adds beside the findings; written always, absent from reports of 1.0 before them."""
    baseline: BaselineInfo | None = field(default=None, metadata=OMIT)
    """The saved report the gate was judged against (`--baseline`); only then. New in schema 1.3."""


def _without_fingerprints(data: dict[str, Any]) -> dict[str, Any]:
    """`data` with each finding's fingerprint left out: it is derived, and computing it again
    gives a report of 1.2 or before the same fingerprints as one of today."""
    findings = data.get("findings")
    if not isinstance(findings, list):
        return data
    return {**data, "findings": [{k: v for k, v in f.items() if k != "fingerprint"} if isinstance(f, dict) else f
                                 for f in findings]}


def _written_fingerprints(data: dict[str, Any]) -> list[str | None]:
    """Each finding's fingerprint as the report was written with it (None where it has none)."""
    return [f.get("fingerprint") if isinstance(f, dict) else None for f in data.get("findings") or []]


def _baseline_as_read(baseline: BaselineInfo | None, written: list[str | None],
                      findings: list[Finding]) -> BaselineInfo | None:
    """The baseline's lists in the fingerprints computed now. The run listed the fingerprints it
    wrote beside its findings; an earlier dataaudit may have read other details (`labels.variants`
    folded by case alone), and a finding it forgave must stay forgiven, each as often as listed."""
    if baseline is None:
        return None
    now: dict[str, list[str]] = {}
    for saved, finding in zip(written, findings, strict=False):
        if isinstance(saved, str):
            now.setdefault(saved, []).append(finding.fingerprint)

    def read(fingerprints: list[str]) -> list[str]:
        pending = {saved: list(computed) for saved, computed in now.items()}
        return [pending[f].pop(0) if pending.get(f) else f for f in fingerprints]

    return replace(baseline, forgiven=read(baseline.forgiven), new=read(baseline.new),
                   worsened=read(baseline.worsened))


@cache
def _document_adapter() -> TypeAdapter[ReportDocument]:
    return TypeAdapter(ReportDocument)


def _minor(version: str) -> int:
    """`5` for "1.5"; -1 for a version without a readable minor (the schema's pattern refuses it)."""
    minor = version.partition(".")[2]
    return int(minor) if minor.isdigit() else -1


def _first_error(exc: ValidationError) -> str:
    """`dataset.rows: Field required`: the first problem, on one line, where it is."""
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"]) or "the report"
    more = f"; {exc.error_count() - 1} more" if exc.error_count() > 1 else ""
    return f"{where}: {error['msg']}{more}"[:300]


def created_now() -> str:
    """Now in UTC, or SOURCE_DATE_EPOCH when set, so sample reports render reproducibly."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    moment = _source_date(epoch) if epoch else datetime.now(UTC)
    return moment.isoformat(timespec="seconds")


#: the last second of year 9999, the latest a date holds
_LAST_EPOCH = 253402300799


def _source_date(epoch: str) -> datetime:
    """SOURCE_DATE_EPOCH as a time. A value that is no whole number of seconds up to year 9999
    is refused, as reproducible builds ask: ignored, it would date a report meant to be
    reproducible now; past year 9999 (or a digit such as ² that is no ASCII digit) it would end
    the run with an internal error."""
    if not (epoch.isascii() and epoch.isdigit() and int(epoch) <= _LAST_EPOCH):
        raise InputError(f"SOURCE_DATE_EPOCH={quoted(epoch)}: give a whole number of seconds since "
                         f"1970-01-01 UTC, at most {_LAST_EPOCH} (the end of year 9999), or unset it")
    return datetime.fromtimestamp(int(epoch), UTC)
