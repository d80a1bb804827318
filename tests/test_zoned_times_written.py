"""Times of a named zone written to CSV or TSV read back as the same instants. Arrow's CSV writer
cuts a zone's UTC offset to whole minutes, so a time of a zone whose offset had seconds
(Africa/Monrovia until 1972 at -00:44:30, Paris until 1911 at +00:09:21) came out up to a minute
off: `1960-06-01 12:00:00.000000-0044` for 12:44:30 UTC."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.io.zoned_times import zoned_times_as_text
from tests.cli_helpers import RUNNERS, Runner

#: instants, in UTC, of times whose zone's offset had seconds, and of times whose offset had none
INSTANTS = [datetime(1960, 6, 1, 12, 44, 30, tzinfo=UTC), datetime(2020, 6, 1, 12, 0, tzinfo=UTC), None,
            datetime(1905, 3, 1, 8, 30, 15, 250_000, tzinfo=UTC)]


def _zoned(zone: str, unit: str = "us") -> pa.Array:
    return pa.array(INSTANTS, pa.timestamp(unit, tz="UTC")).cast(pa.timestamp(unit, tz=zone))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", [".csv", ".tsv"])
def test_times_of_a_zone_whose_offset_had_seconds_keep_their_instant(tmp_path: Path, runner: Runner,
                                                                      suffix: str) -> None:
    data = tmp_path / "zoned.parquet"
    pq.write_table(pa.table({"monrovia": _zoned("Africa/Monrovia"), "paris": _zoned("Europe/Paris", "ms"),
                             "utc": pa.array(INSTANTS, pa.timestamp("us", tz="UTC")),
                             "label": ["a", "b", "a", "b"]}), data)
    out = tmp_path / f"out{suffix}"
    runner(["clean", data, "-t", "label", "-o", out], 1)  # 4 rows: the gate fails
    rows = list(csv.DictReader(out.open(newline=""), delimiter="\t" if suffix == ".tsv" else ","))
    for column in ("monrovia", "paris", "utc"):
        written = [pd.Timestamp(row[column]) if row[column] else None for row in rows]
        assert written == [None if t is None else pd.Timestamp(t) for t in INSTANTS], column
    # whole-minute offsets keep Arrow's spelling, the local time; the others are in UTC
    assert [row["monrovia"] for row in rows] == [
        "1960-06-01 12:44:30.000000Z", "2020-06-01 12:00:00.000000+0000", "", "1905-03-01 08:30:15.250000Z"]
    assert rows[1]["paris"] == "2020-06-01 14:00:00.000+0200"
    assert rows[3]["paris"] == "1905-03-01 08:30:15.250Z"  # Paris mean time, +00:09:21


@given(st.lists(st.one_of(st.none(), st.datetimes(datetime(1850, 1, 1), datetime(2100, 1, 1), timezones=st.just(UTC)))),
       st.sampled_from(["Africa/Monrovia", "Europe/Paris", "America/New_York", "Asia/Kolkata", "Europe/Amsterdam"]))
def test_each_written_time_is_its_instant(instants: list[datetime | None], zone: str) -> None:
    """Whatever the zone's offset at that instant, the text is the instant; where the offset is
    whole minutes it is the local time and offset Arrow writes."""
    column = pa.array(instants, pa.timestamp("us", tz="UTC")).cast(pa.timestamp("us", tz=zone))
    texts = zoned_times_as_text(pa.RecordBatch.from_arrays([column], ["t"])).column(0).to_pylist()
    for instant, text in zip(instants, texts, strict=True):
        if instant is None:
            assert text is None
            continue
        assert pd.Timestamp(text) == pd.Timestamp(instant)
        offset = instant.astimezone(ZoneInfo(zone)).utcoffset()
        assert text.endswith("Z") == (offset % timedelta(minutes=1) != timedelta(0))


def test_utc_fixed_offsets_and_other_columns_are_left_to_the_writer() -> None:
    batch = pa.RecordBatch.from_arrays(
        [pa.array([0], pa.timestamp("s", tz="UTC")), pa.array([0], pa.timestamp("s", tz="+05:30")),
         pa.array([0], pa.timestamp("s")), pa.array([1])], ["utc", "fixed", "naive", "n"])
    assert zoned_times_as_text(batch) is batch


def test_times_of_a_zone_stored_as_a_dictionary_are_written_as_text() -> None:
    batch = pa.RecordBatch.from_arrays([_zoned("Africa/Monrovia").dictionary_encode()], ["t"])
    written = zoned_times_as_text(batch)
    assert written.schema.field("t").type == pa.string()
    assert written.column(0).to_pylist()[0] == "1960-06-01 12:44:30.000000Z"
