"""A mergeable quantile sketch of a numeric column (Apache DataSketches' KLL).

Why KLL: its size is bounded (a few KiB per column whatever the row count), two sketches of
disjoint rows merge into a sketch of their union, and its rank error is known in advance
(about 1.3% for k=200, at 99% confidence). While a sketch has seen at most k values it keeps
them all and answers exactly, so small datasets get exact quantiles however they were chunked;
past that, compaction keeps a random half of a level, and two runs over the same data may
differ by up to that error.
"""

from __future__ import annotations

import numpy as np

K = 200
#: Quantiles a profile keeps: every percentile, minimum and maximum included.
GRID = np.linspace(0.0, 1.0, 101)


class QuantileSketch:
    """A KLL sketch of doubles that can be pickled (for worker processes) and merged."""

    __slots__ = ("_sketch",)

    def __init__(self, k: int = K) -> None:
        from datasketches import kll_doubles_sketch

        self._sketch = kll_doubles_sketch(k)

    @property
    def n(self) -> int:
        return int(self._sketch.n)

    def update(self, values: np.ndarray) -> None:
        if values.size:
            self._sketch.update(np.ascontiguousarray(values, dtype=np.float64))

    def merged(self, other: QuantileSketch) -> QuantileSketch:
        """A new sketch of both row sets; neither input changes."""
        out = QuantileSketch.from_bytes(self.to_bytes())
        out._sketch.merge(other._sketch)
        return out

    def percentiles(self) -> list[float]:
        """The values at ranks 0, 0.01, ..., 1 (inclusive ranks: the smallest value whose rank
        reaches each point), the minimum and maximum exact."""
        if self._sketch.is_empty():
            return []
        values = [float(q) + 0.0 for q in self._sketch.get_quantiles(GRID.tolist(), True)]
        # rank 0 and 1 of a compacted sketch are retained items, not the extremes it tracks exactly
        values[0], values[-1] = float(self._sketch.get_min_value()) + 0.0, float(self._sketch.get_max_value()) + 0.0
        return values

    def normalized_rank_error(self) -> float:
        return float(self._sketch.normalized_rank_error(False))

    def to_bytes(self) -> bytes:
        return bytes(self._sketch.serialize())

    @classmethod
    def from_bytes(cls, data: bytes) -> QuantileSketch:
        from datasketches import kll_doubles_sketch

        out = cls.__new__(cls)
        out._sketch = kll_doubles_sketch.deserialize(data)
        return out

    def __getstate__(self) -> bytes:
        return self.to_bytes()

    def __setstate__(self, state: bytes) -> None:
        from datasketches import kll_doubles_sketch

        self._sketch = kll_doubles_sketch.deserialize(state)


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
    step = np.where(hi > lo, (points[inside] - lo) / np.where(hi > lo, hi - lo, 1.0), 0.0)
    out[inside] = ranks[i - 1] + step * (ranks[i] - ranks[i - 1])
    return out
