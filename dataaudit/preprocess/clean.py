"""`clean(...)`: the cleaned data, the quarantined rows, a manifest and the after audit.

The Python API keeps the results in memory (`CleanResult`); `clean_files` is the streaming
form the command line uses, writing output, quarantine and manifest chunk by chunk.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TextIO

import pyarrow as pa

from dataaudit.compression import compression_of
from dataaudit.errors import InputError, LargeQuarantine
from dataaudit.io import DEFAULT_CHUNK_ROWS
from dataaudit.io.decimal_comma import POINT, exchanged_batch
from dataaudit.output import Outputs, all_or_nothing, check_destinations
from dataaudit.pii.redact import redact_kinds
from dataaudit.planning.clean import CleanPlan, plan_clean
from dataaudit.planning.options import CleanOptions, column_name, column_names
from dataaudit.preprocess import malformed
from dataaudit.preprocess import manifest as manifests
from dataaudit.preprocess.base import Tally
from dataaudit.preprocess.fitted import PROFILE_STEPS, Fitted
from dataaudit.preprocess.frames import cleaned_frames
from dataaudit.preprocess.guard import API_ALLOW, refusal
from dataaudit.preprocess.json_cells import TypedCells
from dataaudit.preprocess.pipeline import (
    LabelModel,
    Outcome,
    Plan,
    execute,
    output_template,
    plan,
    quarantine_template,
)
from dataaudit.preprocess.redact import STEP as REDACT_STEP
from dataaudit.preprocess.redact import TableRedaction
from dataaudit.preprocess.summary import ROW_STEPS, before_after_table, steps_table
from dataaudit.preprocess.typed import json_scalar_rows, typed_table
from dataaudit.preprocess.writers import BatchWriter, Layout, beside, output_format
from dataaudit.report.model import Report
from dataaudit.rules.model import RulePack

#: the formats whose reader hands every value on as text
_TEXT_FORMATS = ("csv", "tsv", "jsonl", "json")


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
    # the rows as the clean made them, which `write_to` writes: the frames hold values Arrow
    # types no column of (an object column's several Python types, given back as they were)
    tables: tuple[pa.Table, pa.Table] = field(repr=False, compare=False)
    # the batches as the writing pass handed them, with a JSONL input's lines, and what of a
    # CSV input's layout the files keep: `write_to` writes what `dataaudit clean` writes
    written: MemorySink = field(default_factory=lambda: MemorySink(), repr=False, compare=False)
    layout: Layout = field(default_factory=Layout, repr=False, compare=False)
    # a JSONL input's columns holding objects or arrays, which a CSV, TSV or Parquet output's
    # manifest notes as `dataaudit clean`'s does
    nested: tuple[str, ...] = field(default=(), repr=False, compare=False)
    # a JSONL input's clean again, its rows judged as a CSV, TSV or Parquet output holds them
    # (without JSON types, `plan`'s `json_types`), for `write_to` to such a file; None otherwise
    untyped: Callable[[], CleanResult] | None = field(default=None, repr=False, compare=False)

    def write_to(self, output: str | Path, quarantine: str | Path | None = None,
                 manifest: str | Path | None = None, *, force: bool = False) -> dict[str, Any]:
        """Write data, quarantine and manifest (paths beside `output` by default); returns the
        manifest with the files' SHA-256. The cleaned file, when it was one, is not a destination.
        The files are those `dataaudit clean` writes for the same input and options, byte for
        byte: the batches go, as the pass gave them, through the command line's `FileSink`.

        A JSON Lines input's rows were judged keeping their JSON types (`1` and `"1"` two rows), as
        a JSONL file holds them; a CSV, TSV or Parquet file holds both as one text, so for such an
        output the input is cleaned again as `dataaudit clean` cleans it for that format, and that
        clean's files and manifest are written and returned."""
        if self.untyped is not None and output_format(Path(output)) != "jsonl":
            return self.untyped().write_to(output, quarantine, manifest, force=force)
        source = self.manifest["files"]["input"] or {}
        output, quarantine_path, manifest_path = destinations(Path(output), quarantine, manifest, force,
                                                              inputs=(source.get("path"),), force_option="force=True")
        kept, held = self.tables
        with all_or_nothing() as outputs, FileSink(outputs, output, quarantine_path, self.layout) as sink:
            self.written.replay(sink)
            sink.close(kept.schema, held.schema)
            self.manifest["files"].update(sink.entries())
            _note_conversions(self.manifest["files"]["output"], self.nested, output_format(output))
            outputs.json(manifest_path, self.manifest)
        return self.manifest


@dataclass
class MemorySink:
    """The batches of a clean kept in memory, each with the cells of a JSONL input's lines the
    pass gave with it, to be written later (`replay`) as the pass writes them to files."""

    kept: list[pa.RecordBatch] = field(default_factory=list)
    held: list[pa.RecordBatch] = field(default_factory=list)
    calls: list[tuple[bool, pa.RecordBatch, list[TypedCells] | None]] = field(default_factory=list)

    def write(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        self.kept.append(batch)
        self.calls.append((True, batch, typed))

    def quarantine(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        self.held.append(batch)
        self.calls.append((False, batch, typed))

    def replay(self, sink: FileSink) -> None:
        """Hand `sink` every batch, in the order and with the cells the pass gave them."""
        for kept, batch, typed in self.calls:
            (sink.write if kept else sink.quarantine)(batch, typed)


class FileSink:
    """Kept rows to the output, quarantined rows to the quarantine: two files of one run, each
    compressed if its name says so."""

    def __init__(self, outputs: Outputs, output: Path, quarantine: Path, layout: Layout) -> None:
        """`layout`: what of the input's CSV layout both files keep, where they are CSV or TSV."""
        self.output = BatchWriter(outputs.open(output, compression_of(output)), layout=layout)
        self.held = BatchWriter(outputs.open(quarantine, compression_of(quarantine)), layout=layout)

    def write(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        self.output.write(batch, typed)

    def quarantine(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        self.held.write(batch, typed)

    def close(self, output: pa.Schema, quarantine: pa.Schema) -> None:
        self.output.close(output)
        self.held.close(quarantine)

    def entries(self) -> dict[str, dict[str, Any] | None]:
        """The manifest's entries of both files, from their bytes before the run renames them."""
        return {name: manifests.file_entry(writer.file.path, writer.fmt, writer.sha256, content=writer.file.content)
                for name, writer in (("output", self.output), ("quarantine", self.held))}

    def __enter__(self) -> FileSink:
        return self

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is not None:  # the writers let go of their temporaries; the run removes them
            self.output.abort()
            self.held.abort()


class NullSink:
    """A dry run: every pass runs, nothing is kept."""

    def write(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        pass

    def quarantine(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None) -> None:
        pass


def clean(data: Any, target: str | None = None, rules: str | Path | RulePack | None = "default",
          fitted: Fitted | str | Path | None = None, *, ignore_columns: tuple[str, ...] | list[str] = (),
          keep_columns: tuple[str, ...] | list[str] = (),
          quarantine_rows: Mapping[int, str | tuple[str, float]] | None = None, delimiter: str | None = None,
          encoding: str | None = None, decimal: str = ".", chunk_rows: int = DEFAULT_CHUNK_ROWS,
          quarantine_suspected_labels: bool = False, sample: int | None = None, folds: int | None = None,
          jobs: int | None = None, allow_large_quarantine: bool = False,
          format_kind: str | None = None, redact: tuple[str, ...] | list[str] = (),
          text_columns: tuple[str, ...] | list[str] = (), bad_rows: str = "error") -> CleanResult:
    """Clean a dataset (path, DataFrame or pyarrow Table) with the rule pack's `preprocess:` steps.

    `fitted` (a `Fitted` or the path of a saved one) cleans with another split's statistics
    instead of learning them here. `quarantine_rows` ({row: reason} or {row: (reason, score)})
    sends further rows to quarantine. `quarantine_suspected_labels` runs the label model of
    `audit(label_noise=True)` (on `sample` rows, `folds` folds, `jobs` at once) in the first audit
    and quarantines the rows it suspects with reason `suspected_label` and their score; on a
    regression target, the rows of the audit's `target.suspected` table, reason `suspected_target`.

    Raises `LargeQuarantine` when more than half of the rows, or every row of a class (a regression
    target has none), would be quarantined, unless `allow_large_quarantine` (or the rule pack's
    `preprocess.allow_large_quarantine`) allows it.

    `redact` names the personal data and secrets (`pii`, `personal`, `secrets` or kinds) each
    kept row's text columns get as placeholders (`dataaudit.preprocess.redact`): the free-text
    columns the audit finds and the `text_columns` named, which both audits also read as text.

    `bad_rows="quarantine"` quarantines the malformed rows of a CSV, TSV or JSONL table (a row
    of more or fewer fields than the header, a line that is no JSON object) as their text, with
    the line each starts on and the reason `malformed_row` (`dataaudit.preprocess.malformed`);
    by default (`"error"`) such a row raises `InputError`, naming its line.

    A JSONL file is read as `audit` reads it (`format_kind` forces a layout, or "table"): a
    fine-tuning file (chat, prompt/completion, instruction) is refused, as is an option that does
    not apply to the input, in the words of `dataaudit clean`. Such a file is cleaned line by line
    by `dataaudit.text.clean_jsonl`, which keeps its lines byte for byte.
    """
    return _clean(**locals(), json_types=True)


def _clean(data: Any, target: str | None, rules: str | Path | RulePack | None, fitted: Fitted | str | Path | None, *,
           ignore_columns: tuple[str, ...] | list[str], keep_columns: tuple[str, ...] | list[str],
           quarantine_rows: Mapping[int, str | tuple[str, float]] | None, delimiter: str | None,
           encoding: str | None, decimal: str, chunk_rows: int, quarantine_suspected_labels: bool,
           sample: int | None, folds: int | None, jobs: int | None, allow_large_quarantine: bool,
           format_kind: str | None, redact: tuple[str, ...] | list[str], text_columns: tuple[str, ...] | list[str],
           bad_rows: str, json_types: bool) -> CleanResult:
    """`clean`, its rows judged keeping a JSONL input's JSON types or not (`json_types`, as
    `plan` takes it); a result that kept them can clean again without (`CleanResult.untyped`)."""
    given = dict(locals())
    target, text_columns = column_name(target), column_names(text_columns)
    ignore_columns, keep_columns = column_names(ignore_columns), column_names(keep_columns)
    planned = _check_options(data, target=target, rules=rules, fitted=fitted, ignore_columns=ignore_columns,
                             keep_columns=keep_columns,
                             quarantine_rows=quarantine_rows, delimiter=delimiter, encoding=encoding,
                             decimal=decimal, chunk_rows=chunk_rows,
                             quarantine_suspected_labels=quarantine_suspected_labels,
                             sample=sample, folds=folds, jobs=jobs, allow_large_quarantine=allow_large_quarantine,
                             format_kind=format_kind, redact=tuple(redact), text_columns=text_columns,
                             bad_rows=bad_rows)
    kinds = redact_kinds(redact)
    if planned.layout is not None:
        raise InputError(f"{data}: a {planned.layout} JSONL file is cleaned line by line by dataaudit.text.clean_jsonl "
                         "(or `dataaudit clean`); format_kind='table' cleans it as a table")
    model = _label_model(quarantine_suspected_labels, sample, folds)
    the_plan = _plan(data, target, rules, fitted, ignore_columns, keep_columns, quarantine_rows, delimiter, encoding,
                     chunk_rows, model, jobs, text_columns=text_columns, bad_rows=bad_rows, decimal=decimal,
                     json_types=json_types)
    refused = refusal(the_plan, allow_large_quarantine, API_ALLOW)
    if refused is not None:
        raise refused
    sink = MemorySink()
    redaction = _redaction(the_plan, kinds)
    # as the command line's pass writing JSONL: the result may be written so (`write_to`)
    outcome, order, tallies = _run(the_plan, sink, "<cleaned>", "dataframe", redaction, written="jsonl")
    tables = (_table(sink.kept, output_template(the_plan)), _table(sink.held, quarantine_template(the_plan)))
    # a CSV file read with a decimal comma: its text cells as it wrote them, a step's numbers as floats
    layout = Layout.of(the_plan.source)
    data_out, held = cleaned_frames(*(_as_written(table, layout.decimal) for table in _typed(tables, the_plan, sink)),
                                    data)
    fitted_from = None if the_plan.fitted_here else str(fitted) if isinstance(fitted, (str, Path)) else "given"
    files = {"input": _input_entry(data, the_plan), "output": None, "quarantine": None}
    manifest = manifests.build(the_plan, outcome, order, tallies, files=files, fitted_from=fitted_from,
                               redaction=redaction)
    untyped = (functools.partial(_clean, **{**given, "json_types": False})
               if json_types and the_plan.source.format == "jsonl" else None)
    return CleanResult(data_out, held, manifest, outcome.after, the_plan.before, the_plan.fitted, tables, sink,
                       layout, _nested_written(the_plan), untyped)


@dataclass
class CleanRun:
    """What `clean_files` did: the after report (with its tables), manifest and where it wrote.
    `before` is None for a fine-tuning JSONL file, whose clean audits only its output. `refused`
    is the refusal a dry run met (a real run raises it before writing)."""

    report: Report
    before: Report | None
    manifest: dict[str, Any]
    output: Path
    quarantine: Path
    manifest_path: Path
    written: bool
    refused: LargeQuarantine | None = None


def clean_files(data: Path, output: Path, *, target: str | None = None, rules: str | Path | RulePack | None = "default",
                quarantine: Path | None = None, manifest: Path | None = None, fitted: Path | None = None,
                save_fitted: Path | None = None, report: Path | None = None, dry_run: bool = False,
                force: bool = False, ignore_columns: tuple[str, ...] = (), keep_columns: tuple[str, ...] = (),
                quarantine_rows: Mapping[int, str | tuple[str, float]] | None = None, delimiter: str | None = None,
                encoding: str | None = None, decimal: str = ".", chunk_rows: int = DEFAULT_CHUNK_ROWS,
                quarantine_suspected_labels: bool = False, sample: int | None = None, folds: int | None = None,
                jobs: int | None = None, allow_large_quarantine: bool = False,
                progress: TextIO | None = None, redact: tuple[str, ...] = (),
                text_columns: tuple[str, ...] = (), bad_rows: str = "error") -> CleanRun:
    """Stream `data` through the steps into `output` and the quarantine file beside it; also the
    fitted state and the after report (JSON) when their paths are given. The other options are
    `clean`'s; a refusal is raised before any file is opened for writing. `progress` is the
    stream (stderr) each pass shows its progress line on, when it is a terminal."""
    output, quarantine, manifest = destinations(Path(output), quarantine, manifest, force, (save_fitted, report),
                                                (data, fitted, rules))
    _check_options(data, target=target, rules=rules, output=output, quarantine=quarantine, manifest=manifest,
                   report=report, save_fitted=save_fitted, fitted=fitted, ignore_columns=ignore_columns,
                   keep_columns=keep_columns, quarantine_rows=quarantine_rows, delimiter=delimiter,
                   encoding=encoding, decimal=decimal, chunk_rows=chunk_rows,
                   quarantine_suspected_labels=quarantine_suspected_labels, sample=sample, folds=folds, jobs=jobs,
                   allow_large_quarantine=allow_large_quarantine, dry_run=dry_run, force=force, format_kind="table",
                   redact=redact, text_columns=text_columns, bad_rows=bad_rows)
    kinds = redact_kinds(redact)
    fmt = output_format(output)
    model = _label_model(quarantine_suspected_labels, sample, folds)
    the_plan = _plan(data, target, rules, fitted, ignore_columns, keep_columns, quarantine_rows, delimiter, encoding,
                     chunk_rows, model, jobs, progress, text_columns, bad_rows, decimal, json_types=fmt == "jsonl")
    refused = refusal(the_plan, allow_large_quarantine)
    if refused is not None and not dry_run:
        raise refused
    files = {"input": _input_entry(data, the_plan), "output": None, "quarantine": None}
    fitted_from = str(fitted) if fitted is not None else None
    redaction = _redaction(the_plan, kinds)
    if dry_run:
        outcome, order, tallies = _run(the_plan, NullSink(), str(output), fmt, redaction)
        built = manifests.build(the_plan, outcome, order, tallies, files=files, fitted_from=fitted_from,
                                redaction=redaction)
        return CleanRun(outcome.after, the_plan.before, built, output, quarantine, manifest, False, refused)
    with all_or_nothing() as outputs, FileSink(outputs, output, quarantine, Layout.of(the_plan.source)) as sink:
        outcome, order, tallies = _run(the_plan, sink, str(output), fmt, redaction)
        sink.close(output_template(the_plan), quarantine_template(the_plan))
        files.update(sink.entries())
        _note_conversions(files["output"], _nested_written(the_plan), fmt)
        built = manifests.build(the_plan, outcome, order, tallies, files=files, fitted_from=fitted_from,
                                redaction=redaction)
        if save_fitted is not None:
            outputs.json(save_fitted, the_plan.fitted.to_dict())
        if report is not None:
            from dataaudit.report.formats import Format, render

            outputs.text(report, render(outcome.after, Format.JSON))
        outputs.json(manifest, built)  # last: the manifest vouches for the files renamed before it
    return CleanRun(outcome.after, the_plan.before, built, output, quarantine, manifest, True)


def _nested_written(plan: Plan) -> tuple[str, ...]:
    """The written columns of a JSONL input holding an object or an array: those the audit
    profiled as such, then the keys first met past the columns' lines that held one."""
    if plan.source.format != "jsonl":
        return ()
    profile = plan.before.profile
    written = set(output_template(plan).names)
    profiled = [name for name in plan.source.columns
                if profile is not None and name in profile.json_nested and name in written]
    return (*profiled, *(key for key in plan.late if key in plan.late_nested))


def _note_conversions(entry: dict[str, Any] | None, nested: tuple[str, ...], fmt: str) -> None:
    """Say in the output's manifest entry (`notes`) what the output's format cannot keep as the
    input wrote it: a JSON Lines object or array (of the `nested` columns) written into a CSV,
    TSV or Parquet cell is the JSON text of its values, not the line's (its spacing and escapes, a
    number with a fraction or an exponent as the float it reads as: `1.50` is `1.5`)."""
    if entry is None or fmt == "jsonl" or not nested:
        return
    entry["notes"] = [f"{', '.join(nested)}: JSON objects and arrays written as the JSON text of their values, "
                      "not as the input spelled them (spacing and escapes not kept; a number with a fraction "
                      "or an exponent as the float it reads as: 1.50 as 1.5)"]


def destinations(output: Path, quarantine: str | Path | None, manifest: str | Path | None, force: bool,
                 others: tuple[Path | None, ...] = (), inputs: tuple[object, ...] = (),
                 force_option: str = "--force") -> tuple[Path, Path, Path]:
    """Output, quarantine and manifest paths, checked with `others` (fitted state, report) before
    anything is read: none may be an input, or an existing file without `force`. The quarantine
    takes the output's format and compression (`out.quarantine.csv.gz`); the manifest, which a
    person or a script reads first, is plain JSON (`out.manifest.json`)."""
    output_format(output)
    quarantine = Path(quarantine) if quarantine is not None else beside(output, "quarantine")
    output_format(quarantine)
    manifest = Path(manifest) if manifest is not None else beside(output, "manifest", ".json")
    check_destinations((output, quarantine, manifest, *others), inputs, overwrite=force, force_option=force_option)
    return output, quarantine, manifest


def _fitted_state(fitted: Any) -> Fitted | None:
    """The state `fitted` gives: read from its file, or as it is. Anything else is refused here,
    before the audit, rather than failing once the data has been read; a whole clean's result,
    the likeliest slip, is told which of its parts to pass."""
    if fitted is None or isinstance(fitted, Fitted):
        return fitted
    if isinstance(fitted, (str, Path)):
        return Fitted.load(Path(fitted))
    hint = " (pass its .fitted)" if isinstance(fitted, CleanResult) else ""
    raise InputError(f"fitted must be the state a clean learned (a result's .fitted) or the path it was saved to, "
                     f"not a {type(fitted).__name__}{hint}")


def _plan(data: Any, target: str | None, rules: Any, fitted: Fitted | str | Path | None,
          ignore_columns: tuple[str, ...] | list[str], keep_columns: tuple[str, ...] | list[str],
          quarantine_rows: Mapping[int, Any] | None,
          delimiter: str | None, encoding: str | None, chunk_rows: int, model: LabelModel | None,
          jobs: int | None, progress: TextIO | None = None, text_columns: tuple[str, ...] | list[str] = (),
          bad_rows: str = "error", decimal: str = ".", *, json_types: bool) -> Plan:
    return plan(data, target=target, rules=rules, fitted=_fitted_state(fitted), ignore_columns=tuple(ignore_columns),
                keep_columns=tuple(keep_columns),
                quarantine_rows=quarantine_rows, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows,
                suspected_labels=model, jobs=jobs, progress=progress, text_columns=tuple(text_columns),
                bad_rows=bad_rows, decimal=decimal, json_types=json_types)


def _check_options(data: Any, **options: Any) -> CleanPlan:
    """The clean's plan of `data`: an option that does not apply to the input, or lacks the
    option it needs, is refused by the clean's capability table, as the command line does."""
    return plan_clean(CleanOptions(data, **options))


def _label_model(enabled: bool, sample: int | None, folds: int | None) -> LabelModel | None:
    return LabelModel(sample, folds) if enabled else None


def _redaction(the_plan: Plan, kinds: frozenset[str]) -> TableRedaction | None:
    """What `--redact` replaces: `kinds` in the columns the first audit profiled as text and in
    a JSONL file's keys first met past the columns' lines (written as text; the audit finds its
    text columns in the first lines), with the rule pack's phone regions; None when nothing is
    asked for. An object or an array of a JSONL file's columns holding one, or of a late key
    (as the writing pass finds it on the key's lines), is redacted inside its JSON."""
    if not kinds:
        return None
    profile = the_plan.before.profile
    assert profile is not None, "an in-process audit keeps its profile"
    columns = (*(t.name for t in profile.text if t.kind == "column"), *the_plan.late)
    return TableRedaction(kinds, columns, the_plan.pack.checks.pii.phone_regions,
                          frozenset([*profile.json_nested, *the_plan.late]))


def _run(the_plan: Plan, sink: Any, name: str, fmt: str, redaction: TableRedaction | None = None,
         written: str | None = None) -> tuple[Outcome, list[str], dict[str, Tally]]:
    """The writing pass, and the report tables on the after audit; `written`: the format the
    rows are written in, when `fmt` (the after audit's) is not it."""
    outcome = execute(the_plan, sink, name, fmt, redaction, written)
    tallies = dict(outcome.tallies)
    for step, tally in the_plan.decisions.tallies.items():
        tallies.setdefault(step, Tally()).add(tally)
    if the_plan.bad_rows == malformed.QUARANTINE:
        tallies[malformed.STEP] = malformed.tally(the_plan.malformed)
    order = steps_run(the_plan)
    if redaction is not None:  # after every step, as it runs
        tallies[REDACT_STEP] = redaction.tally()
        order.append(REDACT_STEP)
    # a rewrite quotes the cell it changed: shown masked, as every text of a report is
    tallies = {step: tally.masked(the_plan.pack.checks.pii.phone_regions) for step, tally in tallies.items()}
    outcome.after.tables.extend([steps_table(order, tallies), before_after_table(the_plan.before, outcome.after)])
    return outcome, order, tallies


def steps_run(the_plan: Plan) -> list[str]:
    """The steps that ran, in the order they ran."""
    names = [s.name for s in the_plan.fitted.steps]
    config = the_plan.pack.preprocess
    target = the_plan.before.target
    ran = {
        "repeated_header": bool(the_plan.decisions.tallies.get("repeated_header", Tally()).rows_quarantined),
        "missing_labels": config.missing_labels != "keep" and target is not None,
        "duplicates": config.duplicates != "keep",
        "conflicts": config.conflicts != "keep" and target is not None,
        "quarantine_rows": bool(the_plan.decisions.given),
    }
    read = [malformed.STEP] if the_plan.bad_rows == malformed.QUARANTINE else []
    value = [n for n in names if n in PROFILE_STEPS]
    return read + value + [n for n in ROW_STEPS if ran[n]] + [n for n in names if n not in PROFILE_STEPS]


def _table(batches: list[pa.RecordBatch], schema: pa.Schema) -> pa.Table:
    return pa.Table.from_batches(batches) if batches else schema.empty_table()


def _typed(tables: tuple[pa.Table, pa.Table], the_plan: Plan, sink: MemorySink) -> tuple[pa.Table, pa.Table]:
    """The kept rows of a CSV, TSV or JSON Lines file with their columns of numbers and booleans
    typed (`dataaudit.preprocess.typed`); the rows of another input are typed already. The
    quarantined rows stay as the file spelled them: they are what one reads to see what was set
    aside. `write_to` writes the pass's batches, not these."""
    fmt = the_plan.source.format
    kept, held = tables
    if fmt not in _TEXT_FORMATS:
        return tables
    if fmt in ("csv", "tsv"):
        return typed_table(kept, text=the_plan.text_columns), held
    written = [(batch, cells) for is_kept, batch, cells in sink.calls if is_kept]
    return typed_table(kept, json_scalar_rows(written), the_plan.text_columns), held


def _as_written(table: pa.Table, decimal: str) -> pa.Table:
    """`table` with its text cells as a CSV file read with the decimal mark `decimal` wrote them."""
    if decimal == POINT:
        return table
    batches = [exchanged_batch(batch, decimal) for batch in table.to_batches()]
    return pa.Table.from_batches(batches, schema=table.schema)


def _input_entry(data: Any, the_plan: Plan) -> dict[str, Any] | None:
    if isinstance(data, (str, Path)) and not Path(data).is_file():
        # stdin or a FIFO cannot be read again: it is described by what the audit read
        read = the_plan.before.source
        return {"path": read.path, "format": the_plan.source.format, "bytes": read.bytes, "sha256": read.sha256}
    if isinstance(data, (str, Path)):
        return manifests.file_entry(Path(data), the_plan.source.format, the_plan.before.source.sha256)
    return {"path": None, "format": the_plan.source.format, "rows": the_plan.rows_in}
