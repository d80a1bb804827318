"""Model-based label checks on real files: false alarms on clean data, detection of known flips,
reproducibility, small classes, the JSON contract and the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv
import pytest

import dataaudit
from dataaudit.datasets.classification import CLASSES, make_dirty_classification, write_dirty_classification
from dataaudit.labelnoise.quarantine import suspected_rows
from dataaudit.report.model import Report, Severity
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

MODEL_CHECKS = ("labels.suspected", "labels.noise_rate", "baseline.learnability")


def _status(report: Report, check: str) -> str:
    return next(c.status for c in report.checks if c.check == check)


def _flipped_penguins(tmp_path: Path, share: float) -> tuple[Path, set[int]]:
    """penguins.csv with `share` of its species labels changed to another species (seeded)."""
    from dataaudit.datasets.classification import flip_labels

    table = pacsv.read_csv(DATA / "penguins.csv")
    labels = table.column("species").to_pylist()
    classes = sorted(set(labels))
    import numpy as np

    codes, flipped = flip_labels(np.array([classes.index(x) for x in labels]), np.ones(len(labels), bool),
                                 len(classes), share, seed=1)
    path = tmp_path / "penguins_flipped.csv"
    column = pa.array([classes[c] for c in codes])
    pacsv.write_csv(table.set_column(table.column_names.index("species"), "species", column), path)
    return path, set(flipped.tolist())


def test_clean_breast_cancer_raises_no_fail() -> None:
    report = dataaudit.audit(DATA / "breast_cancer.csv", target="target", label_noise=True)
    assert report.passed
    assert not [f for f in report.findings if f.check.startswith(("labels.", "baseline.")) and
                f.severity is Severity.FAIL]
    assert _status(report, "baseline.learnability") == "passed"
    baseline = next(t for t in report.tables if t.id == "baseline.learnability")
    accuracy = next(row for row in baseline.rows if row[0] == "accuracy")
    assert accuracy[1] > 0.9 > accuracy[2]  # the model learns; the majority guess does not


def test_same_seed_same_suspects_whatever_the_chunking(tmp_path: Path) -> None:
    path, _ = _flipped_penguins(tmp_path, 0.1)
    first = dataaudit.audit(path, target="species", label_noise=True)
    again = dataaudit.audit(path, target="species", label_noise=True, chunk_rows=37)
    assert suspected_rows(first) == suspected_rows(again)
    assert suspected_rows(first)


def test_known_flips_are_found_in_generated_data(tmp_path: Path) -> None:
    """Quality floor on 3,000 generated rows with 10% of labels flipped (the features predict the
    label with about 86% accuracy, so some honest rows look suspicious too)."""
    path = tmp_path / "flipped.csv"
    truth = write_dirty_classification(path, 3000, seed=4, flip_share=0.1)
    flipped = set(truth["flipped_labels"]["rows"])
    report = dataaudit.audit(path, target="label", ignore_columns=["id"], label_noise=True)
    found = set(suspected_rows(report))
    precision, recall = len(found & flipped) / len(found), len(found & flipped) / len(flipped)
    assert precision >= 0.45, (precision, recall)
    assert recall >= 0.7, (precision, recall)
    assert _status(report, "labels.suspected") == "fail"  # estimated noise far above the 10% fail level


def test_generator_flips_are_listed_and_leave_the_rest_unchanged() -> None:
    clean, clean_truth = make_dirty_classification(2000, seed=2)
    noisy, truth = make_dirty_classification(2000, seed=2, flip_share=0.05)
    flips = truth["flipped_labels"]
    assert "flipped_labels" not in clean_truth
    assert clean.drop_columns(["label"]).equals(noisy.drop_columns(["label"]))
    before, after = clean.column("label").to_pylist(), noisy.column("label").to_pylist()
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=True)) if a != b]
    assert changed == flips["rows"]
    assert flips["original"] == [before[i] for i in changed]
    assert all(after[i] in CLASSES and after[i] != before[i] for i in changed)
    eligible = sum(1 for x in before if x in CLASSES)
    assert flips["count"] == round(0.05 * eligible)


def test_small_classes_are_reported_not_crashed_on(tmp_path: Path) -> None:
    table = pacsv.read_csv(DATA / "iris.csv")
    rare = pa.table({c: table.column(c).slice(0, 3) for c in table.column_names})
    rare = rare.set_column(rare.column_names.index("target"), "target", pa.array(["rare"] * 3))
    path = tmp_path / "iris_rare.csv"
    pacsv.write_csv(pa.concat_tables([table, rare]), path)
    report = dataaudit.audit(path, target="target", label_noise=True)
    note = next(f for f in report.findings if f.check == "labels.noise_rate" and f.examples == ["rare"])
    assert note.severity is Severity.INFO and "'rare' 3" in note.message
    classes = next(t for t in report.tables if t.id == "labels.noise_rate")
    assert sorted(row[0] for row in classes.rows) == ["setosa", "versicolor", "virginica"]


def test_one_learnable_class_skips_the_model_with_a_reason(tmp_path: Path) -> None:
    path = tmp_path / "one.csv"
    path.write_text("x,label\n" + "".join(f"{i},a\n" for i in range(30)) + "1,b\n2,b\n", encoding="utf-8")
    report = dataaudit.audit(path, target="label", label_noise=True)
    for check in MODEL_CHECKS:
        assert _status(report, check) == "skipped"
    reason = next(c.reason for c in report.checks if c.check == "labels.suspected")
    assert "fewer than 2 classes" in reason
    assert not report.tables


def test_model_checks_are_skipped_unless_asked_for() -> None:
    report = dataaudit.audit(DATA / "iris.csv", target="target")
    for check in MODEL_CHECKS:
        assert _status(report, check) == "skipped"
    assert "--label-noise" in next(c.reason for c in report.checks if c.check == "labels.suspected")
    no_target = dataaudit.audit(DATA / "iris.csv", label_noise=True)
    assert next(c.reason for c in no_target.checks if c.check == "labels.suspected") == "no target column"


def test_json_report_lists_every_suspected_row(tmp_path: Path) -> None:
    path, _ = _flipped_penguins(tmp_path, 0.2)
    out = tmp_path / "report.json"
    stdout, _ = invoke(["audit", path, "-t", "species", "--label-noise", "--folds", "4", "--sample", "1000",
                        "-f", "json", "-o", out, "-f", "console", "-o", "-"], 1)  # 20% noise fails the gate
    data = json.loads(out.read_text(encoding="utf-8"))
    table = next(t for t in data["tables"] if t["id"] == "labels.suspected")
    finding = next(f for f in data["findings"] if f["check"] == "labels.suspected")
    assert len(table["rows"]) == finding["observed"]["suspected_rows"] > 15
    assert table["columns"] == ["row", "given", "suggested", "score"]
    scores = [row[3] for row in table["rows"]]
    assert scores == sorted(scores, reverse=True)
    assert f"{len(table['rows']) - 15:,} more rows in the JSON report" in stdout
    assert finding["details"]["folds"] == 4
    rebuilt = suspected_rows(Report.from_dict(data))
    assert list(rebuilt) == [row[0] for row in table["rows"]]
    assert [score for _, score in rebuilt.values()] == scores


def test_suspected_rows_agree_from_report_and_profile(tmp_path: Path) -> None:
    from dataaudit.labelnoise import step

    path, _ = _flipped_penguins(tmp_path, 0.1)
    report = dataaudit.audit(path, target="species", label_noise=True)
    captured = []
    original = step.with_label_quality

    def keep(*args: object) -> object:
        captured.append(original(*args))
        return captured[-1]

    step.with_label_quality = keep
    try:
        dataaudit.audit(path, target="species", label_noise=True)
    finally:
        step.with_label_quality = original
    from_profile = suspected_rows(captured[0])
    assert from_profile == suspected_rows(report)
    reason, score = next(iter(from_profile.values()))
    assert reason == "suspected_label" and 0 < score <= 1


def test_installed_command_runs_the_model_checks(tmp_path: Path) -> None:
    out = tmp_path / "iris.json"
    _, stderr = run(["audit", DATA / "iris.csv", "--target", "target", "--label-noise", "--folds", "3",
                     "--jobs", "1", "-f", "json", "-o", out], 0, timeout=300)
    data = json.loads(out.read_text(encoding="utf-8"))
    statuses = {c["check"]: c["status"] for c in data["checks"]}
    assert statuses["baseline.learnability"] == "passed"
    assert {t["id"] for t in data["tables"]} == set(MODEL_CHECKS)
    assert "report written to" in stderr


@pytest.mark.parametrize(("args", "message"), [
    (["--folds", "1"], "--folds"),
    (["--sample", "5"], "--sample"),
    (["--jobs", "0"], "--jobs"),
])
def test_bad_model_options_are_usage_errors(args: list[str], message: str) -> None:
    _, stderr = invoke(["audit", DATA / "iris.csv", "-t", "target", "--label-noise", *args], 2)
    assert message in stderr


def test_rule_pack_model_settings_are_validated(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("checks:\n  label_noise:\n    folds: 1\n", encoding="utf-8")
    _, stderr = invoke(["rules", "validate", pack], 2)
    assert "pack.yaml:3" in stderr and "folds" in stderr


def test_the_cli_does_not_import_the_model_libraries() -> None:
    code = "import sys, dataaudit.cli; print(sorted(m for m in ('sklearn', 'cleanlab', 'scipy') if m in sys.modules))"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"
