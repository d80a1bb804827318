"""The time column of a table, named (`time_column`) or found in its first rows, planned into
the pass so that the file is counted period by period in the same read."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from dataaudit.arrays import python_values
from dataaudit.checks import statistics_needed
from dataaudit.errors import InputError
from dataaudit.planning.capabilities import CAPABILITIES, TABLE
from dataaudit.planning.plan import FIRST_ROWS, Plan
from dataaudit.profile.periods import ASKED
from dataaudit.profile.time_like import (
    DATE_ORDERS,
    FIRST_YEAR,
    LAST_YEAR,
    YEARS,
    TimeColumn,
    TimeLike,
    TimeSpec,
    in_order,
    read_time_column,
)

if TYPE_CHECKING:
    import pyarrow as pa

    from dataaudit.io import Source


def with_time_column(plan: Plan, reference: Source) -> Plan:
    """The plan with the periods of its time column counted in the pass: the column named by
    `time_column`, else the first column whose first rows (at most `FIRST_ROWS`) are dates,
    timestamps or years (`dataaudit.profile.time_like.time_like`). The target, ignored and text
    columns are never candidates, but a time-like column the role detectors left out of the duplicates
    is (`Plan.roles`). Nothing is counted when no time check is switched on."""
    options = plan.options
    if plan.kind != TABLE or plan.spec is None or "periods" not in statistics_needed(plan.pack, plan.kind):
        return plan
    if options.period is not None and options.period not in ASKED:
        raise InputError(f"{CAPABILITIES['period'].spelled('period')} is one of {', '.join(ASKED)}, "
                         f"not {options.period!r}")
    if options.time_column is not None:
        reference.require(options.time_column, "time column")
        if options.time_column == plan.target:
            raise InputError(f"{reference.name}: column {plan.target!r} is both the target and the time column")
    first = reference.first_rows(FIRST_ROWS)
    if first.num_rows == 0:  # a file without rows has no periods; `size.rows` reports it, not a usage error
        return plan
    column = _found(plan, first) if options.time_column is None else _named(options.time_column, reference, first)
    if column is None:
        for asked in ("period", "date_order"):
            if getattr(options, asked) is not None:
                raise InputError(f"{reference.name}: {CAPABILITIES[asked].spelled(asked)} needs a time column, and "
                                 f"no column holds dates, timestamps or years in its first rows; name one with "
                                 f"{CAPABILITIES['time_column'].spelled('time_column')}")
        return plan
    if column.kind == YEARS and options.period not in (None, "year"):
        raise InputError(f"{reference.name}: column {column.name!r} holds {column.reason}, which have no "
                         f"{options.period}s; leave out {CAPABILITIES['period'].flag} or give year")
    if options.date_order is not None:
        column = _in_order(column, options.date_order, reference)
    time = TimeSpec(column, options.period, plan.pack.checks.time.min_period_rows,
                    named=options.time_column is not None)
    return replace(plan, spec=replace(plan.spec, time=time))


def _in_order(column: TimeColumn, order: str, reference: Source) -> TimeColumn:
    """The time column read in the day/month order the user named; a column of other times is
    refused, since the order would be ignored without a word."""
    if order not in DATE_ORDERS:
        raise InputError(f"{CAPABILITIES['date_order'].spelled('date_order')} is one of {', '.join(DATE_ORDERS)}, "
                         f"not {order!r}")
    ordered = in_order(column, order)
    if ordered is None:
        raise InputError(f"{reference.name}: time column {column.name!r} holds {column.reason}, which have one "
                         f"reading; {CAPABILITIES['date_order'].flag} is for dates written dd/mm/yyyy or mm/dd/yyyy")
    return ordered


def _named(name: str, reference: Source, first: pa.Table) -> TimeColumn:
    """The named time column: one readable value is enough, and up to half of them may be no time
    (`dataaudit.profile.time_like.NAMED`), since the name says what it is."""
    column = read_time_column(name, python_values(first.column(name)), named=True)
    if column is None:
        raise InputError(f"{reference.name}: time column {name!r} holds no dates, timestamps or years in most of its "
                         f"first rows (ISO dates such as 2019-10-21, dd/mm/yyyy, epoch seconds or milliseconds, "
                         f"or years from {FIRST_YEAR} to {LAST_YEAR})")
    return column


def _found(plan: Plan, first: pa.Table) -> TimeColumn | None:
    """The first time-like column: found by the role detectors (a nearly unique time, left out of
    duplicates), or a feature column that reads as one (a coarse time, such as a year among a
    few, which the detectors leave a feature; a column read by them is read again here)."""
    skip = {plan.target, *plan.ignored, *plan.options.text_columns, *plan.auto_text}
    for name in first.column_names:
        if isinstance(found := plan.roles.get(name), TimeLike):
            return found.column
        if name not in skip and (column := read_time_column(name, python_values(first.column(name)))) is not None:
            return column
    return None
