"""`dataaudit clean --engine spark`: a table cleaned on the cluster, with no row on the driver.

1. The audit runs on Spark as `audit --engine spark` does; the steps that learn from its
   profile (the default plan: disguised missing values to null, trimming, label spellings,
   constant and empty columns) are fitted on it, exactly as the local clean fits them.
2. Decide: each partition numbers its rows from its prefix-sum offset (the engine's numbering,
   the file's order for one file), runs the same steps over its chunks (`judged`) and hashes
   the cleaned rows with the local clean's `RowHashes`. The hashes stay on the cluster; the row
   steps are windows over them in the local order: values that cannot be cast, missing labels,
   duplicates (the first row of each identity kept, as locally), conflicting-label groups.
   Only counts per reason and per class reach the driver.
3. Write: the rows are joined with the quarantined row numbers; quarantined rows keep their
   values as read and gain `_row` and `_reason`; kept rows, ordered by row number, go through
   every step (`transform_counted`) in the partitions. The executors write both as Parquet part
   files into hidden temporary folders beside the destinations; each partition hands on what
   its steps changed as one extra row, which the driver merges (a bounded tally per step).
4. Check and publish: the written parts are counted by Spark, and rows in must equal rows out
   plus rows quarantined, or the run fails and leaves nothing; the output is audited again on
   Spark, the folders are renamed into place and the manifest, written by the driver, last.

Steps fitted on the kept rows (imputation, scaling, encoding) need passes of their own and are
refused before anything runs; a saved fitted state (`--fitted`) of the other steps is used as locally.
A JSON Lines key first met past the rows the columns are read from is refused once the file is
opened, before the audit (`_refuse_late_keys` says why).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import shutil
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa

from dataaudit.engines.local import conform
from dataaudit.engines.spark_frames import map_in_arrow, named_column
from dataaudit.errors import InputError, OutputError, quoted
from dataaudit.io import DEFAULT_CHUNK_ROWS, Source
from dataaudit.io.csv_reader import regroup
from dataaudit.io.digest import file_sha256
from dataaudit.io.spool import display_name
from dataaudit.io.strings import narrow_strings
from dataaudit.output import Outputs, all_or_nothing, check_destinations, current_umask
from dataaudit.preprocess import manifest as manifests
from dataaudit.preprocess.base import Step, Tally
from dataaudit.preprocess.clean import CleanRun, steps_run
from dataaudit.preprocess.columns import LeftValues
from dataaudit.preprocess.fitted import PROFILE_STEPS, Fitted, configured_steps
from dataaudit.preprocess.guard import refusal
from dataaudit.preprocess.pipeline import (
    REASON_COLUMN,
    ROW_COLUMN,
    Outcome,
    Plan,
    drop_left_by_cleaning,
    empty_through,
    fit_on_audit,
    judged,
    not_in_identity,
    refuse_reserved_columns,
    transformed,
)
from dataaudit.preprocess.rows import (
    CONFLICT,
    DUPLICATE,
    HEADER,
    KEEP,
    KEPT,
    MAX_NAMED_CLASSES,
    MINORITY,
    MISSING_LABEL,
    NOT_A_NUMBER,
    REASONS,
    STEP_OF,
    RowHashes,
    row_steps,
)
from dataaudit.preprocess.summary import before_after_table, steps_table
from dataaudit.preprocess.writers import beside, output_format
from dataaudit.profile.headers import header_rows
from dataaudit.profile.rows import combine
from dataaudit.profile.spec import ProfileSpec
from dataaudit.rules.load import load_rules
from dataaudit.rules.model import RulePack
from dataaudit.wording import plural

#: one row per data row (`row` set) or per class name a partition met (`row` null, `name` set)
HASHED_SCHEMA = ("row long, identity long, features long, label long, unlabelled boolean, invalid boolean, "
                 "header boolean, name string")
TALLY_COLUMN = "_tally"
#: per partition, up to two values of each column the clean may leave constant (`LeftValues.rows`)
LEFT_SCHEMA = "name string, value long, missing boolean"


@dataclass
class ClusterDecisions:
    """The row decisions as the driver knows them: counts per reason code and per class, never
    a row (`Decisions` without its per-row codes)."""

    rows: int
    by_code: dict[int, int]
    classes: dict[str, dict[str, int]] = field(default_factory=dict)
    given: dict[int, tuple[str, float | None]] = field(default_factory=dict)

    @property
    def quarantined(self) -> int:
        return sum(n for code, n in self.by_code.items() if code != KEEP)

    def counts(self) -> dict[str, int]:
        return {REASONS[code]: n for code, n in sorted(self.by_code.items()) if code != KEEP and n}

    @property
    def tallies(self) -> dict[str, Tally]:
        tallies: dict[str, Tally] = {}
        for code, step in STEP_OF.items():
            tallies.setdefault(step, Tally()).rows_quarantined += self.by_code.get(code, 0)
        return tallies


@dataclass
class ClusterPlan(Plan):
    """A `Plan` whose decisions live on the cluster: its row count is the audit's."""

    rows: int = 0

    @property
    def rows_in(self) -> int:
        return self.rows


def clean_on_spark(data: str | Path, output: Path, *, target: str | None = None,
                   rules: str | Path | RulePack | None = "default", quarantine: Path | None = None,
                   manifest: Path | None = None, fitted: Path | None = None, save_fitted: Path | None = None,
                   report: Path | None = None, force: bool = False, ignore_columns: tuple[str, ...] = (),
                   keep_columns: tuple[str, ...] = (), delimiter: str | None = None, encoding: str | None = None,
                   chunk_rows: int = DEFAULT_CHUNK_ROWS, allow_large_quarantine: bool = False,
                   text_columns: tuple[str, ...] = (), master: str | None = None) -> CleanRun:
    """Clean the table `data` on Spark into the Parquet folder `output` and the quarantine
    folder beside it (`OUTPUT.quarantine.parquet`), with one manifest; see the module docstring.
    The options are `clean_files`'s; `master` is the Spark master (None: `SparkEngine`'s default)."""
    from dataaudit.engines.spark import SparkEngine
    from dataaudit.runner import audit

    output, quarantine, manifest = _destinations(Path(output), quarantine, manifest, force, (save_fitted, report),
                                                 (data, fitted, rules))
    if not Path(data).is_file():
        raise InputError(f"{data}: clean on Spark reads a file; save the data to one first")
    engine = SparkEngine(master=master)
    saved = Fitted.load(Path(fitted)) if fitted is not None else None
    pack = load_rules(rules).rules
    if saved is not None:
        target = saved.target_for(display_name(data), target, ignore_columns, pack)
    _refuse_value_steps(pack, saved, output)
    source = engine.open(data, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows="error")
    engine.read_through(source)  # a JSON Lines table's late keys, known to a local read only once it is through
    _refuse_late_keys(source)
    refuse_reserved_columns(source)
    before = audit(data, target, rules, ignore_columns=ignore_columns, keep_columns=keep_columns,
                   text_columns=text_columns, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows,
                   format_kind="table", engine=engine)
    fitted_state, steps = fit_on_audit(pack, before, source, saved)
    job = _Job(engine, source, steps, chunk_rows)
    profile = before.profile
    assert profile is not None, "an in-process audit keeps its profile"
    duplicates, conflicts = row_steps(pack.preprocess.duplicates, pack.preprocess.conflicts, bool(profile.features))
    hashed = job.hashed(before.target, not_in_identity(profile), duplicates == "exact")
    decided = None
    try:
        decided = job.run(lambda: _codes(hashed, pack, duplicates, conflicts, before.target is not None).persist())
        decisions = job.run(lambda: _summary(decided, hashed, profile.rows, before.target is not None,
                                             source.name))
        if saved is None:
            drop_left_by_cleaning(steps, profile, decisions.quarantined, pack,
                                  lambda before, names, spec: job.left_values(decided, before, names, spec))
        the_plan = ClusterPlan(lambda: source, source, pack, rules, ignore_columns, keep_columns, before,
                               fitted_state, decisions, saved is None, encoding, steps=steps,
                               text_columns=text_columns, rows=profile.rows)
        refused = refusal(the_plan, allow_large_quarantine)
        if refused is not None:
            raise refused
        return _write(job, the_plan, decided, output, quarantine, manifest, save_fitted, report,
                      str(fitted) if fitted is not None else None)
    finally:
        hashed.unpersist()
        if decided is not None:
            decided.unpersist()


def _refuse_late_keys(source: Source) -> None:
    """A JSON Lines key first met past the rows the columns are read from (found by the Spark
    engine's read of the lines, `read_through`) is refused before the audit runs. The local clean
    writes it as a column holding the local reader's text of each value (`late_keys.py`); the
    frame the clean on Spark writes holds the columns read from the first rows alone, so it
    would drop the key: refused, never dropped or written otherwise."""
    if not source.late_keys:
        return
    first, *more = source.late_keys.values()
    others = f" (and {plural(len(more), 'more late key')})" if more else ""
    raise InputError(f"{source.name}:{first.line}: key {quoted(first.key)} first appears after the first "
                     f"{first.columns_from:,} rows (JSON objects), which the columns are read from{others}; "
                     "clean on Spark cannot write it as the local clean does: use --engine local")


def _refuse_value_steps(pack: RulePack, saved: Fitted | None, output: Path) -> None:
    """Imputation, scaling and encoding learn from the kept rows, in passes of their own that
    clean on Spark does not run: refused before the audit, by the rule pack's or the saved state's steps."""
    mv = pack.missing_values
    steps = saved.steps if saved is not None else configured_steps(
        pack.preprocess, None, (), mv.tokens, mv.case_sensitive, pack.checks.labels.allowed)
    value_steps = [s.name for s in steps if s.name not in PROFILE_STEPS]
    if value_steps:
        raise InputError(f"{output}: clean on Spark runs the steps fitted on the audit's profile; "
                         f"{', '.join(value_steps)} learn from the kept rows: use --engine local")


def _destinations(output: Path, quarantine: Path | None, manifest: Path | None, force: bool,
                  others: tuple[Path | None, ...], inputs: tuple[object, ...]) -> tuple[Path, Path, Path]:
    """Output and quarantine folders (named .parquet) and the manifest, checked before any data
    is read as `clean_files` checks its files; a folder that exists is replaced with --force."""
    quarantine = Path(quarantine) if quarantine is not None else beside(output, "quarantine")
    manifest = Path(manifest) if manifest is not None else beside(output, "manifest", ".json")
    for folder in (output, quarantine):
        if output_format(folder) != "parquet":
            raise InputError(f"{folder}: clean on Spark writes a folder of Parquet part files; name it .parquet")
        if folder.exists() and not force:
            raise OutputError(f"{folder}: already exists; pass --force to overwrite it")
        if folder.exists() and not folder.is_dir():
            raise OutputError(f"{folder}: is not a folder; clean on Spark writes a folder of Parquet part files")
        if not folder.absolute().parent.is_dir():
            raise OutputError(f"{folder}: no such folder {str(folder.parent)!r}")
    if output.absolute() == quarantine.absolute():
        raise OutputError(f"{output}: named for two outputs; the paths of outputs must all differ")
    _refuse_inside((output, quarantine), (manifest, *others), inputs)
    check_destinations((manifest, *others), inputs, overwrite=force)
    return output, quarantine, manifest


def _refuse_inside(folders: tuple[Path, Path], others: tuple[Path | None, ...], inputs: tuple[object, ...]) -> None:
    """An input, or another destination, at or under an output folder would be deleted when the
    folder is replaced (--force) or hidden inside it: refused, as the local clean refuses to
    overwrite an input."""
    def resolved(path: object) -> Path:
        return Path(os.path.realpath(Path(path)))  # type: ignore[arg-type]

    sources = [i for i in inputs if isinstance(i, (str, os.PathLike)) and str(i) != "-" and Path(i).exists()]
    for folder in folders:
        inside = resolved(folder)
        for source in sources:
            if resolved(source).is_relative_to(inside):
                raise OutputError(f"{folder}: holds the input {source}; write elsewhere")
        for other in (*others, *(f for f in folders if f is not folder)):
            if other is not None and str(other) != "-" and resolved(other).is_relative_to(inside):
                raise OutputError(f"{other}: inside the output folder {folder}; the paths of outputs must all differ")


@dataclass
class _Job:
    """The Spark side of one clean: the source's frame, its partitions' first rows and the steps."""

    engine: Any
    source: Any
    steps: list[Step]
    chunk_rows: int
    offsets: dict[int, tuple[int, int]] = field(default_factory=dict)

    def run(self, job: Callable[[], Any]) -> Any:
        return self.engine._run(self.source, job)

    @property
    def frame(self) -> Any:
        return self.source.frame

    def numbered(self) -> Any:
        """The rows as read, each with its row number (`_row`)."""
        from pyspark.sql.types import LongType, StructField, StructType

        if not self.offsets:
            from dataaudit.engines.spark import partition_offsets

            self.offsets = self.run(lambda: partition_offsets(self.frame))
        schema = StructType([*self.frame.schema.fields, StructField(ROW_COLUMN, LongType(), False)])
        return self.run(lambda: map_in_arrow(self.frame, _number_rows(self.offsets), schema))

    def hashed(self, target: str | None, not_identity: list[str], exact: bool) -> Any:
        """Every row's hashes after the profile's steps, kept on the cluster."""
        from pyspark import StorageLevel

        decide_steps = [s for s in self.steps if s.name in PROFILE_STEPS]
        function = _hash_rows(decide_steps, self.source.columns, self.chunk_rows, target, tuple(not_identity), exact)
        numbered = self.numbered()
        return self.run(lambda: map_in_arrow(numbered, function, HASHED_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK))

    def left_values(self, decided: Any, steps: list[Step], names: list[str], spec: ProfileSpec) -> LeftValues:
        """`LeftValues` of the `names` columns in the kept rows through `steps`, counted in the
        partitions and merged on the cluster: one row a column reaches the driver."""
        from pyspark.sql import functions as F

        held = decided.where(F.col("code") != KEEP).select(F.col("row").alias(ROW_COLUMN))
        kept = self.numbered().join(held, ROW_COLUMN, "left_anti").drop(ROW_COLUMN)
        function = _left_values(steps, self.source.columns, self.chunk_rows, names, spec)
        merged = map_in_arrow(kept, function, LEFT_SCHEMA).groupBy("name").agg(
            F.slice(F.array_sort(F.collect_set("value")), 1, 2), F.max("missing"))
        return LeftValues.from_rows(tuple(row) for row in self.run(merged.collect))


def _left_values(steps: list[Step], columns: list[str], chunk_rows: int, names: list[str], spec: ProfileSpec
                 ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    schema = pa.schema([("name", pa.string()), ("value", pa.int64()), ("missing", pa.bool_())])

    def left_values(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        kept = (transformed(conform(narrow_strings(batch), columns), steps).select(names)
                for batch in regroup(batches, chunk_rows))
        rows = LeftValues().add(kept, spec).rows()
        if rows:
            yield pa.RecordBatch.from_pylist([dict(zip(schema.names, row, strict=True)) for row in rows], schema=schema)

    return left_values


def _number_rows(offsets: dict[int, tuple[int, int]]) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    def number_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        from pyspark import TaskContext

        start = offsets.get(TaskContext.get().partitionId(), (0, 0))[0]
        for batch in batches:
            rows = np.arange(start, start + batch.num_rows, dtype=np.int64)
            start += batch.num_rows
            yield batch.append_column(ROW_COLUMN, pa.array(rows))

    return number_rows


def _hash_rows(steps: list[Step], columns: list[str], chunk_rows: int, target: str | None,
               not_identity: tuple[str, ...], exact: bool
               ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Per partition: each chunk through `judged` and `RowHashes`, the local clean's own code; the
    identity duplicates are judged by is the whole row, or its features and label."""
    schema = pa.schema([("row", pa.int64()), ("identity", pa.int64()), ("features", pa.int64()),
                        ("label", pa.int64()), ("unlabelled", pa.bool_()), ("invalid", pa.bool_()),
                        ("header", pa.bool_()), ("name", pa.string())])

    def hash_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        hashes = RowHashes(target, not_identity)
        for batch in regroup(batches, chunk_rows):
            rows = batch.column(ROW_COLUMN)
            raw = conform(narrow_strings(batch), columns)
            hashes.add(*judged(raw, steps), header_rows(raw))
            whole, features, label = hashes.whole.pop(), hashes.features.pop(), hashes.label.pop()
            identity = whole if exact else combine([features, label], len(whole))
            flags = [pa.array(flag.pop()) for flag in (hashes.unlabelled, hashes.invalid, hashes.headers)]
            arrays = [rows, *(pa.array(a.view(np.int64)) for a in (identity, features, label)), *flags,
                      pa.nulls(len(rows), pa.string())]
            yield pa.RecordBatch.from_arrays(arrays, schema=schema)
        names = hashes.label_names  # bounded: at most the tracked classes
        if names:
            keys = np.array(list(names), dtype=np.uint64).view(np.int64)
            yield pa.RecordBatch.from_arrays(
                [pa.nulls(len(names), pa.int64()), pa.nulls(len(names), pa.int64()), pa.nulls(len(names), pa.int64()),
                 pa.array(keys), pa.nulls(len(names), pa.bool_()), pa.nulls(len(names), pa.bool_()),
                 pa.nulls(len(names), pa.bool_()), pa.array(list(names.values()), pa.string())], schema=schema)

    return hash_rows


def _codes(hashed: Any, pack: RulePack, duplicates: str, conflicts: str, has_target: bool) -> Any:
    """Each row's reason code (0: kept), by windows on the cluster in the local clean's order
    (`rows.decide`): rows repeating the header, values that cannot be cast, missing labels,
    `duplicates`, `conflicts` (the steps `rows.row_steps` runs)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    config = pack.preprocess
    code = F.when(F.col("header"), HEADER).when(F.col("invalid"), NOT_A_NUMBER)
    if config.missing_labels == "quarantine" and has_target:
        code = code.when(F.col("unlabelled"), MISSING_LABEL)
    rows = hashed.where("row IS NOT NULL").select("row", "identity", "features", "label", "unlabelled",
                                                  code.otherwise(KEEP).alias("code"))
    kept = F.col("code") == KEEP
    if duplicates != "keep":
        first = F.min(F.when(kept, F.col("row"))).over(Window.partitionBy("identity"))
        rows = rows.withColumn("code", F.when(kept & (F.col("row") > first), DUPLICATE).otherwise(F.col("code")))
    if conflicts != "keep" and has_target:
        rows = _conflicts(rows, majority=conflicts == "majority")
    return rows.select("row", "code", "label", "unlabelled")


def _conflicts(rows: Any, majority: bool) -> Any:
    """Kept, labelled rows of a feature group with more than one label: all to quarantine, or
    (majority) those outside the group's most frequent label when one label leads alone."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    group = Window.partitionBy("features")
    candidate = (F.col("code") == KEEP) & ~F.col("unlabelled")
    low = F.min(F.when(candidate, F.col("label"))).over(group)
    high = F.max(F.when(candidate, F.col("label"))).over(group)
    rows = rows.withColumn("conflicted", F.coalesce(candidate & (low != high), F.lit(False)))
    conflicted = F.col("conflicted")
    if not majority:
        return rows.withColumn("code", F.when(conflicted, CONFLICT).otherwise(F.col("code"))).drop("conflicted")
    rows = rows.withColumn("votes", F.sum(F.when(conflicted, 1).otherwise(0)).over(
        Window.partitionBy("features", "label")))
    top = F.max(F.when(conflicted, F.col("votes"))).over(group)
    rows = rows.withColumn("top", top)
    leaders = F.sum(F.when(conflicted & (F.col("votes") == F.col("top")), 1).otherwise(0)).over(group) / F.col("top")
    code = (F.when(conflicted & (leaders > 1), CONFLICT)
            .when(conflicted & (F.col("votes") != F.col("top")), MINORITY).otherwise(F.col("code")))
    return rows.withColumn("code", code).drop("conflicted", "votes", "top")


def _summary(decided: Any, hashed: Any, rows: int, has_target: bool, name: str) -> ClusterDecisions:
    """The counts the driver needs (per reason, per class and reason), checked against the
    audit's row count: a partition that read other rows would misplace every decision."""
    from pyspark.sql import functions as F

    by_code = {int(r["code"]): int(r["count"]) for r in decided.groupBy("code").count().collect()}
    if sum(by_code.values()) != rows:
        raise InputError(f"{name}: the input changed while it was cleaned ({rows:,} rows, then "
                         f"{sum(by_code.values()):,})")
    decisions = ClusterDecisions(rows, by_code)
    if not has_target:
        return decisions
    named = hashed.where("row IS NULL").select("label", "name").dropDuplicates(["label"])
    names = {r["label"]: r["name"] for r in named.limit(MAX_NAMED_CLASSES).collect()}
    if len(names) >= MAX_NAMED_CLASSES:  # no class label: classes are not counted, as locally
        return decisions
    # a row repeating the header is of no class, as locally
    fates = decided.where(~F.col("unlabelled") & (F.col("code") != HEADER)).groupBy("label", "code").count().collect()
    for r in fates:
        fate = decisions.classes.setdefault(names[r["label"]], {KEPT: 0})
        step = KEPT if r["code"] == KEEP else STEP_OF[int(r["code"])]
        fate[step] = fate.get(step, 0) + int(r["count"])
    return decisions


def _write(job: _Job, the_plan: ClusterPlan, decided: Any, output: Path, quarantine: Path, manifest: Path,
           save_fitted: Path | None, report: Path | None, fitted_from: str | None) -> CleanRun:
    """Executors write the parts into temporary folders; the driver checks the counts, audits
    the output, renames the folders into place and writes the manifest last."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    from dataaudit.runner import audit

    columns = the_plan.source.columns
    reasons = F.element_at(F.array(*[F.lit(r) for r in REASONS]), F.col("code").cast("int") + 1)
    held_rows = decided.where(F.col("code") != KEEP).select(F.col("row").alias(ROW_COLUMN),
                                                            reasons.alias(REASON_COLUMN))
    joined = job.numbered().join(held_rows, ROW_COLUMN, "left")
    quoted = [named_column(joined, c) for c in columns]
    parts = max(1, len(job.offsets))  # at most a part per non-empty input partition, the quarantine in proportion
    rows_in = max(1, the_plan.rows_in)
    held = _in_row_order(joined.where(F.col(REASON_COLUMN).isNotNull()).select(*quoted, ROW_COLUMN, REASON_COLUMN),
                         max(1, parts * the_plan.decisions.quarantined // rows_in), rows_in)
    kept = _in_row_order(joined.where(F.col(REASON_COLUMN).isNull()).select(*quoted, ROW_COLUMN), parts, rows_in)
    template = _output_template(job, the_plan.fitted)
    cleaned: Any = None
    staged: list[Path] = []
    try:
        cleaned = job.run(lambda: map_in_arrow(
            kept, _clean_rows(job.steps, columns, job.chunk_rows, template),
            _spark_schema(template.append(pa.field(TALLY_COLUMN, pa.binary())))).persist(StorageLevel.MEMORY_AND_DISK))
        written = cleaned.where(F.col(TALLY_COLUMN).isNull()).drop(TALLY_COLUMN)  # cached, in row order
        for destination in (output, quarantine):
            staged.append(_staging(destination))
        # file:// URIs: a bare path would be resolved against the cluster's default file system
        uris = [folder.absolute().as_uri() for folder in staged]
        job.run(lambda: written.write.mode("overwrite").parquet(uris[0]))
        job.run(lambda: held.write.mode("overwrite").parquet(uris[1]))
        spark = job.engine.spark()
        rows_out, rows_held = (job.run(lambda u=u: spark.read.parquet(u).count()) for u in uris)
        if rows_out + rows_held != the_plan.rows_in or rows_held != the_plan.decisions.quarantined:
            raise InputError(f"{the_plan.source.name}: {the_plan.rows_in:,} rows in but {rows_out:,} written and "
                             f"{rows_held:,} quarantined ({the_plan.decisions.quarantined:,} decided); nothing written")
        outcome = Outcome(after=the_plan.before, tallies=job.run(lambda: _merged_tallies(cleaned)), rows_out=rows_out)
        # the rows as written, in their order (a read of the parts would number them in Spark's file order)
        outcome.after = audit(written, the_plan.before.target, the_plan.rules,
                              ignore_columns=the_plan.ignore_columns, **the_plan.written_columns(template.names),
                              engine=job.engine)
        tallies = dict(outcome.tallies)
        for step, tally in the_plan.decisions.tallies.items():
            tallies.setdefault(step, Tally()).add(tally)
        order = steps_run(the_plan)
        # a rewrite quotes the cell it changed: shown masked, as every text of a report is
        tallies = {step: tally.masked(the_plan.pack.checks.pii.phone_regions) for step, tally in tallies.items()}
        outcome.after.tables.extend([steps_table(order, tallies), before_after_table(the_plan.before, outcome.after)])
        for folder in staged:
            _name_parts(folder)
        files = {"input": manifests.file_entry(Path(the_plan.source.name), the_plan.source.format,
                                               the_plan.before.source.sha256),
                 "output": folder_entry(output, staged[0], rows_out),
                 "quarantine": folder_entry(quarantine, staged[1], rows_held)}
        built = manifests.build(the_plan, outcome, order, tallies, files=files, fitted_from=fitted_from)

        def files_beside(outputs: Outputs) -> None:
            if save_fitted is not None:
                outputs.json(save_fitted, the_plan.fitted.to_dict())
            if report is not None:
                from dataaudit.report.formats import Format, render

                outputs.text(report, render(outcome.after, Format.JSON))
            outputs.json(manifest, built)

        _publish(list(zip(staged, (output, quarantine), strict=True)), files_beside)
    finally:
        if cleaned is not None:
            cleaned.unpersist()
        for folder in staged:
            shutil.rmtree(folder, ignore_errors=True)
    return CleanRun(outcome.after, the_plan.before, built, output, quarantine, manifest, True)


def _in_row_order(frame: Any, parts: int, rows: int) -> Any:
    """`frame` in `parts` partitions of consecutive row numbers, each sorted: written as parts, the
    part files in name order hold the rows in order. Partition p holds the row numbers in
    [p * rows / parts, (p + 1) * rows / parts), fixed by the numbers alone (a range partitioning
    would sample its bounds, differently from run to run): each row is joined with the key that
    Spark's own hash partitioning sends to partition p (`_partition_keys`), and partitioned by it."""
    from pyspark.sql import functions as F

    bucket, key = (_unused_name(frame.columns, f"{ROW_COLUMN}_{name}") for name in ("bucket", "key"))
    keyed = frame.withColumn(bucket, F.expr(f"(`{ROW_COLUMN}` * {parts}) div {rows}")).join(
        F.broadcast(_partition_keys(frame.sparkSession, parts).toDF(bucket, key)), bucket)
    return (keyed.repartition(parts, key).sortWithinPartitions(ROW_COLUMN)
            .select(*[named_column(keyed, c) for c in frame.columns]))


def _partition_keys(session: Any, parts: int) -> Any:
    """A DataFrame of (p, the smallest non-negative long that Spark's hash partitioning into
    `parts` partitions sends to p) for every p < `parts`, found on the cluster by Spark's own
    hash (`pmod(hash(key), parts)`) over the first longs, as many more as it takes to meet every
    partition: nothing reaches the driver but a count."""
    from pyspark.sql import functions as F

    candidates = 64 * parts
    while True:
        keys = (session.range(candidates).groupBy(F.pmod(F.hash("id"), F.lit(parts)).alias("partition"))
                .agg(F.min("id").alias("key")))
        if keys.count() == parts:
            return keys
        candidates *= 2


def _unused_name(columns: list[str], name: str) -> str:
    """`name`, or it with more leading underscores, so that it names none of `columns`."""
    while name in columns:
        name = "_" + name
    return name


def _output_template(job: _Job, fitted: Fitted) -> pa.Schema:
    """The output's columns and types: an empty chunk of the frame's own types through the steps,
    its columns in the order the fitted state's clean wrote them (`Fitted.ordered`)."""
    empty = job.run(lambda: job.frame.limit(0).toArrow()).schema.remove_metadata()
    return empty_through(pa.schema([empty.field(c) for c in fitted.ordered(empty.names)]), job.steps).schema


def _spark_schema(schema: pa.Schema) -> Any:
    from pyspark.sql.pandas.types import from_arrow_schema

    return from_arrow_schema(schema)


def _clean_rows(steps: list[Step], columns: list[str], chunk_rows: int, template: pa.Schema
                ) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Per partition: the kept rows through every step, then one row holding what the steps changed."""
    schema = template.append(pa.field(TALLY_COLUMN, pa.binary()))

    def clean_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        tallies: dict[str, Tally] = {}
        for batch in regroup(batches, chunk_rows):
            cleaned = conform(narrow_strings(batch), columns)
            for step in steps:
                cleaned, tally = step.transform_counted(cleaned)
                tallies.setdefault(step.name, Tally()).add(tally)
            arrays = [cleaned.column(f.name).cast(f.type) for f in template]
            yield pa.RecordBatch.from_arrays([*arrays, pa.nulls(batch.num_rows, pa.binary())], schema=schema)
        yield pa.RecordBatch.from_arrays([*(pa.nulls(1, f.type) for f in template), pa.array([pickle.dumps(tallies)])],
                                         schema=schema)

    return clean_rows


def _merged_tallies(cleaned: Any) -> dict[str, Tally]:
    """The partitions' tallies (one bounded row each), merged one partition at a time."""
    total: dict[str, Tally] = {}
    for row in cleaned.where(f"{TALLY_COLUMN} IS NOT NULL").select(TALLY_COLUMN).toLocalIterator():
        for name, tally in pickle.loads(row[TALLY_COLUMN]).items():
            total.setdefault(name, Tally()).add(tally)
    return total


def _name_parts(folder: Path) -> None:
    """The parts renamed `part-00000.parquet`, ... in Spark's order (its names carry the partition
    number first, then the job's random id), and Spark's other files (`_SUCCESS`, checksums)
    removed: the same rows give the same names, so the folder's digest is the same across runs."""
    parts = sorted(p for p in folder.iterdir() if p.name.startswith("part-") and p.name.endswith(".parquet"))
    for path in folder.iterdir():
        if path in parts:
            continue
        if path.is_dir():
            shutil.rmtree(path)
        else:
            path.unlink()
    for number, part in enumerate(parts):
        os.replace(part, folder / f"part-{number:05d}.parquet")


def folder_entry(path: Path, content: Path, rows: int) -> dict[str, Any]:
    """A folder of Parquet parts as the manifest records it: its parts, bytes and rows, and one
    SHA-256 over the parts' names and digests in name order (the parts are read one at a time).
    The rows are those of the parts on this machine, refused unless they are the `rows` Spark
    counted: executors that wrote elsewhere (not a file system the driver shares) leave other parts."""
    import pyarrow.parquet as pq

    parts = sorted(content.glob("*.parquet"))
    here = sum(pq.ParquetFile(part).metadata.num_rows for part in parts)
    if here != rows:
        raise OutputError(f"{path}: Spark wrote {rows:,} rows but {here:,} are in the parts on this machine; "
                          "write to a file system the driver and every executor share; nothing written")
    digest = hashlib.sha256()
    for part in parts:
        digest.update(f"{part.name} {file_sha256(part)}\n".encode())
    return {"path": str(path), "format": "parquet", "parts": len(parts), "rows": rows,
            "bytes": sum(part.stat().st_size for part in parts), "sha256": digest.hexdigest()}


def _staging(target: Path) -> Path:
    """A hidden temporary folder beside `target`, on its file system, so the rename is one step."""
    folder = target.absolute().parent
    return Path(tempfile.mkdtemp(dir=folder, prefix=f".{target.name}.", suffix=".part"))


def _publish(folders: list[tuple[Path, Path]], files: Callable[[Outputs], None]) -> None:
    """All or nothing: each staged folder becomes its target, then the files (`files` writes them,
    the manifest among them) are renamed into place. Old targets (--force) are moved aside first
    and removed only once all is in place; on any failure the new folders go and the old come back."""
    swap = _Swap()
    try:
        with all_or_nothing() as outputs:
            files(outputs)
            swap.place(folders)
    except BaseException:
        swap.undo()
        raise
    swap.done()


class _Swap:
    """Folders renamed over their targets, the old targets kept aside until `done` or put back by `undo`."""

    def __init__(self) -> None:
        self.aside: list[tuple[Path, Path]] = []  # (target, the hidden folder holding the old target as `old`)
        self.holders: list[Path] = []
        self.placed: list[Path] = []

    def place(self, folders: list[tuple[Path, Path]]) -> None:
        for _, target in folders:
            if target.exists():
                holder = _staging(target)
                self.holders.append(holder)
                os.replace(target, holder / "old")
                self.aside.append((target, holder))
        for staged, target in folders:
            # a temporary folder is private; the result gets a new folder's mode
            os.chmod(staged, 0o777 & ~current_umask())
            os.replace(staged, target)
            self.placed.append(target)

    def undo(self) -> None:
        for target in self.placed:
            shutil.rmtree(target, ignore_errors=True)
        kept: set[Path] = set()
        for target, holder in self.aside:
            try:
                os.replace(holder / "old", target)
            except OSError:
                kept.add(holder)  # the old folder stays in its hidden folder rather than be lost
        for holder in self.holders:
            if holder not in kept:
                shutil.rmtree(holder, ignore_errors=True)

    def done(self) -> None:
        for holder in self.holders:
            shutil.rmtree(holder, ignore_errors=True)
