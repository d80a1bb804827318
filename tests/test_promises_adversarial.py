"""Adversarial files against the promises the README and docs/cleaning.md make, each run through
the installed `dataaudit` (and click's runner) as a user runs it, and compared with an
independent reading of the same bytes: the csv module, a Counter of the raw cells.

- The input is never changed: a clean of a folder of Parquet files writes nothing inside it.
- Valid CSVs are read: a field longer than the reader's block (and hashed in time however
  long), a header with no line end and no rows.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from dataaudit.io.digest import file_sha256
from dataaudit.profile import siphash
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


# --- valid CSVs are read -------------------------------------------------------------------------

#: no step changes a cell or takes a row out: a clean then writes back every value as read
NO_STEPS = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
            "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
            "drop_empty_columns: false}\n")


def _cells(path: Path) -> list[list[str]]:
    csv.field_size_limit(64 << 20)  # the module's own limit is 128 KiB a field
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _audited(runner: Runner, data: Path, tmp_path: Path, *args: str, code: int = 1) -> dict:
    out = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", out, *args], code)
    return json.loads(out.read_text())


def _cleaned_as_read(runner: Runner, data: Path, tmp_path: Path, code: int = 1) -> list[list[str]]:
    """The cells of `data` cleaned with no step: each row, each value, as the input wrote it."""
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "cleaned.csv"
    runner(["clean", data, "-t", "label", "-r", pack, "-o", out, "--force", "--allow-large-quarantine"], code)
    return _cells(out)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_field_longer_than_the_readers_block_is_read_whole(tmp_path: Path, runner: Runner) -> None:
    """A quoted cell of 3 MiB with line ends in it and an unquoted one of 5 MiB, where the
    reader's blocks are 1 MiB: the rows around them are read too, and clean keeps both whole."""
    quoted_cell = ("é\r\n" + "x" * 1000) * 1500
    rows = [["text", "n", "label"], ["short", "1", "p"], [quoted_cell, "01", "q"], ["y" * (5 << 20), "1.0", "p"],
            ["short", "1", "p"]]
    data = tmp_path / "long.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    digest = file_sha256(data)
    report = _audited(runner, data, tmp_path)
    assert report["dataset"]["rows"] == 4
    assert report["dataset"]["duplicates"]["exact_rows"] == 1
    assert _cleaned_as_read(runner, data, tmp_path) == rows
    assert file_sha256(data) == digest


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("header", [b"text,n,label", b'"text","n","label"'])
def test_a_header_without_a_line_end_is_a_table_of_no_rows(tmp_path: Path, runner: Runner, header: bytes) -> None:
    data = tmp_path / "header.csv"
    data.write_bytes(header)
    report = _audited(runner, data, tmp_path)
    assert (report["dataset"]["rows"], report["dataset"]["columns"]) == (0, 3)


def test_a_long_text_costs_no_round_per_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """The vectorised SipHash runs once per 8-byte word of its block's longest text: a 5 MiB
    cell beside short ones is hashed apart, as pandas hashes it, not in 655,360 numpy rounds."""
    texts = ["é" * (5 << 19), "short", "x" * (siphash.LONG_TEXT_BYTES + 1), ""]
    rounds = []
    compress = siphash._compress
    monkeypatch.setattr(siphash, "_compress", lambda *args: rounds.append(1) or compress(*args))
    hashes = siphash.hash_texts(pa.array(texts))
    assert len(rounds) <= 2
    assert hashes.tolist() == pd.util.hash_array(np.array(texts, dtype=object), categorize=False).tolist()


@pytest.mark.parametrize("runner", RUNNERS)
def test_nul_bytes_in_values_are_read_and_kept(tmp_path: Path, runner: Runner) -> None:
    """A NUL is a character of UTF-8 text: in the first line of data as well as past the first
    64 KiB (which was read all along), a value holding one is audited and cleaned as written."""
    rows = [["text", "n", "label"], ["a\x00b", "1", "p"], ["\x00", "2", "q"], ["a\x00b", "1", "p"],
            *([f"row {i}", str(i), "pq"[i % 2]] for i in range(8000)), ["late\x00nul", "0", "q"]]
    data = tmp_path / "nul.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = _audited(runner, data, tmp_path, code=0)
    assert report["dataset"]["rows"] == len(rows) - 1
    assert report["dataset"]["duplicates"]["exact_rows"] == 1
    assert _cleaned_as_read(runner, data, tmp_path, code=0) == rows


def test_a_file_of_nul_bytes_is_still_binary(tmp_path: Path) -> None:
    """Text in UTF-16 (every other byte a NUL) or bytes that are no UTF-8 stay refused in one line."""
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("a,b,label\n1,x,p\n".encode("utf-16-le") * 20)
    run(["audit", utf16, "-t", "label"], 2)
    _, err = invoke(["audit", utf16, "-t", "label"], 2)
    assert err.strip() == f"dataaudit: error: {utf16}: binary content, not a CSV text file"
