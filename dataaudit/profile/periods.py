"""Rows, labels and feature values counted per month of the time column, in the one pass.

Labels whose shares move from year to year, or a feature that means something else after a
date, hide in a file's totals; they show when the file is read period by period. The pass
cannot know the periods before it has seen the span of the dates (a file need not be in time
order), so it counts by calendar month, the finest period, and `extract_periods` sums the
months into the periods chosen at the end. Summing is exact, so the periods are the same
whatever the chunking, the order of the chunks or the number of workers.

Per month the pass keeps: the rows; the rows per label (by value hash); for every feature
column with at most `TimeSpec.max_values` distinct values (over the whole file), the rows per
value; and for every numeric feature column the rows per logarithmic bucket of its numbers
(`numeric_buckets`: every number within 2% of its bucket's value, as DDSketch keeps them). A
quantile sketch such as KLL would be smaller, but it compacts at random, and periods compared
by it would differ from one run to the next; bucket counts sum exactly and give the same
percentiles every time. Months are those of 1800 to 2100, so at most 3,612 are kept, whatever
the file's size; a numeric column whose (month, bucket) cells pass `MAX_BUCKET_CELLS` is no
longer followed (and named in the report); at most `MAX_PERIODS` periods are reported.

The period is a month, a quarter, a year, or 2, 5, 10 or 25 years: with `TimeSpec.period` the one
asked for (widened when it would give more than `MAX_PERIODS` periods), else the shortest whose
periods hold `TimeSpec.min_period_rows` rows on average and number from 2 to `MAX_PERIODS`
(a year column's shortest is a year). Periods start on calendar boundaries (quarters in
January, April, July and October; 5-year periods in 1985, 1990, ...); a period without rows is
left out.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from dataaudit.profile.quantiles import GRID
from dataaudit.profile.time_like import YEARS, TimeSpec, months

MAX_PERIODS = 60
#: Distinct (month, bucket) cells a numeric column may fill before it is no longer followed.
MAX_BUCKET_CELLS = 100_000
#: Each bucket holds the numbers within 2% of its value: buckets are powers of GAMMA.
ACCURACY = 0.02
GAMMA = (1 + ACCURACY) / (1 - ACCURACY)
#: Numbers closer to 0 than this fall in bucket 0, the bucket of zero.
TINY = 1e-9
_BIAS = math.ceil(-math.log(TINY) / math.log(GAMMA)) + 1
#: Period sizes in months, shortest first, as the report names them.
SIZES: dict[str, int] = {"month": 1, "quarter": 3, "year": 12, "2 years": 24, "5 years": 60, "10 years": 120,
                         "25 years": 300}
#: The sizes `--period` may ask for.
ASKED = ("year", "quarter", "month")
MISSING_VALUE = "(missing)"


@dataclass
class PeriodsPartial:
    """The per-month counts of some rows; `merged` combines two disjoint row sets."""

    spec: TimeSpec
    features: tuple[str, ...]
    target: str | None
    rows: Counter = field(default_factory=Counter)  # month -> rows
    undated: int = 0
    labels: Counter = field(default_factory=Counter)  # (month, label hash) -> rows
    values: dict[str, Counter | None] = field(default_factory=dict)  # column -> (month, value hash) -> rows
    names: dict[str, dict[int, str]] = field(default_factory=dict)  # column -> value hash -> value as written
    numbers: dict[str, Counter | None] = field(default_factory=dict)  # column -> (month, bucket) -> rows

    def __post_init__(self) -> None:
        for column in self.features:
            self.values.setdefault(column, Counter())
            self.names.setdefault(column, {})
            self.numbers.setdefault(column, Counter())

    def add(self, batch: pa.RecordBatch, hashes: dict[str, np.ndarray]) -> None:
        """Count one chunk, given each column's per-row value hashes from the profile's pass."""
        month = months(batch.column(self.spec.column.name), self.spec.column)
        dated = np.flatnonzero(month >= 0)
        self.undated += len(month) - len(dated)
        month = month[dated]
        self.rows.update(dict(zip(*(a.tolist() for a in np.unique(month, return_counts=True)), strict=True)))
        if self.target in hashes:
            self.labels.update(_pair_counts(month, hashes[self.target][dated]))
        for column in self.features:
            array = batch.column(column)
            self._add_values(column, array, month, dated, hashes[column][dated])
            self._add_numbers(column, array, month, dated)

    def _add_values(self, column: str, array: pa.Array, month: np.ndarray, dated: np.ndarray,
                    hashes: np.ndarray) -> None:
        counts = self.values[column]
        if counts is None:
            return
        distinct, first = np.unique(hashes, return_index=True)
        names = self.names[column]
        if len(distinct) > self.spec.max_values or len(names.keys() | set(distinct.tolist())) > self.spec.max_values:
            self.values[column], self.names[column] = None, {}
            return
        for value, row in zip(distinct.tolist(), dated[first].tolist(), strict=True):
            names.setdefault(value, _written(array[row].as_py()))
        counts.update(_pair_counts(month, hashes))

    def _add_numbers(self, column: str, array: pa.Array, month: np.ndarray, dated: np.ndarray) -> None:
        counts = self.numbers[column]
        numbers = _numbers(array)
        if counts is None or numbers is None:
            return
        numbers = numbers[dated]
        valid = ~np.isnan(numbers)
        counts.update(_pair_counts(month[valid], numeric_buckets(numbers[valid])))
        if len(counts) > MAX_BUCKET_CELLS:
            self.numbers[column] = None

    def merged(self, other: PeriodsPartial) -> PeriodsPartial:
        values: dict[str, Counter | None] = {}
        names: dict[str, dict[int, str]] = {}
        for column in self.features:
            mine, theirs = self.values[column], other.values[column]
            both = {**other.names[column], **self.names[column]}
            too_many = mine is None or theirs is None or len(both) > self.spec.max_values
            values[column], names[column] = (None, {}) if too_many else (mine + theirs, both)
        numbers: dict[str, Counter | None] = {}
        for column in self.features:
            mine_numbers, their_numbers = self.numbers[column], other.numbers[column]
            summed = None if mine_numbers is None or their_numbers is None else mine_numbers + their_numbers
            numbers[column] = summed if summed is None or len(summed) <= MAX_BUCKET_CELLS else None
        return PeriodsPartial(self.spec, self.features, self.target, self.rows + other.rows,
                              self.undated + other.undated, self.labels + other.labels, values, names, numbers)


def _pair_counts(month: np.ndarray, keys: np.ndarray) -> dict[tuple[int, int], int]:
    if not month.size:
        return {}
    counts = pd.DataFrame({"month": month, "key": keys}, copy=False).value_counts(sort=False)
    pairs = zip(counts.index.get_level_values(0).tolist(), counts.index.get_level_values(1).tolist(), strict=True)
    return dict(zip(pairs, counts.tolist(), strict=True))


def _written(value: Any) -> str:
    if value is None:
        return MISSING_VALUE
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _numbers(array: pa.Array) -> np.ndarray | None:
    """The cells as numbers (NaN where a cell is none), or None for a column of another type."""
    if pa.types.is_integer(array.type) or pa.types.is_floating(array.type):
        return pd.Series(array.to_pandas(), copy=False).to_numpy(dtype=np.float64, na_value=np.nan)
    if pa.types.is_string(array.type) or pa.types.is_large_string(array.type):
        return pd.to_numeric(pd.Series(array.to_pandas(), copy=False), errors="coerce").to_numpy(dtype=np.float64)
    return None


def numeric_buckets(numbers: np.ndarray) -> np.ndarray:
    """Each number's logarithmic bucket: 0 for zero, k > 0 for a positive number in
    (GAMMA^(k - BIAS - 1), GAMMA^(k - BIAS)], -k for its negative; buckets sort as their numbers do."""
    size = np.abs(numbers)
    index = np.ceil(np.log(np.maximum(size, TINY)) / math.log(GAMMA)) + _BIAS
    return (np.sign(numbers) * np.where(size < TINY, 0, index)).astype(np.int64)


def bucket_values(buckets: np.ndarray) -> np.ndarray:
    """The value each bucket stands for, within `ACCURACY` of every number in it."""
    size = 2 * GAMMA ** (np.abs(buckets) - _BIAS) / (1 + GAMMA)
    return np.where(buckets == 0, 0.0, np.sign(buckets) * size)


def bucket_percentiles(counts: dict[int, int]) -> list[float]:
    """The values at ranks 0, 0.01, ..., 1 of the numbers counted per bucket (the smallest whose
    rank reaches each point, as `QuantileSketch.percentiles` reads them)."""
    buckets = np.array(sorted(counts), dtype=np.int64)
    cumulative = np.cumsum([counts[b] for b in buckets.tolist()])
    at = np.searchsorted(cumulative, np.maximum(GRID * cumulative[-1], 1), side="left")
    return [float(x) for x in bucket_values(buckets[np.minimum(at, buckets.size - 1)])]


# --------------------------------------------------------------------------- extract
@dataclass(frozen=True)
class Period:
    """One period: its name, first day, rows, rows per class and per value of each counted
    column, and per numeric column its count and percentiles, and those of all other periods
    (read off the bucket counts: within 2% of the numbers' own)."""

    name: str
    start: str
    rows: int
    classes: dict[str, int]
    categories: dict[str, dict[str, int]]
    numbers: dict[str, int]
    percentiles: dict[str, list[float]]
    rest_numbers: dict[str, int]
    rest_percentiles: dict[str, list[float]]


@dataclass(frozen=True)
class PeriodProfile:
    """The file read period by period. `skipped` says why there are no periods; `size` is the
    period chosen; `note` says how it was chosen; `not_compared` the feature columns neither
    counted by value nor numeric, with why. The comparison of each period with the rest of the
    file (`label_shift`, `drift`) is attached by `dataaudit.splits.periods`."""

    column: str
    reason: str
    size: str | None
    note: str
    dated: int
    undated: int
    periods: list[Period]
    not_compared: dict[str, str]
    skipped: str | None = None
    label_shift: list[Any] = field(default_factory=list)  # dataaudit.profile.splits.LabelShift, per period
    drift: list[Any] = field(default_factory=list)  # dataaudit.profile.splits.Drift, per column and period


def extract_periods(partial: PeriodsPartial, class_of: dict[int, str], numeric: set[str]) -> PeriodProfile:
    """The periods of the file. `class_of` maps a label's value hash to its class (spellings
    merged; a hash it lacks is a missing label); `numeric` names the numeric feature columns."""
    spec = partial.spec
    dated = sum(partial.rows.values())
    size, note, skipped = choose_period(partial.rows, spec)
    not_compared = {c: f"more than {spec.max_values} distinct values and not numbers" if c not in numeric else
                    f"numbers too spread over time to follow (more than {MAX_BUCKET_CELLS:,} month and bucket cells)"
                    for c in partial.features if partial.values[c] is None
                    and (c not in numeric or partial.numbers[c] is None)}
    profile = PeriodProfile(spec.column.name, spec.column.reason, size, note, dated, partial.undated, [], not_compared,
                            skipped)
    if size is None:
        return profile
    start_of = {month: period_start(month, size) for month in partial.rows}
    starts = sorted(set(start_of.values()))
    classes = _grouped(partial.labels, start_of, class_of)
    categories = {c: _grouped(counts, start_of, partial.names[c]) for c, counts in partial.values.items()
                  if counts is not None}
    histograms = {c: _grouped_buckets(counts, start_of) for c in partial.features
                  if c in numeric and c not in categories and (counts := partial.numbers[c]) is not None}
    totals = {c: sum(h.values(), Counter()) for c, h in histograms.items()}
    periods = []
    for start in starts:
        own = {c: h[start] for c, h in histograms.items() if start in h}
        rest = {c: r for c, h in histograms.items() if (r := totals[c] - h.get(start, Counter()))}
        periods.append(Period(
            name=period_name(start, size), start=f"{start // 12:04d}-{start % 12 + 1:02d}-01",
            rows=sum(n for month, n in partial.rows.items() if start_of[month] == start),
            classes=classes.get(start, {}),
            categories={c: counts.get(start, {}) for c, counts in categories.items()},
            numbers={c: sum(h.values()) for c, h in own.items()},
            percentiles={c: bucket_percentiles(h) for c, h in own.items()},
            rest_numbers={c: sum(h.values()) for c, h in rest.items()},
            rest_percentiles={c: bucket_percentiles(h) for c, h in rest.items()},
        ))
    return PeriodProfile(spec.column.name, spec.column.reason, size, note, dated, partial.undated, periods,
                         not_compared)


def choose_period(rows: Counter, spec: TimeSpec) -> tuple[str | None, str, str | None]:
    """The period size, how it was chosen, and why there are no periods (None when there are)."""
    dated = sum(rows.values())
    sizes = list(SIZES)
    if spec.column.kind == YEARS:
        sizes = sizes[sizes.index("year"):]
    counts = {size: len({period_start(m, size) for m in rows}) for size in sizes}
    if spec.period is not None:
        fitting = [s for s in sizes[sizes.index(spec.period):] if counts[s] <= MAX_PERIODS]
        size = fitting[0] if fitting else sizes[-1]
        note = f"{spec.period} as asked" if size == spec.period else (
            f"{size}: a {spec.period} gives {counts[spec.period]:,} periods, more than {MAX_PERIODS}")
        if counts[size] < 2:
            return None, note, f"all {dated:,} dated rows fall in one {size}"
        return size, note, None
    for size in sizes:
        if 2 <= counts[size] <= MAX_PERIODS and dated / counts[size] >= spec.min_period_rows:
            return size, f"{size}: the shortest period holding {spec.min_period_rows:,} rows on average", None
    return None, "", (f"{dated:,} dated rows cannot be cut into 2 to {MAX_PERIODS} periods of "
                      f"{spec.min_period_rows:,} rows on average (checks.time.min_period_rows)")


def period_start(month: int, size: str) -> int:
    """The first month of the period of `size` that `month` falls in."""
    length = SIZES[size]
    if length < 12:
        return month // length * length
    years = length // 12
    return month // 12 // years * years * 12


def period_name(start: int, size: str) -> str:
    year, month = divmod(start, 12)
    if size == "month":
        return f"{year}-{month + 1:02d}"
    if size == "quarter":
        return f"{year}-Q{month // 3 + 1}"
    if size == "year":
        return str(year)
    return f"{year}-{year + SIZES[size] // 12 - 1}"


def _grouped(counts: Counter, start_of: dict[int, int], name_of: dict[int, str]) -> dict[int, dict[str, int]]:
    """Per period start, the rows per name (keys without a name are left out), largest first."""
    out: dict[int, Counter] = {}
    for (month, key), n in counts.items():
        if key in name_of:
            out.setdefault(start_of[month], Counter())[name_of[key]] += n
    return {start: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for start, c in out.items()}


def _grouped_buckets(counts: Counter, start_of: dict[int, int]) -> dict[int, Counter]:
    """Per period start, the rows per bucket."""
    out: dict[int, Counter] = {}
    for (month, bucket), n in counts.items():
        out.setdefault(start_of[month], Counter())[bucket] += n
    return out
