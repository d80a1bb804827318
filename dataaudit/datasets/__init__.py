"""Datasets with known, exactly counted problems, to try an audit or a clean on (and to test one).

An auditor is only worth trusting if it finds what is there and nothing else; these generators
plant every kind of problem dataaudit looks for and return the ground truth, measured on the
data they produced (not taken from the planting bookkeeping, so overlaps stay exact). Same
arguments, same bytes. Named in scikit-learn's ``make_*`` style: ``make_*`` returns the data in
memory with its truth, ``write_*`` writes a file (format from its suffix) and returns the truth.

    >>> from dataaudit.datasets import make_dirty_classification
    >>> table, truth = make_dirty_classification(10_000, seed=0)
    >>> truth["exact_duplicate_rows"]["count"]
    100

The chat generator only writes a file: it streams lines to disk, so a million-line file never
sits in memory. Module constants (the columns, classes, injection rates, planted error kinds)
live in `dataaudit.datasets.classification` and `dataaudit.datasets.chat`, which also run as
``python -m`` commands.

Names resolve lazily (PEP 562): ``python -m dataaudit.datasets.classification`` imports its
module once, and importing this package costs nothing until a generator is used.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataaudit.datasets.chat import write_dirty_chat
    from dataaudit.datasets.classification import (
        NO_ISSUES,
        make_dirty_classification,
        make_dirty_splits,
        truth_path_for,
        write_dirty_classification,
        write_dirty_splits,
    )

_SOURCES = {
    "NO_ISSUES": "classification",
    "make_dirty_classification": "classification",
    "make_dirty_splits": "classification",
    "truth_path_for": "classification",
    "write_dirty_classification": "classification",
    "write_dirty_splits": "classification",
    "write_dirty_chat": "chat",
}

__all__ = [
    "NO_ISSUES",
    "make_dirty_classification",
    "make_dirty_splits",
    "truth_path_for",
    "write_dirty_chat",
    "write_dirty_classification",
    "write_dirty_splits",
]


def __getattr__(name: str) -> Any:
    if name in _SOURCES:
        import importlib

        return getattr(importlib.import_module(f"{__name__}.{_SOURCES[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *__all__})
