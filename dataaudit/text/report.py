"""A fine-tuning JSONL file's report: the text profile, judged by the text checks and the
size check; the table checks do not apply and say so."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.io.digest import file_sha256
from dataaudit.profile.model import DuplicateProfile, Profile
from dataaudit.profile.text import TextProfile
from dataaudit.report.dataset import dataset_summary
from dataaudit.report.model import CheckStatus, Report, created_now
from dataaudit.rules.load import LoadedRules
from dataaudit.text.audit import layout_of, profile_text_file
from dataaudit.text.quotes import quote_conflicts
from dataaudit.text.tables import text_tables

if TYPE_CHECKING:
    from dataaudit.engines import Engine

APPLY = ("text.", "size.rows")


def audit_text_file(path: str | Path, kind: str, loaded: LoadedRules, *, strict: bool = False,
                    tokenizer: str | Path | None = None, chunk_lines: int | None = None,
                    engine: Engine | None = None) -> Report:
    """The audit of a fine-tuning file: the one entry the audit calls for a `kind` JSONL file,
    its pass run by `engine` (default: the local engine, in this process)."""
    path = Path(path)
    text = profile_text_file(path, kind, loaded.rules.checks.text, tokenizer, chunk_lines, engine=engine)
    source = {"path": str(path), "format": "jsonl", "kind": kind, "bytes": path.stat().st_size,
              "sha256": file_sha256(path)}
    report = text_report(text, source, loaded, strict=strict)
    report.findings = quote_conflicts(report.findings, path, layout_of(kind, loaded.rules.checks.text))
    return report


def text_report(text: TextProfile, source: dict[str, Any], loaded: LoadedRules, *, strict: bool = False) -> Report:
    """The report of a profiled fine-tuning file; `source` says which (path, format, kind, bytes)."""
    from dataaudit.checks import run_checks
    from dataaudit.version import __version__

    kind = source["kind"]
    profile = Profile(rows=text.records, columns=[], features=[], ignored={}, label=None,
                      duplicates=DuplicateProfile(0, [], 0, [], 0, 0, []), missing_per_row=[],
                      missing_per_row_examples={}, source=source, text=[text])
    findings, statuses = run_checks(profile, loaded.rules)
    reason = f"a table check; a {kind} JSONL file is audited by the text checks"
    return Report(
        source=source | {"name": source["path"]},
        target=None,
        rules={"name": loaded.name, "path": loaded.path},
        strict=strict,
        dataset=dataset_summary(profile) | {
            "kind": kind, "texts": text.texts, "messages": text.messages, "tokenizer": text.tokenizer,
            "tokens_estimated": text.tokens_estimated, "roles": text.roles,
            "copies": {"exact": text.duplicates, "near": text.near_duplicates,
                       "conflicting_answers": text.conflict_records},
        },
        checks=[s if s.check.startswith(APPLY) else CheckStatus(s.check, s.description, "skipped", reason)
                for s in statuses],
        findings=[f for f in findings if f.check.startswith(APPLY)],
        tables=text_tables([text]),
        tool={"name": "dataaudit", "version": __version__},
        created_at=created_now(),
    )
