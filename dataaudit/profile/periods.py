"""Rows, labels and feature values counted per month of the time column, in the one pass.

Labels whose shares move from year to year, or a feature that means something else after a
date, hide in a file's totals; they show when the file is read period by period. The pass
cannot know the periods before it has seen the span of the dates (a file need not be in time
order), so it counts by calendar month, the finest period, and `extract_periods` sums the
months into the periods chosen at the end. Summing is exact, so the periods are the same
whatever the chunking, the order of the chunks or the number of workers.

Per month the pass keeps: the rows; the rows per label (by value hash); for every feature
column with at most `TimeSpec.max_values` distinct values (over the whole file), the rows per
value; and for every numeric feature column a KLL quantile sketch of its numbers (see
`dataaudit.profile.quantiles` for its precision). Months are those of 1800 to 2100, so at most
3,612 are kept, whatever the file's size; at most `MAX_PERIODS` periods are reported.

The period is a month, a quarter, a year, or 2, 5, 10 or 25 years: with `TimeSpec.period` the one
asked for (widened when it would give more than `MAX_PERIODS` periods), else the shortest whose
periods hold `TimeSpec.min_period_rows` rows on average and number from 2 to `MAX_PERIODS`
(a year column's shortest is a year). Periods start on calendar boundaries (quarters in
January, April, July and October; 5-year periods in 1985, 1990, ...); a period without rows is
left out.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import reduce
from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa

from dataaudit.profile.quantiles import QuantileSketch
from dataaudit.profile.time_like import YEARS, TimeSpec, months

MAX_PERIODS = 60
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
    numbers: dict[str, dict[int, QuantileSketch]] = field(default_factory=dict)  # column -> month -> sketch

    def __post_init__(self) -> None:
        for column in self.features:
            self.values.setdefault(column, Counter())
            self.names.setdefault(column, {})
            self.numbers.setdefault(column, {})

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
        numbers = _numbers(array)
        if numbers is None:
            return
        numbers = numbers[dated]
        valid = ~np.isnan(numbers)
        if not valid.any():
            return
        month, numbers = month[valid], numbers[valid]
        order = np.argsort(month, kind="stable")
        month, numbers = month[order], numbers[order]
        starts = np.flatnonzero(np.r_[True, month[1:] != month[:-1]])
        sketches = self.numbers[column]
        for start, stop in zip(starts.tolist(), [*starts[1:].tolist(), month.size], strict=True):
            sketches.setdefault(int(month[start]), QuantileSketch()).update(numbers[start:stop])

    def merged(self, other: PeriodsPartial) -> PeriodsPartial:
        values: dict[str, Counter | None] = {}
        names: dict[str, dict[int, str]] = {}
        for column in self.features:
            mine, theirs = self.values[column], other.values[column]
            both = {**other.names[column], **self.names[column]}
            too_many = mine is None or theirs is None or len(both) > self.spec.max_values
            values[column], names[column] = (None, {}) if too_many else (mine + theirs, both)
        numbers = {column: {month: _merged_sketch(self.numbers[column].get(month), other.numbers[column].get(month))
                            for month in sorted(self.numbers[column].keys() | other.numbers[column].keys())}
                   for column in self.features}
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


def _merged_sketch(a: QuantileSketch | None, b: QuantileSketch | None) -> QuantileSketch:
    if a is None or b is None:
        out = a or b
        assert out is not None
        return out
    return a.merged(b)


# --------------------------------------------------------------------------- extract
@dataclass(frozen=True)
class Period:
    """One period: its name, first day, rows, rows per class and per value of each counted
    column, and per numeric column its count and percentiles, and those of all other periods."""

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
    not_compared = {c: f"more than {spec.max_values} distinct values and not numbers"
                    for c in partial.features if partial.values[c] is None and c not in numeric}
    profile = PeriodProfile(spec.column.name, spec.column.reason, size, note, dated, partial.undated, [], not_compared,
                            skipped)
    if size is None:
        return profile
    start_of = {month: period_start(month, size) for month in partial.rows}
    starts = sorted(set(start_of.values()))
    classes = _grouped(partial.labels, start_of, class_of)
    categories = {c: _grouped(counts, start_of, partial.names[c]) for c, counts in partial.values.items()
                  if counts is not None}
    sketches = {c: _period_sketches(partial.numbers[c], start_of, starts) for c in partial.features
                if c in numeric and c not in categories}
    rests = {c: _rests(s) for c, s in sketches.items()}
    periods = []
    for i, start in enumerate(starts):
        own = {c: s[i] for c, s in sketches.items() if s[i] is not None}
        rest = {c: r[i] for c, r in rests.items() if r[i] is not None}
        periods.append(Period(
            name=period_name(start, size), start=f"{start // 12:04d}-{start % 12 + 1:02d}-01",
            rows=sum(n for month, n in partial.rows.items() if start_of[month] == start),
            classes=classes.get(start, {}),
            categories={c: counts.get(start, {}) for c, counts in categories.items()},
            numbers={c: s.n for c, s in own.items()}, percentiles={c: s.percentiles() for c, s in own.items()},
            rest_numbers={c: s.n for c, s in rest.items()},
            rest_percentiles={c: s.percentiles() for c, s in rest.items()},
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


def _period_sketches(by_month: dict[int, QuantileSketch], start_of: dict[int, int],
                     starts: list[int]) -> list[QuantileSketch | None]:
    merged: dict[int, QuantileSketch] = {}
    for month in sorted(by_month):
        start = start_of[month]
        merged[start] = _merged_sketch(merged.get(start), by_month[month])
    return [merged.get(start) for start in starts]


def _rests(sketches: list[QuantileSketch | None]) -> list[QuantileSketch | None]:
    """For each period, the sketch of all the others: prefix and suffix merges, so the cost grows
    with the number of periods, not with its square."""

    def joined(a: QuantileSketch | None, b: QuantileSketch | None) -> QuantileSketch | None:
        return None if a is None and b is None else _merged_sketch(a, b)

    prefix: list[QuantileSketch | None] = [None]
    for s in sketches[:-1]:
        prefix.append(joined(prefix[-1], s))
    suffix: list[QuantileSketch | None] = [None]
    for s in reversed(sketches[1:]):
        suffix.append(joined(suffix[-1], s))
    return [reduce(joined, (before, after), None) for before, after in zip(prefix, reversed(suffix), strict=True)]
