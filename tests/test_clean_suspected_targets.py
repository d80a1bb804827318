"""`clean --quarantine-suspected-labels` on a regression target: the regressor of `audit
--label-noise` runs in the clean's own first audit, and exactly the rows its `target.suspected`
table lists go to the quarantine, reason `suspected_target` with their score (robust standard
deviations of the residual); a regressor no better than the mean quarantines nothing."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import dataaudit
from dataaudit.labelnoise.quarantine import suspected_rows
from dataaudit.preprocess.clean import CleanResult
from dataaudit.report.model import Report
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.test_target_residuals import _planted_table


@pytest.fixture(scope="module")
def planted(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    """1,500 generated rows, 30 targets corrupted (unit slips and shifts of 25 to 50)."""
    frame, corrupted = _planted_table(1_500, 30, seed=0)
    path = tmp_path_factory.mktemp("planted") / "planted.csv"
    frame.to_csv(path, index=False)
    return path, corrupted


@pytest.fixture(scope="module")
def cleaned(planted: tuple[Path, set[int]]) -> CleanResult:
    return dataaudit.clean(planted[0], target="y", quarantine_suspected_labels=True)


@pytest.fixture(scope="module")
def audited(planted: tuple[Path, set[int]]) -> Report:
    return dataaudit.audit(planted[0], target="y", label_noise=True)


def _listed(report: Report) -> dict[int, float]:
    table = next(t for t in report.tables if t.id == "target.suspected")
    return {int(row[0]): float(row[3]) for row in table.rows}


def _own(held: pd.DataFrame) -> pd.DataFrame:
    return held[held["_reason"].str.startswith("suspected_target")]


@pytest.mark.slow
def test_the_quarantine_holds_exactly_the_audits_suspects(cleaned: CleanResult, audited: Report,
                                                          planted: tuple[Path, set[int]]) -> None:
    listed = _listed(audited)
    assert len(set(listed) & planted[1]) >= 27, "the regressor misses the planted targets"
    held = cleaned.quarantine
    assert set(_own(held)["_row"]) == set(listed)
    for row, reason in zip(held["_row"], held["_reason"], strict=True):
        if row in listed:
            assert reason == f"suspected_target (score {listed[row]:.4g})"
    assert "suspected_label" not in set(held["_reason"].str.split(" ").str[0])
    # rows in = rows out + quarantined
    rows = cleaned.manifest["rows"]
    assert rows["in"] == 1_500 == len(cleaned.data) + len(held)
    assert (rows["out"], rows["quarantined"]) == (len(cleaned.data), len(held))
    assert cleaned.manifest["quarantine_reasons"]["suspected_target"] == len(listed)


@pytest.mark.slow
def test_the_manifest_describes_the_regressor(cleaned: CleanResult, audited: Report) -> None:
    model = cleaned.manifest["parameters"]["label_model"]
    found = next(f for f in audited.findings if f.check == "target.suspected")
    assert model["kind"] == "regression" and model["model"] == found.details["model"]
    assert (model["folds"], model["seed"], model["sample_rows"]) == (5, 0, 1_500)
    assert (model["r2"], model["r2_mean"]) == (found.details["r2"], found.details["r2_mean"])
    assert model["r2"] > model["r2_mean"]  # the ten-fold slips weigh on the squared error: R² 0.08
    assert (model["max_mads"], model["residual_scale"]) == (5.0, found.details["residual_scale"])
    assert model["suspected"] == len(_listed(audited)) and model["skipped"] is None


@pytest.mark.slow
def test_a_saved_reports_suspects_quarantine_the_same_rows(cleaned: CleanResult, audited: Report,
                                                            tmp_path: Path, planted: tuple[Path, set[int]]) -> None:
    saved = tmp_path / "report.json"
    saved.write_text(audited.to_json(), encoding="utf-8")
    rebuilt = suspected_rows(Report.from_dict(json.loads(saved.read_text(encoding="utf-8"))))
    assert rebuilt == {row: ("suspected_target", score) for row, score in _listed(audited).items()}
    again = dataaudit.clean(planted[0], target="y", quarantine_rows=rebuilt)
    assert again.quarantine["_row"].tolist() == cleaned.quarantine["_row"].tolist()
    assert again.quarantine["_reason"].tolist() == cleaned.quarantine["_reason"].tolist()


@pytest.mark.slow
def test_the_cli_says_how_many_and_quarantines_what_the_api_does(tmp_path: Path, planted: tuple[Path, set[int]],
                                                                   cleaned: CleanResult) -> None:
    out = tmp_path / "planted.clean.csv"
    _, stderr = invoke(["clean", planted[0], "-t", "y", "--quarantine-suspected-labels", "-o", out],
                       0 if cleaned.report.passed else 1)
    model = cleaned.manifest["parameters"]["label_model"]
    (line,) = [line for line in stderr.splitlines() if line.startswith("dataaudit: the regressor (")]
    assert f"suspects {model['suspected']:,} target values more than 5 robust standard deviations" in line
    assert f"out-of-fold R² {model['r2']:.3f} against the mean's {model['r2_mean']:.3f}" in line
    held = pd.read_csv(tmp_path / "planted.clean.quarantine.csv", dtype=str, keep_default_na=False)
    assert held["_row"].astype(int).tolist() == cleaned.quarantine["_row"].tolist()
    assert held["_reason"].tolist() == cleaned.quarantine["_reason"].tolist()
    manifest = json.loads((tmp_path / "planted.clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["quarantine_reasons"] == cleaned.manifest["quarantine_reasons"]
    assert manifest["parameters"]["label_model"] == model


@pytest.mark.slow
def test_mroz_wage_as_python_m_dataaudit(tmp_path: Path) -> None:
    """mroz `wage` is empty in the 325 rows out of the labour force (missing_label); of the 428
    others, the regressor's suspects (lwage is a feature, so R² is high) leave with their score.
    The clean is not refused for quarantining every row of a wage: a number is no class."""
    report = dataaudit.audit(DATA / "mroz.csv", target="wage", label_noise=True)
    listed = _listed(report)
    assert listed
    out = tmp_path / "mroz.clean.csv"
    _, stderr = run(["clean", DATA / "mroz.csv", "-t", "wage", "--quarantine-suspected-labels", "-o", out],
                    0)  # the cleaned rows pass
    held = pd.read_csv(tmp_path / "mroz.clean.quarantine.csv", dtype=str, keep_default_na=False)
    kept = pd.read_csv(out, dtype=str, keep_default_na=False)
    own = _own(held)
    assert set(own["_row"].astype(int)) == set(listed)
    assert len(kept) + len(held) == 753
    manifest = json.loads((tmp_path / "mroz.clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["quarantine_reasons"] == {"missing_label": 325, "suspected_target": len(listed)}
    assert manifest["parameters"]["label_model"]["sample_rows"] == 428
    assert f"suspects {len(listed):,} target values" in stderr


def test_a_regressor_no_better_than_the_mean_quarantines_nothing(tmp_path: Path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=1_000).round(4), "b": rng.normal(size=1_000).round(4),
                          "y": rng.lognormal(0, 1, 1_000).round(4)})
    path = tmp_path / "noise.csv"
    frame.to_csv(path, index=False)
    _, stderr = invoke(["clean", path, "-t", "y", "--quarantine-suspected-labels", "-o", tmp_path / "out.csv"], 0)
    (line,) = [line for line in stderr.splitlines() if "no row quarantined as" in line]
    assert line.startswith("dataaudit: the regressor lists no suspects (the regressor's out-of-fold R² ")
    assert line.endswith("not doubtful values); no row quarantined as suspected_target")
    manifest = json.loads((tmp_path / "out.manifest.json").read_text(encoding="utf-8"))
    model = manifest["parameters"]["label_model"]
    assert model["suspected"] == 0 and "is not above the mean's" in model["skipped"]
    assert model["r2"] <= model["r2_mean"]
    assert "suspected_target" not in manifest["quarantine_reasons"]
    assert manifest["rows"]["in"] == 1_000 == manifest["rows"]["out"] + manifest["rows"]["quarantined"]


def test_a_regressor_that_did_not_run_says_why(tmp_path: Path) -> None:
    _, stderr = invoke(["clean", DATA / "mroz.csv", "-t", "hours", "--quarantine-suspected-labels", "--sample", "30",
                        "-o", tmp_path / "out.csv", "--dry-run"], 1)
    assert ("dataaudit: no regressor ran (30 sampled rows hold a target number, fewer than the 50 the regressor "
            "needs (10 per fold)); no row quarantined as suspected_target") in stderr
