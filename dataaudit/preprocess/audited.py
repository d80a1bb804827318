"""The row identities the clean's first audit already hashed, reused by its decide pass.

The audit hashes every row for duplicates (features, label, whole row); the decide pass needs
the same hashes of the cleaned rows. A row no value step rewrote is, cell for cell, the row the
audit hashed, so its identity is taken from the audit and only the rewritten rows are hashed
again: the pass reads and cleans, but no longer hashes every cell a second time.

That is exact only where the audit's hash of a cell is the clean's (`rows.cell_hashes`): they
differ for a missing-value token spelled as a number (the audit hashes a token as text, the
clean a number as its value), so a rule pack with such a token is decided by hashing every row.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from dataaudit.profile import values as v
from dataaudit.profile.model import Profile
from dataaudit.profile.partial import PartialProfile


@dataclass
class AuditedRows:
    """Per row, in the order the rows are read, the hashes the audit folded for it."""

    whole: np.ndarray
    features: np.ndarray
    label: np.ndarray

    @classmethod
    def of(cls, partial: PartialProfile) -> AuditedRows:
        """The partial's bucketed hashes (in memory or spilled) laid out in row order."""
        n = partial.n_rows
        out = cls(np.zeros(n, np.uint64), np.zeros(n, np.uint64), np.zeros(n, np.uint64))
        for part in partial.rows.hashes.buckets_read():
            rows = part["row"]
            out.whole[rows], out.features[rows], out.label[rows] = part["whole"], part["features"], part["label"]
        return out

    @property
    def rows(self) -> int:
        return len(self.whole)

    def slice(self, offset: int, n: int) -> AuditedRows:
        """The rows of one chunk, as views: what is written into them lands in these arrays."""
        end = offset + n
        return AuditedRows(self.whole[offset:end], self.features[offset:end], self.label[offset:end])


class AuditedRowsKept:
    """The engine's `on_profiled` hook of the first audit: keeps its row hashes."""

    def __init__(self) -> None:
        self.rows: AuditedRows | None = None

    def __call__(self, partial: PartialProfile) -> None:
        self.rows = AuditedRows.of(partial)

    def reusable(self, profile: Profile, tokens: list[str]) -> AuditedRows | None:
        """The hashes, when every cell hashed alike by audit and clean: no token (of the rule
        pack, or found by the audit) is spelled as a number. Taken out: the caller frees them."""
        rows, self.rows = self.rows, None
        found = (token for column in profile.columns for token in column.tokens)
        if rows is None or any(v.looks_numeric(token) for token in (*tokens, *found)):
            return None
        return rows
