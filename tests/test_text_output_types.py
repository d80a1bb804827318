"""Decimals and durations of a Parquet file written to a text output (CSV, JSON Lines) keep their
values: a decimal as the JSON number of its digits (it was the string `"1.20"`), a duration as
its ISO 8601 text with every digit of its unit (a CSV held the bare count, `1001`, its unit lost;
JSON Lines held Python's or pandas' text, two spellings)."""

from __future__ import annotations

import csv
import json
import re
from decimal import Decimal
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.io.decimal_text import decimals_as_text
from dataaudit.io.durations import duration_text, durations_as_text
from dataaudit.io.nested import decimal_json
from tests.cli_helpers import RUNNERS, Runner, invoke

UNITS = {"s": 1, "ms": 10**3, "us": 10**6, "ns": 10**9}
XS_DURATION = re.compile(r"(-?)P(\d+)DT(\d+)H(\d+)M(\d+)(?:\.(\d+))?S")


def counted(text: str, unit: str) -> int:
    """The count of `unit` an `xs:duration` of days to seconds spells, read exactly."""
    sign, days, hours, minutes, seconds, fraction = XS_DURATION.fullmatch(text).groups()  # type: ignore[union-attr]
    assert fraction is None or (fraction[-1] != "0" and len(fraction) <= len(str(UNITS[unit])) - 1)
    whole = ((int(days) * 24 + int(hours)) * 60 + int(minutes)) * 60 + int(seconds)
    count = whole * UNITS[unit] + int((fraction or "").ljust(len(str(UNITS[unit])) - 1, "0") or 0)
    return -count if sign else count


@given(st.integers(-(2**63), 2**63 - 1), st.sampled_from(list(UNITS)))
def test_a_duration_is_written_with_exactly_its_digits(count: int, unit: str) -> None:
    text = duration_text(count, unit)
    assert counted(text, unit) == count
    assert (text == "P0DT0H0M0S") == (count == 0)
    if unit == "ns" and count != -(2**63):  # pandas' own range; its smallest value is NaT
        assert pd.Timedelta(text) == pd.Timedelta(count, "ns")


@given(st.lists(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1), st.integers(-(10**12), 10**12))),
       st.sampled_from(list(UNITS)))
def test_a_column_of_durations_is_written_as_each_duration_alone(counts: list[int | None], unit: str) -> None:
    """The column's text, computed by Arrow at once, is `duration_text` of each value."""
    batch = pa.RecordBatch.from_arrays([pa.array(counts, pa.duration(unit))], ["d"])
    assert durations_as_text(batch).column(0).to_pylist() == [
        None if count is None else duration_text(count, unit) for count in counts]


def test_durations_stored_as_a_dictionary_are_written_as_text() -> None:
    values = pa.array([1500, None, 1500, -1], pa.duration("ms")).dictionary_encode()
    batch = durations_as_text(pa.RecordBatch.from_arrays([values, pa.array([1, 2, 3, 4])], ["d", "n"]))
    assert batch.column(0).to_pylist() == ["P0DT0H0M1.5S", None, "P0DT0H0M1.5S", "-P0DT0H0M0.001S"]
    assert batch.schema.field("d").type == pa.string() and batch.column(1).type == pa.int64()


DECIMALS = [Decimal("1.20"), None, Decimal("-3.00"), Decimal("0.05")]
MILLISECONDS = [1001, None, -1, 86_400_000 * 3 + 5]


def _typed_table() -> pa.Table:
    return pa.table({
        "price": pa.array(DECIMALS, pa.decimal128(5, 2)),
        "prices": pa.array([[d, d] if d is not None else None for d in DECIMALS], pa.list_(pa.decimal128(5, 2))),
        "by_rate": pa.array([[(Decimal("0.5"), 7)], None, [], [(Decimal("2.0"), 1)]],
                            pa.map_(pa.decimal128(3, 1), pa.int64())),
        "wait": pa.array(MILLISECONDS, pa.duration("ms")),
        "wait_ns": pa.array([1, 2, None, -(10**9) - 7], pa.duration("ns")),
        "waits": pa.array([[m] if m is not None else [] for m in MILLISECONDS], pa.list_(pa.duration("s"))),
        "label": ["cat", "dog", "cat", "dog"],
    })


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_decimals_and_durations_keep_their_values_in_a_text_output(tmp_path: Path, runner: Runner,
                                                                   suffix: str) -> None:
    table = _typed_table()
    data = tmp_path / "typed.parquet"
    pq.write_table(table, data, store_schema=True)
    out = tmp_path / f"out{suffix}"
    runner(["clean", data, "-t", "label", "-o", out], 1)  # 4 rows: the gate fails
    if suffix == ".jsonl":
        rows = [json.loads(line, parse_float=Decimal) for line in out.read_text().splitlines()]
    else:
        nested = ("prices", "by_rate", "waits")
        rows = [{name: (json.loads(text, parse_float=Decimal) if name in nested else text) if text else None
                 for name, text in row.items()} for row in csv.DictReader(out.open(newline=""))]
        for row in rows:  # the CSV's text of a top-level decimal, which JSON reads as the same number
            row["price"] = None if row["price"] is None else Decimal(row["price"])
    assert len(rows) == table.num_rows
    for row, price in zip(rows, DECIMALS, strict=True):
        assert row["price"] == price and str(row["price"]) == str(price)  # its digits, `1.20`, too
        assert row["prices"] == (None if price is None else [price, price])
        assert all(str(written) == str(price) for written in row["prices"] or [])
    assert [row["by_rate"] for row in rows] == [[[Decimal("0.5"), 7]], None, [], [[Decimal("2.0"), 1]]]
    assert [row["wait"] and counted(row["wait"], "ms") for row in rows] == MILLISECONDS
    assert [row["wait_ns"] and pd.Timedelta(row["wait_ns"]) for row in rows] == [
        pd.Timedelta(1, "ns"), pd.Timedelta(2, "ns"), None, pd.Timedelta(-(10**9) - 7, "ns")]
    assert [[counted(text, "s") for text in row["waits"]] for row in rows] == [
        [m] if m is not None else [] for m in MILLISECONDS]
    assert rows[0]["wait"] == "P0DT0H0M1.001S" and rows[2]["wait"] == "-P0DT0H0M0.001S"


def test_json_lines_write_a_decimal_as_a_bare_number(tmp_path: Path) -> None:
    data = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"price": pa.array(DECIMALS, pa.decimal128(5, 2)), "label": ["a", "b"] * 2}), data)
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-t", "label", "-o", out], 1)
    assert out.read_text().splitlines()[0] == '{"price": 1.20, "label": "a"}'


PAST_PYTHON = {  # values past what Python's (or pandas') dates, times and durations hold
    "date": (pa.array([3_000_000 + i for i in range(20)], pa.int32()).cast(pa.date32()), "10183-09-21"),
    "timestamp_paris": (pa.array([253_402_300_799 - i for i in range(20)]).cast(pa.timestamp("s", "Europe/Paris")),
                        "10000-01-01 00:59:59.000+0100"),
    "duration": (pa.array([2**62, *range(1, 20)]).cast(pa.duration("s")), "P53375995583650DT7H45M4S"),
    "list_of_dates": (pa.array([[3_000_000 + i] for i in range(20)], pa.list_(pa.int32())).cast(pa.list_(pa.date32())),
                      '["10183-09-21"]'),
}


@pytest.mark.parametrize("kind", list(PAST_PYTHON))
def test_times_past_what_python_holds_are_audited_and_cleaned(tmp_path: Path, kind: str) -> None:
    """Python's date stops at the year 9999 and its int at a C long: the audit (which reads a
    file's first rows as Python values to find a time column) stopped with a traceback."""
    column, first = PAST_PYTHON[kind]
    table = pa.table({"c": column, "x": [i * 1.5 for i in range(20)], "label": ["cat", "dog"] * 10})
    data = tmp_path / "far.parquet"
    pq.write_table(table, data, store_schema=True)
    invoke(["audit", data, "-t", "label"], 0)
    for suffix in (".parquet", ".csv", ".jsonl"):
        out = tmp_path / suffix[1:] / f"out{suffix}"
        out.parent.mkdir()
        invoke(["clean", data, "-t", "label", "-o", out], 0)
    # as the input file holds them (Parquet stores seconds as milliseconds)
    assert pq.read_table(tmp_path / "parquet" / "out.parquet").column("c").equals(pq.read_table(data).column("c"))
    written = next(csv.DictReader((tmp_path / "csv" / "out.csv").open(newline="")))["c"]
    assert written == first
    assert json.loads((tmp_path / "jsonl" / "out.jsonl").read_text().splitlines()[0])["c"] == json.loads(
        first if first.startswith("[") else json.dumps(first))


def test_one_date_past_python_among_others_is_audited_and_the_others_keep_their_spelling(tmp_path: Path) -> None:
    """A typo year among dates stopped the audit (the time column's months were read through
    pandas), and one such value in a chunk made every date, timestamp and duration of the chunk
    Arrow's text: durations lost their unit."""
    dates = [[18_000 + i] for i in range(20)]
    dates[0] = [3_000_000]  # the year 10183
    table = pa.table({
        "when": pa.array([d[0] for d in dates], pa.int32()).cast(pa.date32()),
        "dates": pa.array(dates, pa.list_(pa.int32())).cast(pa.list_(pa.date32())),
        "waits": pa.array([[1500 * i] for i in range(20)], pa.list_(pa.duration("ms"))),
        "x": [i * 1.5 for i in range(20)], "label": ["cat", "dog"] * 10,
    })
    data = tmp_path / "typo.parquet"
    pq.write_table(table, data)
    invoke(["audit", data, "-t", "label"], 0)
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-t", "label", "-o", out], 0)
    first, second = (json.loads(line) for line in out.read_text().splitlines()[:2])
    assert (first["when"], first["dates"], first["waits"]) == ("10183-09-21", ["10183-09-21"], ["P0DT0H0M0S"])
    assert (second["when"], second["dates"], second["waits"]) == ("2019-04-15", ["2019-04-15"], ["P0DT0H0M1.5S"])


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_durations_nested_beside_one_past_python_keep_their_unit(tmp_path: Path, runner: Runner, suffix: str) -> None:
    """One duration past Python's `timedelta` (about 2.7 million years) inside a list made every
    duration of its column Arrow's bare count: `["1", "100000000000000"]`, the unit lost."""
    far = 10**14  # seconds
    table = pa.table({
        "waits": pa.array([[1, far] if i == 0 else [i] for i in range(20)], pa.list_(pa.duration("s"))),
        "span": pa.array([{"ms": far if i == 0 else 1500 * i, "n": i} for i in range(20)],
                         pa.struct([("ms", pa.duration("ms")), ("n", pa.int64())])),
        "x": [i * 1.5 for i in range(20)], "label": ["cat", "dog"] * 10,
    })
    data = tmp_path / "far.parquet"
    pq.write_table(table, data)
    out = tmp_path / f"out{suffix}"
    runner(["clean", data, "-t", "label", "-o", out], 0)
    if suffix == ".csv":
        rows = [{key: json.loads(value) for key, value in row.items() if key in ("waits", "span")}
                for row in csv.DictReader(out.open(newline=""))]
    else:
        rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert [counted(text, "s") for text in rows[0]["waits"]] == [1, far]
    assert counted(rows[0]["span"]["ms"], "ms") == far and rows[0]["span"]["n"] == 0
    assert [rows[i]["waits"] for i in (1, 2)] == [["P0DT0H0M1S"], ["P0DT0H0M2S"]]
    assert rows[3]["span"] == {"ms": "P0DT0H0M4.5S", "n": 3}


@given(st.lists(st.one_of(st.none(), st.integers(-(10**12), 10**12)), min_size=1, max_size=20),
       st.integers(0, 12))
def test_a_decimal_column_is_written_with_the_digits_of_its_scale(units: list[int | None], scale: int) -> None:
    """Arrow and Python write a decimal past six zeros after the point with an exponent: a
    `decimal128(20, 9)` zero was `0E-9` beside `2.000000000`."""
    values = [None if u is None else Decimal(u).scaleb(-scale) for u in units]
    column = pa.array(values, pa.decimal128(25, scale))
    expected = [None if v is None else f"{v:.{scale}f}" for v in values]
    written = decimals_as_text(pa.RecordBatch.from_arrays([column], names=["d"])).column(0).to_pylist()
    assert written == expected and all("E" not in text for text in written if text is not None)
    assert [decimal_json(v) for v in column.to_pylist()] == expected


@pytest.mark.parametrize("suffix", [".csv", ".jsonl"])
def test_a_parquet_decimal_zero_is_written_as_its_digits(tmp_path: Path, suffix: str) -> None:
    values = [Decimal("0E-9"), Decimal("2.000000000"), Decimal("-1E-9"), None] * 5
    data = tmp_path / "zeros.parquet"
    pq.write_table(pa.table({"d": pa.array(values, pa.decimal128(20, 9)),
                             "ds": pa.array([[v] for v in values], pa.list_(pa.decimal128(20, 9))),
                             "x": [i * 0.5 for i in range(20)], "label": ["a", "b"] * 10}), data)
    out = tmp_path / f"out{suffix}"
    invoke(["clean", data, "-t", "label", "-o", out], 0)
    text = out.read_text()
    assert "E-9" not in text and text.count("0.000000000") == 10 and text.count("-0.000000001") == 10
