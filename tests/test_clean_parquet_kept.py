"""What a Parquet file stores beyond its values survives a clean that drops a column: the
schema's key-value metadata, and with it a pandas index, which pandas reads back as the index
and not as one more column."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from tests.cli_helpers import invoke


def _clean(data: Path, out: Path) -> None:
    # six rows fail the size gate: exit 1, written all the same
    invoke(["clean", data, "-t", "label", "-o", out, "--allow-large-quarantine"], 1)


def test_a_dropped_constant_column_keeps_the_files_metadata(tmp_path: Path) -> None:
    data, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    table = pa.table({"f": [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], "k": [7] * 6, "e": pa.nulls(6, pa.string()),
                      "label": list("ababab")})
    pq.write_table(table.replace_schema_metadata({b"origin": b"sensor-7"}), data)
    _clean(data, out)
    written = pq.read_table(out)
    assert written.column_names == ["f", "label"]  # k constant, e empty: dropped
    assert written.schema.metadata == {b"origin": b"sensor-7"}


def test_a_pandas_index_stays_the_index_when_a_column_is_dropped(tmp_path: Path) -> None:
    data, out = tmp_path / "in.parquet", tmp_path / "out.parquet"
    frame = pd.DataFrame({"f": [1.5, 2.5, 3.5, 4.5, 5.5, 6.5], "c": [1] * 6, "label": list("ababab")},
                         index=pd.Index([f"r{i}" for i in range(6)], name="rid"))
    frame.to_parquet(data)
    _clean(data, out)
    back = pd.read_parquet(out)
    assert list(back.columns) == ["f", "label"]
    assert back.index.name == "rid" and list(back.index) == list(frame.index)
