"""dataaudit: audit a machine-learning dataset before training on it.

    >>> import dataaudit
    >>> report = dataaudit.audit("train.csv", target="label")
    >>> report.passed, report.findings
    >>> report.raise_for_gate()
    >>> result = dataaudit.clean("train.csv", target="label")   # result.data, .quarantine, .manifest

Heavy modules (pyarrow, pandas) load on first use, so importing dataaudit stays instant.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dataaudit.errors import AuditFailed, DataAuditError, InputError, LargeQuarantine, RulesError
from dataaudit.version import __version__

__all__ = [
    "AuditFailed",
    "CleanResult",
    "Cleaner",
    "DataAuditError",
    "Finding",
    "InputError",
    "LargeQuarantine",
    "Report",
    "RulesError",
    "Severity",
    "__version__",
    "audit",
    "clean",
]

if TYPE_CHECKING:
    from dataaudit.api import audit
    from dataaudit.preprocess.clean import CleanResult, clean
    from dataaudit.preprocess.cleaner import Cleaner
    from dataaudit.report.model import Finding, Report, Severity

_LAZY = {
    "audit": ("dataaudit.api", "audit"),
    "Report": ("dataaudit.report.model", "Report"),
    "Finding": ("dataaudit.report.model", "Finding"),
    "Severity": ("dataaudit.report.model", "Severity"),
    "clean": ("dataaudit.preprocess.clean", "clean"),
    "CleanResult": ("dataaudit.preprocess.clean", "CleanResult"),
    "Cleaner": ("dataaudit.preprocess.cleaner", "Cleaner"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")
