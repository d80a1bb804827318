"""`clean(...)`: the cleaned data, the quarantined rows, a manifest and the after audit.

The Python API keeps the results in memory (`CleanResult`); `clean_files` is the streaming
form the command line uses, writing output, quarantine and manifest chunk by chunk.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io import DEFAULT_CHUNK_ROWS
from dataaudit.preprocess import manifest as manifests
from dataaudit.preprocess.base import Tally
from dataaudit.preprocess.fitted import PROFILE_STEPS, Fitted
from dataaudit.preprocess.pipeline import (
    LabelModel,
    Outcome,
    Plan,
    execute,
    output_template,
    plan,
    quarantine_template,
)
from dataaudit.preprocess.summary import ROW_STEPS, before_after_table, steps_table
from dataaudit.preprocess.writers import BatchWriter, atomic_json, atomic_text, output_format
from dataaudit.report.model import Report
from dataaudit.rules.model import RulePack


@dataclass
class CleanResult:
    """`data` and `quarantine` are DataFrames (the quarantine has every original column plus
    `_row`, the original 0-based data-row number, and `_reason`); `report` is the audit of the
    cleaned data with the tables `clean.steps` and `clean.before_after`; `before` the audit of
    the input; `fitted` the state to clean other splits with (`fitted.save(path)`)."""

    data: Any
    quarantine: Any
    manifest: dict[str, Any]
    report: Report
    before: Report
    fitted: Fitted

    def write_to(self, output: str | Path, quarantine: str | Path | None = None,
                 manifest: str | Path | None = None, *, force: bool = False) -> dict[str, Any]:
        """Write data, quarantine and manifest (paths beside `output` by default); returns the
        manifest with the files' SHA-256."""
        output, quarantine_path, manifest_path = destinations(None, Path(output), quarantine, manifest, force)
        for frame, path in ((self.data, output), (self.quarantine, quarantine_path)):
            writer = BatchWriter(path)
            try:
                for batch in pa.Table.from_pandas(frame, preserve_index=False).to_batches():
                    writer.write(batch)
            except BaseException:
                writer.abort()
                raise
            writer.close(pa.Schema.from_pandas(frame, preserve_index=False))
        self.manifest["files"].update(output=manifests.file_entry(output, output_format(output)),
                                      quarantine=manifests.file_entry(quarantine_path, output_format(quarantine_path)))
        atomic_json(manifest_path, self.manifest)
        return self.manifest


@dataclass
class MemorySink:
    kept: list[pa.RecordBatch] = field(default_factory=list)
    held: list[pa.RecordBatch] = field(default_factory=list)

    def write(self, batch: pa.RecordBatch) -> None:
        self.kept.append(batch)

    def quarantine(self, batch: pa.RecordBatch) -> None:
        self.held.append(batch)


class FileSink:
    def __init__(self, output: Path, quarantine: Path) -> None:
        self.output = BatchWriter(output)
        self.held = BatchWriter(quarantine)

    def write(self, batch: pa.RecordBatch) -> None:
        self.output.write(batch)

    def quarantine(self, batch: pa.RecordBatch) -> None:
        self.held.write(batch)

    def close(self, output: pa.Schema, quarantine: pa.Schema) -> None:
        self.output.close(output)
        self.held.close(quarantine)

    def abort(self) -> None:
        self.output.abort()
        self.held.abort()


class NullSink:
    """A dry run: every pass runs, nothing is kept."""

    def write(self, batch: pa.RecordBatch) -> None:
        pass

    def quarantine(self, batch: pa.RecordBatch) -> None:
        pass


def clean(data: Any, target: str | None = None, rules: str | Path | RulePack | None = "default",
          fitted: Fitted | str | Path | None = None, *, ignore_columns: tuple[str, ...] | list[str] = (),
          quarantine_rows: Mapping[int, str | tuple[str, float]] | None = None, delimiter: str | None = None,
          encoding: str | None = None, chunk_rows: int = DEFAULT_CHUNK_ROWS,
          quarantine_suspected_labels: bool = False, sample: int | None = None, folds: int | None = None,
          jobs: int | None = None) -> CleanResult:
    """Clean a dataset (path, DataFrame or pyarrow Table) with the rule pack's `preprocess:` steps.

    `fitted` (a `Fitted` or the path of a saved one) cleans with another split's statistics
    instead of learning them here. `quarantine_rows` ({row: reason} or {row: (reason, score)})
    sends further rows to quarantine. `quarantine_suspected_labels` runs the label model of
    `audit(label_noise=True)` (on `sample` rows, `folds` folds, `jobs` at once) in the first audit
    and quarantines the rows it suspects with reason `suspected_label` and their score.
    """
    model = _label_model(quarantine_suspected_labels, sample, folds, jobs)
    the_plan = _plan(data, target, rules, fitted, ignore_columns, quarantine_rows, delimiter, encoding, chunk_rows,
                     model)
    sink = MemorySink()
    outcome, order, tallies = _run(the_plan, sink, "<cleaned>", "dataframe")
    data_out = _frame(sink.kept, output_template(the_plan))
    held = _frame(sink.held, quarantine_template(the_plan))
    fitted_from = None if the_plan.fitted_here else str(fitted) if isinstance(fitted, (str, Path)) else "given"
    files = {"input": _input_entry(data, the_plan), "output": None, "quarantine": None}
    manifest = manifests.build(the_plan, outcome, order, tallies, files=files, fitted_from=fitted_from)
    return CleanResult(data_out, held, manifest, outcome.after, the_plan.before, the_plan.fitted)


@dataclass
class CleanRun:
    """What `clean_files` did: the after report (with its tables), manifest and where it wrote.
    `before` is None for a fine-tuning JSONL file, whose clean audits only its output."""

    report: Report
    before: Report | None
    manifest: dict[str, Any]
    output: Path
    quarantine: Path
    manifest_path: Path
    written: bool


def clean_files(data: Path, output: Path, *, target: str | None = None, rules: str | Path | RulePack | None = "default",
                quarantine: Path | None = None, manifest: Path | None = None, fitted: Path | None = None,
                save_fitted: Path | None = None, report: Path | None = None, dry_run: bool = False,
                force: bool = False, ignore_columns: tuple[str, ...] = (),
                quarantine_rows: Mapping[int, str | tuple[str, float]] | None = None, delimiter: str | None = None,
                encoding: str | None = None, chunk_rows: int = DEFAULT_CHUNK_ROWS,
                quarantine_suspected_labels: bool = False, sample: int | None = None, folds: int | None = None,
                jobs: int | None = None) -> CleanRun:
    """Stream `data` through the steps into `output` and the quarantine file beside it; also the
    fitted state and the after report (JSON) when their paths are given. The other options are
    `clean`'s."""
    output, quarantine, manifest = destinations(Path(data), Path(output), quarantine, manifest, force,
                                                save_fitted, report)
    fmt, held_fmt = output_format(output), output_format(quarantine)
    model = _label_model(quarantine_suspected_labels, sample, folds, jobs)
    the_plan = _plan(data, target, rules, fitted, ignore_columns, quarantine_rows, delimiter, encoding, chunk_rows,
                     model)
    files = {"input": _input_entry(data, the_plan), "output": None, "quarantine": None}
    if dry_run:
        outcome, order, tallies = _run(the_plan, NullSink(), str(output), fmt)
    else:
        sink = FileSink(output, quarantine)
        try:
            outcome, order, tallies = _run(the_plan, sink, str(output), fmt)
        except BaseException:
            sink.abort()
            raise
        sink.close(output_template(the_plan), quarantine_template(the_plan))
        files.update(output=manifests.file_entry(output, fmt), quarantine=manifests.file_entry(quarantine, held_fmt))
    fitted_from = str(fitted) if fitted is not None else None
    built = manifests.build(the_plan, outcome, order, tallies, files=files, fitted_from=fitted_from)
    if not dry_run:
        atomic_json(manifest, built)
        if save_fitted is not None:
            the_plan.fitted.save(save_fitted)
        if report is not None:
            from dataaudit.report.formats import Format, render

            atomic_text(report, render(outcome.after, Format.JSON))
    return CleanRun(outcome.after, the_plan.before, built, output, quarantine, manifest, not dry_run)


def destinations(data: Path | None, output: Path, quarantine: str | Path | None, manifest: str | Path | None,
                 force: bool, *others: Path | None) -> tuple[Path, Path, Path]:
    """Output, quarantine and manifest paths; refuses to overwrite the input, or an existing
    file without `force`."""
    output_format(output)
    quarantine = Path(quarantine) if quarantine is not None else output.with_name(
        f"{output.stem}.quarantine{output.suffix}")
    output_format(quarantine)
    manifest = Path(manifest) if manifest is not None else output.with_name(f"{output.stem}.manifest.json")
    paths = [Path(p) for p in (output, quarantine, manifest, *others) if p is not None]
    resolved = [p.resolve() for p in paths]
    if len(set(resolved)) != len(resolved):
        raise InputError(f"{output}: output, quarantine, manifest, fitted-state and report paths must all differ")
    if data is not None and data.resolve() in resolved:
        raise InputError(f"{data}: refusing to overwrite the input; write the cleaned data elsewhere")
    for path in paths:
        if path.is_dir():
            raise InputError(f"{path}: is a directory")
        if path.exists() and not force:
            raise InputError(f"{path}: already exists; pass --force to overwrite it")
        if not path.parent.is_dir():
            raise InputError(f"{path}: no such folder {str(path.parent)!r}")
    return output, quarantine, manifest


def _plan(data: Any, target: str | None, rules: Any, fitted: Fitted | str | Path | None,
          ignore_columns: tuple[str, ...] | list[str], quarantine_rows: Mapping[int, Any] | None,
          delimiter: str | None, encoding: str | None, chunk_rows: int, model: LabelModel | None) -> Plan:
    if isinstance(fitted, (str, Path)):
        fitted = Fitted.load(Path(fitted))
    return plan(data, target=target, rules=rules, fitted=fitted, ignore_columns=tuple(ignore_columns),
                quarantine_rows=quarantine_rows, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows,
                suspected_labels=model)


def _label_model(enabled: bool, sample: int | None, folds: int | None, jobs: int | None) -> LabelModel | None:
    if not enabled:
        if sample is not None or folds is not None or jobs is not None:
            raise InputError("sample, folds and jobs set the label model: they need quarantine_suspected_labels "
                             "(--quarantine-suspected-labels)")
        return None
    return LabelModel(sample, folds, jobs)


def _run(the_plan: Plan, sink: Any, name: str, fmt: str) -> tuple[Outcome, list[str], dict[str, Tally]]:
    """The writing pass, and the report tables on the after audit."""
    outcome = execute(the_plan, sink, name, fmt)
    tallies = dict(outcome.tallies)
    for step, tally in the_plan.decisions.tallies.items():
        tallies.setdefault(step, Tally()).add(tally)
    order = _order(the_plan)
    outcome.after.tables.extend([steps_table(order, tallies), before_after_table(the_plan.before, outcome.after)])
    return outcome, order, tallies


def _order(the_plan: Plan) -> list[str]:
    """The steps that ran, in the order they ran."""
    names = [s.name for s in the_plan.fitted.steps]
    config = the_plan.pack.preprocess
    target = the_plan.before.target
    ran = {
        "missing_labels": config.missing_labels != "keep" and target is not None,
        "duplicates": config.duplicates != "keep",
        "conflicts": config.conflicts != "keep" and target is not None,
        "quarantine_rows": bool(the_plan.decisions.given),
    }
    value = [n for n in names if n in PROFILE_STEPS]
    return value + [n for n in ROW_STEPS if ran[n]] + [n for n in names if n not in PROFILE_STEPS]


def _frame(batches: list[pa.RecordBatch], schema: pa.Schema) -> Any:
    """A DataFrame; integer columns with nulls stay integers (pandas' nullable Int64)."""
    import pandas as pd

    table = pa.Table.from_batches(batches) if batches else schema.empty_table()
    return table.to_pandas(types_mapper={pa.int64(): pd.Int64Dtype(), pa.int8(): pd.Int8Dtype()}.get)


def _input_entry(data: Any, the_plan: Plan) -> dict[str, Any] | None:
    if isinstance(data, (str, Path)) and not Path(data).is_file():
        # stdin or a FIFO cannot be read again: it is described by what the audit read
        read = the_plan.before.source
        return {"path": read["path"], "format": the_plan.source.format, "bytes": read["bytes"],
                "sha256": read["sha256"]}
    if isinstance(data, (str, Path)):
        return manifests.file_entry(Path(data), the_plan.source.format, the_plan.before.source.get("sha256"))
    return {"path": None, "format": the_plan.source.format, "rows": the_plan.rows_in}
