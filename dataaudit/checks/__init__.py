"""The check families and the function that runs them all on a profile.

Each family module declares `CHECKS` (stable id -> one-line description), a `Rules` section
model with its default levels, and a pure `run(profile, rules, results)`. Adding a family is
adding a module here; its section appears in rule packs under the same name.
"""

from __future__ import annotations

from types import ModuleType
from typing import TYPE_CHECKING, Any, Protocol

from dataaudit.checks import balance, columns, duplicates, label_noise, labels, missing, size, source, text
from dataaudit.checks import splits as splits_family
from dataaudit.checks.base import Results
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
    "splits": splits_family,
    "text": text,
    "label_noise": label_noise,
}


def _registry() -> dict[str, str]:
    registry: dict[str, str] = {}
    for family in FAMILIES.values():
        for check, description in family.CHECKS.items():
            if check in registry:
                raise RuntimeError(f"check id {check!r} is declared twice")
            registry[check] = description
    return registry


REGISTRY = _registry()


class CheckedRules(Protocol):
    """What `run_checks` reads of a rule pack (a `dataaudit.rules.model.RulePack`): its `checks`
    section, one sub-section per family. Typed by shape because the rule pack is built from the
    families' sections, so the rules layer sits above the checks and this package must not import it."""

    @property
    def checks(self) -> Any: ...


def run_checks(profile: Profile, rules: CheckedRules) -> tuple[list[Finding], list[CheckStatus]]:
    """All findings, most severe first, and the status of every check."""
    results = Results()
    for name, family in FAMILIES.items():
        family.run(profile, getattr(rules.checks, name), results)
    findings = sorted(results.findings, key=lambda f: (-f.severity.rank, f.check, f.column or ""))
    worst: dict[str, Finding] = {}
    for finding in findings:
        worst.setdefault(finding.check, finding)
    statuses = []
    for check, description in REGISTRY.items():
        if check in worst:
            status, reason = worst[check].severity.value, None
        elif check in results.skipped:
            status, reason = "skipped", results.skipped[check]
        else:
            status, reason = "passed", None
        statuses.append(CheckStatus(check, description, status, reason))
    return findings, statuses
