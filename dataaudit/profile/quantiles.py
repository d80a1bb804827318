"""A mergeable quantile sketch of a numeric column: KLL (Karnin, Lang and Liberty), with
deterministic compaction.

Why KLL: its size is bounded (a few KiB per column whatever the row count), two sketches of
disjoint rows merge into a sketch of their union, and its rank error is known in advance
(about 1.3% for k=200, at 99% confidence). While a sketch has seen at most k values it keeps
them all and answers exactly, so small datasets get exact quantiles however they were chunked.

Past k values a compaction keeps every other value of a sorted level, starting at the first or
the second. KLL draws that choice at random; here it is a splitmix64 hash of the sketch's seed
(from the column's name), the number of values the sketch has seen and the level, so the same
values in the same chunks, merged in the same order, give the same sketch and the same
percentiles on every run. A chunk's values are sketched apart and merged into the running
sketch, which is what merging a worker's partial does: `--jobs N` (chunks merged in file order)
gives the percentiles of `--jobs 1`. The percentiles do depend on the chunking (another chunk
size compacts other values), within the rank error.
"""

from __future__ import annotations

import zlib

import numpy as np

K = 200
#: Quantiles a profile keeps: every percentile, minimum and maximum included.
GRID = np.linspace(0.0, 1.0, 101)
_MIN_WIDTH = 8  # the smallest capacity of a level
_MASK = (1 << 64) - 1


def _capacity(k: int, levels: int, level: int) -> int:
    """KLL's capacity of `level` in a sketch of `levels` levels: k x (2/3)^depth, at least 8."""
    depth = levels - level - 1
    return max(_MIN_WIDTH, round(k * (2.0 / 3.0) ** depth))


def _coin(seed: int, n: int, level: int) -> int:
    """0 or 1: a splitmix64 bit of (seed, values seen, level)."""
    z = (seed + n * 0x9E3779B97F4A7C15 + (level + 1) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & _MASK
    z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & _MASK
    return (z ^ (z >> 31)) >> 63


def seed_of(name: str) -> int:
    """A column's sketch seed: the same for the column in every run, process and split."""
    return zlib.crc32(name.encode("utf-8", "surrogatepass"))


class QuantileSketch:
    """A KLL sketch of doubles that can be pickled (for worker processes) and merged.

    `levels[h]` holds sorted values that each stand for 2^h values seen."""

    __slots__ = ("k", "levels", "max", "min", "n", "seed")

    def __init__(self, k: int = K, seed: int = 0) -> None:
        self.k, self.seed, self.n = k, seed, 0
        self.min, self.max = float("inf"), float("-inf")
        self.levels: list[np.ndarray] = [np.empty(0, dtype=np.float64)]

    def update(self, values: np.ndarray) -> None:
        """Add a chunk's values: sketched on their own, then merged in (as a worker's chunk is)."""
        values = np.asarray(values, dtype=np.float64)
        values = values[~np.isnan(values)]
        if not values.size:
            return
        chunk = QuantileSketch(self.k, self.seed)
        chunk.n, chunk.min, chunk.max = int(values.size), float(values.min()), float(values.max())
        chunk.levels = [np.sort(values)]
        chunk._compress()
        self._absorb(chunk)

    def merged(self, other: QuantileSketch) -> QuantileSketch:
        """A new sketch of both row sets; neither input changes."""
        out = self.copy()
        out._absorb(other)
        return out

    def copy(self) -> QuantileSketch:
        out = QuantileSketch(self.k, self.seed)
        out.n, out.min, out.max, out.levels = self.n, self.min, self.max, list(self.levels)
        return out

    def _absorb(self, other: QuantileSketch) -> None:
        if not other.n:
            return
        if not self.n:
            self.n, self.min, self.max, self.levels = other.n, other.min, other.max, list(other.levels)
            return
        self.n += other.n
        self.min, self.max = min(self.min, other.min), max(self.max, other.max)
        depth = max(len(self.levels), len(other.levels))
        self.levels = [_merge_sorted(self._level(h), other._level(h)) for h in range(depth)]
        self._compress()

    def _level(self, h: int) -> np.ndarray:
        return self.levels[h] if h < len(self.levels) else np.empty(0, dtype=np.float64)

    def _total_capacity(self) -> int:
        return sum(_capacity(self.k, len(self.levels), h) for h in range(len(self.levels)))

    def _compress(self) -> None:
        """KLL's compression: from the bottom, while the sketch holds more than its capacity,
        halve every level at or past its own capacity into the level above (an odd value out
        stays); compacting the top level adds a level."""
        while sum(level.size for level in self.levels) > self._total_capacity():
            h = 0
            while h < len(self.levels):
                level = self.levels[h]
                held = sum(x.size for x in self.levels)
                if held > self._total_capacity() and level.size >= _capacity(self.k, len(self.levels), h):
                    odd = level.size % 2
                    promoted = level[odd + _coin(self.seed, self.n, h)::2]
                    self.levels[h] = level[:odd].copy()
                    if h + 1 == len(self.levels):
                        self.levels.append(np.empty(0, dtype=np.float64))
                    self.levels[h + 1] = _merge_sorted(self.levels[h + 1], promoted)
                h += 1

    def percentiles(self) -> list[float]:
        """The values at ranks 0, 0.01, ..., 1 (inclusive ranks: the smallest value whose rank
        reaches each point), the minimum and maximum exact."""
        if not self.n:
            return []
        values = np.concatenate(self.levels)
        weights = np.concatenate([np.full(level.size, 1 << h, dtype=np.int64) for h, level in enumerate(self.levels)])
        order = np.argsort(values, kind="stable")
        values, cumulative = values[order], np.cumsum(weights[order])
        at = np.searchsorted(cumulative, np.ceil(GRID * float(self.n)), side="left")
        out = [float(x) + 0.0 for x in values[np.minimum(at, values.size - 1)]]
        # rank 0 and 1 of a compacted sketch are retained items, not the extremes it tracks exactly
        out[0], out[-1] = self.min + 0.0, self.max + 0.0
        return out

    def normalized_rank_error(self) -> float:
        """KLL's rank error at 99% confidence for a single rank (DataSketches' formula)."""
        return 2.296 / self.k ** 0.9723

    def __getstate__(self) -> tuple:
        return self.k, self.seed, self.n, self.min, self.max, self.levels

    def __setstate__(self, state: tuple) -> None:
        self.k, self.seed, self.n, self.min, self.max, self.levels = state


def _merge_sorted(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    if not a.size:
        return b
    if not b.size:
        return a
    return np.sort(np.concatenate((a, b)), kind="stable")


def cdf_at(percentiles: list[float], points: np.ndarray) -> np.ndarray:
    """Share of values <= each point, read off a column's percentiles (0, 1, ..., 100).

    Between two percentiles the share is interpolated linearly; at a value many percentiles
    share (a discrete column), it is the highest of them, as a cumulative distribution is.
    """
    grid = np.asarray(percentiles, dtype=np.float64)
    ranks = np.linspace(0.0, 1.0, grid.size)
    right = np.searchsorted(grid, points, side="right")
    out = np.empty(points.shape, dtype=np.float64)
    below, above = right == 0, right >= grid.size
    out[below], out[above] = 0.0, 1.0
    inside = ~below & ~above
    i = right[inside]
    lo, hi = grid[i - 1], grid[i]
    with np.errstate(invalid="ignore"):  # two equal infinities: no width, and no step between them
        width = hi - lo
    # between two percentiles of which one is an infinity the share is not interpolated: the lower one's
    spread = (hi > lo) & np.isfinite(width)
    step = np.zeros(width.shape)
    step[spread] = (points[inside][spread] - lo[spread]) / width[spread]
    out[inside] = ranks[i - 1] + step * (ranks[i] - ranks[i - 1])
    return out
