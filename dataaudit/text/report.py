"""A fine-tuning JSONL file's report: the text profile, judged by the checks that declare they
apply to a fine-tuning file (the text checks and the size check); the others say they do not."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.io.digest import file_sha256
from dataaudit.io.spool import display_name, readable_path
from dataaudit.profile.model import DuplicateProfile, Profile
from dataaudit.profile.text import TextProfile
from dataaudit.report.cards import CopyCounts, RulesInfo, SourceInfo, ToolInfo
from dataaudit.report.dataset import dataset_summary
from dataaudit.report.masking import masked_dict, masked_findings, masked_tables
from dataaudit.report.model import Report, created_now
from dataaudit.rules.load import LoadedRules
from dataaudit.text.audit import format_profile, layout_of, profile_text_file
from dataaudit.text.languages.settings import language_settings
from dataaudit.text.quotes import quote_conflicts
from dataaudit.text.tables import text_tables

if TYPE_CHECKING:
    from dataaudit.engines import Engine
    from dataaudit.text.contamination.index import EvalIndex


def audit_text_file(path: str | Path, kind: str, loaded: LoadedRules, *, strict: bool = False,
                    tokenizer: str | Path | None = None, chunk_lines: int | None = None,
                    engine: Engine | None = None, max_length: int | None = None,
                    eval_index: EvalIndex | None = None) -> Report:
    """The audit of a fine-tuning file: the one entry the audit calls for a `kind` JSONL file,
    its pass run by `engine` (default: the local engine, in this process); `max_length`
    replaces the rule pack's token limit; `eval_index` holds the evaluation sets to match."""
    name, path = display_name(path), readable_path(path)  # standard input is read from its copy
    rules = loaded.rules.checks.text
    if max_length is not None:
        rules = rules.model_copy(update={"max_tokens": max_length})
    profile = format_profile(loaded.rules.checks.format)
    text = profile_text_file(path, kind, rules, tokenizer, chunk_lines, engine=engine, profile=profile,
                             eval_index=eval_index, languages=language_settings(loaded.rules),
                             phone_regions=loaded.rules.checks.pii.phone_regions)
    array = text.unit == "item"
    source = {"path": name, "format": "json" if array else "jsonl", "kind": kind, "bytes": path.stat().st_size,
              "engine": "local" if engine is None or array else engine.name, "sha256": file_sha256(path)}
    report = text_report(text, source, loaded, strict=strict)
    if not array:  # quotes are read back by line number
        report.findings = quote_conflicts(report.findings, path, layout_of(kind, loaded.rules.checks.text, profile),
                                          loaded.rules.checks.pii.phone_regions)
    return report


def text_report(text: TextProfile, source: dict[str, Any], loaded: LoadedRules, *, strict: bool = False) -> Report:
    """The report of a profiled fine-tuning file; `source` says which (path, format, kind, bytes)."""
    from dataaudit.checks import run_checks
    from dataaudit.checks.registry import TEXT_FILE
    from dataaudit.version import __version__

    kind = source["kind"]
    profile = Profile(rows=text.records, columns=[], features=[], ignored={}, label=None,
                      duplicates=DuplicateProfile(0, [], 0, [], 0, 0, []), missing_per_row=[],
                      missing_per_row_examples={}, source=source, text=[text])
    findings, statuses = run_checks(profile, loaded.rules, TEXT_FILE)
    return Report(
        source=SourceInfo.from_info(source, name=source["path"]),
        target=None,
        rules=RulesInfo(name=loaded.name, path=loaded.path, sha256=loaded.sha256),
        strict=strict,
        dataset=replace(
            dataset_summary(profile), kind=kind, texts=text.texts, messages=text.messages, tokenizer=text.tokenizer,
            tokens_estimated=text.tokens_estimated,
            roles=text.roles and masked_dict(text.roles, loaded.rules.checks.pii.phone_regions),  # a role is any text
            languages=None if text.languages is None else text.languages.counts,
            copies=CopyCounts(exact=text.duplicates, near=text.near_duplicates,
                              conflicting_answers=text.conflict_records),
            pii=dict(text.pii.values) if text.pii is not None and text.pii.values else None,
        ),
        checks=statuses,
        findings=masked_findings(findings),  # no personal value in clear, as in a table's report
        tables=masked_tables(text_tables([text])),
        tool=ToolInfo(name="dataaudit", version=__version__),
        created_at=created_now(),
    )
