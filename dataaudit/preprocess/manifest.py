"""The manifest: which bytes went in and came out, how many rows, what each step did, with
which parameters and which dataaudit. It holds no clock time, so two runs on the same input
give the same manifest."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.io.digest import file_sha256
from dataaudit.preprocess import malformed
from dataaudit.preprocess.base import Tally
from dataaudit.preprocess.pipeline import Outcome, Plan
from dataaudit.preprocess.redact import TableRedaction
from dataaudit.preprocess.summary import measures

if TYPE_CHECKING:
    from dataaudit.profile.label_quality import TargetResiduals
    from dataaudit.report.cards import RulesInfo


def file_entry(path: Path | None, fmt: str | None = None, sha256: str | None = None,
               content: Path | None = None) -> dict[str, Any] | None:
    """A file's path, format, size and digest; `sha256` when already known (the audit of the
    input computed it while reading), so the file is not read once more for it; `content` where
    the bytes are until the run renames them to `path`."""
    if path is None:
        return None
    path = Path(path)
    content = Path(content) if content is not None else path
    return {"path": str(path), "format": fmt, "bytes": content.stat().st_size,
            "sha256": sha256 or file_sha256(content)}


def tool_entry() -> dict[str, str]:
    from dataaudit.version import __version__

    return {"name": "dataaudit", "version": __version__}


def rules_entry(rules: RulesInfo) -> dict[str, str]:
    """The rule pack as a manifest records it, from the audit report's `rules`: its name and the
    SHA-256 of its content, not its path, which would leak a home folder and stop matching once
    the pack moves."""
    return {"name": rules.name, "sha256": rules.sha256}


def build(plan: Plan, outcome: Outcome, order: list[str], tallies: dict[str, Tally], *,
          files: dict[str, dict[str, Any] | None], fitted_from: str | None,
          redaction: TableRedaction | None = None) -> dict[str, Any]:
    """`redaction`'s counts per kind and column take the shape of the fine-tuning clean's per
    kind and role."""
    redacted = redaction if redaction is not None else TableRedaction(frozenset(), ())
    return {
        "tool": tool_entry(),
        "files": files,
        "rows": {"in": plan.rows_in, "out": outcome.rows_out, "quarantined": plan.quarantined,
                 "redacted": redacted.rows},
        "quarantine_reasons": {**plan.decisions.counts(), **malformed.reasons(plan.malformed)},
        "redactions": redacted.manifest(),
        "steps": [{"step": name, **tallies.get(name, Tally()).to_dict()} for name in order],
        "parameters": {
            "target": plan.before.target,
            "rules": rules_entry(plan.before.rules),
            "ignored": plan.fitted.ignored,
            "bad_rows": plan.bad_rows,
            "preprocess": plan.pack.preprocess.model_dump(mode="json"),
            "fitted_from": fitted_from,
            "fitted": plan.fitted.to_dict()["steps"],
            "label_model": label_model(plan),
            "redact": redacted.asked(),
        },
        "audit": {"before": measures(plan.before), "after": measures(outcome.after),
                  "passed_before": plan.before.passed, "passed_after": outcome.after.passed},
    }


def label_model(plan: Plan) -> dict[str, Any] | None:
    """How the suspected rows were found (None when no model ran): enough to reproduce them;
    `skipped` says why none were listed, when no model ran or it learnt too little (its cross-validated
    `balanced_accuracy` not clearly above `chance`, or too weak for the share of wrong labels it
    would claim; both None when no model ran). On a regression
    target, the regressor's entry (`regressor`)."""
    profile = plan.before.profile
    quality = profile.label_quality if profile is not None else None
    if quality is None:
        return regressor(profile.target_residuals) if profile is not None and profile.target_residuals else None
    return {"model": quality.model, "folds": quality.folds, "seed": quality.seed, "sample_rows": quality.sample_rows,
            "scored_rows": quality.scored_rows, "suspected": len(quality.suspected),
            "skipped": quality.skipped or quality.withheld,
            "balanced_accuracy": None if quality.baseline is None else quality.baseline.balanced_accuracy,
            "chance": None if quality.baseline is None else round(quality.chance, 6)}


def regressor(found: TargetResiduals) -> dict[str, Any]:
    """The regression target's label model: its out-of-fold R² beside the mean's, the residual
    limit (`max_mads` robust standard deviations of `residual_scale`) and the suspects past it;
    `skipped` says why none were listed, when no model ran or it was no better than the mean."""
    return {"kind": "regression", "model": found.model, "folds": found.folds, "seed": found.seed,
            "sample_rows": found.sample_rows, "suspected": len(found.suspected),
            "skipped": found.skipped or found.no_signal, "r2": None if found.skipped else found.r2,
            "r2_mean": None if found.skipped else found.r2_mean, "max_mads": found.max_mads,
            "residual_scale": None if found.skipped else found.residual_scale}
