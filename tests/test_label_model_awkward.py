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
from tests.cli_helpers import invoke

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
