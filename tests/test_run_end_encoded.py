"""Arrow tables with run-end encoded columns (a value and the row its run ends on), given to the
Python API, are audited and cleaned as their values. Both used to end in an internal error: no
`take` kernel (nor a cast) takes runs. Parquet has no type of runs, so a cleaned file holds the
values, as every text file does."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from hypothesis import given
from hypothesis import strategies as st

import dataaudit
from dataaudit.io.strings import narrow_strings, restore_types, wider_columns

ROWS = 40
#: runs of three, one of them missing and one a disguised missing value (`?`, nulled by a clean)
COLOUR = [["red", "blue", None, "?", "green"][i // 3 % 5] for i in range(ROWS)]
#: rows 0 and 1 share colour and size, and their labels differ: both are quarantined as conflicting
SIZE = [0, *range(1, ROWS)]
SIZE[1] = 0
LABEL = [["cat", "dog"][i % 2] for i in range(ROWS)]


def _plain() -> pa.Table:
    return pa.table({"colour": pa.array(COLOUR), "size": pa.array(SIZE, pa.int64()), "label": pa.array(LABEL)})


def _runs() -> pa.Table:
    plain = _plain()
    return pa.table({"colour": pc.run_end_encode(plain["colour"]),
                     "size": pc.run_end_encode(plain["size"], run_end_type=pa.int16()),
                     "label": plain["label"]})


def _without_time(report: dict[str, Any]) -> dict[str, Any]:
    return {key: value for key, value in report.items() if key not in ("generated_at", "elapsed_seconds", "source")}


def test_runs_are_audited_as_their_values() -> None:
    assert pa.types.is_run_end_encoded(_runs().schema.field("colour").type)
    runs = dataaudit.audit(_runs(), target="label").to_dict()
    plain = dataaudit.audit(_plain(), target="label").to_dict()
    assert _without_time(runs["dataset"]) == _without_time(plain["dataset"])
    assert runs["dataset"]["rows"] == ROWS
    assert [f["check"] for f in runs["findings"]] == [f["check"] for f in plain["findings"]]


def test_runs_are_cleaned_and_written_as_their_values(tmp_path: Path) -> None:
    runs, plain = dataaudit.clean(_runs(), target="label"), dataaudit.clean(_plain(), target="label")
    assert runs.data.equals(plain.data) and runs.quarantine.equals(plain.quarantine)
    assert len(runs.data) + len(runs.quarantine) == ROWS and len(runs.quarantine) > 0
    for suffix in (".parquet", ".csv", ".jsonl"):
        (tmp_path / suffix).mkdir()
        runs.write_to(tmp_path / suffix / f"runs{suffix}")
        plain.write_to(tmp_path / suffix / f"plain{suffix}")
        for role in ("", ".quarantine"):
            written = (tmp_path / suffix / f"runs{role}{suffix}").read_bytes()
            assert written == (tmp_path / suffix / f"plain{role}{suffix}").read_bytes()
    assert pq.read_table(tmp_path / ".parquet" / "runs.parquet").column("colour").type == pa.string()


def test_an_empty_clean_of_runs_writes_the_values_types(tmp_path: Path) -> None:
    dataaudit.clean(_runs().slice(0, 0), target="label").write_to(tmp_path / "empty.parquet")
    assert pq.read_table(tmp_path / "empty.parquet").schema.types == _plain().schema.types


@given(st.lists(st.one_of(st.none(), st.sampled_from(["a", "b", ""])), min_size=1, max_size=30),
       st.sampled_from([pa.int16(), pa.int32(), pa.int64()]))
def test_runs_are_read_as_their_values_and_restored(values: list[str | None], ends: pa.DataType) -> None:
    runs = pc.run_end_encode(pa.array(values, pa.string()), run_end_type=ends)
    batch = pa.RecordBatch.from_arrays([runs], names=["x"])
    read = narrow_strings(batch)
    assert read.schema.types == [pa.string()] and read.column(0).to_pylist() == values
    assert restore_types(read, wider_columns(batch.schema)).equals(batch)
