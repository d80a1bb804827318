"""dataaudit: audit a machine-learning dataset before training on it.

    >>> import dataaudit
    >>> report = dataaudit.audit("train.csv", target="label")
    >>> report.passed, report.findings
    >>> report.raise_for_gate()
    >>> result = dataaudit.clean("train.csv", target="label")   # result.data, .quarantine, .manifest
    >>> gate = dataaudit.AuditGate(target="label")   # a scikit-learn step that audits in fit

Heavy modules (pyarrow, pandas, scikit-learn) load on first use of a name that needs them, so
importing dataaudit stays instant and a command that never fits a model never loads
scikit-learn. The names are resolved through a map of strings (PEP 562), not imported here: the
package root sits above every layer and must not tie them together. Generated data with known
problems to try it on: `dataaudit.datasets`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from dataaudit.errors import (
    AuditFailed,
    DataAuditError,
    InputError,
    LargeQuarantine,
    OutputError,
    RulesError,
    WorkerLost,
)
from dataaudit.version import __version__

__all__ = [
    "AuditFailed",
    "AuditGate",
    "CleanResult",
    "Cleaner",
    "DataAuditError",
    "Finding",
    "InputError",
    "LargeQuarantine",
    "OutputError",
    "Report",
    "RulesError",
    "Severity",
    "WorkerLost",
    "__version__",
    "audit",
    "clean",
]

if TYPE_CHECKING:
    from dataaudit.api import audit
    from dataaudit.preprocess.clean import CleanResult, clean
    from dataaudit.preprocess.cleaner import Cleaner
    from dataaudit.report.model import Finding, Report, Severity
    from dataaudit.sklearn import AuditGate

_LAZY = {
    "audit": ("dataaudit.api", "audit"),
    "Report": ("dataaudit.report.model", "Report"),
    "Finding": ("dataaudit.report.model", "Finding"),
    "Severity": ("dataaudit.report.model", "Severity"),
    "clean": ("dataaudit.preprocess.clean", "clean"),
    "CleanResult": ("dataaudit.preprocess.clean", "CleanResult"),
    "Cleaner": ("dataaudit.preprocess.cleaner", "Cleaner"),
    "AuditGate": ("dataaudit.sklearn", "AuditGate"),
}


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        import importlib

        module, attr = _LAZY[name]
        return getattr(importlib.import_module(module), attr)
    raise AttributeError(f"module 'dataaudit' has no attribute {name!r}")


def __dir__() -> list[str]:
    """The lazy names too, so completion in a shell or notebook offers them before first use."""
    return sorted({*globals(), *__all__})
