"""A test split whose categories are the training split's in another case or with blanks around
(`'dream '` for `Dream`) counted them as values train never has, without a word of why: a model
one-hot encoding the column sees new categories, and the fix is a spelling, not new data."""

from __future__ import annotations

from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import RUNNERS, Runner, audit_report

ISLANDS = ["Biscoe", "Dream", "Torgersen"]


def _splits(tmp_path: Path) -> tuple[Path, Path]:
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("x,island,label\n" + "".join(f"{i * 0.37:.2f},{ISLANDS[i % 3]},{'ab'[i % 2]}\n"
                                                  for i in range(300)))
    spelled = {0: "biscoe ", 1: "DREAM", 2: "Torgersen"}
    test.write_text("x,island,label\n" + "".join(
        f"{i * 0.41:.2f},{spelled[i % 3] if i % 10 == 0 else ISLANDS[i % 3]},{'ab'[i % 2]}\n" for i in range(100)))
    return train, test


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_category_respelled_in_a_split_is_named_as_a_respelling(tmp_path: Path, runner: Runner) -> None:
    train, test = _splits(tmp_path)
    report = audit_report(runner, [train, "-t", "label", "--split", f"test={test}"], tmp_path, code=1)
    [unseen] = [f for f in report["findings"] if f["check"] == "splits.unseen_categories"]
    assert unseen["details"]["respelled"] == {"biscoe ": "Biscoe", "DREAM": "Dream"}
    assert unseen["message"] == ("Column 'island': 7 rows (7.0%) of 'test' carry values 'train' never has: "
                                 "'biscoe ' 4, 'DREAM' 3. 'biscoe ' is 'Biscoe' respelled (its case, or blanks around "
                                 "it). 'DREAM' is 'Dream' respelled (its case, or blanks around it).")


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_label_written_as_another_number_is_respelled_as_one_file_spells_it(tmp_path: Path,
                                                                                runner: Runner) -> None:
    """`1.0` in a CSV split where train writes `1` is the class respelled, as `1.0` beside `1`
    in one file is a `labels.variants` finding: one rule for the same spellings. A Parquet split
    holds numbers, not spellings: its float labels are train's classes."""
    train, val, both, floats = (tmp_path / name for name in ("train.csv", "val.csv", "both.csv", "val.parquet"))
    rows = [(f"{i * 0.37:.2f}", i % 2) for i in range(300)]
    train.write_text("x,label\n" + "".join(f"{x},{y}\n" for x, y in rows[:200]))
    val.write_text("x,label\n" + "".join(f"{x},{float(y)}\n" for x, y in rows[200:]))
    both.write_text(train.read_text() + "".join(val.read_text().splitlines(keepends=True)[1:]))
    pq.write_table(pa.table({"x": [float(x) for x, _ in rows[200:]], "label": [float(y) for _, y in rows[200:]]}),
                   floats)
    split = audit_report(runner, [train, "-t", "label", "--split", f"val={val}"], tmp_path)
    [respelled] = [f for f in split["findings"] if f["check"] == "splits.classes"]
    assert (respelled["severity"], respelled["details"]["spellings"]) == ("fail", {"1": ["1.0"], "0": ["0.0"]})
    one = audit_report(runner, [both, "-t", "label"], tmp_path)
    variants = [f for f in one["findings"] if f["check"] == "labels.variants"]
    assert sorted((f["severity"], f["details"]["canonical"], *f["details"]["variants"]) for f in variants) == [
        ("fail", "0", "0.0"), ("fail", "1", "1.0")]
    typed = audit_report(runner, [train, "-t", "label", "--split", f"val={floats}"], tmp_path)  # x drifts
    assert not [f for f in typed["findings"] if f["check"] == "splits.classes"]
