"""Repeats that a small feature space makes unavoidable: the audit of the Titanic table (14
distinct feature rows, 16 possible combinations) reports its duplicates and conflicts as
intrinsic, with the numbers and the rule-pack settings, instead of failing; copies stay failures."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pytest

from tests.cli_helpers import invoke, run
from tests.conftest import DATA

TITANIC = DATA / "titanic.csv"
RUNNERS = {"installed": run, "click": invoke}


def _findings(report: dict) -> dict[str, dict]:
    return {f["check"]: f for f in report["findings"]}


@pytest.mark.parametrize("runner", RUNNERS)
def test_the_titanic_audit_says_its_repeats_are_intrinsic(runner: str) -> None:
    stdout, _ = RUNNERS[runner](["audit", TITANIC, "-t", "survived"], 0)
    text = " ".join(stdout.split())
    assert ("2,177 rows (99%) are exact duplicates of an earlier row. Repeats are intrinsic here: 14 distinct "
            "feature rows of 16 possible combinations of 3 columns, so they are samples, not copies; "
            "`duplicates: keep` in the rule pack's `preprocess:` section keeps them.") in text
    assert "the label is not a function of them, not a labelling error; choose `conflicts: keep`, `majority`" in text
    assert "PASSED: 0 fail, 1 warn, 1 info" in text


def test_the_json_report_carries_the_numbers(tmp_path: Path) -> None:
    run(["audit", TITANIC, "-t", "survived", "-f", "json", "-o", tmp_path / "r.json"], 0)
    report = json.loads((tmp_path / "r.json").read_text())
    found = _findings(report)
    space = {"intrinsic": True, "distinct_feature_rows": 14, "possible_combinations": 16}
    assert found["duplicates.rows"]["severity"] == "info"
    assert found["labels.conflicts"]["severity"] == "warn"
    for check in ("duplicates.rows", "labels.conflicts"):
        assert space.items() <= found[check]["details"].items()
    assert "`duplicates: keep`" in found["duplicates.rows"]["hint"]
    assert "`majority` keeps each group's most frequent label" in found["labels.conflicts"]["hint"]
    assert report["dataset"]["duplicates"]["distinct_feature_rows"] == 14


@pytest.mark.parametrize(("setting", "code", "severity"), [("fail", 1, "fail"), ("off", 0, None)])
def test_the_rule_pack_sets_how_much_intrinsic_repeats_weigh(tmp_path: Path, setting: str, code: int,
                                                             severity: str | None) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"checks:\n  duplicates: {{intrinsic: {setting}}}\n  labels: {{intrinsic_conflicts: {setting}}}\n")
    invoke(["audit", TITANIC, "-t", "survived", "-r", pack, "-f", "json", "-o", tmp_path / "r.json"], code)
    report = json.loads((tmp_path / "r.json").read_text())
    found = _findings(report)
    assert [found[c]["severity"] if c in found else None for c in ("duplicates.rows", "labels.conflicts")] == [
        severity, severity]
    if setting == "off":
        statuses = {c["check"]: c for c in report["checks"]}
        assert statuses["duplicates.rows"]["status"] == "skipped"
        assert "14 distinct feature rows of 16" in statuses["labels.conflicts"]["reason"]


def test_copies_in_a_large_feature_space_still_fail(tmp_path: Path) -> None:
    # 10 distinct rows copied 20 times: few distinct rows, but 1% of the 1,000 combinations
    # the columns allow, so the repeats are copies, not the space filling up
    rows = pd.DataFrame({"a": range(10), "b": [(3 * i) % 10 for i in range(10)], "c": [(7 * i) % 10 for i in range(10)],
                         "label": ["x", "y"] * 5})
    data = tmp_path / "copies.csv"
    pd.concat([rows] * 20).to_csv(data, index=False)
    run(["audit", data, "-t", "label", "-f", "json", "-o", tmp_path / "r.json"], 1)
    found = _findings(json.loads((tmp_path / "r.json").read_text()))
    assert found["duplicates.rows"]["severity"] == "fail"
    assert found["duplicates.rows"]["details"]["intrinsic"] is False
    assert found["duplicates.rows"]["details"]["possible_combinations"] == 1_000
    assert "intrinsic" not in found["duplicates.rows"]["message"]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_space_too_large_to_count_is_not_counted(runner: str, tmp_path: Path) -> None:
    # 60 two-valued columns allow 2**60 combinations: past what JSON holds exactly, and past any
    # file's rows; the report says None instead of failing to write the number
    rows = pd.DataFrame({f"f{i}": [(r >> (i % 5)) & 1 for r in range(40)] for i in range(60)})
    rows["label"] = ["x", "y"] * 20
    data = tmp_path / "wide.csv"
    pd.concat([rows] * 2).to_csv(data, index=False)
    RUNNERS[runner](["audit", data, "-t", "label", "-f", "json", "-o", tmp_path / "r.json"], 1)
    found = _findings(json.loads((tmp_path / "r.json").read_text()))
    assert found["duplicates.rows"]["details"]["intrinsic"] is False
    assert found["duplicates.rows"]["details"]["possible_combinations"] is None


@pytest.mark.parametrize("runner", [pytest.param(run, id="installed"), pytest.param(invoke, id="click")])
def test_a_space_of_one_row_is_worded_in_the_singular(tmp_path: Path, runner: Callable[..., tuple[str, str]]) -> None:
    data = tmp_path / "one.csv"
    data.write_text("k,y\n" + "".join(f"same,{i % 2}\n" for i in range(50)))
    runner(["audit", data, "-t", "y", "-f", "json", "-o", tmp_path / "r.json"], 0)
    found = _findings(json.loads((tmp_path / "r.json").read_text()))
    assert "(1 distinct feature row of 1 possible combination of 1 column)" in found["labels.conflicts"]["message"]
