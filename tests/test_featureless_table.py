"""A table whose every column is the target or ignored (an id beside the label) has the same,
empty features in every row: the audit called 198 of 200 rows repeats of the first "differing
only in 'id'" and one group of identical features carrying two labels, and failed the gate, and
the clean refused to quarantine every row. No feature repeats and no label contradicts one."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

SKIPPED = "no feature columns: every column is the target or ignored"


def _ids_and_labels(path: Path, rows: int = 200) -> Path:
    rng = random.Random(1)
    path.write_text("id,label\n" + "".join(f"{i},{rng.choice('xy')}\n" for i in range(rows)))
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_an_id_beside_the_label_is_no_repeat_and_no_conflict(tmp_path: Path, runner: Runner) -> None:
    report = audit_report(runner, [_ids_and_labels(tmp_path / "ids.csv"), "-t", "label"], tmp_path, code=0)
    assert report["findings"] == []
    statuses = {c["check"]: (c["status"], c["reason"]) for c in report["checks"]}
    assert statuses["duplicates.features"] == statuses["labels.conflicts"] == ("skipped", SKIPPED)
    assert statuses["duplicates.rows"] == ("passed", None)


@pytest.mark.parametrize("runner", RUNNERS)
def test_its_clean_keeps_every_row_but_whole_repeats(tmp_path: Path, runner: Runner) -> None:
    data = _ids_and_labels(tmp_path / "ids.csv")
    seventh = data.read_text().splitlines()[8]
    with data.open("a") as handle:
        handle.write(f"{seventh}\n")  # a whole row again: a duplicate still
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "label", "-i", "id", "-o", out], 0)
    assert out.read_text().count("\n") == 1 + 200
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["rows"] == {"in": 201, "out": 200, "quarantined": 1, "redacted": 0}
    assert manifest["quarantine_reasons"] == {"duplicate": 1}


def test_rules_asking_feature_duplicates_and_majority_keep_them_too(tmp_path: Path) -> None:
    data = _ids_and_labels(tmp_path / "ids.csv")
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess: {duplicates: features, conflicts: majority}\n")
    invoke(["clean", data, "-t", "label", "-i", "id", "-r", pack, "-o", tmp_path / "out.csv"], 0)
    assert json.loads((tmp_path / "out.manifest.json").read_text())["rows"]["quarantined"] == 0
