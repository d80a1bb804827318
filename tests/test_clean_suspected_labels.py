"""`clean --quarantine-suspected-labels`: the label model runs in the clean's own first audit, and
the rows it suspects go to the quarantine with reason `suspected_label` and their score."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import dataaudit
from dataaudit.datasets import write_dirty_classification
from dataaudit.labelnoise import assess as assess_module
from dataaudit.labelnoise.quarantine import suspected_rows
from dataaudit.preprocess.clean import CleanResult
from tests.cli_helpers import invoke, run


@pytest.fixture(scope="module")
def flipped(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    """1,500 generated rows, 10% of their labels flipped; the generator lists the flipped rows."""
    path = tmp_path_factory.mktemp("flipped") / "train.csv"
    truth = write_dirty_classification(path, 1500, seed=4, flip_share=0.1)
    return path, set(truth["flipped_labels"]["rows"])


@pytest.fixture(scope="module")
def cleaned(flipped: tuple[Path, set[int]]) -> CleanResult:
    return dataaudit.clean(flipped[0], target="label", ignore_columns=["id"], quarantine_suspected_labels=True)


def _suspected(held: pd.DataFrame) -> pd.DataFrame:
    return held[held["_reason"].str.startswith("suspected_label")]


def test_suspected_rows_are_quarantined_with_reason_and_score(cleaned: CleanResult) -> None:
    suspects = suspected_rows(cleaned.before)
    assert suspects, "the model suspects nobody in data with 10% flipped labels"
    held = cleaned.quarantine
    reasons = dict(zip(held["_row"], held["_reason"], strict=True))
    # every suspect leaves the data: with its score, or for an earlier step's reason (a duplicate, say)
    assert set(suspects) <= set(reasons)
    own = {row for row in suspects if reasons[row].startswith("suspected_label")}
    assert len(own) > 0.9 * len(suspects)
    for row in own:
        assert reasons[row] == f"suspected_label (score {suspects[row][1]:.4g})"
    assert set(_suspected(held)["_row"]) == own  # and no other row carries that reason
    manifest = cleaned.manifest
    assert manifest["quarantine_reasons"]["suspected_label"] == len(own)
    assert manifest["rows"]["in"] == 1500 == len(cleaned.data) + len(held)
    assert (manifest["rows"]["out"], manifest["rows"]["quarantined"]) == (len(cleaned.data), len(held))
    label_model = manifest["parameters"]["label_model"]
    assert (label_model["folds"], label_model["suspected"], label_model["skipped"]) == (5, len(suspects), None)


def test_the_quarantined_suspects_are_mostly_the_flipped_rows(cleaned: CleanResult,
                                                              flipped: tuple[Path, set[int]]) -> None:
    found = set(_suspected(cleaned.quarantine)["_row"])
    truth = flipped[1]
    # the same floors as the audit's own test of the model on generated data
    assert len(found & truth) / len(found) >= 0.45
    assert len(found & truth) / len(truth) >= 0.6


def test_the_model_runs_once(flipped: tuple[Path, set[int]], monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    original = assess_module.assess

    def counted(*args: object, **kwargs: object) -> object:
        calls.append(1)
        return original(*args, **kwargs)

    monkeypatch.setattr(assess_module, "assess", counted)
    result = dataaudit.clean(flipped[0], target="label", ignore_columns=["id"], quarantine_suspected_labels=True,
                             sample=400, folds=3)
    assert len(calls) == 1
    model = result.manifest["parameters"]["label_model"]
    assert model["folds"] == 3 and model["sample_rows"] < 1500
    assert result.manifest["quarantine_reasons"]["suspected_label"] > 0


def test_a_row_given_by_the_caller_keeps_the_callers_reason(cleaned: CleanResult,
                                                            flipped: tuple[Path, set[int]]) -> None:
    row = int(_suspected(cleaned.quarantine)["_row"].iloc[0])
    again = dataaudit.clean(flipped[0], target="label", ignore_columns=["id"], quarantine_suspected_labels=True,
                            quarantine_rows={row: "reviewed by hand"})
    held = again.quarantine
    assert held.loc[held["_row"] == row, "_reason"].tolist() == ["reviewed by hand"]
    assert len(_suspected(held)) == len(_suspected(cleaned.quarantine)) - 1


def test_model_settings_without_the_flag_or_a_target_are_refused(flipped: tuple[Path, set[int]]) -> None:
    with pytest.raises(dataaudit.InputError, match=r"--sample \(sample\) needs --quarantine-suspected-labels"):
        dataaudit.clean(flipped[0], target="label", sample=500)
    with pytest.raises(dataaudit.InputError, match="needs the label column"):
        dataaudit.clean(flipped[0], quarantine_suspected_labels=True)


def test_cli_quarantines_what_the_api_does(tmp_path: Path, flipped: tuple[Path, set[int]],
                                           cleaned: CleanResult) -> None:
    out = tmp_path / "train.clean.csv"
    _, stderr = run(["clean", flipped[0], "-t", "label", "-i", "id", "--quarantine-suspected-labels", "-o", out],
                    0 if cleaned.report.passed else 1, timeout=180)
    held = pd.read_csv(tmp_path / "train.clean.quarantine.csv", dtype=str, keep_default_na=False)
    assert held["_row"].astype(int).tolist() == cleaned.quarantine["_row"].tolist()
    assert held["_reason"].tolist() == cleaned.quarantine["_reason"].tolist()
    manifest = json.loads((tmp_path / "train.clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["quarantine_reasons"] == cleaned.manifest["quarantine_reasons"]
    suspects = cleaned.manifest["parameters"]["label_model"]["suspected"]
    assert f"suspects {suspects:,} rows of a wrong label" in stderr


def test_cli_sample_folds_and_jobs(tmp_path: Path, flipped: tuple[Path, set[int]]) -> None:
    out = tmp_path / "out.csv"
    stdout, stderr = invoke(["clean", flipped[0], "-t", "label", "-i", "id", "--quarantine-suspected-labels",
                             "--sample", "400", "--folds", "3", "--jobs", "2", "-o", out, "--dry-run"], 0)
    assert "Cleaning steps" in stdout and "quarantine_rows" in stdout
    assert "3-fold" in stderr and "dry run, nothing written" in stderr
    assert not out.exists()


def test_cli_model_options_need_the_flag(tmp_path: Path, flipped: tuple[Path, set[int]]) -> None:
    _, stderr = invoke(["clean", flipped[0], "-t", "label", "--folds", "3", "-o", tmp_path / "out.csv"], 2)
    assert stderr.count("\n") == 1 and "--quarantine-suspected-labels" in stderr
    assert not (tmp_path / "out.csv").exists()
