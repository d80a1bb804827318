"""Findings on published datasets match what is known about them (tests/data/SOURCES.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import dataaudit
from tests.conftest import DATA


def _by_check(report: dataaudit.Report) -> dict[str, list]:
    found: dict[str, list] = {}
    for f in report.findings:
        found.setdefault(f.check, []).append(f)
    return found


def test_breast_cancer_is_a_clean_control() -> None:
    report = dataaudit.audit(DATA / "breast_cancer.csv", target="target")
    assert report.passed
    assert report.counts == {"info": 0, "warn": 0, "fail": 0}
    assert report.dataset.labels.counts == {"benign": 357, "malignant": 212}


def test_penguins_disguised_na_and_mostly_missing_rows() -> None:
    report = dataaudit.audit(DATA / "penguins.csv", target="species")
    found = _by_check(report)
    shares = {f.column: f for f in found["missing.column_share"]}
    assert shares["sex"].details["tokens"] == {"NA": 11} and shares["sex"].severity.value == "warn"
    for column in ("bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"):
        assert shares[column].details["tokens"] == {"NA": 2}
        assert shares[column].details["nulls"] == 0
    assert found["missing.rows"][0].details["missing_cells_per_row"]["5"] == 2  # 4 measurements + sex
    assert found["missing.rows"][0].examples == [3, 271]
    assert report.dataset.labels.counts == {"Adelie": 152, "Gentoo": 124, "Chinstrap": 68}
    assert set(found) == {"missing.column_share", "missing.rows"}
    assert report.passed


def test_iris_one_exact_duplicate() -> None:
    report = dataaudit.audit(DATA / "iris.csv", target="target")
    (duplicate,) = _by_check(report)["duplicates.rows"]
    assert duplicate.details["repeats"] == [[142, 101]]
    assert [f.check for f in report.findings] == ["duplicates.rows"]


def test_cars_empty_cells_and_no_false_duplicates() -> None:
    """Repeated car names are different model years, not duplicates."""
    report = dataaudit.audit(DATA / "cars.csv", target="Origin")
    shares = {f.column: f.details["nulls"] for f in _by_check(report)["missing.column_share"]}
    assert shares == {"Miles_per_Gallon": 8, "Horsepower": 6}
    assert "duplicates.rows" not in _by_check(report)
    assert report.dataset.labels.counts == {"USA": 254, "Japan": 79, "Europe": 73}
    # the model years (dates 1970-01-01 to 1982-01-01) are found as a time column: the makers'
    # shares and the engines change over them, which warns but does not fail a column found, not named
    assert report.passed
    assert {f.severity.value for f in report.findings if f.check.startswith("time.")} == {"warn"}
    assert "Year" in report.dataset.features  # a coarse time describes the car and stays a feature


def test_dataframe_takes_the_same_path_as_the_file() -> None:
    frame = pd.read_csv(DATA / "penguins.csv", keep_default_na=False, dtype=str)
    from_frame = dataaudit.audit(frame, target="species")
    from_file = dataaudit.audit(DATA / "penguins.csv", target="species")
    assert from_frame.findings == from_file.findings


@pytest.mark.parametrize("name", ["penguins", "iris", "cars", "breast_cancer"])
def test_copies_match_the_shared_originals(name: str, shared_dir: Path) -> None:
    assert (DATA / f"{name}.csv").read_bytes() == (shared_dir / "datasets" / f"{name}.csv").read_bytes()
