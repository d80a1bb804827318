"""Laws of `dataaudit clean` on generated frames: no row is lost, every quarantined row says
why and where it came from, the input is never touched, and the cleaned data re-audits clean."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.io.digest import file_sha256

COLOURS = ["red", " red", "ｒｅｄ", "blue", "?", "NA", "", None]
NUMBERS = ["1", "2", "2.0", " 3", "-999", "null", None]
LABELS = ["cat", "Cat", "cat ", "dog", "DOG", "?", None]

PACKS = [
    "{}",
    "{impute: {numeric: median, categorical: most_frequent}, scale: standard, encode: {method: onehot}}",
    "{impute: {numeric: mean}, scale: robust, encode: {method: ordinal, max_categories: 2}, conflicts: majority}",
]
rows = st.lists(st.tuples(st.sampled_from(COLOURS), st.sampled_from(NUMBERS), st.sampled_from(LABELS)),
                max_size=60)


def _write(records: list[tuple], path: Path) -> None:
    columns = list(zip(*records, strict=True)) if records else [(), (), ()]
    table = pa.table({name: pa.array(list(values), pa.string())
                      for name, values in zip(("colour", "amount", "label"), columns, strict=True)})
    pacsv.write_csv(table, path)


@pytest.mark.slow  # a clean for each of ninety generated files: several seconds
@settings(max_examples=90, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=rows, chunk=st.integers(1, 25), given_rows=st.sets(st.integers(0, 59), max_size=5),
       preprocess=st.sampled_from(PACKS))
def test_no_row_is_lost_and_every_quarantined_row_says_why(records: list[tuple], chunk: int,
                                                            given_rows: set[int], preprocess: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        _write(records, path)
        (Path(folder) / "pack.yaml").write_text(f"preprocess: {preprocess}\n")
        digest = file_sha256(path)
        suspects = {row: ("suspected label", 0.5) for row in given_rows if row < len(records)}
        # chunks of a few rows: every step must give every chunk the same columns and types; small
        # frames often lose most rows or a class, which is allowed here (the refusal has its own laws)
        result = dataaudit.clean(path, target="label", rules=Path(folder) / "pack.yaml", chunk_rows=chunk,
                                 quarantine_rows=suspects, allow_large_quarantine=True)
        assert file_sha256(path) == digest
    held = result.quarantine
    assert len(result.data) + len(held) == len(records)
    manifest = result.manifest["rows"]
    assert (manifest["in"], manifest["out"], manifest["quarantined"]) == (len(records), len(result.data), len(held))
    assert held["_reason"].notna().all() and (held["_reason"].str.len() > 0).all()
    assert held["_row"].is_unique and held["_row"].is_monotonic_increasing
    assert set(held["_row"]) <= set(range(len(records)))
    for _, row in held.iterrows():  # the quarantine keeps the original values of its row
        original = records[row["_row"]]
        assert [None if pd.isna(v) else v for v in row[["colour", "amount", "label"]]] == list(original)
    # every given row leaves the data: for the given reason, or an earlier step's
    reasons = dict(zip(held["_row"], held["_reason"], strict=True))
    assert set(suspects) <= set(reasons)
    assert {reasons[row] for row in suspects} <= {"suspected label (score 0.5)", "missing_label", "duplicate",
                                                  "label_conflict"}
    after = dict((name, a) for name, _, a in next(t for t in result.report.tables
                                                   if t.id == "clean.before_after").rows)
    assert after["rows"] == len(result.data)
    for measure in ("missing labels", "label variant rows", "disguised missing cells"):
        assert after[measure] == 0, measure
    if "impute" not in preprocess:
        # imputation runs after the rows are judged: a filled null can make two rows equal
        assert after["exact duplicate rows"] == 0 and after["conflicting-label rows"] == 0


def test_given_rows_are_quarantined_with_their_reason_and_score(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _write([("red", "1", "cat"), ("blue", "2", "dog"), ("red", "3", "dog"), ("blue", "4", "cat")], path)
    result = dataaudit.clean(path, target="label", quarantine_rows={1: "suspected label", 3: ("suspected label", 0.91)})
    assert result.quarantine[["_row", "_reason"]].values.tolist() == [
        [1, "suspected label"], [3, "suspected label (score 0.91)"]]
    assert result.data["amount"].tolist() == [1, 3]
    steps = {row[0]: row for row in next(t for t in result.report.tables if t.id == "clean.steps").rows}
    assert steps["quarantine_rows"][2] == 2


def test_a_given_row_outside_the_data_is_an_error(tmp_path: Path) -> None:
    path = tmp_path / "data.csv"
    _write([("red", "1", "cat")], path)
    try:
        dataaudit.clean(path, target="label", quarantine_rows={5: "suspected label"})
    except dataaudit.InputError as exc:
        assert "row 5" in str(exc)
    else:
        raise AssertionError("a row number outside the data was accepted")
