"""Valid inputs off the beaten path (nested Parquet columns, JSON's non-standard constants, a
kept column a step drops, a JSON array on standard input): cleaned and audited without a crash,
into files a strict reader takes, with messages naming what the user gave."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_kept_column_the_clean_drops_is_not_looked_for_in_the_output(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "in.parquet"
    pq.write_table(pa.table({"z": [1] * 6, "x": list("abcdef"), "label": ["y", "n"] * 3}), data)
    out = tmp_path / f"out{suffix}"
    _, err = invoke(["clean", data, "-t", "label", "-o", out, "--keep-column", "z"], 1)  # a gate failed: 6 rows are few
    assert f"6 rows written to {out}" in err
    steps = {s["step"]: s for s in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    assert steps["drop_columns"]["notes"] == ["dropped z (constant)"]
    written = pq.read_table(out).column_names if suffix == ".parquet" else out.read_text().splitlines()[0]
    assert "z" not in written
