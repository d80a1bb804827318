"""Distances between two distributions, and how large each is by chance alone.

Jensen-Shannon divergence is in bits (0 = identical, 1 = disjoint support), symmetric and
finite even where one split lacks a category. The population stability index (PSI) is the
symmetric Kullback-Leibler divergence over bins, with the usual thresholds (0.1 moderate,
0.25 major shift); a bin's share is taken as at least half a row of its sample (`share_floor`).
Both grow with sampling noise on small splits: `*_noise` is the value two samples of these sizes
from one distribution give on average (the chi-square approximation: (bins - 1) / effective
size), so a check can tell drift from chance.
"""

from __future__ import annotations

import math

import numpy as np

from dataaudit.profile.quantiles import cdf_at

#: floor for an empty bin's share in PSI, which would otherwise be infinite
PSI_EPSILON = 1e-4


def shares(counts: np.ndarray) -> np.ndarray:
    total = counts.sum()
    return counts / total if total else np.zeros_like(counts, dtype=np.float64)


def js_divergence(p: np.ndarray, q: np.ndarray) -> float:
    """Jensen-Shannon divergence of two share vectors over the same categories, in bits."""
    m = (p + q) / 2

    def kl(a: np.ndarray) -> float:
        mask = a > 0
        return float((a[mask] * np.log2(a[mask] / m[mask])).sum())

    return max(0.0, (kl(p) + kl(q)) / 2)


def share_floor(n: int) -> float:
    """The least share a bin of a sample of `n` rows is taken to hold: half a row, and never less
    than `PSI_EPSILON`. A sample of 20 rows leaves one of ten decile bins empty more often than
    not; floored at 1 in 10,000, each such bin alone added 0.69 to the PSI, past the fail level,
    and chance (`psi_noise`) does not foresee it. Twenty rows cannot tell a share below 1 in 40
    from none; large samples (5,000 rows and more) keep `PSI_EPSILON`."""
    return max(PSI_EPSILON, 0.5 / n) if n > 0 else PSI_EPSILON


def psi(p: np.ndarray, q: np.ndarray, n_p: int = 0, n_q: int = 0) -> float:
    """Population stability index of the split's shares `q` against the reference's `p`, shares
    of `n_q` and `n_p` rows (0: unknown, floored at `PSI_EPSILON`)."""
    a, b = np.maximum(p, share_floor(n_p)), np.maximum(q, share_floor(n_q))
    return max(0.0, float(((b - a) * np.log(b / a)).sum()))


def effective_size(n_a: int, n_b: int) -> float:
    return n_a * n_b / (n_a + n_b) if n_a and n_b else 0.0


def psi_noise(bins: int, n_a: int, n_b: int) -> float:
    n = effective_size(n_a, n_b)
    return (bins - 1) / n if n else math.inf


def js_noise(categories: int, n_a: int, n_b: int) -> float:
    n = effective_size(n_a, n_b)
    return (categories - 1) / (8 * n * math.log(2)) if n else math.inf


def bin_edges(percentiles: list[float], bins: int = 10) -> np.ndarray:
    """The reference's quantile cut points (deciles by default), repeated values merged.

    Where the reference's least value fills the lowest bin (a constant column, or zeros in a
    tenth of the rows or more), a cut just below it gives a split's smaller values a bin of their
    own: in (-inf, least] they would count as that least value, and a split of 5 where the
    reference is always 7, or of -1 where it holds 0, would not drift at all. Values above the
    reference's greatest already fall in a bin of their own, (last cut, inf)."""
    grid = np.asarray(percentiles, dtype=np.float64)
    cuts = np.unique(grid[np.linspace(0, grid.size - 1, bins + 1).round().astype(int)[1:-1]])
    least = grid[0]
    if cuts.size and cuts[0] == least and np.isfinite(least):
        cuts = np.concatenate(([np.nextafter(least, -np.inf)], cuts))
    return cuts


def bin_shares(percentiles: list[float], edges: np.ndarray) -> np.ndarray:
    """Shares of values in (-inf, e1], (e1, e2], ..., (ek, inf)."""
    cdf = np.concatenate(([0.0], cdf_at(percentiles, edges), [1.0]))
    return np.clip(np.diff(cdf), 0.0, 1.0)
