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
quantile sketch such as KLL would be smaller, but what it keeps depends on how the rows were
chunked; bucket counts sum exactly and give the same percentiles whatever the chunking.
Months are those of 1800 to 2100, so at most 3,612 are kept, whatever the file's size; a
numeric column whose (month, bucket) cells pass `MAX_BUCKET_CELLS` is no longer followed (and
named in the report); at most `MAX_PERIODS` periods are reported. Slashed dates (`03/04/2021`) are
counted twice, read day first and month first, since only the whole file can say which order it
is written in; `extract_periods` keeps the order its dates read in (`_order_read`).

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
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.profile.quantiles import GRID
from dataaudit.profile.time_like import (
    DAY_FIRST,
    MONTH_FIRST,
    YEARS,
    TimeColumn,
    TimeSpec,
    in_other_order,
    months,
    order_named,
)

MAX_PERIODS = 60
#: past this share of a time column's present values that do not read as its first rows did, its
#: periods would be those of a misreading, not the file's: the time checks skip
MAX_UNREADABLE_SHARE = 0.5
#: Distinct labels counted per month: past them the target is no set of classes (a regression target).
MAX_LABELS = 10_000
#: Distinct (month, bucket) cells a numeric column may fill before it is no longer followed.
MAX_BUCKET_CELLS = 100_000
#: Each bucket holds the numbers within 2% of its value: buckets are powers of GAMMA.
ACCURACY = 0.02
GAMMA = (1 + ACCURACY) / (1 - ACCURACY)
#: Numbers closer to 0 than this fall in bucket 0, the bucket of zero.
TINY = 1e-9
_BIAS = math.ceil(-math.log(TINY) / math.log(GAMMA)) + 1
#: A (month, bucket) key is month * BUCKET_SPAN + bucket + BUCKET_ZERO: buckets of finite doubles
#: lie within +-BUCKET_ZERO (the largest, 1.8e308, is bucket 18,630 or so).
BUCKET_SPAN, BUCKET_ZERO = 1 << 16, 1 << 15
#: Period sizes in months, shortest first, as the report names them.
SIZES: dict[str, int] = {"month": 1, "quarter": 3, "year": 12, "2 years": 24, "5 years": 60, "10 years": 120,
                         "25 years": 300}
#: The sizes `--period` may ask for.
ASKED = ("year", "quarter", "month")
MISSING_VALUE = "(missing)"


@dataclass(frozen=True)
class KeyCounts:
    """Rows per integer key, as sorted distinct keys and their counts: merged with numpy, not
    key by key, since a numeric column fills up to `MAX_BUCKET_CELLS` (month, bucket) keys."""

    keys: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    counts: np.ndarray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))

    @classmethod
    def of(cls, keys: np.ndarray) -> KeyCounts:
        distinct, counts = np.unique(keys, return_counts=True)
        return cls(distinct.astype(np.int64), counts.astype(np.int64))

    def merged(self, other: KeyCounts) -> KeyCounts:
        distinct, where = np.unique(np.concatenate([self.keys, other.keys]), return_inverse=True)
        counts = np.bincount(where, weights=np.concatenate([self.counts, other.counts]), minlength=len(distinct))
        return KeyCounts(distinct.astype(np.int64), counts.astype(np.int64))

    def __len__(self) -> int:
        return len(self.keys)

    def __eq__(self, other: object) -> bool:
        return (isinstance(other, KeyCounts) and np.array_equal(self.keys, other.keys)
                and np.array_equal(self.counts, other.counts))

    __hash__ = None  # type: ignore[assignment]


@dataclass
class PeriodsPartial:
    """The per-month counts of some rows; `merged` combines two disjoint row sets."""

    spec: TimeSpec
    features: tuple[str, ...]
    target: str | None
    rows: Counter = field(default_factory=Counter)  # month -> rows
    undated: int = 0
    labels: Counter | None = field(default_factory=Counter)  # (month, label hash) -> rows; None: too many labels
    values: dict[str, Counter | None] = field(default_factory=dict)  # column -> (month, value hash) -> rows
    names: dict[str, dict[int, str]] = field(default_factory=dict)  # column -> value hash -> value as written
    numbers: dict[str, KeyCounts | None] = field(default_factory=dict)  # column -> rows per (month, bucket) key
    #: Slashed dates: the same rows counted with the dates read in the other day/month order
    #: (`in_other_order`); the rows the two orders put in different months; and the rows that
    #: read in this order only (13/04/2021 day first) and in the other only. The first rows cannot
    #: tell 03/04/2021's order; `extract_periods` picks the order the whole file reads in.
    other: PeriodsPartial | None = None
    ambiguous: int = 0
    only_this: int = 0
    only_other: int = 0

    def __post_init__(self) -> None:
        for column in self.features:
            self.values.setdefault(column, Counter())
            self.names.setdefault(column, {})
            self.numbers.setdefault(column, KeyCounts())

    @classmethod
    def create(cls, spec: TimeSpec, features: tuple[str, ...], target: str | None) -> PeriodsPartial:
        """An empty partial, counting slashed dates in both day/month orders."""
        swapped = in_other_order(spec.column)
        other = None if swapped is None else cls(replace(spec, column=swapped), features, target)
        return cls(spec, features, target, other=other)

    def add(self, batch: pa.RecordBatch, hashes: dict[str, np.ndarray], numbers: dict[str, np.ndarray]) -> None:
        """Count one chunk, given each column's per-row value hashes and numbers (NaN where a cell
        is none) as the profile's pass read them."""
        times = batch.column(self.spec.column.name)
        month = months(times, self.spec.column)
        if self.other is not None:
            other_month = months(times, self.other.spec.column)
            this, that = month >= 0, other_month >= 0
            self.ambiguous += int(np.count_nonzero(this & that & (month != other_month)))
            self.only_this += int(np.count_nonzero(this & ~that))
            self.only_other += int(np.count_nonzero(that & ~this))
            self.other._count(batch, other_month, hashes, numbers)
        self._count(batch, month, hashes, numbers)

    def _count(self, batch: pa.RecordBatch, month: np.ndarray, hashes: dict[str, np.ndarray],
               numbers: dict[str, np.ndarray]) -> None:
        """Count one chunk whose rows fall in `month` (-1: no readable time)."""
        dated = np.flatnonzero(month >= 0)
        self.undated += len(month) - len(dated)
        month = month[dated]
        self.rows.update(dict(zip(*(a.tolist() for a in np.unique(month, return_counts=True)), strict=True)))
        if self.target in hashes:
            self.labels = _capped(self.labels, _pair_counts(month, hashes[self.target][dated]), MAX_LABELS)
        for column in self.features:
            array = batch.column(column)
            self._add_values(column, array, month, dated, hashes[column][dated])
            self._add_numbers(column, numbers[column][dated], month)

    def _add_values(self, column: str, array: pa.Array, month: np.ndarray, dated: np.ndarray,
                    hashes: np.ndarray) -> None:
        counts = self.values[column]
        if counts is None:
            return
        encoded = pc.dictionary_encode(pa.array(hashes, pa.uint64()))  # a hash table: many values cost no sort
        codes, distinct = to_numpy(encoded.indices), to_numpy(encoded.dictionary)  # in order of first row
        names = self.names[column]
        if len(distinct) > self.spec.max_values or len(names.keys() | set(distinct.tolist())) > self.spec.max_values:
            self.values[column], self.names[column] = None, {}
            return
        first = np.full(len(distinct), len(codes))
        np.minimum.at(first, codes, np.arange(len(codes)))
        for value, row in zip(distinct.tolist(), dated[first].tolist(), strict=True):
            names.setdefault(value, _written(array[row].as_py()))
        counts.update(_pair_counts(month, hashes))

    def _add_numbers(self, column: str, numbers: np.ndarray, month: np.ndarray) -> None:
        counts = self.numbers[column]
        valid = np.isfinite(numbers)
        if counts is None or not valid.any():
            return
        counts = counts.merged(KeyCounts.of(month[valid] * BUCKET_SPAN + numeric_buckets(numbers[valid]) + BUCKET_ZERO))
        self.numbers[column] = counts if len(counts) <= MAX_BUCKET_CELLS else None

    def merged(self, other: PeriodsPartial) -> PeriodsPartial:
        values: dict[str, Counter | None] = {}
        names: dict[str, dict[int, str]] = {}
        for column in self.features:
            mine, theirs = self.values[column], other.values[column]
            both = {**other.names[column], **self.names[column]}
            too_many = mine is None or theirs is None or len(both) > self.spec.max_values
            values[column], names[column] = (None, {}) if too_many else (mine + theirs, both)
        numbers: dict[str, KeyCounts | None] = {}
        for column in self.features:
            mine_numbers, their_numbers = self.numbers[column], other.numbers[column]
            summed = None if mine_numbers is None or their_numbers is None else mine_numbers.merged(their_numbers)
            numbers[column] = summed if summed is None or len(summed) <= MAX_BUCKET_CELLS else None
        swapped = None if self.other is None or other.other is None else self.other.merged(other.other)
        return PeriodsPartial(self.spec, self.features, self.target, self.rows + other.rows,
                              self.undated + other.undated, _capped(self.labels, other.labels, MAX_LABELS), values,
                              names, numbers, swapped, self.ambiguous + other.ambiguous,
                              self.only_this + other.only_this, self.only_other + other.only_other)


def _pair_counts(month: np.ndarray, keys: np.ndarray) -> dict[tuple[int, int], int]:
    """Rows per (month, key)."""
    if not month.size:
        return {}
    distinct, inverse = np.unique(keys, return_inverse=True)
    pairs, counts = np.unique(month * len(distinct) + inverse, return_counts=True)
    months, index = np.divmod(pairs, len(distinct))
    return dict(zip(zip(months.tolist(), distinct[index].tolist(), strict=True), counts.tolist(), strict=True))


def _capped(counts: Counter | None, more: Counter | dict[tuple[int, int], int] | None, limit: int) -> Counter | None:
    """`counts` and `more` summed, or None (for good) once they hold more than `limit` distinct keys."""
    if counts is None or more is None:
        return None
    summed = counts + Counter(more)
    return summed if len({key for _, key in summed}) <= limit else None


def _written(value: Any) -> str:
    if value is None:
        return MISSING_VALUE
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


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


def bucket_percentiles(buckets: np.ndarray, counts: np.ndarray) -> list[float]:
    """The values at ranks 0, 0.01, ..., 1 of the numbers counted per bucket (`buckets` sorted,
    some `counts` may be 0), the smallest whose rank reaches each point, as
    `QuantileSketch.percentiles` reads them."""
    cumulative = np.cumsum(counts)
    at = np.searchsorted(cumulative, np.maximum(GRID * cumulative[-1], 1), side="left")
    return [float(x) for x in bucket_values(buckets[at])]


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
    period chosen; `note` says how it was chosen ("periods of a year as asked"); `not_compared`
    the feature columns neither counted by value nor numeric, with why. The comparison of each
    period with the rest of the file (`label_shift`, `drift`) is attached by
    `dataaudit.splits.periods`."""

    column: str
    reason: str
    size: str | None
    note: str
    dated: int
    undated: int
    periods: list[Period]
    not_compared: dict[str, str]
    skipped: str | None = None
    named: bool = False  # the time column was named (`--time-column`), not found in the first rows
    label_shift: list[Any] = field(default_factory=list)  # dataaudit.profile.splits.LabelShift, per period
    drift: list[Any] = field(default_factory=list)  # dataaudit.profile.splits.Drift, per column and period


def extract_periods(partial: PeriodsPartial, class_of: dict[int, str], numeric: set[str],
                    missing: int = 0) -> PeriodProfile:
    """The periods of the file. `class_of` maps a label's value hash to its class (spellings
    merged; a hash it lacks is a missing label); `numeric` names the numeric feature columns;
    `missing` counts the time column's missing cells, which are no unreadable times."""
    undecided = _undecided(partial)
    partial, order = _order_read(partial)
    spec = partial.spec
    dated = sum(partial.rows.values())
    misread = _misread(dated, max(0, partial.undated - missing), spec) or undecided
    size, note, skipped = (None, "", misread) if misread else choose_period(partial.rows, spec)
    note += f"; {order}" if order and size is not None else ""
    not_compared = {c: f"more than {spec.max_values} distinct values and not numbers" if c not in numeric else
                    f"numbers too spread over time to follow (more than {MAX_BUCKET_CELLS:,} month and bucket cells)"
                    for c in partial.features if partial.values[c] is None
                    and (c not in numeric or partial.numbers[c] is None)}
    reason = _spanned(spec.column, partial.rows)
    profile = PeriodProfile(spec.column.name, reason, size, note, dated, partial.undated, [], not_compared,
                            skipped, named=spec.named)
    if size is None:
        return profile
    start_of = {month: period_start(month, size) for month in partial.rows}
    starts = sorted(set(start_of.values()))
    classes = _grouped(partial.labels or Counter(), start_of, class_of)
    categories = {c: _grouped(counts, start_of, partial.names[c]) for c, counts in partial.values.items()
                  if counts is not None}
    histograms = {c: _period_buckets(counts, size, starts) for c in partial.features
                  if c in numeric and c not in categories and (counts := partial.numbers[c]) is not None}
    periods = []
    for i, start in enumerate(starts):
        own = {c: (b, m[i]) for c, (b, m) in histograms.items() if m[i].any()}
        rest = {c: (b, r) for c, (b, m) in histograms.items() if (r := m.sum(axis=0) - m[i]).any()}
        periods.append(Period(
            name=period_name(start, size, [m for m in partial.rows if start_of[m] == start]),
            start=f"{start // 12:04d}-{start % 12 + 1:02d}-01",
            rows=sum(n for month, n in partial.rows.items() if start_of[month] == start),
            classes=classes.get(start, {}),
            categories={c: counts.get(start, {}) for c, counts in categories.items()},
            numbers={c: int(n.sum()) for c, (_, n) in own.items()},
            percentiles={c: bucket_percentiles(b, n) for c, (b, n) in own.items()},
            rest_numbers={c: int(n.sum()) for c, (_, n) in rest.items()},
            rest_percentiles={c: bucket_percentiles(b, n) for c, (b, n) in rest.items()},
        ))
    return PeriodProfile(spec.column.name, reason, size, note, dated, partial.undated, periods,
                         not_compared, named=spec.named)


_ORDER_NAMES = {DAY_FIRST: "day first (dd/mm/yyyy)", MONTH_FIRST: "month first (mm/dd/yyyy)"}


def _spanned(column: TimeColumn, rows: Counter) -> str:
    """What the column holds, over the months the whole file's times fall in: its `reason` (`dates
    2018-01-01 to 2018-01-10`) was worded from the first rows, which a file sorted by time shows
    as its first days only."""
    if not rows:
        return column.reason
    what = column.reason.rsplit(" ", 3)[0]  # `{what} {first} to {last}`, as `time_like` words it
    first, last = (f"{m // 12}" if column.kind == YEARS else f"{m // 12:04d}-{m % 12 + 1:02d}"
                   for m in (min(rows), max(rows)))
    return f"{what} in {first}" if first == last else f"{what} {first} to {last}"


def _order_read(partial: PeriodsPartial) -> tuple[PeriodsPartial, str]:
    """The counts of the day/month order more of the file's slashed dates read in (a date with a
    day past 12 reads one way only: 13/04/2021 day first, 04/13/2021 month first; a date that
    reads neither way is undated either way), the first rows' order when as many read either way;
    and, when it is not the first rows' order, a note saying so. An order the user named is the
    one counted, and the note says it was named."""
    if order_named(partial.spec.column):
        return partial, f"dates read {_ORDER_NAMES[partial.spec.column.format]}, as named (--date-order)"
    other = partial.other
    if other is None or partial.only_other <= partial.only_this:
        return partial, ""
    day_first = other.spec.column.format == DAY_FIRST
    chosen = _ORDER_NAMES[other.spec.column.format]
    against = f"{partial.only_this:,}" if partial.only_this else "none"
    return other, (f"dates read {chosen}, as {partial.only_other:,} of them read only so and {against} only "
                   f"{'month' if day_first else 'day'} first")


def _undecided(partial: PeriodsPartial) -> str | None:
    """Why periods would be a guess: the file's slashed dates read as well day first as month
    first (none has a day past 12, or as many say each order), and the two orders put some in
    other months and give other periods; None when the order is known or changes no period (a
    period of a year or more holds the same rows either way)."""
    other = partial.other
    if other is None or not partial.ambiguous or partial.only_this != partial.only_other:
        return None
    sizes = {choose_period(p.rows, p.spec)[0] for p in (partial, other)}
    if sizes == {None} or (len(sizes) == 1 and SIZES[sizes.pop()] >= SIZES["year"]):
        return None
    untold = ("no day past 12 in the file says which order it is written in" if not partial.only_this else
              f"as many read day first only as month first only ({partial.only_this:,} each)")
    return (f"{partial.ambiguous:,} of its {sum(partial.rows.values()):,} dates fall in other months read day first "
            f"or month first (03/04/2021 is 3 April or March 4), and {untold}. Name the order (--date-order, "
            "date_order), write them as ISO dates (2021-04-03), or ask for periods of a year, which both orders share")


def _misread(dated: int, unreadable: int, spec: TimeSpec) -> str | None:
    """Why periods would misstate the file: most of its present times do not read the way the
    column's first rows were read (`spec.column.reason`), as when dates written `15.03.2018`
    follow first rows of ISO dates, or in the day/month order the user named; None when most
    are read. (Slashed dates are read in the
    day/month order the whole file reads in, `_order_read`.)"""
    present = dated + unreadable
    if not present or unreadable <= MAX_UNREADABLE_SHARE * present:
        return None
    share = f"{unreadable:,} of its {present:,} times ({unreadable / present:.0%})"
    if order_named(spec.column):
        return (f"{share} do not read {_ORDER_NAMES[spec.column.format]}, the order named (--date-order): "
                "written in the other order? Name that order, or write them as ISO dates (2018-03-15)")
    return (f"{share} do not read as its first rows did ({spec.column.reason}): written another way further on "
            "(another format)? Write them as ISO dates (2018-03-15)")


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
        note = f"{periods_of(size)} as asked" if size == spec.period else (
            f"{periods_of(size)}: a {spec.period} gives {counts[spec.period]:,} periods, more than {MAX_PERIODS}")
        if counts[size] < 2:
            return None, note, f"all {dated:,} dated rows fall in one {size}"
        return size, note, None
    for size in sizes:
        if 2 <= counts[size] <= MAX_PERIODS and dated / counts[size] >= spec.min_period_rows:
            return size, f"{periods_of(size)}: the shortest holding {spec.min_period_rows:,} rows on average", None
    return None, "", (f"{dated:,} dated rows cannot be cut into 2 to {MAX_PERIODS} periods of "
                      f"{spec.min_period_rows:,} rows on average (checks.time.min_period_rows)")


def periods_of(size: str) -> str:
    """`periods of a year`, `periods of 5 years`."""
    return f"periods of {'a ' if SIZES[size] in (1, 3, 12) else ''}{size}"


def period_start(month: Any, size: str) -> Any:
    """The first month of the period of `size` that `month` (a month, or an array of them) falls in."""
    length = SIZES[size]
    if length < 12:
        return month // length * length
    years = length // 12
    return month // 12 // years * years * 12


def period_name(start: int, size: str, months: list[int] | None = None) -> str:
    """The period as the report names it. A period of several years is named by the years its
    dated `months` span, not the calendar's: the speeches of 1989 make a period `1989`, not
    `1985-1989` (its `start` says where the calendar period begins)."""
    year, month = divmod(start, 12)
    if size == "month":
        return f"{year}-{month + 1:02d}"
    if size == "quarter":
        return f"{year}-Q{month // 3 + 1}"
    if size == "year":
        return str(year)
    first, last = (min(months) // 12, max(months) // 12) if months else (year, year + SIZES[size] // 12 - 1)
    return str(first) if first == last else f"{first}-{last}"


def _grouped(counts: Counter, start_of: dict[int, int], name_of: dict[int, str]) -> dict[int, dict[str, int]]:
    """Per period start, the rows per name (keys without a name are left out), largest first."""
    out: dict[int, Counter] = {}
    for (month, key), n in counts.items():
        if key in name_of:
            out.setdefault(start_of[month], Counter())[name_of[key]] += n
    return {start: dict(sorted(c.items(), key=lambda kv: (-kv[1], kv[0]))) for start, c in out.items()}


def _period_buckets(counts: KeyCounts, size: str, starts: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """A column's distinct buckets (sorted) and its rows per period and bucket, one row per period."""
    month, bucket = np.divmod(counts.keys, BUCKET_SPAN)
    buckets, column = np.unique(bucket - BUCKET_ZERO, return_inverse=True)
    matrix = np.zeros((len(starts), len(buckets)), dtype=np.int64)
    np.add.at(matrix, (np.searchsorted(starts, period_start(month, size)), column), counts.counts)
    return buckets, matrix
