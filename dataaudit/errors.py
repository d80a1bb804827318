"""Exceptions that carry a message fit for a user's terminal.

Every error a user can cause (a bad file, an unknown column, an invalid rule pack) is a
`DataAuditError`; the CLI prints its message on one line and exits with code 2. Anything else
escaping the package is a bug and keeps its traceback.
"""

from __future__ import annotations

from typing import Any, Protocol


class DataAuditError(Exception):
    """A problem with the user's input, described in one line."""


class InputError(DataAuditError):
    """The dataset cannot be read as given (missing file, wrong format, corrupt row, bad column)."""


class OutputError(DataAuditError):
    """A file cannot be written (an input named as a destination, a full disk); the message names it."""


class RulesError(DataAuditError):
    """A rule pack is unknown or invalid; the message names the file and line."""


class WorkerLost(DataAuditError):
    """A `--jobs` worker process ended abruptly (the out-of-memory killer, `kill -9`): what it
    held is lost, so the run stops rather than wait for it. `how` says how it ended."""

    def __init__(self, how: str) -> None:
        self.how = how
        super().__init__(f"a worker process ended unexpectedly ({how}); run again with --jobs 1 or more memory")

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuilt from `how`, not from the message, which would be wrapped a second time."""
        return type(self), (self.how,)

    @classmethod
    def with_exit_code(cls, exit_code: int | None) -> WorkerLost:
        """`exit_code` as `multiprocessing` gives it: minus the signal's number for a killed
        process, None if it is not known."""
        return cls("no exit code" if exit_code is None
                   else f"killed by signal {-exit_code}" if exit_code < 0 else f"exit code {exit_code}")


class LargeQuarantine(DataAuditError):
    """`clean` would quarantine more than half of the rows, or every row of a class: refused
    before anything is written, since a dataset that loses most of its rows (or a class) to
    its duplicate and conflict steps is far more often a feature space with few distinct
    rows than a dirty one. `summary` holds the numbers the message gives."""

    def __init__(self, message: str, summary: dict) -> None:
        super().__init__(message)
        self.summary = summary

    def __reduce__(self) -> tuple[Any, ...]:
        """Both arguments, so that the error crosses a process boundary (joblib, multiprocessing)."""
        return type(self), (self.args[0], self.summary)


class Named(Protocol):
    """A report's source, as far as its error message names it."""

    @property
    def name(self) -> str | None: ...


class GateOutcome(Protocol):
    """What `AuditFailed` reads of a report (a `dataaudit.report.model.Report`): typed by its
    shape, so that this module stays a leaf that every layer, the report's included, can import."""

    strict: bool

    @property
    def source(self) -> Named: ...

    @property
    def blocking(self) -> list[Any]: ...

    @property
    def counts(self) -> dict[str, int]: ...


class AuditFailed(Exception):
    """Raised by `Report.raise_for_gate()` so a pipeline can stop before training; the message
    names the checks that failed, so a log line alone says what to fix."""

    def __init__(self, report: GateOutcome) -> None:
        from dataaudit.wording import plural

        self.report = report
        failing: dict[str, int] = {}
        for finding in report.blocking:
            failing[finding.check] = failing.get(finding.check, 0) + 1
        checks = ", ".join(check + (f" ({n} findings)" if n > 1 else "") for check, n in failing.items())
        counts = report.counts
        super().__init__(
            f"audit gate failed on {report.source.name or 'the data'}: {checks} "
            f"({plural(counts['fail'], 'failing finding')}, {plural(counts['warn'], 'warning')}"
            + (", strict: warnings fail)" if report.strict else ")")
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Rebuilt from the report: a gate failing in a worker of a parallel search
        (`cross_val_score(..., n_jobs=2)`) reaches the caller as this error, not as a pool broken
        by an exception it cannot unpickle."""
        return type(self), (self.report,)


QUOTE_LIMIT = 200


def quoted(text: str, limit: int = QUOTE_LIMIT) -> str:
    """`text` as an error message quotes it: repr'd (so a newline or a control character stays
    on the one error line) and cut to `limit` characters, since a row or a column name can be
    megabytes long and a terminal or CI log should get one readable line."""
    shown = repr(text[: limit + 1])
    return shown if len(shown) <= limit else shown[:limit] + "...'"


def listed(name: str, limit: int = 40) -> str:
    """A name as a list in a message shows it: as written when it reads plainly, else `quoted`:
    a blank name (`' '`, a CSV header's lone space, which pandas and pyarrow keep as a column's
    name), blanks around it, a control character or the list's `, ` would hide it or split it in
    two. A long name is cut to `limit` characters."""
    if name and name.strip() == name and name.isprintable() and ", " not in name:
        return name if len(name) <= limit else name[:limit] + "..."
    return quoted(name, limit)
