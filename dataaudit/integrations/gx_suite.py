"""Run a Great Expectations suite on the audited data, through GX itself, as part of the audit.

GX validates one whole table (uniqueness and row counts need every row), so the batches the
audit streams are gathered into one pandas frame: memory grows with the data here, unlike the
rest of the audit. Cells the rule pack reads as missing (`NA`, `?`, blanks) are nulls in that
frame and text columns holding only numbers are numeric, as a typed reader would give them.
The context is ephemeral: nothing is written to disk and no usage statistics are sent.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.compression import read_bytes
from dataaudit.errors import InputError
from dataaudit.integrations.frames import to_frame, with_numbers
from dataaudit.report.model import CheckStatus, Finding, Severity
from dataaudit.scoped import environ_default, quiet_pyspark_pandas_warning
from dataaudit.wording import plural

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

    from dataaudit.rules.model import MissingValues

SEVERITY = {"critical": Severity.FAIL, "warning": Severity.WARN, "info": Severity.INFO}
EXAMPLES = 10


def _gx() -> Any:
    try:  # GX reads its analytics switch as it is imported
        with environ_default("GX_ANALYTICS_ENABLED", "false"), quiet_pyspark_pandas_warning():
            import great_expectations as gx
    except ImportError:
        raise InputError("expectation suites need the 'gx' extra: pip install 'dataaudit[gx]'") from None
    return gx


def load_suite(path: str | Path) -> Any:
    """A GX `ExpectationSuite` from its JSON file; a malformed file is an `InputError` naming it."""
    gx = _gx()
    path = Path(path)
    try:
        data = json.loads(read_bytes(path).decode("utf-8"))
    except OSError as exc:
        raise InputError(f"{path}: cannot read the suite: {exc.strerror or exc}") from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{path}:{exc.lineno}: not JSON: {exc.msg}") from None
    except UnicodeDecodeError:
        raise InputError(f"{path}: not JSON: not UTF-8 text") from None
    except RecursionError:  # the parser recurses into each array or object
        raise InputError(f"{path}: not a Great Expectations suite: nested deeper than a suite ever is") from None
    try:
        suite = gx.ExpectationSuite(**data)
    except Exception as exc:  # GX raises pydantic, marshmallow and its own errors for a malformed suite
        raise InputError(f"{path}: not a Great Expectations suite: {' '.join(str(exc).split())[:300]}") from None
    # GX logs an expectation it cannot build and leaves it out: an audit would pass without it
    given = [e.get("type") or e.get("expectation_type") for e in data.get("expectations", [])]
    loaded = [e.expectation_type for e in suite.expectations]
    lost = [t for t in given if t not in loaded]
    if lost:
        raise InputError(f"{path}: not a Great Expectations suite: GX cannot build {', '.join(map(repr, lost))}")
    return suite


def validate_frame(suite: Any, frame: pd.DataFrame) -> Any:
    """GX's own validation of `frame` (ephemeral context, pandas data source, whole-frame batch)."""
    from great_expectations.data_context.types.base import ProgressBarsConfig

    gx = _gx()
    context = gx.get_context(mode="ephemeral")
    context.variables.progress_bars = ProgressBarsConfig(globally=False)
    batch = (context.data_sources.add_pandas("dataaudit").add_dataframe_asset("data")
             .add_batch_definition_whole_dataframe("all").get_batch(batch_parameters={"dataframe": frame}))
    return batch.validate(context.suites.add(suite))


class SuiteRunner:
    """Gathers the audit's batches and runs the suite on them; a `BatchObserver` of the audit's pass."""

    def __init__(self, suite: str | Path, columns: list[str], missing: MissingValues) -> None:
        if not isinstance(suite, str | os.PathLike):  # a suite is read from its file, as GX saves it
            raise InputError(f"gx_suite must be the path of a Great Expectations suite's JSON file, "
                             f"not a {type(suite).__name__}")
        self.path = Path(suite)
        self.suite = load_suite(suite)
        self.columns = columns
        self.missing = missing
        self.batches: list[pa.RecordBatch] = []

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        self.batches.append(batch)

    def results(self, rows: int) -> tuple[list[Finding], list[CheckStatus]]:
        import pyarrow as pa

        table = pa.Table.from_batches(self.batches) if self.batches else None
        frame = to_frame(table, self.columns, 0, self.missing) if table is not None else _empty(self.columns)
        self.batches = []
        validation = validate_frame(self.suite, with_numbers(frame))
        findings = [f for r in validation.results if not r.success and (f := _finding(r)) is not None]
        worst: dict[str, Severity] = {}
        for finding in findings:
            if finding.check not in worst or finding.severity.rank > worst[finding.check].rank:
                worst[finding.check] = finding.severity
        statuses = [
            CheckStatus(check, f"Great Expectations: {check[3:]} (suite {self.suite.name!r})",
                        worst[check].value if check in worst else "passed")
            for check in dict.fromkeys(f"gx.{r.expectation_config.type}" for r in validation.results)
        ]
        return findings, statuses


def _empty(columns: list[str]) -> pd.DataFrame:
    import pandas as pd

    return pd.DataFrame({name: pd.Series([], dtype=object) for name in columns})


def _finding(result: Any) -> Finding | None:
    config = result.expectation_config
    level = getattr(config, "severity", None)
    severity = SEVERITY.get(str(getattr(level, "value", level) or "critical"), Severity.FAIL)
    kwargs = {k: v for k, v in config.kwargs.items() if k not in ("batch_id",)}
    column = kwargs.get("column")
    on = f" on column {column!r}" if column else ""
    details: dict[str, Any] = {"expectation": config.type, "kwargs": _plain(kwargs)}
    error = _raised(result.exception_info or {})
    if error is not None:
        message = f"GX expectation {config.type}{on} could not run: {error}"
        return Finding(check=f"gx.{config.type}", severity=severity, message=message, column=column, details=details)
    outcome = result.result or {}
    details["result"] = _plain({k: v for k, v in outcome.items() if not k.startswith("partial_unexpected_counts")})
    if "unexpected_count" in outcome:
        count, total = outcome["unexpected_count"], outcome.get("element_count", 0)
        values = [v for v in outcome.get("partial_unexpected_list") or [] if _present(v)]
        shown = ", ".join(repr(v) for v in list(dict.fromkeys(map(str, values)))[:5])
        mostly = f" (mostly {kwargs['mostly']})" if "mostly" in kwargs else ""
        message = (f"GX expectation {config.type}{on} failed{mostly}: {count:,} of {plural(total, 'value')} unexpected"
                   + (f", e.g. {shown}" if shown else "") + ".")
        indices = outcome.get("partial_unexpected_index_list") or []
        examples = [int(i) for i in indices if isinstance(i, int | float)][:EXAMPLES]
        return Finding(check=f"gx.{config.type}", severity=severity, message=message, column=column,
                       observed=count, examples=examples, details=details)
    bounds = ", ".join(f"{k} {v!r}" for k, v in kwargs.items() if k not in ("column", "column_list"))
    message = (f"GX expectation {config.type}{on} failed: observed {outcome.get('observed_value')!r}"
               + (f" ({bounds})" if bounds else "") + ".")
    return Finding(check=f"gx.{config.type}", severity=severity, message=message, column=column,
                   observed=_plain(outcome.get("observed_value")), details=details)


def _present(value: Any) -> bool:
    """Not a null: None, NaN, or pandas' NA of a nullable column (whose truth cannot be asked)."""
    import pandas as pd

    return value is not None and value is not pd.NA and not (isinstance(value, float) and value != value)


def _raised(info: dict[str, Any]) -> str | None:
    """The exception message of an expectation that could not run; GX keys it by metric, or not."""
    for entry in (info, *info.values()):
        if isinstance(entry, dict) and entry.get("raised_exception"):
            return " ".join(str(entry.get("exception_message")).split())[:300]
    return None


def _plain(value: Any) -> Any:
    """JSON-safe: the report is serialised; GX results hold numpy numbers and NaN."""
    def scalar(item: Any) -> Any:
        return item.item() if hasattr(item, "item") else None if not _present(item) else str(item)

    return json.loads(json.dumps(value, default=scalar), parse_constant=lambda _: None)
