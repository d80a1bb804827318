"""Preference pairs in one pass: create, add a batch, merge, extract.

Per pair it keeps its line number, one 64-bit hash of (prompt, chosen, rejected) and the two
lengths in characters: 24 bytes a pair, so duplicates and the length ratio's exact percentiles
are resolved once, at extract, whichever worker read which chunk. Identical sides (the same text
but for blanks around it, which chat templates trim and a clean takes out), empty sides and
prompts that differ between the sides are counted as they are read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from dataaudit.profile.duplicates import repeat_pairs, repeats
from dataaudit.profile.finetune import RATIO_BINS, PairProfile
from dataaudit.profile.sketches import first_rows
from dataaudit.text.hashing import canonical, hashed
from dataaudit.text.validate import Pair

PERCENTILES = (10, 25, 50, 75, 90)


@dataclass
class Tally:
    """Lines counted, and the first of them in file order."""

    count: int = 0
    lines: list[int] = field(default_factory=list)

    def add(self, number: int, k: int) -> None:
        self.count += 1
        self.lines = first_rows(self.lines, [number], k)

    def merged(self, other: Tally, k: int) -> Tally:
        return Tally(self.count + other.count, first_rows(self.lines, other.lines, k))


@dataclass
class PairPartial:
    identical: Tally = field(default_factory=Tally)
    empty_side: Tally = field(default_factory=Tally)
    prompt_differs: Tally = field(default_factory=Tally)
    numbers: list[np.ndarray] = field(default_factory=list)
    hashes: list[np.ndarray] = field(default_factory=list)
    chosen: list[np.ndarray] = field(default_factory=list)
    rejected: list[np.ndarray] = field(default_factory=list)

    def add(self, numbers: list[int], pairs: list[Pair], k: int) -> None:
        if not pairs:
            return
        for number, pair in zip(numbers, pairs, strict=True):
            if not pair.chosen.strip() or not pair.rejected.strip():
                self.empty_side.add(number, k)
            elif pair.chosen.strip() == pair.rejected.strip():  # blanks around are no signal: templates trim them
                self.identical.add(number, k)
            if pair.prompt_differs:
                self.prompt_differs.add(number, k)
        self.numbers.append(np.array(numbers, dtype=np.int64))
        self.hashes.append(hashed([canonical([("prompt", p.prompt), ("chosen", p.chosen), ("rejected", p.rejected)])
                                   for p in pairs]))
        self.chosen.append(np.fromiter((len(p.chosen) for p in pairs), dtype=np.int64, count=len(pairs)))
        self.rejected.append(np.fromiter((len(p.rejected) for p in pairs), dtype=np.int64, count=len(pairs)))

    def merged(self, other: PairPartial, k: int) -> PairPartial:
        tallies = {name: getattr(self, name).merged(getattr(other, name), k)
                   for name in ("identical", "empty_side", "prompt_differs")}
        arrays = {name: getattr(self, name) + getattr(other, name)
                  for name in ("numbers", "hashes", "chosen", "rejected")}
        return PairPartial(**tallies, **arrays)

    def extract(self, k: int) -> PairProfile | None:
        """The pairs' profile, None when the file held none."""
        if not self.numbers:
            return None
        numbers = np.concatenate(self.numbers)
        order = np.argsort(numbers, kind="stable")  # file order, whatever order the chunks merged in
        numbers, hashes = numbers[order], np.concatenate(self.hashes)[order]
        chosen, rejected = np.concatenate(self.chosen)[order], np.concatenate(self.rejected)[order]
        repeated = repeats(hashes)
        ratio = (chosen + 1) / (rejected + 1)  # +1: an empty side still has a ratio
        bins = np.searchsorted(np.array([bound for _, bound in RATIO_BINS]), ratio, side="right")
        bins[chosen == rejected] = 3
        counts = np.bincount(np.minimum(bins, len(RATIO_BINS) - 1), minlength=len(RATIO_BINS))
        return PairProfile(
            pairs=len(numbers),
            identical=self.identical.count,
            identical_lines=self.identical.lines,
            empty_side=self.empty_side.count,
            empty_side_lines=self.empty_side.lines,
            prompt_differs=self.prompt_differs.count,
            prompt_differs_lines=self.prompt_differs.lines,
            duplicates=int(repeated.sum()),
            duplicate_examples=repeat_pairs(numbers, hashes, repeated, k),
            chosen_longer=int((chosen > rejected).sum()),
            chosen_shorter=int((chosen < rejected).sum()),
            ratio_percentiles={f"p{q}": round(float(v), 3)
                               for q, v in zip(PERCENTILES, np.percentile(ratio, PERCENTILES), strict=True)},
            ratio_bins={label: int(n) for (label, _), n in zip(RATIO_BINS, counts, strict=True)},
        )
