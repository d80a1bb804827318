"""The check families and the function that runs them all on a profile.

Each family module declares `CHECKS`, one `Check` (see `checks.registry`) per check, a `Rules`
section model with its default levels, and a pure `run(profile, rules, results)`. Adding a
family is adding a module here; its section appears in rule packs under the same name.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from dataaudit.checks import (
    balance,
    chat_template,
    columns,
    contamination,
    duplicates,
    label_noise,
    labels,
    languages,
    missing,
    outliers,
    size,
    source,
    text,
)
from dataaudit.checks import formats as formats_family
from dataaudit.checks import groups as groups_family
from dataaudit.checks import pii as pii_family
from dataaudit.checks import preference as preference_family
from dataaudit.checks import shortcuts as shortcuts_family
from dataaudit.checks import splits as splits_family
from dataaudit.checks import target as target_family
from dataaudit.checks import time_drift as time_family
from dataaudit.checks.base import Results
from dataaudit.checks.registry import CLASSES, KINDS, TABLE, Check, registry
from dataaudit.report.model import CheckStatus, Finding

if TYPE_CHECKING:
    from dataaudit.profile.model import Profile

FAMILIES: dict[str, ModuleType] = {
    "source": source,
    "size": size,
    "balance": balance,
    "missing": missing,
    "duplicates": duplicates,
    "labels": labels,
    "columns": columns,
    "outliers": outliers,
    "target": target_family,
    "groups": groups_family,
    "splits": splits_family,
    "time": time_family,
    "text": text,
    "shortcuts": shortcuts_family,
    "chat_template": chat_template,
    "format": formats_family,
    "preference": preference_family,
    "contamination": contamination,
    "languages": languages,
    "pii": pii_family,
    "label_noise": label_noise,
}

REGISTRY: dict[str, Check] = registry([check for family in FAMILIES.values() for check in family.CHECKS])


class CheckedRules(Protocol):
    """What `run_checks` reads of a rule pack (a `dataaudit.rules.model.RulePack`): its `checks`
    section, one sub-section per family. Typed by shape because the rule pack is built from the
    families' sections, so the rules layer sits above the checks and this package must not import it."""

    @property
    def checks(self) -> Any: ...


def statistics_needed(rules: CheckedRules, kind: str) -> frozenset[str]:
    """The profile statistics beyond the base pass that the checks applying to `kind` and
    switched on in `rules` read. The audit keeps the quantile sketch exactly when this names it;
    the split comparison, the text profile and the label model also need the input or a flag
    that asks for them (`--split`, a JSONL file or `--text-column`, `--label-noise`), and the
    checks reading them skip, saying so, without."""
    return frozenset().union(*(c.needs for c in REGISTRY.values()
                               if kind in c.applies_to and c.enabled(rules.checks)))


def run_checks(profile: Profile, rules: CheckedRules,
               kind: str = TABLE) -> tuple[list[Finding], list[CheckStatus]]:
    """All findings, most severe first, and the status of every check; a check that does not
    apply to the input `kind` ("table", "splits", "text_file") is skipped saying so."""
    if kind not in KINDS:
        raise ValueError(f"input kind {kind!r} is none of {', '.join(KINDS)}")
    target_is = target_family.target_kind(profile, rules.checks.target)
    results = Results(classes=target_is.kind == CLASSES)
    for name, family in FAMILIES.items():
        if any(kind in check.applies_to for check in family.CHECKS):
            family.run(profile, getattr(rules.checks, name), results)

    def judged(check: Check) -> bool:
        return kind in check.applies_to and check.target in (None, target_is.kind)

    findings = sorted((f for f in results.findings if judged(REGISTRY[f.check])),
                      key=lambda f: (-f.severity.rank, f.check, f.column or ""))
    worst: dict[str, Finding] = {}
    for finding in findings:
        worst.setdefault(finding.check, finding)
    statuses = []
    for check in REGISTRY.values():
        if kind not in check.applies_to:
            status, reason = "skipped", check.not_applicable(kind)
        elif not judged(check) and target_is.kind is not None:
            status, reason = "skipped", check.other_target(target_is.reason)
        elif check.needs and not check.enabled(rules.checks):  # its statistics were not computed either
            status, reason = "skipped", check.switched_off()
        elif check.id in worst:
            status, reason = worst[check.id].severity.value, None
        elif check.id in results.skipped:
            status, reason = "skipped", results.skipped[check.id]
        elif not check.enabled(rules.checks):  # it found nothing because it looked for nothing
            status, reason = "skipped", check.switched_off()
        else:
            status, reason = "passed", None
        statuses.append(CheckStatus(check.id, check.description, status, reason))
    return findings, statuses
