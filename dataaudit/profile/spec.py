"""What the one pass over the data must know before it starts.

The spec is fixed for a whole audit and identical on every worker, so partial profiles built
from different chunks (or on different machines) describe the same quantities and can merge.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol

import pyarrow as pa

from dataaudit.profile.sample import SampleSpec
from dataaudit.profile.spill import DEFAULT_MEMORY_BUDGET
from dataaudit.profile.text import TextProfile

if TYPE_CHECKING:
    from dataaudit.profile.time_like import TimeSpec

#: `\N` is how MySQL's `SELECT ... INTO OUTFILE` and PostgreSQL's `COPY` write a NULL
DEFAULT_MISSING_TOKENS = ("", "?", "NA", "N/A", "null", "None", "nan", "\\N")


class TextColumnAccumulator(Protocol):
    """The text audit of one text column, run in the table's pass (made by the text layer,
    which sits above the profile): fed the same batches, merged alike, extracted at the end."""

    def add(self, batch: pa.RecordBatch, offset: int) -> object: ...

    def merged(self, other: Any) -> Any: ...

    def near_texts(self) -> list[Any]: ...

    def extract(self) -> TextProfile: ...


@dataclass(frozen=True)
class ProfileSpec:
    """Roles of the columns and how missing values are recognised.

    `tokens` are compared after trimming whitespace (so a whitespace-only cell matches `""`)
    and, unless `case_sensitive`, after lower-casing. `sentinels` are numeric values that stand
    for "missing" only where a rule pack lists them. `quantiles` keeps a quantile sketch of every
    numeric column (comparing splits needs it; a single audit skips its cost).
    """

    target: str | None = None
    ignored: tuple[str, ...] = ()
    tokens: tuple[str, ...] = DEFAULT_MISSING_TOKENS
    case_sensitive: bool = False
    sentinels: tuple[float, ...] = ()
    examples: int = 20
    max_tracked_values: int = 1000
    max_tracked_labels: int = 10_000
    quantiles: bool = False
    ignore_reasons: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    sample: SampleSpec | None = None  # rows kept for model-based label checks; None: none kept
    # one maker per text column (`--text-column`), each picklable for worker processes
    texts: tuple[Callable[[], TextColumnAccumulator], ...] = field(default=(), compare=False, hash=False)
    # columns whose rows are counted per value (`dataaudit.profile.groups`), each with why it is judged
    groups: tuple[str, ...] = ()
    group_reasons: dict[str, str] = field(default_factory=dict, compare=False, hash=False)
    time: TimeSpec | None = None  # the time column whose periods are counted; None: none
    # ignored columns found id-like, kept in the row sample all the same: whether their order
    # gives the label away is the shortcut check's question (`dataaudit.shortcuts`)
    ids: tuple[str, ...] = ()
    # ignored columns that name a thing rather than a row (a patient id over visits): left out
    # as features but kept in the rows' identity, since identical rows of two patients are two
    # records, not a duplicate, and are no conflict either
    keys: tuple[str, ...] = ()
    # bytes of row hashes held in memory for duplicates and conflicts; past it they spill to files
    memory_budget: int = DEFAULT_MEMORY_BUDGET

    def role(self, column: str) -> str:
        if column == self.target:
            return "target"
        if column in self.ignored:
            return "ignored"
        return "feature"

    def sampled(self, column: str) -> bool:
        """Whether the row sample keeps the column: every feature and the target, and the ids."""
        return self.role(column) != "ignored" or column in self.ids

    @property
    def folded_tokens(self) -> tuple[str, ...]:
        tokens = (t.strip() for t in self.tokens)
        return tuple(tokens if self.case_sensitive else (t.lower() for t in tokens))
