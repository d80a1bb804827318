"""Splits stored in two formats, a CSV against a Parquet file: the same data must compare as
the same through the command line, while a real change between them is still found and the
rows' identity (duplicates, leakage) stays byte for byte."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.cli_helpers import RUNNERS, Runner, audit_report

ROWS = 400


def _frame(seed: int, true_share: float = 0.4, first_day: str = "2020-01-01", rows: int = ROWS) -> pd.DataFrame:
    """Features of every kind a CSV spells as text: numbers, booleans, dates (a month of days, a
    category) and timestamps (every one distinct, a time-like column)."""
    rng = np.random.default_rng(seed)
    return pd.DataFrame({
        "x": rng.normal(10, 2, rows).round(6),
        "count": rng.integers(0, 5, rows),
        "flag": rng.random(rows) < true_share,
        "day": pd.Timestamp(first_day) + pd.to_timedelta(rng.integers(0, 30, rows), unit="D"),
        "at": pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.permutation(10**7)[:rows], unit="s"),
        "y": rng.choice(["a", "b"], rows),
    })


def _no_dates(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.drop(columns=["day", "at"])


def _csv_and_parquet(tmp_path: Path, train: pd.DataFrame, test: pd.DataFrame) -> tuple[Path, Path]:
    """`train` as pandas writes a CSV (booleans as `True`, `False`), `test` as a typed Parquet file."""
    csv, parquet = tmp_path / "train.csv", tmp_path / "test.parquet"
    train.to_csv(csv, index=False)
    test.to_parquet(parquet, index=False)
    return csv, parquet


def _findings(report: dict, check: str) -> list[dict]:
    return [f for f in report["findings"] if f["check"] == check]


def _audit(runner: Runner, tmp_path: Path, train: Path, test: Path, code: int) -> dict:
    return audit_report(runner, [train, "--split", f"test={test}", "--target", "y"], tmp_path, code)


@pytest.mark.parametrize("runner", RUNNERS)
def test_csv_booleans_against_parquet_booleans_do_not_drift(tmp_path: Path, runner: Runner) -> None:
    """A CSV's `True` and a Parquet `true` load as one boolean: the same shares are no drift
    and no unseen category, so the run passes."""
    train, test = _csv_and_parquet(tmp_path, _no_dates(_frame(1)), _no_dates(_frame(2)))
    assert "True" in train.read_text() and "true" not in train.read_text()
    report = _audit(runner, tmp_path, train, test, 0)
    assert _findings(report, "splits.categorical_drift") == []
    assert _findings(report, "splits.unseen_categories") == []
    drift = next(t for t in report["tables"] if t["id"] == "splits.drift")
    flag = next(row for row in drift["rows"] if row[0] == "flag")
    assert flag[3] < 0.01


def test_a_real_boolean_drift_between_csv_and_parquet_is_found(tmp_path: Path) -> None:
    train, test = _csv_and_parquet(tmp_path, _no_dates(_frame(1)), _no_dates(_frame(2, true_share=0.9)))
    report = _audit(RUNNERS[1].values[0], tmp_path, train, test, 1)
    found = _findings(report, "splits.categorical_drift")
    assert [(f["severity"], f["column"]) for f in found] == [("fail", "flag")]
    assert set(found[0]["details"]["largest_changes"]) == {"true", "false"}
    assert _findings(report, "splits.unseen_categories") == []


def test_booleans_keep_their_spelling_as_row_identity(tmp_path: Path) -> None:
    """Leakage and duplicates compare values byte for byte: a CSV row spelling `true` repeats a
    Parquet row, one spelling `True` does not, nor does a CSV row spelling `TRUE` its `True`."""
    train = tmp_path / "train.csv"
    train.write_text("x,flag,y\n" + "".join(f"{i}.5,{'true' if i == 1 else 'True'},a\n" for i in range(40))
                     + "2.5,TRUE,a\n3.5,True,a\n")
    test = tmp_path / "test.parquet"
    pd.DataFrame({"x": [0.5, 1.5, 99.5], "flag": [True, True, True], "y": ["a", "a", "a"]}).to_parquet(test)
    report = _audit(RUNNERS[1].values[0], tmp_path, train, test, 1)
    leaked = next(t for t in report["tables"] if t["id"] == "splits.leaked_rows")
    assert [row[1] for row in leaked["rows"]] == [1]
    assert [f["message"] for f in _findings(report, "duplicates.rows")] == [
        "1 row (2.4%) is an exact duplicate of an earlier row."]


@pytest.mark.parametrize("runner", RUNNERS)
def test_csv_timestamps_keep_their_type_against_parquet_timestamps(tmp_path: Path, runner: Runner) -> None:
    """A CSV's timestamps are text a reader loads as the Parquet's timestamps: no type change,
    though they are more than the values counted."""
    train, test = _csv_and_parquet(tmp_path, _frame(1, rows=1500).drop(columns="day"),
                                   _frame(2, rows=1500).drop(columns="day"))
    report = _audit(runner, tmp_path, train, test, 0)
    assert _findings(report, "splits.schema") == []


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("day_type", ["timestamp", "date32"])
def test_csv_dates_against_parquet_dates_agree(tmp_path: Path, runner: Runner, day_type: str) -> None:
    """A CSV's `2020-01-08` is the date a Parquet timestamp prints as `2020-01-08
    00:00:00.000000`: no type change, drift or unseen date; its integers are the Parquet's
    int64."""
    test = _frame(2, rows=1500)
    if day_type == "date32":
        test["day"] = test["day"].dt.date
    train, test_path = _csv_and_parquet(tmp_path, _frame(1, rows=1500), test)
    assert "2020-01-08," in train.read_text()
    report = _audit(runner, tmp_path, train, test_path, 0)
    assert [f["message"] for f in report["findings"] if f["check"].startswith("splits.")
            and f["severity"] != "info"] == []
    assert _findings(report, "splits.schema") == []
    assert report["dataset"]["splits"]["test"]["rows"] == 1500


def test_a_real_date_drift_between_csv_and_parquet_is_found(tmp_path: Path) -> None:
    train, test = _csv_and_parquet(tmp_path, _frame(1), _frame(2, first_day="2020-01-16"))
    report = _audit(RUNNERS[1].values[0], tmp_path, train, test, 1)
    assert [(f["severity"], f["column"]) for f in _findings(report, "splits.categorical_drift")] == [("fail", "day")]
    unseen = _findings(report, "splits.unseen_categories")
    assert [(f["severity"], f["column"]) for f in unseen] == [("fail", "day")]
    assert all(len(day) == len("2020-01-31") for day in unseen[0]["details"]["values"])


def test_csv_text_that_is_not_all_dates_is_a_type_change(tmp_path: Path) -> None:
    """One cell that reads as no date keeps the CSV column text, which a reader loads as text."""
    train = _frame(1).drop(columns="at").astype({"day": str})
    train.loc[7, "day"] = "soon"
    csv, parquet = _csv_and_parquet(tmp_path, train, _frame(2).drop(columns="at"))
    report = _audit(RUNNERS[1].values[0], tmp_path, csv, parquet, 1)
    assert [(f["severity"], f["message"]) for f in _findings(report, "splits.schema")] == [
        ("warn", "Column 'day' is text in 'train' but datetime in 'test'.")]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("impossible", ["2020-02-30", "2999-01-01", "1500-06-01"])
def test_dates_no_instant_holds_are_compared_as_written(tmp_path: Path, runner: Runner, impossible: str) -> None:
    """A date's shape around a day no calendar has, or a year pandas' timestamps cannot hold, is
    text to a reader: both splits are compared as written, not stopped by an internal error."""
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    pd.DataFrame({"d": [impossible, "2020-01-01"] * 50, "y": ["a", "b"] * 50}).to_csv(train, index=False)
    pd.DataFrame({"d": ["2020-01-02", "2020-01-01"] * 50, "y": ["a", "b"] * 50}).to_csv(test, index=False)
    report = _audit(runner, tmp_path, train, test, 1)
    (unseen,) = _findings(report, "splits.unseen_categories")
    assert unseen["details"]["values"] == {"2020-01-02": 50}
