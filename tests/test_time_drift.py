"""Drift over time inside one file: time-like columns, periods counted in the one pass, and the
label and features of each period against the rest of the file, on real dated tables."""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from datetime import date, timedelta
from functools import reduce
from pathlib import Path
from unittest.mock import MagicMock

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.checks.time_drift import NO_TIME_COLUMN
from dataaudit.profile.extract import extract
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.periods import PeriodProfile
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.time_like import TimeSpec, in_other_order, read_time_column, time_like
from dataaudit.rules.model import RulePack
from tests.cli_helpers import invoke, run

DATA = Path(__file__).parent / "data"
SPEECHES = DATA / "parlspeech_dates.csv"  # House of Commons speeches 1989-2019, party shares follow the governments
WAGES = DATA / "wage_panel.csv"  # 545 men x 1980-1987: union share flat, married rising
EPOCHS = [1_000_000_000 + 86_400 * i for i in range(6)]


@pytest.mark.parametrize(("name", "values", "reason"), [
    ("date", ["2019-10-21", "1989-01-11", "2001-05-02", "2001-05-03", "2010-05-11"], "dates 1989-01-11 to 2019-10-21"),
    ("posted", ["2019-10-21T08:30:00Z", "2019-10-22T09:00:00+02:00", "2019-10-23 10:00", "2019-10-24",
                "2019-10-25"], "timestamps 2019-10-21 to 2019-10-25"),
    ("day", ["21/10/2019", "01/02/2019", "03/04/2019", "05/06/2019", "07/08/2019"], "dates 2019-02-01 to 2019-10-21"),
    ("day", ["10/21/2019", "02/01/2019", "04/03/2019", "06/05/2019", "08/07/2019"], "dates 2019-02-01 to 2019-10-21"),
    ("date", ["2019-10-21", "NA", "", None, "2019-10-22", "2019-10-23", "2019-10-24", "2019-10-25"],
     "dates 2019-10-21 to 2019-10-25"),
    ("created_at", EPOCHS, "epoch seconds 2001-09-09 to 2001-09-14"),
    ("createdAt", [str(s) for s in EPOCHS], "epoch seconds 2001-09-09 to 2001-09-14"),
    ("year", [1987, 1980, 1981, 1982, 1983], "years 1980 to 1987"),
    ("fiscal_yr", ["2019", "2020", "2021", "2022", "2023"], "years 2019 to 2023"),
    ("period", [2001.0, 2002.0, 2003.0, 2004.0, 2005.0], "years 2001 to 2005"),
    # numbers need a name that says what they are: counts, prices and ids can look like years or epochs
    ("ts_ms", [s * 1000 for s in EPOCHS], "epoch milliseconds 2001-09-09 to 2001-09-14"),
    ("created", [str(s * 1000 + 999) for s in EPOCHS], "epoch milliseconds 2001-09-09 to 2001-09-14"),
    ("timestamp", [s * 10**6 for s in EPOCHS], "epoch microseconds 2001-09-09 to 2001-09-14"),
    ("timestamp", [s * 10**9 for s in EPOCHS], "epoch nanoseconds 2001-09-09 to 2001-09-14"),
    ("count", EPOCHS, None),
    ("count", [s * 1000 for s in EPOCHS], None),
    ("timestamp", [s * 50 for s in EPOCHS], None),  # between the seconds and the milliseconds of 1973 to 2100
    ("price", [1980, 1981, 1982, 1983, 1984], None),
    ("year", [1, 2, 3, 4, 5], None),
    ("year", [1980.5, 1981, 1982, 1983, 1984], None),
    ("duration_time", [5, 60, 300, 12, 7], None),
    ("date", ["2019-10-21", "2019-10-22", "2019-10-23", "2019-10-24"], None),  # fewer than 5 values
    ("note", ["2019-10-21", "hello", "2019-10-23", "2019-10-24", "2019-10-25", "2019-10-26"], None),
    ("date", ["2019-13-45", "2019-14-01", "2019-15-01", "2019-16-01", "2019-17-01"], None),
    ("when", [date(2020, 1, 1) + timedelta(days=i) for i in range(5)], "dates 2020-01-01 to 2020-01-05"),
])
def test_time_like_reads_dates_timestamps_epoch_seconds_and_years(name: str, values: list, reason: str | None) -> None:
    assert time_like(name, values) == reason


@settings(max_examples=100, deadline=None)
@given(st.lists(st.dates(date(1800, 1, 1), date(2100, 12, 31)), min_size=5, max_size=40),
       st.sampled_from(["date", "x", "value"]))
def test_any_iso_dates_are_time_like_whatever_the_name(days: list[date], name: str) -> None:
    assert time_like(name, [d.isoformat() for d in days]) == f"dates {min(days).isoformat()} to {max(days).isoformat()}"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1800, 2100), min_size=5, max_size=40))
def test_years_are_time_like_only_under_a_name_that_says_so(years: list[int]) -> None:
    assert time_like("year", years) == f"years {min(years)} to {max(years)}"
    assert time_like("amount", years) is None


# --------------------------------------------------------------------------- one pass, any chunking
YEAR = read_time_column("year", [2001, 2002, 2003, 2004, 2005])
SPEC = ProfileSpec(target="label", ignored=("id",), time=TimeSpec(YEAR, None, min_period_rows=1, max_values=4))
YEARS_OR_NOT = st.one_of(st.none(), st.sampled_from(["2001", "2002", "2003", "2005", "NA", "", "1700", "x"]))
CELLS = st.one_of(st.none(), st.sampled_from(["red", "blue", "green", "NA", "1", "2.5", "-3", "1e3", "0", "700"]),
                  st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:.3f}"))
LABELS = st.one_of(st.none(), st.sampled_from(["cat", "Cat", "dog", "?"]))


@st.composite
def dated_rows(draw: st.DrawFn, times: st.SearchStrategy = YEARS_OR_NOT) -> tuple[pa.RecordBatch, list[int]]:
    n = draw(st.integers(1, 80))
    rows = draw(st.lists(st.tuples(times, CELLS, CELLS, LABELS), min_size=n, max_size=n))
    batch = pa.RecordBatch.from_arrays(
        [pa.array([str(i) for i in range(n)]), *(pa.array([r[i] for r in rows], pa.string()) for i in range(4))],
        names=["id", "year", "a", "b", "label"])
    cuts = sorted(draw(st.sets(st.integers(1, max(1, n - 1)), max_size=6))) if n > 1 else []
    return batch, [c for c in cuts if 0 < c < n]


def _chunks(batch: pa.RecordBatch, cuts: list[int], spec: ProfileSpec = SPEC) -> list[PartialProfile]:
    partials = []
    for start, stop in itertools.pairwise([0, *cuts, batch.num_rows]):
        partial = PartialProfile.create(spec, batch.schema.names)
        partial.add(batch.slice(start, stop - start), start)
        partials.append(partial)
    return partials


@pytest.mark.slow  # over a hundred generated files, each cut and merged: several seconds
@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_rows())
def test_chunking_does_not_change_the_periods(case: tuple[pa.RecordBatch, list[int]]) -> None:
    """Rows, labels, value counts and percentiles per period are sums over months, so any cut
    of the file and any order of merging gives the periods of the whole."""
    batch, cuts = case
    whole = PartialProfile.create(SPEC, batch.schema.names)
    whole.add(batch, 0)
    expected = extract(whole).periods
    partials = _chunks(batch, cuts)
    for merged in (reduce(lambda a, b: a.merged(b), partials), reduce(lambda a, b: b.merged(a), partials[::-1])):
        assert extract(merged).periods == expected
    assert expected is not None
    assert expected.dated + expected.undated == batch.num_rows
    assert sum(p.rows for p in expected.periods) == (expected.dated if expected.size is not None else 0)


#: Slashed dates whose first rows read either way (read day first), and cells of every kind after them:
#: some read day first only, some month first only, some either way, some neither.
SLASHED = read_time_column("year", ["01/02/2019", "03/04/2019", "05/06/2019", "07/08/2019", "09/10/2019"])
SLASHED_SPEC = replace(SPEC, time=replace(SPEC.time, column=SLASHED))
SLASHED_OR_NOT = st.one_of(st.none(), st.sampled_from(
    ["03/04/2021", "4/3/2021", "13/04/2021", "04/13/2021", "25/12/2020", "12/25/2020", "12/12/2020", "31/02/2020",
     "NA", "", "x", "2021-04-03"]))


def _one_order(batch: pa.RecordBatch, fmt: str) -> PeriodProfile | None:
    """The periods of `batch` read in the one order `fmt`, the other never counted."""
    column = replace(SLASHED if fmt == SLASHED.format else in_other_order(SLASHED), other_reason=None)
    partial = PartialProfile.create(replace(SPEC, time=replace(SPEC.time, column=column)), batch.schema.names)
    partial.add(batch, 0)
    return extract(partial).periods


def _counted(skipped: str | None) -> str | None:
    """A reason to skip the periods up to how the unread times were expected to read."""
    return None if skipped is None else skipped.split(" do not read ")[0]


@pytest.mark.slow  # over a hundred generated files, each cut and merged: several seconds
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(dated_rows(SLASHED_OR_NOT))
def test_chunking_does_not_change_the_order_of_slashed_dates(case: tuple[pa.RecordBatch, list[int]]) -> None:
    """Both orders are counted per month and the order is chosen from the sums, so any cut of the
    file and any order of merging reads it alike: in the order more of its dates read in only,
    as a pass reading that order alone would."""
    batch, cuts = case
    whole = PartialProfile.create(SLASHED_SPEC, batch.schema.names)
    whole.add(batch, 0)
    expected = extract(whole).periods
    partials = _chunks(batch, cuts, SLASHED_SPEC)
    for merged in (reduce(lambda a, b: a.merged(b), partials), reduce(lambda a, b: b.merged(a), partials[::-1])):
        assert extract(merged).periods == expected
    assert expected.dated + expected.undated == batch.num_rows
    written = batch.column("year").to_pylist()
    day_first = sum(w in ("13/04/2021", "25/12/2020") for w in written)
    month_first = sum(w in ("04/13/2021", "12/25/2020") for w in written)
    if day_first != month_first:
        alone = _one_order(batch, "%d/%m/%Y" if day_first > month_first else "%m/%d/%Y")
        # the same periods and the same reason to skip them, worded for an order found, not named
        assert (expected.periods, expected.dated, _counted(expected.skipped)) == \
            (alone.periods, alone.dated, _counted(alone.skipped))


# --------------------------------------------------------------------------- real files
def _statuses(report: dataaudit.Report) -> dict[str, str]:
    return {c.check: c.status for c in report.checks}


def _table(report: dict, table_id: str = "time.periods") -> dict:
    return next(t for t in report["tables"] if t["id"] == table_id)


def test_party_shares_that_follow_the_governments_fail_the_label_drift() -> None:
    found = dataaudit.audit(SPEECHES, target="party")  # the dates found, not named: a warning
    assert [f.severity.value for f in found.findings if f.check == "time.label_drift"] == ["warn"]
    out, _ = run(["audit", SPEECHES, "--target", "party", "--time-column", "date", "--format", "json"], 1)
    report = json.loads(out)
    (label,) = [f for f in report["findings"] if f["check"] == "time.label_drift"]
    assert label["severity"] == "fail" and label["column"] == "party"
    assert label["details"]["time_column"] == "date"
    table = _table(report)
    assert table["note"].startswith("Time column 'date' (dates 1989-01 to 2019-10); periods of 5 years: the "
                                    "shortest holding 100 rows on average.")
    periods = {row[0]: dict(zip(table["columns"], row, strict=True)) for row in table["rows"]}
    assert list(periods) == ["1989", "1990-1994", "1995-1999", "2000-2004", "2005-2009", "2010-2014",
                             "2015-2019"]
    assert sum(p["rows"] for p in periods.values()) == 1000
    labour_years = ("2000-2004", "2005-2009")
    assert all(periods[p]["share Lab"] > 0.55 > periods[p]["share Con"] for p in labour_years)
    assert all(periods[p]["share Con"] > 0.5 > 0.35 > periods[p]["share Lab"] for p in ("2010-2014", "2015-2019"))


def test_the_government_periods_of_the_catalog_are_read_per_year() -> None:
    """Per year, the rows of 1989-1996, 1998-2009 and 2011-2019 (the years wholly under one
    government) give the catalog's shares to within the few rows of the election years."""
    report = dataaudit.audit(SPEECHES, target="party", period="year")
    periods = report.profile.periods
    assert periods is not None and periods.size == "year" and len(periods.periods) == 31
    by_year = {int(p.name): p for p in periods.periods}

    def share(years: range, party: str) -> float:
        return sum(by_year[y].classes.get(party, 0) for y in years) / sum(by_year[y].rows for y in years)

    assert share(range(1989, 1997), "Con") == pytest.approx(0.512, abs=0.03)
    assert share(range(1998, 2010), "Lab") == pytest.approx(0.572, abs=0.03)
    assert share(range(2011, 2020), "Con") == pytest.approx(0.538, abs=0.03)


def test_a_flat_union_share_passes_and_married_men_warn_the_feature_drift() -> None:
    report = dataaudit.audit(WAGES, target="union")
    statuses = _statuses(report)
    assert statuses["time.label_drift"] == "passed"
    assert statuses["time.feature_drift"] == "warn"
    (married,) = [f for f in report.findings if f.check == "time.feature_drift" and f.column == "married"]
    assert married.message.endswith("'1': 18.5% in 1980, 61.5% in 1987.")
    table = _table(report.to_dict())
    union = [row[table["columns"].index("share 1")] for row in table["rows"]]
    assert [row[0] for row in table["rows"]] == [str(y) for y in range(1980, 1988)]
    assert min(union) == pytest.approx(0.211, abs=0.001) and max(union) == pytest.approx(0.262, abs=0.001)
    drifting = {f.column for f in report.findings if f.check == "time.feature_drift"}
    assert {"married", "exper", "expersq"} <= drifting
    assert not {"black", "hisp", "educ"} & drifting  # constant within a man, so the same every year


TIME_OFF = RulePack.model_validate({"checks": {"time": {
    "max_label_divergence": {"warn": None, "fail": None}, "max_psi": {"warn": None, "fail": None},
    "max_categorical_divergence": {"warn": None, "fail": None}}}})


@pytest.mark.parametrize(("name", "target", "time_column"), [
    ("breast_cancer.csv", "target", None), ("iris.csv", "target", None), ("penguins.csv", "species", "year")])
def test_the_clean_controls_keep_their_verdict(name: str, target: str, time_column: str | None) -> None:
    report = dataaudit.audit(DATA / name, target=target)
    without = dataaudit.audit(DATA / name, target=target, rules=TIME_OFF)
    assert [f.to_dict() for f in report.findings] == [f.to_dict() for f in without.findings]
    assert report.passed
    statuses = {c.check: c for c in report.checks if c.check.startswith("time.")}
    if time_column is None:
        assert {c.status for c in statuses.values()} == {"skipped"}
        assert {c.reason for c in statuses.values()} == {NO_TIME_COLUMN}
    else:  # the penguins' three years: species and measurements as steady as chance allows
        assert {c.status for c in statuses.values()} == {"passed"}
        assert report.profile.periods.column == time_column


def test_periods_asked_for_are_widened_past_sixty(tmp_path: Path) -> None:
    out, _ = invoke(["audit", SPEECHES, "-t", "party", "--period", "month", "-f", "json"], 1)
    table = _table(json.loads(out))
    assert "periods of a year: a month gives 300 periods, more than 60" in table["note"]
    assert len(table["rows"]) == 31
    out, _ = invoke(["audit", DATA / "wage_panel.csv", "-t", "union", "--period", "year", "-f", "json"], 0)
    assert "periods of a year as asked" in _table(json.loads(out))["note"]


@pytest.mark.parametrize(("args", "line"), [
    (["--time-column", "dat"], "time column 'dat' not found (did you mean 'date'?)"),
    (["--time-column", "party"], "time column 'party' holds no dates, timestamps or years in most of its first rows"),
    (["--time-column", "party", "-t", "party"], "column 'party' is both the target and the time column"),
    (["--split", f"test={SPEECHES}", "--time-column", "date"],
     "--time-column (time_column) does not apply to a dataset in splits"),
])
def test_a_time_column_that_cannot_be_read_is_one_line_and_exit_2(args: list[str], line: str) -> None:
    _, err = invoke(["audit", SPEECHES, *args], 2)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert line in err and str(SPEECHES) in err


@pytest.mark.parametrize("rows", [0, 1, 3])
def test_a_named_time_column_of_a_small_file_is_no_usage_error(tmp_path: Path, rows: int) -> None:
    path = tmp_path / "few.csv"
    lines = [f"2020-01-0{i + 1},{i % 2},{i}.5" for i in range(rows)]
    path.write_text("\n".join(["date,y,x", *lines]) + "\n", encoding="utf-8")
    out, err = invoke(["audit", path, "-t", "y", "--time-column", "date", "-f", "json", "-q"], 1)
    assert "holds no dates" not in err
    time = {c["check"]: c for c in json.loads(out)["checks"] if c["check"].startswith("time.")}
    assert {c["status"] for c in time.values()} == {"skipped"}
    if rows:
        assert "time column 'date' (dates in 2020-01): " in time["time.label_drift"]["reason"]


def _speeches_with_dates(tmp_path: Path, name: str, spoil: dict[int, str]) -> Path:
    """The speeches with their date column renamed, and every row whose number modulo 10 is a
    key of `spoil` given that cell instead of its date."""
    lines = SPEECHES.read_text(encoding="utf-8").splitlines()
    rows = [spoil.get(i % 10, line.split(",", 1)[0]) + "," + line.split(",", 1)[1] for i, line in enumerate(lines[1:])]
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join([f"{name}," + lines[0].split(",", 1)[1], *rows]) + "\n", encoding="utf-8")
    return path


def test_a_named_time_column_with_some_unknown_or_impossible_dates_is_read(tmp_path: Path) -> None:
    """A tenth of the dates `unknown` and a tenth `2999-01-01` (a placeholder for 'never'): the
    column still dates the other rows, whose party shares still follow the governments, and the
    periods table counts the rows left out."""
    path = _speeches_with_dates(tmp_path, "date", {3: "unknown", 7: "2999-01-01"})
    out, err = invoke(["audit", path, "-t", "party", "--time-column", "date", "-f", "json"], 1)
    report = json.loads(out)
    label = next(c for c in report["checks"] if c["check"] == "time.label_drift")
    assert label["status"] == "fail", label
    assert sum(row[1] for row in _table(report)["rows"]) == 800
    assert "200 rows without a readable time are left out." in _table(report)["note"]
    spoiled = _speeches_with_dates(tmp_path, "date", {i: "unknown" for i in range(6)})  # 60% unknown: no time column
    _, err = invoke(["audit", spoiled, "-t", "party", "--time-column", "date"], 2)
    assert "time column 'date' holds no dates, timestamps or years in most of its first rows" in err
    found = dataaudit.audit(path, target="party")  # found, not named: a tenth unreadable is no time column
    assert found.profile.periods is None


def test_a_named_time_column_of_epoch_seconds_needs_no_name_that_says_so(tmp_path: Path) -> None:
    lines = SPEECHES.read_text(encoding="utf-8").splitlines()
    epoch = date(1970, 1, 1)
    seconds = [int((date.fromisoformat(line.split(",", 1)[0]) - epoch).total_seconds()) for line in lines[1:]]
    path = tmp_path / "when.csv"
    path.write_text("\n".join(["when," + lines[0].split(",", 1)[1],
                               *(f"{s}," + line.split(",", 1)[1] for s, line in zip(seconds, lines[1:], strict=True))])
                    + "\n", encoding="utf-8")
    out, _ = invoke(["audit", path, "-t", "party", "--time-column", "when", "-f", "json"], 1)
    report = json.loads(out)
    assert _table(report)["note"].startswith("Time column 'when' (epoch seconds 1989-")
    assert dataaudit.audit(path, target="party").profile.periods is None  # numbers alone are never a guessed time


def _speeches_in_epoch_units(tmp_path: Path, name: str, per_second: int) -> Path:
    """The speeches with their dates written as times since 1970 in units of 1/`per_second` s."""
    lines = SPEECHES.read_text(encoding="utf-8").splitlines()
    epoch = date(1970, 1, 1)
    times = [int((date.fromisoformat(line.split(",", 1)[0]) - epoch).total_seconds()) * per_second + 43_200_000
             for line in lines[1:]]
    path = tmp_path / f"{name}.csv"
    path.write_text("\n".join([f"{name}," + lines[0].split(",", 1)[1],
                               *(f"{t}," + line.split(",", 1)[1] for t, line in zip(times, lines[1:], strict=True))])
                    + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize(("per_second", "unit"), [(1_000, "milliseconds"), (1_000_000, "microseconds")])
def test_epoch_milliseconds_date_the_speeches_as_their_dates_do(tmp_path: Path, per_second: int, unit: str) -> None:
    """13-digit epoch milliseconds (`pd.to_datetime(unit="ms")`) under a name such as
    `created_ms` are found and give the periods of the dates; under another name they are
    numbers unless named with --time-column."""
    path = _speeches_in_epoch_units(tmp_path, "created_ms", per_second)
    out, _ = invoke(["audit", path, "-t", "party", "-f", "json"], 1)
    report = json.loads(out)
    assert _table(report)["note"].startswith(f"Time column 'created_ms' (epoch {unit} 1989-")
    assert [f["severity"] for f in report["findings"] if f["check"] == "time.label_drift"] == ["warn"]
    expected = dataaudit.audit(SPEECHES, target="party").profile.periods
    periods = dataaudit.audit(path, target="party").profile.periods
    assert [(p.name, p.rows, p.classes) for p in periods.periods] == \
        [(p.name, p.rows, p.classes) for p in expected.periods]
    plain = _speeches_in_epoch_units(tmp_path, "amount", per_second)
    assert dataaudit.audit(plain, target="party").profile.periods is None
    out, _ = invoke(["audit", plain, "-t", "party", "--time-column", "amount", "-f", "json"], 1)
    assert _table(json.loads(out))["note"].startswith(f"Time column 'amount' (epoch {unit} 1989-")


def test_months_of_a_year_column_or_periods_without_a_time_column_are_refused() -> None:
    _, err = invoke(["audit", WAGES, "-t", "union", "--period", "month"], 2)
    assert "column 'year' holds years 1980 to 1987, which have no months" in err
    _, err = invoke(["audit", DATA / "iris.csv", "-t", "target", "--period", "year"], 2)
    assert "--period (period) needs a time column" in err and len(err.strip().splitlines()) == 1


def test_worker_processes_count_the_same_periods(workers: MagicMock) -> None:
    one = dataaudit.audit(WAGES, target="union", chunk_rows=500)
    two = dataaudit.audit(WAGES, target="union", chunk_rows=500, jobs=2)
    assert workers.called
    assert one.profile.periods == two.profile.periods
    assert [f.to_dict() for f in one.findings] == [f.to_dict() for f in two.findings]


def test_the_html_report_draws_the_class_shares_over_time(tmp_path: Path) -> None:
    page = tmp_path / "speeches.html"
    invoke(["audit", SPEECHES, "-t", "party", "-f", "html", "-o", page], 1)
    html = page.read_text(encoding="utf-8")
    assert '<figure id="chart-label-shares-over-time">' in html
    assert "Periods of the time column" in html


def test_a_period_of_years_is_named_by_the_years_its_rows_span() -> None:
    from dataaudit.profile.periods import period_name

    start = 1985 * 12
    assert period_name(start, "5 years", [1989 * 12, 1989 * 12 + 11]) == "1989"  # the speeches begin in 1989
    assert period_name(start, "5 years", [1986 * 12 + 3, 1988 * 12]) == "1986-1988"
    assert period_name(start, "5 years") == "1985-1989"
    assert period_name(start + 4, "quarter", [start + 4]) == "1985-Q2"


def _slashed_dates(tmp_path: Path, fmt: str = "%m/%d/%Y", first: str | None = None, days: int = 60) -> Path:
    """100 rows a day from 2018-01-01 on for `days` days, written in `fmt` (US: `03/15/2018`),
    sorted: the first thousand rows' days are 1 to 10, which read either way; `first`, when
    given, is the first row's date as written. `x` is spread alike every day, the labels alternate."""
    start = date(2018, 1, 1)
    lines = ["when,x,label"]
    for day in range(days):
        when = start + timedelta(days=day)
        lines += [f"{when:{fmt}},{i * 0.37:.2f},{'ab'[i % 2]}" for i in range(100)]
    if first is not None:
        lines[1] = first + "," + lines[1].split(",", 1)[1]
    path = tmp_path / "dates.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("runner", [invoke, run])
def test_us_dates_after_first_rows_that_read_either_way_are_read_month_first(tmp_path: Path, runner) -> None:
    """Read day first from their first thousand rows (days 1 to 10), 3,500 of 6,000 US dates (days
    past 12) were dropped and the time checks skipped; the whole file says month first, and its
    dates fall in their own months."""
    out, _ = runner(["audit", _slashed_dates(tmp_path), "-t", "label", "--time-column", "when", "-f", "json"], 0)
    report = json.loads(out)
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["time.label_drift"] == statuses["time.feature_drift"] == "passed"
    table = _table(report)
    assert [row[:2] for row in table["rows"]] == [["2018-01", 3100], ["2018-02", 2800], ["2018-03", 100]]
    assert table["note"].startswith("Time column 'when' (dates 2018-01 to 2018-03); periods of a month: the "
                                    "shortest holding 100 rows on average; dates read month first (mm/dd/yyyy), as "
                                    "3,500 of them read only so and none only day first.")


def test_a_stray_us_date_in_the_first_rows_does_not_turn_the_file_month_first(tmp_path: Path) -> None:
    """One 01/13/2018 first made the first rows month first, and every European date past the
    12th unreadable; the whole file reads day first, the stray row alone undated."""
    path = _slashed_dates(tmp_path, "%d/%m/%Y", first="01/13/2018")
    periods = dataaudit.audit(path, target="label", time_column="when").profile.periods
    assert periods.skipped is None
    assert [(p.name, p.rows) for p in periods.periods] == [("2018-01", 3099), ("2018-02", 2800), ("2018-03", 100)]
    assert periods.undated == 1
    assert periods.note.endswith("dates read day first (dd/mm/yyyy), as 3,500 of them read only so and 1 only "
                                 "month first")


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(chunk_rows=st.integers(1, 2_500), fmt=st.sampled_from(["%m/%d/%Y", "%d/%m/%Y"]))
def test_the_order_of_slashed_dates_does_not_depend_on_the_chunking(tmp_path: Path, chunk_rows: int,
                                                                      fmt: str) -> None:
    """The order is chosen from the whole file's counts, so any chunk size reads it alike, in
    either order: the periods are those of the dates."""
    path = _slashed_dates(tmp_path, fmt, days=40)
    periods = dataaudit.audit(path, target="label", time_column="when", chunk_rows=chunk_rows).profile.periods
    assert [(p.name, p.rows) for p in periods.periods] == [("2018-01", 3100), ("2018-02", 900)]
    assert periods.undated == 0


def test_dates_that_read_either_way_in_the_whole_file_make_no_monthly_periods(tmp_path: Path) -> None:
    """Days 1 to 12 of every month, two years of them: 03/04/2018 is 3 April or March 4, and no
    date says which, so periods of a month would be a guess; periods of a year are not."""
    lines = ["when,x,label"]
    for month, day in itertools.product(range(24), range(1, 13)):
        lines += [f"{day:02d}/{month % 12 + 1:02d}/{2018 + month // 12},{i},{'ab'[i % 2]}" for i in range(10)]
    path = tmp_path / "either.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out, _ = invoke(["audit", path, "-t", "label", "--time-column", "when", "-f", "json"], 0)
    reasons = {c["check"]: c.get("reason", "") for c in json.loads(out)["checks"] if c["check"].startswith("time.")}
    for reason in reasons.values():
        assert "2,640 of its 2,880 dates fall in other months read day first or month first (03/04/2021 is 3 April " \
               "or March 4), and no day past 12 in the file says which order it is written in" in reason, reason
    yearly = dataaudit.audit(path, target="label", time_column="when", period="year").profile.periods
    assert yearly.skipped is None and [(p.name, p.rows) for p in yearly.periods] == [("2018", 1440), ("2019", 1440)]


def _first_of_month_dates(tmp_path: Path) -> Path:
    """A monthly file written day first, `01/03/2019` for 1 March: no day is past 12, so the
    file alone cannot say its order (month first, every date would be in January)."""
    lines = ["when,x,label"]
    for year, month in itertools.product((2019, 2020), range(1, 13)):
        lines += [f"01/{month:02d}/{year},{i},{'ab'[i % 2]}" for i in range(10)]
    path = tmp_path / "monthly.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("runner", [invoke, run])
def test_a_named_date_order_reads_dates_the_file_cannot_tell(tmp_path: Path, runner) -> None:
    """A European file of first-of-month dates skipped its monthly periods as a guess; the user
    who knows the order names it, and the periods are the file's months."""
    path = _first_of_month_dates(tmp_path)
    out, _ = runner(["audit", path, "-t", "label", "--time-column", "when", "-f", "json"], 0)
    reason = next(c["reason"] for c in json.loads(out)["checks"] if c["check"] == "time.label_drift")
    assert "Name the order (--date-order, date_order)" in reason
    out, _ = runner(["audit", path, "-t", "label", "--time-column", "when", "--date-order", "day-first",
                     "--period", "month", "-f", "json"], 0)
    rows = _table(json.loads(out))["rows"]
    assert [row[:2] for row in rows] == [[f"{year}-{month:02d}", 10] for year in (2019, 2020) for month in
                                         range(1, 13)]
    periods = dataaudit.audit(path, target="label", time_column="when", date_order="month-first").profile.periods
    assert periods.skipped is None  # every date in January, as month first says
    assert [(p.name, p.rows) for p in periods.periods] == [("2019-01", 120), ("2020-01", 120)]


def test_a_named_date_order_is_kept_against_the_file(tmp_path: Path) -> None:
    """Named, the order is not chosen again from the file: US dates read day first are mostly no
    dates, and the periods are skipped as misread rather than silently read month first."""
    path = _slashed_dates(tmp_path)
    periods = dataaudit.audit(path, target="label", time_column="when", date_order="day-first").profile.periods
    assert periods.skipped == ("3,500 of its 6,000 times (58%) do not read day first (dd/mm/yyyy), the order named "
                               "(--date-order): written in the other order? Name that order, or write them as ISO "
                               "dates (2018-03-15)")
    periods = dataaudit.audit(path, target="label", time_column="when", date_order="month-first").profile.periods
    assert periods.skipped is None and periods.undated == 0 and periods.note == \
        "periods of a month: the shortest holding 100 rows on average; dates read month first (mm/dd/yyyy), as named " \
        "(--date-order)"


def test_a_date_order_without_slashed_dates_is_refused() -> None:
    _, err = invoke(["audit", WAGES, "-t", "union", "--date-order", "day-first"], 2)
    assert err.strip() == (f"dataaudit: error: {WAGES}: time column 'year' holds years 1980 to 1987, which have one "
                           "reading; --date-order is for dates written dd/mm/yyyy or mm/dd/yyyy")
    _, err = invoke(["audit", DATA / "iris.csv", "-t", "target", "--date-order", "month-first"], 2)
    assert "--date-order (date_order) needs a time column" in err and len(err.strip().splitlines()) == 1
    with pytest.raises(dataaudit.InputError, match=r"^--date-order \(date_order\) is one of day-first, month-first"):
        dataaudit.audit(SPEECHES, target="party", date_order="dayfirst")


@pytest.mark.parametrize("runner", [invoke, run])
def test_dates_that_read_otherwise_than_the_first_rows_make_no_periods(tmp_path: Path, runner) -> None:
    """ISO dates in the first thousand rows, then 3,500 of 6,000 written 15.03.2018: the periods
    would be those of the first rows' dates alone, so the time checks skip saying so."""
    path = _slashed_dates(tmp_path, "%Y-%m-%d")
    lines = path.read_text(encoding="utf-8").splitlines()
    dotted = [f"{date.fromisoformat(line[:10]):%d.%m.%Y}{line[10:]}" if i > 2500 else line
              for i, line in enumerate(lines)]
    path.write_text("\n".join(dotted) + "\n", encoding="utf-8")
    out, _ = runner(["audit", path, "-t", "label", "--time-column", "when", "-f", "json"], 0)
    statuses = {c["check"]: c for c in json.loads(out)["checks"]}
    for check in ("time.label_drift", "time.feature_drift"):
        assert statuses[check]["status"] == "skipped"
        assert "3,500 of its 6,000 times (58%) do not read as its first rows did (dates 2018-01-01 to" in \
            statuses[check]["reason"], statuses[check]["reason"]
        assert statuses[check]["reason"].endswith("Write them as ISO dates (2018-03-15)")


def test_missing_times_are_no_misread_times(tmp_path: Path) -> None:
    """Two thirds of the times empty leave the dated third its periods: missing is not misread."""
    path = _speeches_with_dates(tmp_path, "date", {i: "" for i in range(1, 7)})
    report = dataaudit.audit(path, target="party", time_column="date")
    assert report.profile.periods.skipped is None and report.profile.periods.periods
