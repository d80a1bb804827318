"""The public Python API: `audit(...) -> Report`."""

from dataaudit.runner import audit

__all__ = ["audit"]
