"""Numbers in a target that look like placeholders, counted in the one pass with the range of the rest.

A feature column's sentinels are the numbers a rule pack lists (`missing_values.sentinels`),
counted apart and called missing only outside the range of the column's other numbers. A
target's placeholders are found the same way from a wider list of candidates, because a
target's stand-ins are written by whoever filled the file: the listed sentinels, `-1`, and any
number written only with nines (`99`, `999`, `9999`, `-99`, ...). The pass counts each
candidate with its first rows and keeps the smallest and largest of the other numbers, all of
which merge exactly; which candidates lie outside that range is decided once the pass is done.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from dataaudit.profile.sketches import first_rows

#: 99, 999, ..., 15 nines: the whole numbers a float64 still holds exactly
ALL_NINES = 10.0 ** np.arange(2, 16) - 1


def candidates(numbers: np.ndarray, listed: tuple[float, ...]) -> np.ndarray:
    """Which numbers could be placeholders: listed, `-1`, or all nines (at least two)."""
    return np.isin(numbers, listed) | (numbers == -1) | np.isin(np.abs(numbers), ALL_NINES)


@dataclass
class PlaceholderPartial:
    examples: int
    counts: Counter = field(default_factory=Counter)
    rows: dict[float, list[int]] = field(default_factory=dict)
    others_min: float = float("inf")
    others_max: float = float("-inf")

    def add(self, numbers: np.ndarray, present: np.ndarray, offset: int, listed: tuple[float, ...]) -> None:
        """Count one chunk: `numbers` per row, `present` False where a row has no number.
        Only the rows holding a number are looked at: a target of labels has none to test."""
        held = np.flatnonzero(present)
        if not held.size:
            return
        values = numbers[held]
        candidate = candidates(values, listed)
        others = values[~candidate]
        if others.size:
            self.others_min = min(self.others_min, float(others.min()))
            self.others_max = max(self.others_max, float(others.max()))
        found, rows = values[candidate], held[candidate]
        for value in np.unique(found):
            where = rows[found == value]  # in row order, as `held` is
            key = float(value) + 0.0
            self.counts[key] += int(where.size)
            self.rows[key] = first_rows(self.rows.get(key, []), (where[:self.examples] + offset).tolist(),
                                        self.examples)

    def merged(self, other: PlaceholderPartial) -> PlaceholderPartial:
        return PlaceholderPartial(
            self.examples, self.counts + other.counts,
            {key: first_rows(self.rows.get(key, []), other.rows.get(key, []), self.examples)
             for key in sorted(set(self.rows) | set(other.rows))},
            min(self.others_min, other.others_min), max(self.others_max, other.others_max),
        )
