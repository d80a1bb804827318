"""The label model on awkward feature columns: empty, one-off words, infinities, huge numbers.

Each of these stopped the audit with a traceback (exit 3) inside the model's fit; the model now
leaves out a column it cannot learn from (and says why when none is left) and reads every number
as a finite float.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.labelnoise.features import LARGEST, fit_encoding
from tests.cli_helpers import invoke, run

ROOT = Path(dataaudit.__file__).resolve().parent.parent
TOKENS = ("NA", "?", "")


def _separable(rows: int = 200, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    x1, x2 = rng.normal(size=rows), rng.normal(size=rows)
    return pd.DataFrame({"x1": x1, "x2": x2, "y": np.where(x1 + x2 > 0, "a", "b")})


def _label_check(report: dict, check: str = "labels.suspected") -> dict:
    return next(c for c in report["checks"] if c["check"] == check)


def _audit(path: Path, tmp_path: Path, code: int = 0) -> dict:
    out = tmp_path / "report.json"
    invoke(["audit", path, "-t", "y", "--label-noise", "--format", "json", "-o", out], code)
    return json.loads(out.read_text(encoding="utf-8"))


def test_an_empty_feature_column_is_left_out_not_fitted_as_text(tmp_path: Path) -> None:
    frame = _separable()
    frame.insert(0, "empty", None)
    path = tmp_path / "empty_column.csv"
    frame.to_csv(path, index=False)
    report = _audit(path, tmp_path)
    assert _label_check(report)["status"] == "passed"
    assert _label_check(report, "baseline.learnability")["status"] == "passed"


def test_only_empty_and_id_like_columns_skip_the_model_with_a_reason(tmp_path: Path) -> None:
    rows = 300  # more distinct codes than a category holds
    frame = pd.DataFrame({"empty": [None] * rows, "code": [f"tok{i}x" for i in range(rows)],
                          "y": np.where(np.arange(rows) % 2 == 0, "a", "b")})
    path = tmp_path / "nothing_to_learn.csv"
    frame.to_csv(path, index=False)
    report = _audit(path, tmp_path)
    for check in ("labels.suspected", "labels.noise_rate", "baseline.learnability"):
        assert _label_check(report, check) == {**_label_check(report, check), "status": "skipped",
                                               "reason": "no feature column the model can use"}


def test_text_of_one_off_words_is_no_feature(tmp_path: Path) -> None:
    """Several words a row, none in two rows: TF-IDF (min_df=2) would keep no word at all."""
    rows = 200
    frame = pd.DataFrame({"note": [f"w{i}a w{i}b w{i}c w{i}d" for i in range(rows)],
                          "y": np.where(np.arange(rows) % 2 == 0, "a", "b")})
    path = tmp_path / "one_off_words.csv"
    frame.to_csv(path, index=False)
    report = _audit(path, tmp_path)
    assert _label_check(report)["reason"] == "no feature column the model can use"
    encoding = fit_encoding(pa.Table.from_pandas(frame), ["note"], TOKENS)
    assert [c.kind for c in encoding.columns] == ["skip"]


def test_words_shared_by_rows_stay_text() -> None:
    frame = pd.DataFrame({"note": [f"row {i} says {'good' if i % 2 else 'bad'} things" for i in range(60)]})
    assert [c.kind for c in fit_encoding(pa.Table.from_pandas(frame), ["note"], TOKENS).columns] == ["text"]


def test_infinities_and_huge_numbers_are_modelled(tmp_path: Path) -> None:
    frame = _separable()
    frame.loc[:4, "x1"] = np.inf
    frame.loc[5:9, "x1"] = -np.inf
    frame.loc[10:14, "x2"] = 1e308
    frame.loc[15:19, "x2"] = -1.7e308
    frame["big"] = (2**60 + np.arange(len(frame))).astype(np.int64)  # past 2**53: floats lose the last digits
    path = tmp_path / "extremes.csv"
    frame.to_csv(path, index=False)
    report = _audit(path, tmp_path)
    assert _label_check(report, "baseline.learnability")["status"] == "passed"


def test_infinities_as_a_subprocess(tmp_path: Path) -> None:
    frame = _separable()
    frame.loc[:9, "x1"] = np.inf
    path = tmp_path / "infinite.csv"
    frame.to_csv(path, index=False)
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "audit", str(path), "-t", "y", "--label-noise",
                           "--format", "json"], capture_output=True, text=True, env=env, timeout=300, check=False)
    assert proc.returncode in (0, 1), proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr
    report = json.loads(proc.stdout)
    assert _label_check(report, "baseline.learnability")["status"] == "passed"


@settings(max_examples=60, deadline=None)
@given(st.lists(st.floats(allow_nan=True, allow_infinity=True), min_size=1, max_size=40))
def test_numbers_reach_the_model_finite_and_in_order(values: list[float]) -> None:
    """A number the model reads is finite (or missing, as it was), and no two swap places."""
    table = pa.table({"x": pa.array(values, pa.float64())})
    encoded = fit_encoding(table, ["x"], TOKENS).apply(table).tabular["x"].to_numpy()
    given_ = np.array(values, dtype=np.float64)
    assert np.array_equal(np.isnan(encoded), np.isnan(given_))
    present = ~np.isnan(given_)
    assert np.all(np.abs(encoded[present]) <= LARGEST)
    order = np.argsort(given_[present], kind="stable")
    assert np.all(np.diff(encoded[present][order]) >= 0)


def _classes_table(rows_per_class: list[int], seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    labels = np.repeat([f"c{i}" for i in range(len(rows_per_class))], rows_per_class)
    return pd.DataFrame({"x1": rng.normal(size=len(labels)), "x2": rng.normal(size=len(labels)), "y": labels})


def test_more_classes_than_early_stopping_rows_are_modelled(tmp_path: Path) -> None:
    """60 classes of 6 rows: a training fold's default tenth (29 rows) cannot hold every class."""
    path = tmp_path / "many_classes.csv"
    _classes_table([6] * 60).to_csv(path, index=False)
    report = _audit(path, tmp_path, code=0)
    assert _label_check(report, "baseline.learnability")["status"] in ("passed", "warn")


def test_two_folds_and_a_class_of_two_rows(tmp_path: Path) -> None:
    """With --folds 2 a class of 2 rows is modelled, one row in each training fold."""
    frame = _separable(200)
    frame.loc[:1, "y"] = "c"
    path = tmp_path / "two_folds.csv"
    frame.to_csv(path, index=False)
    out = tmp_path / "report.json"
    invoke(["audit", path, "-t", "y", "--label-noise", "--folds", "2", "--format", "json", "-o", out], 1)
    report = json.loads(out.read_text(encoding="utf-8"))
    table = next(t for t in report["tables"] if t["id"] == "labels.noise_rate")
    assert sorted(row[0] for row in table["rows"]) == ["a", "b", "c"]


@settings(max_examples=80, deadline=None)
@given(st.lists(st.integers(2, 12), min_size=2, max_size=80), st.integers(2, 10))
def test_early_stopping_share_always_splits(counts: list[int], folds: int) -> None:
    """Where a validation share is given, every stratified training fold splits by it as the
    boosting splits it (both sides holding every class); where none is, the fits run unsplit."""
    from sklearn.model_selection import StratifiedKFold, train_test_split

    from dataaudit.labelnoise.oof import _validation_share

    counts = [c for c in counts if c >= folds]  # the model leaves out classes with fewer rows than folds
    if len(counts) < 2:
        return
    y = np.repeat(np.arange(len(counts)), counts)
    share = _validation_share(y, folds)
    if share is None:
        return
    for train, _ in StratifiedKFold(folds, shuffle=True, random_state=0).split(np.zeros(len(y)), y):
        train_test_split(train, test_size=share, stratify=y[train], random_state=0)


def test_a_target_mostly_at_its_least_value_is_still_modelled(tmp_path: Path) -> None:
    """62% of the rows hold 0 (a censored target), the rest grow with x1; 30 values corrupted.
    Boosting on absolute error predicted 0 for every row (R² below 0), missing a third of the
    corrupted values and flagging honest large ones."""
    rng = np.random.default_rng(3)
    rows = 2000
    x1, x2 = rng.normal(size=rows), rng.normal(size=rows)
    y = np.where(x1 > 0.3, 2 + 3 * x1 + rng.normal(0, 0.5, rows), 0.0)
    raised = rng.choice(np.flatnonzero(y > 0), 20, replace=False)
    y[raised] += 8
    lifted = rng.choice(np.flatnonzero(y == 0), 10, replace=False)
    y[lifted] = 8
    path = tmp_path / "censored.csv"
    pd.DataFrame({"x1": x1, "x2": x2, "y": y}).to_csv(path, index=False)
    report = _audit(path, tmp_path)
    tables = {t["id"]: t for t in report["tables"]}
    r2 = next(row for row in tables["baseline.regression"]["rows"] if row[0] == "R²")
    assert r2[1] > 0.5
    found, truth = {row[0] for row in tables["target.suspected"]["rows"]}, set(raised) | set(lifted)
    assert len(found & truth) >= 27 and len(found - truth) <= 3, (sorted(found - truth), sorted(truth - found))


def _dated(rows: int = 300, seed: int = 1) -> pd.DataFrame:
    """A label that changed on 2021-06-01, dates over about three years, and a column of noise."""
    rng = np.random.default_rng(seed)
    when = pd.Timestamp("2020-01-01") + pd.to_timedelta(rng.integers(0, 1000, rows), unit="D")
    return pd.DataFrame({"when": when.strftime("%Y-%m-%d"), "x": rng.normal(size=rows).round(3),
                         "y": np.where(when < pd.Timestamp("2021-06-01"), "old", "new")})


def _baseline_table(report: dict) -> dict:
    return next(t for t in report["tables"] if t["id"] == "baseline.learnability")


def test_dates_are_read_as_days_since_1970() -> None:
    frame = pd.DataFrame({"when": ["2021-03-04", "1970-01-02", "NA", "2021-03-04T12:00:00Z", "1969-12-31"] * 4})
    encoding = fit_encoding(pa.Table.from_pandas(frame), ["when"], TOKENS)
    assert [(c.kind, c.format) for c in encoding.columns] == [("date", "ISO8601")]
    days = encoding.apply(pa.Table.from_pandas(frame)).tabular["when"].tolist()[:5]
    assert days[:2] == [18690.0, 1.0] and np.isnan(days[2]) and days[3:] == [18690.5, -1.0]
    assert encoding.left_out == {}


def test_a_kept_date_column_teaches_the_model(tmp_path: Path) -> None:
    """Kept among the features (`--keep-column`), the dates are numbers the trees split on: the
    label's change of 2021-06-01 is learnt exactly, and no column goes unread."""
    path = tmp_path / "dated.csv"
    _dated().to_csv(path, index=False)
    out = tmp_path / "report.json"
    invoke(["audit", path, "-t", "y", "--label-noise", "--keep-column", "when", "--format", "json", "-o", out], 0)
    report = json.loads(out.read_text(encoding="utf-8"))
    assert _label_check(report, "baseline.learnability")["status"] == "passed"
    assert dict((r[0], r[1]) for r in _baseline_table(report)["rows"])["balanced accuracy"] == 1.0
    assert "Not read by the model" not in _baseline_table(report)["note"]


def test_the_columns_the_model_does_not_read_are_named_with_why(tmp_path: Path) -> None:
    """The time-like column is ignored by the audit, a code unique per row left out by the model:
    the baseline's note names both, in the JSON and on the console."""
    frame = _dated()
    frame.insert(0, "code", [f"k{i:04d}z" for i in range(len(frame))])
    path = tmp_path / "dated_codes.csv"
    frame.to_csv(path, index=False)
    report = _audit(path, tmp_path)
    assert _baseline_table(report)["note"].endswith(
        " Not read by the model: 'when', ignored (time-like: dates 2020-01-06 to 2022-09-25); 'code', unique per "
        "row, like an id.")
    stdout, _ = run(["audit", path, "-t", "y", "--label-noise"], 0)
    assert "Not read by" in stdout and "'code', unique per row, like an id." in " ".join(stdout.split())


def test_classes_smaller_than_a_leaf_leave_the_linear_model_alone(tmp_path: Path) -> None:
    """100 classes of 10 rows (8 in a training fold): boosting would grow a tree per class each
    round for classes no leaf can hold; the linear model runs alone, and the finding and the
    baseline's note say why."""
    frame = _classes_table([10] * 100)
    frame["kind"] = "k" + frame["y"]  # each class's own level: learnt from a handful of rows
    frame.loc[::20, "y"] = frame["y"].shift(-10)[::20]  # one row in 20 takes the next class's label
    path = tmp_path / "small_classes.csv"
    frame.to_csv(path, index=False)
    report = _audit(path, tmp_path)
    why = ("gradient boosting did not run: the median class has 8 rows in a training fold, fewer than the 20 of a "
           "tree's leaf, so its trees (one per class each round, 100 classes) would cost much and learn little")
    (found,) = [f for f in report["findings"] if f["check"] == "labels.suspected"]
    assert found["observed"]["models"] == ["logistic"] and f"only logistic ran ({why}); its" in found["message"]
    assert f" {why[0].upper()}{why[1:]}." in _baseline_table(report)["note"]


def test_the_trees_run_once_the_median_class_fills_a_leaf() -> None:
    from dataaudit.labelnoise.oof import trees_left_out

    assert trees_left_out(np.repeat([0, 1, 2], [25, 25, 4]), 5) is None  # 20 rows of the median class a fold
    assert trees_left_out(np.repeat([0, 1, 2], [24, 24, 400]), 5).startswith(
        "gradient boosting did not run: the median class has 19 rows")


def test_the_regressor_names_the_text_it_does_not_read() -> None:
    from dataaudit.labelnoise.features import unused_columns

    frame = pd.DataFrame({"note": [f"row {i} says {'good' if i % 2 else 'bad'} things" for i in range(60)],
                          "empty": [None] * 60, "x": np.arange(60.0)})
    encoding = fit_encoding(pa.Table.from_pandas(frame), ["note", "empty", "x"], TOKENS)
    assert unused_columns(encoding, {"id": "id-like"}, ("text",)) == {
        "id": "ignored (id-like)", "empty": "no value present", "note": "text, which this model does not read"}
    assert unused_columns(encoding, {}) == {"empty": "no value present"}
