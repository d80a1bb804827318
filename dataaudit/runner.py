"""The audit itself: the plan, one streaming pass to a profile, the checks, the report. Published as
`dataaudit.audit` (through `dataaudit.api`); it lives below the clean, which audits before and
after it cleans, so that the public API can sit above both."""

from __future__ import annotations

import functools
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.checks import run_checks
from dataaudit.checks.groups import groups_table
from dataaudit.checks.registry import CLASSES, NUMBERS
from dataaudit.checks.target import distribution_table, target_kind
from dataaudit.engines import get_engine
from dataaudit.errors import InputError
from dataaudit.integrations.observe import collect, observed, validators
from dataaudit.io import DEFAULT_CHUNK_ROWS
from dataaudit.io.digest import file_sha256
from dataaudit.labelnoise import step as model_step
from dataaudit.planning import (
    AuditOptions,
    Plan,
    ignored_late_keys,
    plan_audit,
    require_columns,
    with_eval_index,
    with_free_text,
    with_roles,
    with_time_column,
)
from dataaudit.planning.capabilities import TEXT_FILE
from dataaudit.planning.options import column_name, column_names, listed_items
from dataaudit.report.cards import RulesInfo, SourceInfo, SplitCard, ToolInfo
from dataaudit.report.dataset import dataset_summary
from dataaudit.report.diff import DEFAULT_DELTA, baseline_gate
from dataaudit.report.feature_rows import quote_conflicting_rows
from dataaudit.report.masking import masked_findings, masked_tables, shown_labels
from dataaudit.report.model import CheckStatus, Finding, Report, ReportTable, created_now
from dataaudit.rules.model import RulePack
from dataaudit.shortcuts import step as shortcut_step
from dataaudit.splits import run as split_run
from dataaudit.splits.period_report import period_tables
from dataaudit.splits.periods import with_period_drift
from dataaudit.version import __version__

if TYPE_CHECKING:
    from dataaudit.engines import Engine
    from dataaudit.io import Source
    from dataaudit.profile.model import Profile


def audit(
    data: Any,
    target: str | None = None,
    rules: str | Path | RulePack | None = "default",
    *,
    ignore_columns: tuple[str, ...] | list[str] = (),
    keep_columns: tuple[str, ...] | list[str] = (),
    strict: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
    decimal: str = ".",
    bad_rows: str = "error",
    chunk_rows: int = DEFAULT_CHUNK_ROWS,
    splits: dict[str, Any] | None = None,
    group_column: str | None = None,
    schema: Any = None,
    gx_suite: str | Path | None = None,
    engine: str | Engine | None = None,
    jobs: int | None = None,
    format_kind: str | None = None,
    prompt_key: str | None = None,
    completion_key: str | None = None,
    text_columns: tuple[str, ...] | list[str] = (),
    auto_text: bool = True,
    tokenizer: str | Path | None = None,
    max_length: int | None = None,
    format_profile: str | Path | None = None,
    epochs: int | None = None,
    price_per_million: float | None = None,
    label_noise: bool = False,
    sample: int | None = None,
    folds: int | None = None,
    baseline: str | Path | Report | None = None,
    baseline_delta: float = DEFAULT_DELTA,
    time_column: str | None = None,
    period: str | None = None,
    date_order: str | None = None,
    storage_options: dict[str, Any] | None = None,
    eval_sets: tuple[str | Path, ...] | list[str | Path] = (),
    eval_fields: tuple[str, ...] | list[str] = (),
    ngram: int | None = None,
    language: tuple[str, ...] | list[str] = (),
    memory_budget: int | str | None = None,
) -> Report:
    """Audit a dataset (a CSV/TSV/Parquet/JSONL path, a folder of Parquet files, an `s3://` URI, a
    pandas or Polars DataFrame, a Polars LazyFrame, a pyarrow Table or a `datasets.Dataset`; a
    `datasets.DatasetDict` is a dataset in splits, `train` the reference).

    One streaming pass builds the profile; the rule pack's checks turn it into findings.
    Raises `InputError` or `RulesError` for input that cannot be audited, or an option that
    does not apply to it (see `dataaudit.planning`); a failing gate is not an exception here
    (see `Report.passed` and `Report.raise_for_gate`).

    A dataset in splits is a mapping `{"train": ..., "val": ..., "test": ...}` whose first entry
    is the reference (the training split: it gets the full audit, and every other split is
    compared with it), or `data` (named "train") plus `splits={"val": ..., "test": ...}`.
    `group_column` names a column of every split whose values (patients, users, documents)
    must each live in one split only; it is not used as a feature. In a single table its rows
    are counted per group (`groups.repeated`).

    Id-like columns (row numbers, UUIDs, a column named like an id: see
    `dataaudit.profile.id_columns`) are found on the first rows and left out of the duplicate
    and conflict judgement like `ignore_columns`; `keep_columns` keeps the named ones features.

    `schema` (a pandera `DataFrameSchema` or its YAML file) and `gx_suite` (a Great Expectations
    suite JSON file) validate the same pass; their failures become findings.

    `engine`: "local" (default) or "spark" (the default for a pyspark DataFrame), or an engine
    object such as `SparkEngine(master="local[4]")`. `jobs`: worker processes of the local
    engine (-1: one per core), also the folds `label_noise` fits at once.

    A JSONL file of chat, prompt/completion or instruction examples is recognised and audited
    line by line (`format_kind` forces a layout, or "table"; `prompt_key` and `completion_key`
    name the keys of a prompt/completion file, e.g. HumanEval's "prompt" and
    "canonical_solution"); `text_columns` of a table get the
    text checks too, and so do the free-text columns its first rows show unless `auto_text` is
    False; `tokenizer` is a model's tokenizer folder or its tokenizer.json on disk (else tokens
    are estimated): a folder's chat template renders every chat example, cut at `max_length`
    tokens (default: the rule pack's `checks.text.max_tokens`). `format_profile`
    (a shipped profile's name, such as "openai-chat", or a YAML path) judges a fine-tuning file
    by a provider's or trainer's rules; `epochs` and `price_per_million` size and price its
    training run.

    `label_noise` adds the model-based label checks, on a sample of `sample` rows (default: the
    rule pack's) with `folds`-fold cross-validation.

    `baseline` (a saved JSON report or a `Report`) gates on what got worse since: a failing
    finding it had too, no worse now (see `dataaudit.report.diff`, `baseline_delta`), is
    forgiven; the report names the baseline and what it forgave.

    `time_column` names the column that dates a table's rows (else a date, timestamp or year
    column is found in the first rows); the file is compared with itself period by period,
    `period` ("year", "quarter", "month") or periods chosen from the span. `date_order`
    ("day-first" or "month-first") says how its slashed dates are written, else the order more
    of the file's dates read in alone is chosen (03/04/2021 reads either way, 13/04/2021 one way).

    `decimal` is the decimal mark of a CSV or TSV file's numbers: with `","` a cell pandas'
    `read_csv(decimal=",")` reads as a float (`12,5`, `-0,25`, `1,5e3`) is a number in every
    check, and one spelled with a point is text; thousands separators (`1.200,5`) are not read
    (see docs/inputs.md). Another mark than `"."` is refused for any other input.
    `storage_options` are the keyword arguments of the fsspec filesystem an object-store URI is
    read through, e.g. `{"endpoint_url": "http://localhost:9000"}` (see docs/inputs.md).
    `eval_sets` (JSONL, JSON, CSV or Parquet files) are what the texts must not contain: each
    example of a fine-tuning file or text column is matched against their items by `ngram`-word
    n-grams (default: the rule pack's, 13), exact and near copies; `eval_fields` name the items'
    text fields (else detected). With splits, the other splits' text columns are evaluation
    sets too (see docs/contamination.md).
    `language` names the languages (ISO 639-1 codes) the texts' examples must be in; without it
    the shares per language are reported (with lingua installed: see docs/languages.md).
    `memory_budget` (bytes, or "512M", "2G") bounds the row hashes a table's duplicate and conflict
    search holds in memory; past it they spill to a temporary directory, removed however the audit
    ends (default: the rule pack's `checks.duplicates.memory_budget`, 64M).
    """
    plan = plan_audit(AuditOptions(
        data, column_name(target), rules, ignore_columns=column_names(ignore_columns), strict=strict,
        delimiter=delimiter, encoding=encoding, decimal=decimal, keep_columns=column_names(keep_columns),
        bad_rows=bad_rows, chunk_rows=chunk_rows, splits=splits, schema=schema,
        group_column=column_name(group_column, "group_column"),
        gx_suite=gx_suite, engine=engine, jobs=jobs, format_kind=format_kind, prompt_key=prompt_key,
        completion_key=completion_key, text_columns=column_names(text_columns), auto_text=auto_text,
        tokenizer=tokenizer, max_length=max_length, label_noise=label_noise, sample=sample, folds=folds,
        baseline=baseline, baseline_delta=baseline_delta, period=period, date_order=date_order,
        time_column=column_name(time_column, "time_column"),
        storage_options=storage_options,
        language=listed_items(language),
        format_profile=format_profile, epochs=epochs, price_per_million=price_per_million,
        eval_sets=listed_items(eval_sets), eval_fields=listed_items(eval_fields), ngram=ngram,
        memory_budget=memory_budget,
    ))
    gate = baseline_gate(baseline, baseline_delta)  # read first: a bad baseline costs no pass
    runner = get_engine(engine, data, jobs=jobs)
    if plan.kind == TEXT_FILE:
        return gate(audit_fine_tuning_file(with_eval_index(plan), runner))
    sources = open_sources(plan, runner)
    require_columns(plan, sources)
    reference = next(iter(sources.values()))
    observers = validators(reference.columns, plan.pack, schema=schema, gx_suite=gx_suite)
    watched, seen = observed(reference, observers)
    path = watched.info.get("path")
    on_disk = bool(path) and Path(path).is_file()
    with ThreadPoolExecutor(max_workers=1) as hasher:  # hashlib releases the GIL: the digest overlaps the read
        digest = hasher.submit(file_sha256, Path(path)) if on_disk else None
        # judged on the first rows, which the pass then reads
        plan = with_eval_index(with_time_column(with_free_text(with_roles(plan, reference), reference), reference))
        profile, cards, tables = profile_tables(plan, runner, {**sources, next(iter(sources)): watched})
        sha256 = None if digest is None else digest.result()
    rereadable = len(sources) == 1 and (on_disk or reference.repeatable)  # a file reads again alike; a stream may not
    profile = replace(label_model(plan, profile, runner, reference if rereadable else None),
                      problems=[p.reported() for p in watched.problems],
                      late_keys=[asdict(k) for k in watched.late_keys.values()],
                      ignored={**profile.ignored, **ignored_late_keys(plan, watched)},
                      json_numbers=sorted(watched.json_numbers), json_nested=sorted(watched.json_nested))
    profile = shortcut_step.with_shortcuts(profile, plan.pack, plan.spec.tokens)
    findings, statuses = run_checks(profile, plan.pack, plan.kind)
    findings, statuses = collect(observers, seen, profile.rows, findings, statuses)
    if rereadable:
        findings = quote_conflicting_rows(findings, reference, profile.features, plan.pack.checks.pii.phone_regions)
    return gate(table_report(plan, profile, findings, statuses, tables, cards, name=watched.name, sha256=sha256))


def audit_fine_tuning_file(plan: Plan, runner: Engine) -> Report:
    """The one place a fine-tuning JSONL file is audited: its own profile and report."""
    from dataaudit.text.report import audit_text_file

    options = plan.options
    chunk_lines = options.chunk_rows if "chunk_rows" in options.given() else None
    assert plan.layout is not None
    return audit_text_file(options.data, plan.layout, plan.loaded, strict=options.strict, tokenizer=options.tokenizer,
                           chunk_lines=chunk_lines, engine=runner, max_length=options.max_length,
                           eval_index=plan.eval_index)


def open_sources(plan: Plan, runner: Engine) -> dict[str, Source]:
    """Every table of the plan opened for its pass, by split name, the reference first. A file
    names itself in an error; a split given in memory (a DataFrame, a Table) is named by its
    split, as no two frames can be told apart by what they are (`<dataframe>`)."""
    o = plan.options
    remote = {"storage_options": o.storage_options} if o.storage_options else {}  # the local engine's (planned)
    marked = {"decimal": o.decimal} if o.decimal != "." else {}  # a CSV file's decimal comma: the local engine's
    several = len(plan.datasets) > 1
    sources = {}
    for name, data in plan.datasets.items():
        in_memory = several and not isinstance(data, str | os.PathLike)
        try:
            source = runner.open(data, delimiter=o.delimiter, encoding=o.encoding, chunk_rows=o.chunk_rows,
                                 bad_rows=o.bad_rows, **remote, **marked)
        except InputError as error:
            if in_memory:
                raise InputError(f"split {name!r}: {error}") from None
            raise
        if in_memory and sources:  # the reference keeps the name its report goes by
            source.name = f"{source.name} of split {name!r}"
        sources[name] = source
    return sources


def profile_tables(plan: Plan, runner: Engine, sources: dict[str, Source]
                   ) -> tuple[Profile, dict[str, SplitCard] | None, list[ReportTable]]:
    """The one pass: the reference's profile, and with splits every split's card and the
    comparison's tables."""
    assert plan.spec is not None
    if len(sources) == 1:
        profile = with_period_drift(runner.profile(next(iter(sources.values())), plan.spec))
        return profile, None, period_tables(profile.periods, plan.pack.checks.time)
    from dataaudit.splits.report import split_cards, split_tables

    profile, per_split = split_run.profile_splits(sources, plan.spec, plan.options.group_column, runner)
    classes = target_kind(profile, plan.pack.checks.target).kind == CLASSES
    cards = split_cards(per_split, profile.splits, plan.pack.checks.pii.phone_regions, classes)
    return profile, cards, split_tables(profile.splits, plan.pack.checks.splits)


def label_model(plan: Plan, profile: Profile, runner: Engine, source: Source | None = None) -> Profile:
    """The profile with the label model's findings, when `label_noise` asks for them: a
    classifier on class labels, a regressor on a regression target (a classifier would learn
    one class per number). Given the `source` to read again, the classifier's fold models
    score the rows outside the sample in a pass of the engine's."""
    if plan.model_rules is None:
        return profile
    assert plan.spec is not None
    jobs, progress = getattr(runner, "jobs", None), getattr(runner, "progress", None)  # the pass's progress stream
    if target_kind(profile, plan.pack.checks.target).kind == NUMBERS:
        return model_step.with_target_residuals(profile, plan.model_rules, plan.spec.tokens, jobs, progress)
    scan = None if source is None else functools.partial(runner.accumulate, source, label="label model: scoring ")
    return model_step.with_label_quality(profile, plan.model_rules, plan.spec.tokens, jobs, progress, scan)


def table_report(plan: Plan, profile: Profile, findings: list[Finding], statuses: list[CheckStatus],
                 tables: list[ReportTable], cards: dict[str, SplitCard] | None, *, name: str,
                 sha256: str | None) -> Report:
    """The report of a table or of splits; `sha256` is the digest of the file read, if it is one."""
    regions = plan.pack.checks.pii.phone_regions  # the phone formats the masking reads
    classes = target_kind(profile, plan.pack.checks.target).kind == CLASSES
    labels = shown_labels(profile, classes, regions)
    return Report(
        source=SourceInfo.from_info(profile.source | ({"sha256": sha256} if sha256 is not None else {}), name=name),
        target=plan.target,
        rules=RulesInfo(name=plan.loaded.name, path=plan.loaded.path, sha256=plan.loaded.sha256),
        strict=plan.options.strict,
        dataset=dataset_summary(profile, splits=cards, auto_text=plan.auto_text, regions=regions, labels=labels,
                                classes=classes),
        checks=statuses,
        # no personal value in clear, whichever check quotes it; the classes only where the target is quoted
        findings=masked_findings(findings, regions, labels, None if profile.label is None else profile.label.column),
        # a `class` column names the target's classes wherever it stands (splits, label model, shortcuts)
        tables=masked_tables(tables, regions, classes=labels)
        + masked_tables(distribution_table(profile, plan.pack.checks.target), regions, labels)
        + masked_tables(_text_tables(profile.text)
                        + model_step.tables(profile.label_quality)
                        + model_step.residual_tables(profile.target_residuals)
                        + shortcut_step.tables(profile.shortcuts, plan.pack.checks.shortcuts)
                        + groups_table(profile, target_kind(profile, plan.pack.checks.target).kind == CLASSES),
                        regions, classes=labels),
        tool=ToolInfo(name="dataaudit", version=__version__),
        created_at=created_now(),
        profile=profile,
    )


def _text_tables(texts: list[Any]) -> list[ReportTable]:
    """The text columns' tables: their report code loads only for a table that has text columns."""
    if not texts:
        return []
    from dataaudit.text.tables import text_tables

    return text_tables(texts)
