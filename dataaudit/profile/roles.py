"""Columns that are no features, found by themselves on a file's first rows: the one place a
detector of such a role plugs in.

Each detector reads the first rows (a `pa.Table`), the columns that are no candidates and the
folded missing-value tokens, and returns the columns it finds with the reason the report gives
(`IdColumn` for ids, `TimeLike` for dates, timestamps and years). The
planner leaves every column found out of the duplicate and conflict judgement, before the pass
starts, unless the caller keeps it (`--keep-column`); the first detector to claim a column
gives its reason.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Protocol

import pyarrow as pa

from dataaudit.profile.id_columns import IdColumn, id_like_columns
from dataaudit.profile.time_like import time_like_columns


class Found(Protocol):
    """What a detector says of a column it claims."""

    @property
    def reason(self) -> str: ...


Detector = Callable[[pa.Table, Collection[str], Collection[str]], dict[str, Found]]

#: times first: a column of distinct years is a time before it is a run of integers
DETECTORS: tuple[Detector, ...] = (time_like_columns, id_like_columns)


def detected_roles(rows: pa.Table, skip: Collection[str], missing: Collection[str] = ()) -> dict[str, Found]:
    """Every column some detector claims, in the detectors' order, each with what its first
    detector found."""
    found: dict[str, Found] = {}
    for detect in DETECTORS:
        for name, what in detect(rows, {*skip, *found}, missing).items():
            found.setdefault(name, what)
    return found


def repeating_ids(found: dict[str, Found]) -> list[str]:
    """The id-like columns among `found` whose values repeat in the first rows: the candidate
    groups (the rows of one patient, user or product)."""
    return [name for name, what in found.items() if isinstance(what, IdColumn) and what.repeats]
