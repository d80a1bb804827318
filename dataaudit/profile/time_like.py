"""Which column tells when a row happened: dates, timestamps, epoch seconds (or milli-, micro-,
nanoseconds), years.

A time-like column is no feature like the others. Its values are near-unique, so two rows that
differ only in their date are still copies of one another; and it orders the rows, so the label
and the features can be read period by period. The pass must know the column before it starts,
so it is judged on the first rows, from the column's name and values (`time_like`), and the
same reading turns every value of the pass into a month (`months`).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import python_values, to_numpy
from dataaudit.profile.spec import DEFAULT_MISSING_TOKENS
from dataaudit.profile.text_numbers import numbers_in

if TYPE_CHECKING:
    import pandas as pd

#: Years a time is believed in; a value outside them is no time of a row (a sentinel, a typo).
FIRST_YEAR, LAST_YEAR = 1800, 2100
#: At least this many present values, and at most this share of them unreadable, make a column time-like.
MIN_VALUES, MAX_UNREADABLE = 5, 0.05
#: The share of a named time column's present values (`--time-column`) that may be no time of a row:
#: an `unknown`, a `2999-01-01`; its rows are left out of the periods, and the periods table counts them.
NAMED_MAX_UNREADABLE = 0.5
#: A time column whose first rows hold fewer distinct values than this share of them is coarse:
#: it hides no duplicates and stays a feature (`time_like_columns`).
MIN_DISTINCT_SHARE = 0.5
#: Name words that make integers from FIRST_YEAR to LAST_YEAR years.
YEAR_WORDS = frozenset({"year", "years", "yr", "yrs", "yyyy", "period"})
#: Name words that make large integers epoch seconds (or milliseconds, ...: `EPOCH_UNITS`).
EPOCH_WORDS = frozenset({"timestamp", "ts", "epoch", "unix", "time", "created", "updated", "modified", "datetime"})
#: Epoch seconds of 1973-03-03 and of 2100-01-01: smaller integers are durations or counts, not times.
EPOCH_RANGE = (1.0e8, 4_102_444_800.0)
#: The units epochs are written in, as pandas names them (`pd.to_datetime(unit=...)`), and the
#: units in a second. A column's unit is the one whose `EPOCH_RANGE` holds its values, as a
#: pandas user picks it by the number of digits: the ranges are apart (seconds stop at 4.1e9,
#: milliseconds start at 1e11), so no value reads in two units.
EPOCH_UNITS = {"s": 1, "ms": 1_000, "us": 1_000_000, "ns": 1_000_000_000}
_UNIT_WORDS = {"s": "seconds", "ms": "milliseconds", "us": "microseconds", "ns": "nanoseconds"}

_ISO = re.compile(r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$")
_SLASHED = re.compile(r"^(\d{1,2})/(\d{1,2})/(\d{4})$")
_WORDS = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_MISSING = frozenset(t.lower() for t in DEFAULT_MISSING_TOKENS)

DATES, EPOCH, YEARS = "dates", "epoch", "years"
#: The two orders of slashed dates (`03/04/2021`), each the other's other.
DAY_FIRST, MONTH_FIRST = "%d/%m/%Y", "%m/%d/%Y"
_OTHER_ORDER = {DAY_FIRST: MONTH_FIRST, MONTH_FIRST: DAY_FIRST}
#: the day/month orders a user may name (`--date-order`)
DATE_ORDERS = {"day-first": DAY_FIRST, "month-first": MONTH_FIRST}


@dataclass(frozen=True)
class TimeColumn:
    """How a column tells time: `kind` is DATES (calendar dates or timestamps, read with the
    pandas `format`), EPOCH (time since 1970 in the unit `format` names, seconds when None) or
    YEARS (whole years); `reason` says so in words."""

    name: str
    kind: str
    format: str | None
    reason: str
    #: Slashed dates only: the `reason` the first rows give read in the other day/month order,
    #: which the pass also counts (`in_other_order`), since later rows may say which order is the file's.
    other_reason: str | None = None


@dataclass(frozen=True)
class _Bar:
    """How many of the first rows' present values must read as times: a column guessed from its
    values needs `MIN_VALUES` of them and at most `MAX_UNREADABLE` unreadable, or a count or an id
    would pass for a time; a named one needs one value, and a tenth of unknown or impossible dates
    does not make it no time column."""

    least: int
    unreadable: float

    def met(self, read: int, present: int) -> bool:
        return read >= self.least and present - read <= self.unreadable * present


GUESSED, NAMED = _Bar(MIN_VALUES, MAX_UNREADABLE), _Bar(1, NAMED_MAX_UNREADABLE)
#: The bar of the other order's reason: whatever of the first rows reads that way.
_ANY = _Bar(1, 1.0)


@dataclass(frozen=True)
class TimeSpec:
    """What the pass counts per period: the time column, the period asked for (None: chosen
    from the span, see `dataaudit.profile.periods`), the rows a chosen period should hold on
    average, and how many distinct values a column may have to be counted value by value;
    `named`: the column was named (`--time-column`), not found."""

    column: TimeColumn
    period: str | None = None
    min_period_rows: int = 100
    max_values: int = 50
    named: bool = False


@dataclass(frozen=True)
class TimeLike:
    """A time-like column as the role detectors (`dataaudit.profile.roles`) claim it."""

    column: TimeColumn

    @property
    def reason(self) -> str:
        return f"time-like: {self.column.reason}"


def time_like_columns(rows: pa.Table, skip: Collection[str], missing: Collection[str] = ()) -> dict[str, TimeLike]:
    """The columns of `rows` (a file's first rows) that tell time by `time_like`'s rule and
    take a different value in at least `MIN_DISTINCT_SHARE` of the rows where they are present,
    but those in `skip`; cells holding one of the folded `missing` tokens count as empty.

    They are left out of the duplicate and conflict judgement like ids: two rows that differ
    only in when they were recorded are copies all the same, and a timestamp that is nearly
    unique would hide them. A coarse time (a year among a few, a survey wave) hides nothing and
    may describe the row (a car's model year), so it stays a feature."""
    found = {}
    for name, column in zip(rows.column_names, rows.columns, strict=True):
        if name in skip or pa.types.is_nested(column.type):  # a list or a struct tells no time
            continue
        values = [None if isinstance(v, str) and v.strip().lower() in missing else v for v in python_values(column)]
        present = [v for v in values if v is not None]
        if len(set(present)) < MIN_DISTINCT_SHARE * len(present):
            continue
        if (column := read_time_column(name, values)) is not None:
            found[name] = TimeLike(column)
    return found


def time_like(name: str, values: Sequence[object]) -> str | None:
    """Why the column `name` with these (first) values tells time, or None when it does not.

    The rule: at least 5 values are present (empty cells and missing tokens such as `NA` are
    left out) and at most 5% of them unreadable, and

    - they are dates or timestamps: typed dates, ISO 8601 text (`2019-10-21`,
      `2019-10-21T08:30:00Z`) or `dd/mm/yyyy` (`mm/dd/yyyy` when a middle field is past 12;
      the pass reads the rest of the file both ways and keeps the order it reads in):
      "dates 1989-01-11 to 2019-10-21", whatever the name; or
    - the name has a word of `EPOCH_WORDS` (`created_at`, `timestamp`) and they are numbers
      from 1e8 to 4,102,444,800: "epoch seconds 2001-09-09 to 2001-09-10"; or the same times
      in milli-, micro- or nanoseconds (1e11 to 4.1e12 for milliseconds, and so on):
      "epoch milliseconds 2001-09-09 to 2001-09-10"; or
    - the name has a word of `YEAR_WORDS` (`year`, `yr`, `period`, `fiscalYear`) and they are
      whole numbers from 1800 to 2100: "years 1980 to 1987".

    Numbers alone are never times (a count, a price or an id can look like a year), which is why
    the last two need the name.
    """
    found = read_time_column(name, values)
    return None if found is None else found.reason


def read_time_column(name: str, values: Sequence[object], named: bool = False) -> TimeColumn | None:
    """The rule of `time_like`, with how to read the column's values (`months`). A column the
    user names (`named`) is read by the lighter bar of `NAMED`: a file of a few dated rows is
    dated all the same, and so is one with some unknown dates; and its numbers are read as
    epoch times or years whatever its name, since the name no longer has to say so."""
    bar = NAMED if named else GUESSED
    present = [x for x in values if x is not None and not (isinstance(x, str) and x.strip().lower() in _MISSING)
               and not (isinstance(x, float) and np.isnan(x))]
    if len(present) < max(bar.least, 1):
        return None
    words = {w.lower() for w in _WORDS.findall(name)}
    for reader in (_dates, _epoch if named or words & EPOCH_WORDS else None,
                   _years if named or words & YEAR_WORDS else None):
        found = reader(name, present, bar) if reader is not None else None
        if found is not None:
            return found
    return None


def _dates(name: str, present: list[object], bar: _Bar) -> TimeColumn | None:
    if all(isinstance(x, (date, datetime)) for x in present):  # a pandas Timestamp is a datetime
        return _dated(name, _stamps(present, None), None, len(present), bar)
    texts = [x.strip() for x in present if isinstance(x, str)]
    iso = [t for t in texts if _ISO.match(t)]
    if bar.met(len(iso), len(present)):
        return _dated(name, _stamps(iso, "ISO8601"), "ISO8601", len(present), bar)
    slashed = [m.groups() for t in texts if (m := _SLASHED.match(t))]
    if bar.met(len(slashed), len(present)):
        return _slashed(name, slashed, len(present), bar)
    return None


def _slashed(name: str, slashed: list[tuple[str, ...]], present: int, bar: _Bar) -> TimeColumn | None:
    """Slashed dates, day first unless a middle field of the first rows is past 12; with the
    reason of the other order too, which the rest of the file may prove right (`in_other_order`)."""
    fmt = MONTH_FIRST if any(int(middle) > 12 for _, middle, _ in slashed) else DAY_FIRST
    written = ["/".join(g) for g in slashed]
    column = _dated(name, _stamps(written, fmt), fmt, present, bar)
    if column is None:
        return None
    other = _dated(name, _stamps(written, _OTHER_ORDER[fmt]), _OTHER_ORDER[fmt], present, _ANY)
    written_as = "mm/dd/yyyy" if fmt == DAY_FIRST else "dd/mm/yyyy"
    return replace(column, other_reason=f"dates written {written_as}" if other is None else other.reason)


def in_other_order(column: TimeColumn) -> TimeColumn | None:
    """The slashed dates of `column` read in the other day/month order (its reasons swapped),
    None for any other column. The first rows may all have days of 12 or less, which read either
    way; only the whole file can say which order it is written in."""
    if column.format not in _OTHER_ORDER or column.other_reason is None:
        return None
    return replace(column, format=_OTHER_ORDER[column.format], reason=column.other_reason, other_reason=column.reason)


def in_order(column: TimeColumn, order: str) -> TimeColumn | None:
    """The slashed dates of `column` read in the day/month `order` a user named (`DATE_ORDERS`),
    and in that order only: the file's dates no longer choose it. None for a column of other
    times, which have one reading."""
    if column.format not in _OTHER_ORDER:
        return None
    asked = column if column.format == DATE_ORDERS[order] else in_other_order(column)
    return None if asked is None else replace(asked, other_reason=None)


def order_named(column: TimeColumn) -> bool:
    """Whether `column` holds slashed dates read in an order the user named (`in_order`): the
    one reading of slashed dates without the other order's reason."""
    return column.format in _OTHER_ORDER and column.other_reason is None


def _stamps(values: Sequence[object], fmt: str | None) -> pd.Series:
    """The values as UTC timestamps (NaT where unreadable) read by pandas with the `format`.
    pandas is imported here, for a column that looks like dates only: a table without one
    (years and epoch seconds included) never pays its import."""
    import pandas as pd

    return pd.to_datetime(pd.Series(values, copy=False), format=fmt, errors="coerce", utc=True)


def _dated(name: str, stamps: pd.Series, fmt: str | None, present: int, bar: _Bar) -> TimeColumn | None:
    stamps = stamps[stamps.notna() & stamps.dt.year.between(FIRST_YEAR, LAST_YEAR)]
    if not bar.met(len(stamps), present):
        return None
    first, last = stamps.min(), stamps.max()
    timed = bool((stamps != stamps.dt.normalize()).any())
    what = "timestamps" if timed else "dates"
    return TimeColumn(name, DATES, fmt, f"{what} {first.date().isoformat()} to {last.date().isoformat()}")


def _numbers(present: list[object]) -> np.ndarray:
    return numbers_in(pa.array([str(x) for x in present], pa.string()))


def _epoch(name: str, present: list[object], bar: _Bar) -> TimeColumn | None:
    """Epoch times in the first unit of `EPOCH_UNITS` whose range holds enough of the values
    (seconds keep the format None they always had)."""
    numbers = _numbers(present)
    for unit, per_second in EPOCH_UNITS.items():
        seconds = numbers[_in_epoch_range(numbers / per_second)] / per_second
        if bar.met(seconds.size, len(present)):
            first, last = (datetime.fromtimestamp(s, UTC).date().isoformat() for s in (seconds.min(), seconds.max()))
            return TimeColumn(name, EPOCH, None if unit == "s" else unit,
                              f"epoch {_UNIT_WORDS[unit]} {first} to {last}")
    return None


def _in_epoch_range(seconds: np.ndarray) -> np.ndarray:
    return (seconds >= EPOCH_RANGE[0]) & (seconds <= EPOCH_RANGE[1])


def _years(name: str, present: list[object], bar: _Bar) -> TimeColumn | None:
    numbers = _numbers(present)
    years = numbers[(numbers == np.floor(numbers)) & (numbers >= FIRST_YEAR) & (numbers <= LAST_YEAR)]
    if not bar.met(years.size, len(present)):
        return None
    return TimeColumn(name, YEARS, None, f"years {int(years.min())} to {int(years.max())}")


def _iso_months(array: pa.Array) -> np.ndarray:
    """The months of ISO 8601 text, read off its first seven characters (`2019-10`) by pyarrow:
    a timestamp's month is the one it is written in, whatever its offset from UTC."""
    text = pc.utf8_trim_whitespace(array.cast(pa.string()))
    dated = pc.fill_null(pc.match_substring_regex(text, r"^\d{4}-\d{2}-\d{2}"), False)
    year = pc.cast(pc.if_else(dated, pc.utf8_slice_codeunits(text, 0, 4), "0"), pa.int64())
    month = pc.cast(pc.if_else(dated, pc.utf8_slice_codeunits(text, 5, 7), "0"), pa.int64())
    year, month = (to_numpy(a) for a in (year, month))
    inside = (year >= FIRST_YEAR) & (year <= LAST_YEAR) & (month >= 1) & (month <= 12)
    return np.where(inside, year * 12 + month - 1, -1).astype(np.int64)


def months(array: pa.Array, column: TimeColumn) -> np.ndarray:
    """Each row's month as `year * 12 + month - 1` (a year column's rows fall in January), -1
    where the cell is missing, unreadable or outside the years believed in."""
    if column.kind == YEARS:
        numbers = numbers_in(array)
        whole = (numbers == np.floor(numbers)) & (numbers >= FIRST_YEAR) & (numbers <= LAST_YEAR)
        return np.where(whole, np.nan_to_num(numbers) * 12, -1).astype(np.int64)
    if column.kind == EPOCH:
        return _epoch_months(numbers_in(array) / EPOCH_UNITS[column.format or "s"])
    if not pa.types.is_temporal(array.type) and column.format in (None, "ISO8601"):
        return _iso_months(array)
    if pa.types.is_timestamp(array.type) or pa.types.is_date(array.type):
        return _typed_months(array)
    import pandas as pd

    values = pd.Series(array.to_pandas(), copy=False)
    if pa.types.is_temporal(array.type):
        stamps = pd.to_datetime(values, errors="coerce", utc=True)
    else:
        stamps = _stamps(values.astype("string").str.strip(), column.format or "ISO8601")
    year = stamps.dt.year
    inside = stamps.notna() & year.between(FIRST_YEAR, LAST_YEAR)
    month = (year * 12 + stamps.dt.month - 1).where(inside, -1)
    return month.to_numpy(dtype=np.float64, na_value=-1).astype(np.int64)


def _typed_months(array: pa.Array) -> np.ndarray:
    """`months` of dates or timestamps (in UTC, a naive one taken as UTC, as pandas takes it),
    read by Arrow, which reads any year: pandas' timestamps stop at 2262, Python's dates at 9999."""
    if pa.types.is_timestamp(array.type) and array.type.tz is not None:
        array = array.cast(pa.timestamp(array.type.unit, "UTC"))
    year = to_numpy(pc.fill_null(pc.year(array), 0))
    month = to_numpy(pc.fill_null(pc.month(array), 1))
    inside = (year >= FIRST_YEAR) & (year <= LAST_YEAR)
    return np.where(inside, year * 12 + month - 1, -1).astype(np.int64)


def _epoch_months(seconds: np.ndarray) -> np.ndarray:
    """The month (UTC) of each second since 1970 in `EPOCH_RANGE`, -1 for any other number:
    that range lies inside the years believed in."""
    inside = _in_epoch_range(seconds)
    since_1970 = np.floor(np.where(inside, seconds, 0)).astype("datetime64[s]").astype("datetime64[M]")
    return np.where(inside, since_1970.astype(np.int64) + 1970 * 12, -1).astype(np.int64)
