"""Adversarial files against the promises the README and docs/cleaning.md make, each run through
the installed `dataaudit` (and click's runner) as a user runs it, and compared with an
independent reading of the same bytes: the csv module, a Counter of the raw cells.

- The input is never changed: a clean of a folder of Parquet files writes nothing inside it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import invoke, run

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
Runner = Callable[..., tuple[str, str]]


def _folder_of_parts(folder: Path) -> Path:
    folder.mkdir()
    table = pa.table({"a": [1, 2, 1, 3], "b": ["x", "y", "x", "z"], "label": ["p", "q", "p", "p"]})
    pq.write_table(table.slice(0, 2), folder / "part-0.parquet")
    pq.write_table(table.slice(2), folder / "part-1.parquet")
    return folder


# --- the input is never changed ------------------------------------------------------------------

@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("destination", ["out.parquet", "sub/out.csv"])
def test_a_clean_writes_nothing_inside_the_folder_it_reads(tmp_path: Path, runner: Runner, destination: str) -> None:
    """Every Parquet file in the folder is a part of the input: a cleaned file or a quarantine
    written there would be read as more rows the next time."""
    folder = _folder_of_parts(tmp_path / "parts")
    (folder / "sub").mkdir()
    before = sorted(p.name for p in folder.rglob("*"))
    _, err = runner(["clean", folder, "-t", "label", "-o", folder / destination, "--force"], 2)
    assert err.strip() == f"dataaudit: error: {folder / destination}: inside the input folder {folder}; write elsewhere"
    assert sorted(p.name for p in folder.rglob("*")) == before
    assert len(pq.read_table(folder)) == 4
