"""Validators that ride along the audit's one pass over the data.

A `BatchObserver` sees every record batch the engine reads, with its first row's number, and
afterwards hands over findings and check statuses; `observed` wraps a source so its batches
reach the observers on their way to the profile, so a schema costs no second read of the file.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    import pyarrow as pa

    from dataaudit.io import Source
    from dataaudit.report.model import CheckStatus, Finding
    from dataaudit.rules.model import RulePack


class BatchObserver(Protocol):
    def add(self, batch: pa.RecordBatch, offset: int) -> None: ...

    def results(self, rows: int) -> tuple[list[Finding], list[CheckStatus]]:
        """Findings and statuses once `rows` rows (the whole dataset) went past."""
        ...


class _Counted:
    """Counts the rows that reached the observers, to prove the engine streamed through them."""

    def __init__(self) -> None:
        self.rows = 0


def observed(source: Source, observers: Sequence[BatchObserver]) -> tuple[Source, _Counted]:
    """The same source; reading it also feeds each batch to every observer, in order."""
    if not observers:
        return source, _Counted()
    seen = _Counted()

    def read() -> Iterator[pa.RecordBatch]:
        seen.rows = 0
        for batch in source.batches():
            for observer in observers:
                observer.add(batch, seen.rows)
            seen.rows += batch.num_rows
            yield batch

    return dataclasses.replace(source, read=read), seen


def collect(observers: Sequence[BatchObserver], seen: _Counted, rows: int, findings: list[Finding],
            statuses: list[CheckStatus]) -> tuple[list[Finding], list[CheckStatus]]:
    """The checks' findings and statuses with every observer's added, most severe first."""
    if observers and seen.rows != rows:
        raise RuntimeError(f"the engine profiled {rows} rows but {seen.rows} reached the validators")
    for observer in observers:
        extra_findings, extra_statuses = observer.results(rows)
        findings = findings + extra_findings
        statuses = statuses + extra_statuses
    findings.sort(key=lambda f: (-f.severity.rank, f.check, f.column or ""))
    return findings, statuses


def validators(columns: list[str], rules: RulePack, *, schema: object = None,
               gx_suite: str | Path | None = None) -> list[BatchObserver]:
    """The observers an audit's options ask for; each imports its library only when asked."""
    observers: list[BatchObserver] = []
    if schema is not None:
        from dataaudit.integrations.pandera_schema import SchemaValidator

        observers.append(SchemaValidator(schema, columns, rules.missing_values))
    if gx_suite is not None:
        from dataaudit.integrations.gx_suite import SuiteRunner

        observers.append(SuiteRunner(gx_suite, columns, rules.missing_values))
    return observers
