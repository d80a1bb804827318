"""The public Python API: `audit(...) -> Report`."""

from __future__ import annotations

import difflib
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from dataaudit.errors import InputError
from dataaudit.io import DEFAULT_CHUNK_ROWS, Source, open_source
from dataaudit.report.model import Report
from dataaudit.rules.load import load_rules
from dataaudit.rules.model import RulePack


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
    label_noise: bool = False,
    sample: int | None = None,
    folds: int | None = None,
    jobs: int | None = None,
) -> Report:
    """Audit a dataset (a CSV/TSV/Parquet/JSONL path, a pandas DataFrame or a pyarrow Table).

    One streaming pass builds the profile; the rule pack's checks turn it into findings.
    Raises `InputError` or `RulesError` for input that cannot be audited; a failing gate is
    not an exception here (see `Report.passed` and `Report.raise_for_gate`).
    `label_noise` adds the model-based label checks, on a sample of `sample` rows (default: the
    rule pack's) with `folds`-fold cross-validation, `jobs` folds fitted at once (-1: all cores).
    """
    from dataaudit import __version__
    from dataaudit.checks import run_checks
    from dataaudit.engines.local import profile_source
    from dataaudit.labelnoise import step as model_step
    from dataaudit.profile.spec import ProfileSpec
    from dataaudit.report.dataset import dataset_summary

    loaded = load_rules(rules)
    pack = loaded.rules
    source = open_source(data, delimiter=delimiter, encoding=encoding, chunk_rows=chunk_rows, bad_rows=bad_rows)
    target = target if target is not None else pack.target
    if target is not None:
        _require_column(source, target, "target column")
    reasons = {c: "named in the rules (columns.ignore)" for c in pack.columns.ignore}
    reasons.update({c: "named with --ignore-column" for c in ignore_columns})
    for column in reasons:
        _require_column(source, column, "ignored column")
    if target in reasons:
        raise InputError(f"{source.name}: column {target!r} is both the target and ignored")
    mv = pack.missing_values
    model_rules = model_step.settings(pack.checks.label_noise, sample, folds) if label_noise else None
    spec = ProfileSpec(
        target=target, ignored=tuple(reasons), tokens=tuple(mv.tokens), case_sensitive=mv.case_sensitive,
        sentinels=tuple(mv.sentinels), ignore_reasons=reasons,
        sample=None if model_rules is None else model_step.sample_spec(model_rules),
    )
    profile = profile_source(source, spec)
    if model_rules is not None:
        profile = model_step.with_label_quality(profile, model_rules, spec.tokens, jobs)
    profile.source["problems"] = [asdict(p) for p in source.problems]
    findings, statuses = run_checks(profile, pack)
    return Report(
        source={k: v for k, v in profile.source.items() if k != "problems"} | {"name": source.name},
        target=target,
        rules={"name": loaded.name, "path": loaded.path},
        strict=strict,
        dataset=dataset_summary(profile),
        checks=statuses,
        findings=findings,
        tables=model_step.tables(profile.label_quality),
        tool={"name": "dataaudit", "version": __version__},
        created_at=datetime.now(UTC).isoformat(timespec="seconds"),
    )


def _require_column(source: Source, column: str, what: str) -> None:
    if column in source.columns:
        return
    close = difflib.get_close_matches(column, source.columns, n=1)
    hint = f" (did you mean {close[0]!r}?)" if close else ""
    shown = ", ".join(source.columns[:20]) + (" ..." if len(source.columns) > 20 else "")
    raise InputError(f"{source.name}: {what} {column!r} not found{hint}; columns are: {shown}")
