"""Test and benchmark helpers: a synthetic dataset with an exact ground truth.

Names are re-exported lazily (PEP 562) so that
``python -m dataaudit.testing.synthetic`` does not import the module twice.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from dataaudit.testing.synthetic import (
        CLASSES,
        COLUMNS,
        FEATURE_COLUMNS,
        RATES,
        compute_truth,
        generate,
        truth_path_for,
        write,
    )

__all__ = [
    "CLASSES",
    "COLUMNS",
    "FEATURE_COLUMNS",
    "RATES",
    "compute_truth",
    "generate",
    "truth_path_for",
    "write",
]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from dataaudit.testing import synthetic

        return getattr(synthetic, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
