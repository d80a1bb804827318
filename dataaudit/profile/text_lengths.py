"""Length distributions that merge exactly: counts in fixed logarithmic bins.

Eight bins per doubling put every length within 9% of its bin's lower edge, so quantiles read
from the bins are that close to the true ones, while min, max, count and mean stay exact. Fixed
bins merge by adding counts: the result never depends on how the file was cut into chunks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

BINS_PER_DOUBLING = 8
_BINS = 2 + BINS_PER_DOUBLING * 48
QUANTILES = (0.5, 0.9, 0.99)


def _bin_of(values: np.ndarray) -> np.ndarray:
    out = np.zeros(values.shape, dtype=np.int64)
    positive = values > 0
    out[positive] = 1 + np.floor(np.log2(values[positive].astype(np.float64)) * BINS_PER_DOUBLING).astype(np.int64)
    return np.minimum(out, _BINS - 1)


def _lower_edge(bin_index: int) -> int:
    return 0 if bin_index == 0 else int(np.ceil(2.0 ** ((bin_index - 1) / BINS_PER_DOUBLING)))


@dataclass(frozen=True)
class LengthSummary:
    """`p50`, `p90`, `p99` are bin lower edges (within 9% below the true quantile, clamped to
    [min, max]); the rest is exact."""

    count: int
    min: int
    max: int
    mean: float
    p50: int
    p90: int
    p99: int


@dataclass
class LengthHistogram:
    counts: np.ndarray = field(default_factory=lambda: np.zeros(_BINS, dtype=np.int64))
    total: int = 0
    low: int | None = None
    high: int | None = None

    def add(self, values: np.ndarray) -> None:
        if values.size == 0:
            return
        self.counts += np.bincount(_bin_of(values), minlength=_BINS)
        self.total += int(values.sum())
        low, high = int(values.min()), int(values.max())
        self.low = low if self.low is None else min(self.low, low)
        self.high = high if self.high is None else max(self.high, high)

    def merged(self, other: LengthHistogram) -> LengthHistogram:
        lows = [v for v in (self.low, other.low) if v is not None]
        highs = [v for v in (self.high, other.high) if v is not None]
        return LengthHistogram(self.counts + other.counts, self.total + other.total,
                               min(lows) if lows else None, max(highs) if highs else None)

    def summary(self) -> LengthSummary:
        n = int(self.counts.sum())
        if not n:
            return LengthSummary(0, 0, 0, 0.0, 0, 0, 0)
        assert self.low is not None and self.high is not None
        cumulative = np.cumsum(self.counts)
        p50, p90, p99 = (
            min(max(_lower_edge(int(np.searchsorted(cumulative, q * n))), self.low), self.high) for q in QUANTILES
        )
        return LengthSummary(n, self.low, self.high, round(self.total / n, 3), p50, p90, p99)
