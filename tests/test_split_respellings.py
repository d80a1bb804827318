"""A test split whose categories are the training split's in another case or with blanks around
(`'dream '` for `Dream`) counted them as values train never has, without a word of why: a model
one-hot encoding the column sees new categories, and the fix is a spelling, not new data."""

from __future__ import annotations

from pathlib import Path

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
