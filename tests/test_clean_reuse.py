"""clean decides which rows leave from the row hashes its first audit computed.

The decide pass hashes again only the rows a value step rewrote; every file it writes stays
byte for byte what hashing every row wrote (the planted files' expected outputs were written by
that earlier clean), including when a dropped constant column holds nulls once cleaned and the
pass falls back to hashing every row.
"""

from __future__ import annotations

import csv
import gc
import shutil
import weakref
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.preprocess import pipeline, rows
from dataaudit.preprocess.audited import AuditedRows, AuditedRowsKept
from dataaudit.preprocess.clean import clean_files
from dataaudit.rules.load import load_rules
from tests.cli_helpers import invoke, run

PLANTED = Path(__file__).parent / "data" / "clean_planted"
LABEL_VARIANTS = {"Cat", "cat ", "CAT"}


def _clean_planted(name: str, tmp_path: Path, through: str, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copy(PLANTED / f"{name}.csv", tmp_path / f"{name}.csv")
    args = ["clean", f"{name}.csv", "--target", "label", "--ignore-column", "id", "-o", f"{name}.clean.csv", "-q"]
    if through == "installed":
        run(args, 0, cwd=tmp_path)
    else:
        monkeypatch.chdir(tmp_path)
        invoke(args, 0)


@pytest.mark.parametrize("through", ["installed", "in-process"])
@pytest.mark.parametrize("name", ["planted", "planted_flag"])
def test_output_quarantine_and_manifest_bytes_are_those_of_hashing_every_row(
        tmp_path: Path, name: str, through: str, monkeypatch: pytest.MonkeyPatch) -> None:
    _clean_planted(name, tmp_path, through, monkeypatch)
    for part in ("csv", "quarantine.csv", "manifest.json"):
        written = (tmp_path / f"{name}.clean.{part}").read_bytes()
        assert written == (PLANTED / f"{name}.expected.{part}").read_bytes(), part


def _hashed_cells(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The length of every column the decide pass hashes itself."""
    lengths: list[int] = []
    original = rows.cell_hashes

    def counting(array):  # type: ignore[no-untyped-def]
        lengths.append(len(array))
        return original(array)

    monkeypatch.setattr(rows, "cell_hashes", counting)
    return lengths


def _planted_rewrites(path: Path) -> tuple[int, int]:
    """Rows of the planted file, and those holding a disguised missing value or a label spelling
    that the value steps rewrite (an empty cell is read as missing: nothing to rewrite)."""
    with path.open(newline="") as f:
        read = list(csv.DictReader(f))
    rewritten = [r for r in read if r["city"] == "?" or r["age"] == "NA" or not r["note"].strip()
                 or r["label"] in LABEL_VARIANTS]
    return len(read), len(rewritten)


def test_the_decide_pass_hashes_only_the_rows_a_step_rewrote(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    lengths = _hashed_cells(monkeypatch)
    run_ = clean_files(PLANTED / "planted.csv", tmp_path / "out.csv", target="label", ignore_columns=("id",))
    total, rewritten = _planted_rewrites(PLANTED / "planted.csv")
    assert run_.manifest["rows"]["in"] == total
    columns = 7  # every column the audit hashed, the constant one it drops included
    assert 0 < rewritten < total / 4
    assert sum(lengths) == rewritten * columns


def test_a_dropped_column_that_is_not_one_value_once_cleaned_hashes_every_row(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    lengths = _hashed_cells(monkeypatch)
    run_ = clean_files(PLANTED / "planted_flag.csv", tmp_path / "out.csv", target="label", ignore_columns=("id",))
    assert "flag (constant)" in " ".join(n for s in run_.manifest["steps"] for n in s["notes"])
    kept_columns = 6  # const and flag dropped
    assert sum(lengths) >= run_.manifest["rows"]["in"] * kept_columns


def test_a_dropped_column_of_missing_values_spelled_several_ways_is_one_value_once_cleaned(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A column empty but for a few tokens (`NA`, `?`) holds nulls alone once cleaned: the
    audit's hashes still serve, and only the rows whose token is nulled are hashed again."""
    data = tmp_path / "data.csv"
    blanks = {3: "NA", 7: "?", 11: "NA"}
    data.write_text("id,size,shade,blank,label\n" + "".join(
        f"{i},{i % 8},{i // 8},{blanks.get(i, '')},{['cat', 'dog'][i % 2]}\n" for i in range(40)))
    lengths = _hashed_cells(monkeypatch)
    run_ = clean_files(data, tmp_path / "out.csv", target="label", ignore_columns=("id",))
    assert "blank (empty)" in " ".join(n for s in run_.manifest["steps"] for n in s["notes"])
    assert sum(lengths) == len(blanks) * 5  # each of the 5 columns the audit hashed, of the 3 rows


@pytest.mark.parametrize("reusing", [True, False])
def test_a_token_in_a_column_cast_to_numbers_is_nulled_not_quarantined(
        tmp_path: Path, reusing: bool, monkeypatch: pytest.MonkeyPatch) -> None:
    """`coerce_numeric` judges the values `missing_to_null` left: `NA` is a missing number."""
    data = tmp_path / "data.csv"
    data.write_text("a,label\n1,x\n2,y\nNA,x\n3,y\n")
    rules = tmp_path / "coerce.yaml"
    rules.write_text("preprocess:\n  coerce_numeric: true\n")
    if not reusing:
        monkeypatch.setattr(AuditedRowsKept, "reusable", lambda self, profile, tokens: None)
    run_ = clean_files(data, tmp_path / "out.csv", target="label", rules=rules)
    assert run_.manifest["rows"]["quarantined"] == 0
    assert (tmp_path / "out.csv").read_text() == '"a","label"\n1,"x"\n2,"y"\n,"x"\n3,"y"\n'


_CELLS = {
    "a": st.sampled_from(["1", "2", "2.0", "NA", "?", "", " 3"]),
    "b": st.sampled_from(["red", "Red", "red ", "blue", "?", "  "]),
    "c": st.sampled_from(["k", "k", "k", "NA"]),
    "label": st.sampled_from(["cat", "Cat", "cat ", "dog", "", "bird"]),
}


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=st.lists(st.fixed_dictionaries(_CELLS), min_size=2, max_size=40),
       chunk_rows=st.integers(1, 16), duplicates=st.sampled_from(["exact", "features"]))
def test_reusing_the_audit_hashes_decides_every_row_as_hashing_every_row(
        records: list[dict[str, str]], chunk_rows: int, duplicates: str) -> None:
    frame = pa.Table.from_pylist(records)
    pack = load_rules("default").rules
    pack = pack.model_copy(update={"preprocess": pack.preprocess.model_copy(update={"duplicates": duplicates})})
    options = {"target": "label", "rules": pack, "chunk_rows": chunk_rows, "allow_large_quarantine": True}
    reused = dataaudit.clean(frame, **options)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(AuditedRowsKept, "reusable", lambda self, profile, tokens: None)
        hashed = dataaudit.clean(frame, **options)
    pd.testing.assert_frame_equal(reused.data, hashed.data)
    pd.testing.assert_frame_equal(reused.quarantine, hashed.quarantine)
    assert reused.manifest == hashed.manifest


def test_the_audit_hashes_are_freed_as_the_decide_pass_joins_its_chunks(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Peak memory: once the decide pass took the audit's hashes into its chunks, nothing else
    holds them, so joining the chunks frees them rather than keeping both."""
    data = tmp_path / "rows.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["size", "colour", "label"])
        writer.writerows([i % 700, ["red", "blue"][i % 2], "ab"[i % 3 == 0]] for i in range(9000))
    arrays: list[weakref.ref[np.ndarray]] = []
    alive_after_decide: list[int] = []
    of, decide = AuditedRows.of.__func__, pipeline.decide  # type: ignore[attr-defined]

    def kept(cls, partial):  # type: ignore[no-untyped-def]
        out = of(cls, partial)
        arrays.extend(weakref.ref(a) for a in (out.whole, out.features, out.label))
        return out

    def deciding(*args, **kwargs):  # type: ignore[no-untyped-def]
        decisions = decide(*args, **kwargs)
        gc.collect()
        alive_after_decide.append(sum(ref() is not None for ref in arrays))
        return decisions

    monkeypatch.setattr(AuditedRows, "of", classmethod(kept))
    monkeypatch.setattr(pipeline, "decide", deciding)
    dataaudit.clean(str(data), target="label", chunk_rows=1000, allow_large_quarantine=True)
    assert len(arrays) == 3 and alive_after_decide == [0]


@settings(max_examples=150, deadline=None)
@given(cells=st.lists(st.one_of(st.none(), st.sampled_from(["v1", "7", "007", "7.0", "NA", "", " ", "é", "1e3"]),
                                st.text(max_size=4)), min_size=0, max_size=12),
       repeat=st.booleans())
def test_a_dropped_columns_one_value_is_the_distinct_hash_of_its_cells(cells: list[str | None], repeat: bool) -> None:
    """Whether the chunk repeats one text or holds several (nulls among them), the distinct
    hashes found are those of hashing every cell."""
    column = pa.array(cells[:1] * len(cells) if repeat else cells, pa.string())
    assert pipeline.one_value(column) == np.unique(rows.cell_hashes(column)).tolist()


@settings(max_examples=60, deadline=None)
@given(records=st.lists(st.fixed_dictionaries(_CELLS), min_size=1, max_size=40), chunk_rows=st.integers(1, 9),
       data=st.data())
def test_rewritten_rows_hashed_together_are_hashed_as_chunk_by_chunk(
        records: list[dict[str, str]], chunk_rows: int, data: st.DataObject) -> None:
    """The rewritten rows of several chunks, set aside and hashed at once (a chunk's rows at a
    time), get the identities and class names hashing each chunk whole gives them."""
    table = pa.Table.from_pylist(records)
    chunks = table.to_batches(max_chunksize=chunk_rows)
    marks = [np.array(data.draw(st.lists(st.booleans(), min_size=c.num_rows, max_size=c.num_rows)), dtype=bool)
             for c in chunks]
    whole = rows.RowHashes("label", ("c",))
    for chunk in chunks:
        whole.add(chunk, np.zeros(chunk.num_rows, dtype=bool))
    audited = AuditedRows(*(np.concatenate(parts) for parts in (whole.whole, whole.features, whole.label)))
    stale = AuditedRows(audited.whole.copy(), audited.features.copy(), audited.label.copy())
    rewritten = np.concatenate(marks)
    for array in (stale.whole, stale.features, stale.label):
        array[rewritten] = 0  # what the audit held for a rewritten row is never read
    together = rows.RowHashes("label", ("c",))
    offset = 0
    for chunk, mark in zip(chunks, marks, strict=True):
        together.add_audited(chunk, np.zeros(chunk.num_rows, dtype=bool), stale.slice(offset, chunk.num_rows), mark,
                             chunk.filter(pa.array(mark)))
        offset += chunk.num_rows
    together.flush()
    for mine, theirs in ((stale.whole, audited.whole), (stale.features, audited.features),
                         (stale.label, audited.label)):
        assert np.array_equal(mine, theirs)
    assert together.label_names == whole.label_names
    assert not together.pending
