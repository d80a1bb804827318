"""The audit itself: one streaming pass to a profile, the checks, the report. Published as
`dataaudit.audit` (through `dataaudit.api`); it lives below the clean, which audits before and
after it cleans, so that the public API can sit above both."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.errors import InputError
from dataaudit.io import DEFAULT_CHUNK_ROWS
from dataaudit.io.digest import file_sha256
from dataaudit.report.model import Report, created_now
from dataaudit.rules.load import load_rules
from dataaudit.rules.model import RulePack

if TYPE_CHECKING:
    from dataaudit.engines import Engine


def audit(
    data: Any,
    target: str | None = None,
    rules: str | Path | RulePack | None = "default",
    *,
    ignore_columns: tuple[str, ...] | list[str] = (),
    strict: bool = False,
    delimiter: str | None = None,
    encoding: str | None = None,
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
    tokenizer: str | Path | None = None,
    label_noise: bool = False,
    sample: int | None = None,
    folds: int | None = None,
) -> Report:
    """Audit a dataset (a CSV/TSV/Parquet/JSONL path, a pandas DataFrame or a pyarrow Table).

    One streaming pass builds the profile; the rule pack's checks turn it into findings.
    Raises `InputError` or `RulesError` for input that cannot be audited; a failing gate is
    not an exception here (see `Report.passed` and `Report.raise_for_gate`).

    A dataset in splits is a mapping `{"train": ..., "val": ..., "test": ...}` whose first entry
    is the reference (the training split: it gets the full audit, and every other split is
    compared with it), or `data` (named "train") plus `splits={"val": ..., "test": ...}`.
    `group_column` names a column of every split whose values (patients, users, documents)
    must each live in one split only; it is not used as a feature.

    `schema` (a pandera `DataFrameSchema` or its YAML file) and `gx_suite` (a Great Expectations
    suite JSON file) validate the same pass; their failures become findings.

    `engine`: "local" (default) or "spark" (the default for a pyspark DataFrame), or an engine
    object such as `SparkEngine(master="local[4]")`. `jobs`: worker processes of the local
    engine (-1: one per core), also the folds `label_noise` fits at once.

    A JSONL file of chat, prompt/completion or instruction examples is recognised and audited
    line by line (`format_kind` forces a layout, or "table"; `prompt_key` and `completion_key`
    name the keys of a prompt/completion file, e.g. HumanEval's "prompt" and
    "canonical_solution"); `text_columns` of a table get the
    text checks too; `tokenizer` is a tokenizer.json on disk (else tokens are estimated).

    `label_noise` adds the model-based label checks, on a sample of `sample` rows (default: the
    rule pack's) with `folds`-fold cross-validation.
    """
    from dataaudit.checks import run_checks
    from dataaudit.engines import get_engine
    from dataaudit.integrations.observe import collect, observed, validators
    from dataaudit.labelnoise import step as model_step
    from dataaudit.profile.spec import ProfileSpec
    from dataaudit.report.dataset import dataset_summary
    from dataaudit.report.feature_rows import quote_conflicting_rows
    from dataaudit.splits import run as split_run
    from dataaudit.text.audit import text_column_accumulators, text_layout
    from dataaudit.text.tables import text_tables
    from dataaudit.version import __version__

    kind, loaded = text_layout(data, format_kind, load_rules(rules), prompt_key, completion_key)
    pack = loaded.rules
    runner = get_engine(engine, data, jobs=None if engine is not None and not isinstance(engine, str) else jobs)
    if kind is not None:
        from dataaudit.text.report import audit_text_file

        return audit_text_file(data, kind, loaded, strict=strict, tokenizer=tokenizer, engine=runner)
    named = split_run.name_splits(data, splits)
    sources = {name: runner.open(d, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows)
               for name, d in named.items()}
    source = next(iter(sources.values()))
    target = target if target is not None else pack.target
    if target is not None:
        source.require(target, "target column")
    reasons = {c: "named in the rules (columns.ignore)" for c in pack.columns.ignore}
    reasons.update({c: "named with --ignore-column" for c in ignore_columns})
    for column in reasons:
        source.require(column, "ignored column")
    if group_column is not None:
        if len(sources) < 2:
            raise InputError("a group column is compared across splits: give at least one more split")
        for each in sources.values():
            each.require(group_column, "group column")
        reasons.setdefault(group_column, "the group column of the splits")
    for column in text_columns:
        source.require(column, "text column")
    if target in reasons:
        raise InputError(f"{source.name}: column {target!r} is both the target and ignored")
    mv = pack.missing_values
    model_rules = model_step.settings(pack.checks.label_noise, sample, folds) if label_noise else None
    spec = ProfileSpec(
        target=target, ignored=tuple(reasons), tokens=tuple(mv.tokens), case_sensitive=mv.case_sensitive,
        sentinels=tuple(mv.sentinels), ignore_reasons=reasons, quantiles=len(sources) > 1,
        sample=None if model_rules is None else model_step.sample_spec(model_rules),
        texts=text_column_accumulators(text_columns, target, pack.checks.text, tokenizer),
    )
    observers = validators(source.columns, pack, schema=schema, gx_suite=gx_suite)
    unobserved = source  # a second read (quoting conflicts) must not feed the validators again
    source, seen = observed(source, observers)
    sources[next(iter(sources))] = source
    path = source.info.get("path")
    with ThreadPoolExecutor(max_workers=1) as hasher:  # hashlib releases the GIL: the digest overlaps the read
        sha256 = hasher.submit(file_sha256, Path(path)) if path and Path(path).is_file() else None
        cards, tables = None, []
        if len(sources) == 1:
            profile = runner.profile(source, spec)
        else:
            from dataaudit.splits.report import split_cards, split_tables

            profile, per_split = split_run.profile_splits(sources, spec, group_column, runner)
            cards, tables = split_cards(per_split, profile.splits), split_tables(profile.splits, pack.checks.splits)
        if sha256 is not None:
            profile.source["sha256"] = sha256.result()
    if model_rules is not None:
        profile = model_step.with_label_quality(profile, model_rules, spec.tokens, getattr(runner, "jobs", jobs))
    profile.source["problems"] = [asdict(p) for p in source.problems]
    findings, statuses = run_checks(profile, pack)
    findings, statuses = collect(observers, seen, profile.rows, findings, statuses)
    if len(sources) == 1 and path and Path(path).is_file():  # a file reads again alike; a stream may not
        findings = quote_conflicting_rows(findings, unobserved, profile.features)
    return Report(
        source={k: v for k, v in profile.source.items() if k != "problems"} | {"name": source.name},
        target=target,
        rules={"name": loaded.name, "path": loaded.path},
        strict=strict,
        dataset=dataset_summary(profile) | ({"splits": cards} if cards else {}),
        checks=statuses,
        findings=findings,
        tables=tables + text_tables(profile.text) + model_step.tables(profile.label_quality),
        tool={"name": "dataaudit", "version": __version__},
        created_at=created_now(),
        profile=profile,
    )


