"""A label model that learnt nothing lists no suspects.

Three random numbers cannot predict a label drawn apart from them: the model's out-of-fold
predictions then disagree with about two labels in three, and confident learning listed about
half the rows as mislabelled, every one the model's own error (960 of 2,000 here). A balanced
accuracy not more than 3 standard errors of a guess above chance now skips `labels.suspected`
and `labels.noise_rate` with the reason, and `clean --quarantine-suspected-labels` sets nothing
aside. A separable label with 5% flipped still has its flips found.
"""

from __future__ import annotations

import csv
import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.labelnoise.baseline import CHANCE_SES, above_chance, chance_error
from tests.cli_helpers import invoke

ROOT = Path(__file__).resolve().parent.parent


def _write(path: Path, features: np.ndarray, labels: np.ndarray) -> Path:
    with path.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["f1", "f2", "f3", "label"])
        writer.writerows([*np.round(row, 4), label] for row, label in zip(features, labels, strict=True))
    return path


@pytest.fixture(scope="module")
def noise(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """2,000 rows: three random numbers and a label of three classes drawn apart from them."""
    rng = np.random.default_rng(1)
    return _write(tmp_path_factory.mktemp("noise") / "noise.csv", rng.normal(size=(2000, 3)),
                  rng.choice(["a", "b", "c"], size=2000))


@pytest.fixture(scope="module")
def flips(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, set[int]]:
    """2,000 rows whose label is f1 cut in three, 5% of the labels flipped to another class."""
    rng = np.random.default_rng(1)
    features = rng.normal(size=(2000, 3))
    truth = np.where(features[:, 0] > 0.5, "c", np.where(features[:, 0] > -0.5, "b", "a"))
    flipped = np.flatnonzero(rng.random(2000) < 0.05)
    labels = truth.copy()
    for i in flipped:
        labels[i] = rng.choice([c for c in "abc" if c != truth[i]])
    return _write(tmp_path_factory.mktemp("flips") / "flips.csv", features, labels), set(flipped.tolist())


def _audit(path: Path, tmp_path: Path, code: int = 0) -> dict:
    out = tmp_path / "report.json"
    invoke(["audit", path, "-t", "label", "--label-noise", "-f", "json", "-o", out], code)
    return json.loads(out.read_text(encoding="utf-8"))


def _checks(report: dict) -> dict[str, dict]:
    return {c["check"]: c for c in report["checks"]}


def test_no_signal_lists_no_suspects_and_says_why(noise: Path, tmp_path: Path) -> None:
    report = _audit(noise, tmp_path)
    checks = _checks(report)
    assert not [f for f in report["findings"] if f["check"] in ("labels.suspected", "labels.noise_rate")]
    reason = checks["labels.suspected"]["reason"]
    assert checks["labels.noise_rate"] == {**checks["labels.noise_rate"], "status": "skipped", "reason": reason}
    assert reason.startswith("the model predicts 'label' no better than chance (balanced accuracy 0.3")
    assert "against 0.33 of a guess, 2,000 rows; clearly better is above 0.3" in reason
    assert reason.endswith("its disagreements with the labels would be its own errors") and "\n" not in reason
    # the weak model is still reported, and warns: its macro F1 over a one-class guess's is no gain
    (learnability,) = [f for f in report["findings"] if f["check"] == "baseline.learnability"]
    assert checks["baseline.learnability"]["status"] == "warn" and learnability["severity"] == "warn"
    assert learnability["message"].endswith(f"; but {reason}, so it counts as no gain.")
    tables = {t["id"]: t for t in report["tables"]}
    assert "labels.suspected" not in tables and "labels.noise_rate" not in tables
    balanced = next(row for row in tables["baseline.learnability"]["rows"] if row[0] == "balanced accuracy")
    assert abs(balanced[1] - 1 / 3) < 0.03


def test_the_flip_control_still_finds_its_flips(flips: tuple[Path, set[int]], tmp_path: Path) -> None:
    path, flipped = flips
    report = _audit(path, tmp_path)
    suspects = {row[0] for row in next(t for t in report["tables"] if t["id"] == "labels.suspected")["rows"]}
    assert len(suspects & flipped) >= 0.8 * len(flipped)
    assert len(suspects & flipped) >= 0.8 * len(suspects)
    assert _checks(report)["labels.suspected"]["status"] in ("warn", "fail")


def test_the_clean_quarantines_nothing_and_its_manifest_says_why(noise: Path, tmp_path: Path) -> None:
    out = tmp_path / "noise.clean.csv"
    _, stderr = invoke(["clean", noise, "-t", "label", "--quarantine-suspected-labels", "-o", out], 0)
    held = pd.read_csv(tmp_path / "noise.clean.quarantine.csv", dtype=str)
    assert held.empty and len(pd.read_csv(out)) == 2000
    model = json.loads((tmp_path / "noise.clean.manifest.json").read_text(encoding="utf-8"))["parameters"][
        "label_model"]
    assert model["suspected"] == 0 and model["skipped"].startswith("the model predicts 'label' no better than chance")
    assert model["chance"] == pytest.approx(1 / 3, abs=1e-6) and abs(model["balanced_accuracy"] - 1 / 3) < 0.03
    assert "the label model lists no suspects (the model predicts 'label' no better than chance" in stderr
    assert "no row quarantined as suspected_label" in stderr


def test_as_a_subprocess(noise: Path, tmp_path: Path) -> None:
    out = tmp_path / "report.json"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "audit", str(noise), "-t", "label", "--label-noise",
                           "-f", "json", "-o", str(out)], env=env, capture_output=True, timeout=300, check=False)
    assert proc.returncode == 0, proc.stderr.decode("utf-8", errors="replace")
    checks = _checks(json.loads(out.read_text(encoding="utf-8")))
    assert checks["labels.suspected"]["status"] == "skipped"
    assert "no better than chance" in checks["labels.suspected"]["reason"]


def _balanced_accuracy(y: np.ndarray, predicted: np.ndarray, classes: int) -> float:
    present = [k for k in range(classes) if (y == k).any()]
    return float(np.mean([np.mean(predicted[y == k] == k) for k in present]))


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 2), st.integers(0, 2)), min_size=2, max_size=6))
def test_the_error_is_the_spread_of_every_shuffle_of_the_labels(pairs: list[tuple[int, int]]) -> None:
    """Over every ordering of the labels against the predictions, the balanced accuracy averages
    chance and spreads by `chance_error` exactly (all three classes present)."""
    y = np.array([p[0] for p in pairs])
    predicted = np.array([p[1] for p in pairs])
    if len(set(y.tolist())) < 3:
        y = np.array([k % 3 for k in range(len(y))]) if len(y) >= 3 else y
    if len(set(y.tolist())) < 3:
        return
    shuffled = [_balanced_accuracy(y[list(order)], predicted, 3) for order in itertools.permutations(range(len(y)))]
    assert np.mean(shuffled) == pytest.approx(1 / 3, abs=1e-9)
    assert np.std(shuffled) == pytest.approx(chance_error(y, predicted, 3), abs=1e-9)


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=200), st.integers(0, 4))
def test_one_class_for_every_row_never_clears_chance(labels: list[int], guess: int) -> None:
    y = np.array(labels)
    classes = int(y.max()) + 1
    predicted = np.full(len(y), min(guess, classes - 1))
    error = chance_error(y, predicted, classes)
    present = len(set(labels))
    assert error == 0.0
    assert not above_chance(_balanced_accuracy(y, predicted, classes), 1 / present, error)
    assert CHANCE_SES > 0
