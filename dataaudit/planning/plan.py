"""From the options to a plan: the input kind, the engine, the target, the ignored columns and
the profile spec, every option checked against `CAPABILITIES` before any data is read."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.checks import statistics_needed
from dataaudit.checks.shortcuts import sample_spec as shortcuts_sample
from dataaudit.engines import engine_name
from dataaudit.errors import InputError
from dataaudit.io.object_store import uri_protocol
from dataaudit.labelnoise import step as model_step
from dataaudit.levels import parse_size
from dataaudit.planning.capabilities import CAPABILITIES, SPLITS, TABLE, TEXT_FILE, Capability
from dataaudit.planning.options import AuditOptions
from dataaudit.profile.free_text import free_text_in_rows
from dataaudit.profile.id_columns import IdColumn
from dataaudit.profile.roles import Found, detected_roles, repeating_ids
from dataaudit.profile.spec import ProfileSpec
from dataaudit.rules.load import LoadedRules, load_rules
from dataaudit.splits.run import name_splits
from dataaudit.text.audit import text_column_accumulators, text_layout
from dataaudit.text.languages.settings import language_settings, with_languages

if TYPE_CHECKING:
    from dataaudit.checks.label_noise import Rules as ModelRules
    from dataaudit.io import Source
    from dataaudit.rules.model import RulePack
    from dataaudit.text.contamination.index import EvalIndex


@dataclass(frozen=True)
class Plan:
    """What one audit runs. `kind` is one of the capability table's input kinds; `layout` the
    fine-tuning layout of a text file (chat, prompt-completion, instruction); `datasets` the
    tables by split name, the reference first (none for a text file); `ignored` the columns that
    are no features, each with the reason the report gives; `spec` what the pass computes;
    `auto_text` the free-text columns audited as text without being named (`with_free_text`);
    `roles` the columns found to be no features, ids and times (`with_roles`); `eval_index` the
    evaluation sets the texts are matched against (`with_eval_index`)."""

    options: AuditOptions
    loaded: LoadedRules
    kind: str
    layout: str | None
    engine: str
    datasets: dict[str, Any]
    target: str | None = None
    ignored: dict[str, str] = field(default_factory=dict)
    spec: ProfileSpec | None = None
    model_rules: ModelRules | None = None
    auto_text: tuple[str, ...] = ()
    roles: dict[str, Found] = field(default_factory=dict)
    eval_index: EvalIndex | None = None

    @property
    def pack(self) -> RulePack:
        return self.loaded.rules


def plan_audit(options: AuditOptions) -> Plan:
    """The plan for `options`, or `InputError` naming the first option that does not apply to
    the input or cannot run on the engine. Reads at most a JSONL file's first lines (to detect
    its layout); no engine starts."""
    layout, loaded = text_layout(options.data, options.format_kind, load_rules(options.rules), options.prompt_key,
                                 options.completion_key, profile=options.format_profile, epochs=options.epochs,
                                 price_per_million=options.price_per_million, storage_options=options.storage_options)
    loaded = with_languages(loaded, options.language)
    datasets = {} if layout is not None else name_splits(options.data, options.splits)
    kind = TEXT_FILE if layout is not None else SPLITS if len(datasets) > 1 else TABLE
    engine = engine_name(options.engine, options.data)
    check_options(options, kind, engine, described(kind, layout))
    if kind == TEXT_FILE:
        return Plan(options, loaded, kind, layout, engine, datasets)
    pack = loaded.rules
    target = options.target if options.target is not None else pack.target
    ignored = {c: "named in the rules (columns.ignore)" for c in pack.columns.ignore}
    ignored.update({c: "named with --ignore-column" for c in options.ignore_columns})
    if options.group_column is not None:
        reason = "the group column of the splits" if kind == SPLITS else "the group column"
        ignored.setdefault(options.group_column, reason)
    model_rules = (model_step.settings(pack.checks.label_noise, options.sample, options.folds)
                   if options.label_noise else None)
    return Plan(options, loaded, kind, layout, engine, datasets, target, ignored,
                profile_spec(pack, target, ignored, kind, model_rules, options), model_rules)


def described(kind: str, layout: str | None) -> str:
    """The input kind as an error message names it."""
    return {TABLE: "a single table", SPLITS: "a dataset in splits"}.get(kind) or f"a {layout} JSONL file"


def check_options(options: AuditOptions, kind: str, engine: str, what: str) -> None:
    """Refuse the first option given that does not apply to `kind`, cannot run on `engine`, or
    lacks the option it needs; the engine itself is checked against the input first."""
    with file_named_first(options.data):
        reader = CAPABILITIES["engine"]
        if engine not in reader.runs[kind]:
            raise InputError(f"{reader.flag} {engine} (engine={engine!r}) cannot audit {what}: {reader.engine_note}")
        refuse_unfit(options.given(), CAPABILITIES, kind, engine, what)
        refuse_idle_storage_options(options)


def refuse_idle_storage_options(options: AuditOptions) -> None:
    """Refuse `storage_options` when no input is a URI: a local path is read as it is, so the
    options would be ignored without a word (a URI mistyped as a path, a forgotten `s3://`)."""
    inputs = (options.data, *(options.splits or {}).values(), *options.eval_sets)
    if options.storage_options and all(uri_protocol(data) is None for data in inputs):
        storage = CAPABILITIES["storage_options"]
        raise InputError(f"{storage.spelled('storage_options')} does not apply to local files: {storage.purpose}")


@contextmanager
def file_named_first(data: Any) -> Iterator[None]:
    """An option refused for a file names the file first: of several files audited with one set
    of options, it says which one."""
    try:
        yield
    except InputError as refused:
        if isinstance(data, (str, Path)):
            raise InputError(f"{data}: {refused}") from None
        raise


def refuse_unfit(given: list[str], capabilities: Mapping[str, Capability], kind: str, engine: str,
                 what: str) -> None:
    """Raise `InputError` for the first of the options `given` that `capabilities` say does not
    apply to `kind`, cannot run on `engine`, or lacks the option it needs."""
    for name in given:
        capability = capabilities[name]
        if kind not in capability.runs:
            raise InputError(f"{capability.spelled(name)} does not apply to {what}: {capability.purpose}")
        if engine not in capability.runs[kind]:
            raise InputError(f"{capability.spelled(name)} cannot run on the {engine} engine: {capability.engine_note}")
        needed = [n for n in capability.needed if kind in capabilities[n].runs]
        if needed and not any(n in given for n in needed):
            spelled = " or ".join(capabilities[n].spelled(n) for n in needed)
            raise InputError(f"{capability.spelled(name)} needs {spelled} on {what}: {capability.purpose}")


def profile_spec(pack: RulePack, target: str | None, ignored: dict[str, str], kind: str,
                 model_rules: ModelRules | None, options: AuditOptions) -> ProfileSpec:
    """What the one pass computes: the statistics the checks of `kind` read, and the named
    text columns' profiles in the same pass."""
    mv = pack.missing_values
    return ProfileSpec(
        target=target, ignored=tuple(ignored), tokens=tuple(mv.tokens), case_sensitive=mv.case_sensitive,
        sentinels=tuple(mv.sentinels), ignore_reasons=ignored,
        quantiles="quantiles" in statistics_needed(pack, kind),
        sample=model_step.sample_spec(model_rules) if model_rules is not None
        else shortcuts_sample(pack.checks.shortcuts) if "sample" in statistics_needed(pack, kind) else None,
        texts=text_column_accumulators(options.text_columns, target, pack.checks.text, options.tokenizer,
                                       languages=language_settings(pack),
                                       phone_regions=pack.checks.pii.phone_regions, missing=mv),
        groups=() if options.group_column is None else (options.group_column,),
        group_reasons={} if options.group_column is None else {options.group_column: "named with --group-column"},
        keys=(options.group_column,) if options.group_column is not None and kind == TABLE else (),
        memory_budget=memory_budget(options.memory_budget, pack.checks.duplicates.memory_budget),
    )


def memory_budget(given: int | str | None, pack: int | str) -> int:
    """The budget in bytes: the one given, else the rule pack's (checked when it was read)."""
    if given is None:
        return parse_size(pack)
    try:
        return parse_size(given)
    except ValueError as bad:
        raise InputError(f"--memory-budget (memory_budget): {bad}") from None


FIRST_ROWS = 1_000
MAX_CANDIDATE_GROUPS = 3  # candidate group columns counted in the pass, each within MAX_GROUPS groups
#: what the report adds to the reason of an id-like column whose values repeat: it names a patient,
#: user or product, so rows differing in it are different records (`ProfileSpec.keys`)
KEY_NOTE = "; its values repeat: kept in the rows' identity for duplicates and conflicts"


def with_roles(plan: Plan, reference: Source) -> Plan:
    """The plan with the reference's id-like columns (and any other role a detector of
    `dataaudit.profile.roles` finds) left out of the duplicate and conflict judgement, each with
    its reason, unless kept (`keep_columns`). As for free text, the pass must know its features
    before it starts, so they are judged on the first rows of the batch the pass reads first.
    Without a named group column, the id-like columns whose values repeat there are the
    candidate groups the pass counts."""
    if plan.spec is None:
        return plan
    options = plan.options
    skip = {plan.target, *plan.ignored, *options.keep_columns, *options.text_columns}
    found = detected_roles(reference.first_rows(FIRST_ROWS), skip, plan.spec.folded_tokens)
    if not found:
        return plan
    keys = repeating_ids(found)
    ignored = {**plan.ignored, **{name: what.reason + (KEY_NOTE if name in keys else "")
                                  for name, what in found.items()}}
    ids = tuple(name for name, what in found.items() if isinstance(what, IdColumn))
    spec = replace(plan.spec, ignored=tuple(ignored), ignore_reasons=ignored, ids=ids, keys=(*plan.spec.keys, *keys))
    if options.group_column is None:
        candidates = keys[:MAX_CANDIDATE_GROUPS]
        spec = replace(spec, groups=tuple(candidates), group_reasons={
            name: "a candidate: id-like, its values repeat" for name in candidates})
    return replace(plan, ignored=ignored, spec=spec, roles=found)


def with_free_text(plan: Plan, reference: Source) -> Plan:
    """The plan with the reference's free-text columns audited as text too, unless `auto_text`
    is off. The pass must know its text columns before it starts, so they are judged on the
    first rows (at most `FIRST_ROWS`, of the batch the pass reads first anyway: the data is still
    read once), with the rule the report's `free_text_columns` applies to the whole profile. The
    target, ignored columns and the named text columns are never candidates."""
    options = plan.options
    if not options.auto_text or plan.spec is None:
        return plan
    skip = {plan.target, *plan.ignored, *options.text_columns}
    found = free_text_in_rows(reference.first_rows(FIRST_ROWS), skip)
    if not found:
        return plan
    texts = text_column_accumulators(found, plan.target, plan.pack.checks.text, options.tokenizer,
                                     languages=language_settings(plan.pack),
                                     phone_regions=plan.pack.checks.pii.phone_regions,
                                     missing=plan.pack.missing_values, found=found)
    return replace(plan, auto_text=tuple(found), spec=replace(plan.spec, texts=plan.spec.texts + texts))


def _may_be_late(source: Source, column: str) -> bool:
    """A JSON Lines file's key first met past the lines its columns are read from is known only
    once the pass has read every line: an ignored name of no column is checked then
    (`ignored_late_keys`)."""
    return source.format == "jsonl" and column not in source.columns


def ignored_late_keys(plan: Plan, source: Source) -> dict[str, str]:
    """The ignored names of no column of the reference `source`, once its pass has met every
    key, with why each is ignored: JSON Lines late keys, left out of the features' identity
    (`profile.late_keys`) as an ignored column is; a name that is none is refused as a missing
    column is, after the pass."""
    named = {column: reason for column, reason in plan.ignored.items()
             if column != plan.options.group_column and column not in source.columns}
    for column in named:
        if column not in source.late_keys:
            source.require(column, "ignored column", read=True)
    return named


def require_columns(plan: Plan, sources: dict[str, Source]) -> None:
    """Every column the plan names exists where it is read; the target is no ignored column.
    Checked once the sources are open, before the pass: a typo costs no read of the data."""
    reference = next(iter(sources.values()))
    if plan.target is not None:
        reference.require(plan.target, "target column")
    for column in plan.ignored:
        if column != plan.options.group_column and not _may_be_late(reference, column):
            reference.require(column, "ignored column")
    if plan.options.group_column is not None:
        for source in sources.values():
            source.require(plan.options.group_column, "group column")
    for column in plan.options.text_columns:
        reference.require(column, "text column")
    for column in plan.options.keep_columns:
        reference.require(column, "kept column")
        if column in plan.ignored:
            raise InputError(f"{reference.name}: column {column!r} is both kept (--keep-column) and ignored "
                             f"({plan.ignored[column]})")
    if plan.target in plan.ignored:
        raise InputError(f"{reference.name}: column {plan.target!r} is both the target and ignored "
                         f"({plan.ignored[plan.target]})")

