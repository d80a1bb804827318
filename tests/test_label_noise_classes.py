"""`labels.noise_rate` gives one finding for all the classes past its level, judged by the worst.

A finding per class buried the rest of a report when a model learns many classes well: 60
classes of 50 rows, a tenth of each label flipped, gave 54 near-identical warnings under a 5%
level, each a GitHub annotation and a SARIF result of its own. The one finding names the worst
classes, its details keep every class past the level with its numbers, and the gate passes,
warns or fails as it did with a finding per class.
"""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.checks import label_noise
from dataaudit.checks.base import Results
from dataaudit.labelnoise.result import ClassNoise, LabelQuality, Scores, SuspectedRow
from dataaudit.levels import MaxLevels
from dataaudit.report.model import Finding, Severity
from tests.cli_helpers import invoke, run

CLASSES = 60
ROWS_PER_CLASS = 50
TIGHT = "checks:\n  label_noise:\n    max_class_noise_rate: {warn: 0.05, fail: 0.5}\n"


def _quality(rates: list[float], small: dict[str, int] | None = None) -> LabelQuality:
    scores = Scores(accuracy=0.9, balanced_accuracy=0.9, macro_precision=0.9, macro_recall=0.9, macro_f1=0.9,
                    per_class_f1={})
    classes = [ClassNoise(f"c{k:02d}", 50, round(rate * 50), rate) for k, rate in enumerate(rates)]
    return LabelQuality(
        sample_rows=50 * len(rates), folds=5, seed=0, model="gradient_boosting + logistic", method="test",
        models=["gradient_boosting", "logistic"], suspected=[SuspectedRow(row=7, given="c00", suggested="c01",
                                                                          score=0.9)],
        classes=classes, noise_rate=sum(rates) / len(rates), baseline=scores, dummy=scores,
        small_classes=small or {},
    )


def _noise_findings(quality: LabelQuality, levels: MaxLevels) -> list[Finding]:
    results = Results()
    profile = SimpleNamespace(label=SimpleNamespace(column="label"), label_quality=quality, target_residuals=None)
    label_noise.run(profile, label_noise.Rules(max_class_noise_rate=levels), results)
    return [f for f in results.findings if f.check == "labels.noise_rate"]


def test_many_classes_past_the_level_give_one_finding_naming_the_worst_five() -> None:
    rates = [0.02] * 4 + [0.10 + k / 100 for k in range(8)]  # c04 10% ... c11 17%
    [finding] = _noise_findings(_quality(rates), MaxLevels(warn=0.05))
    assert finding.severity is Severity.WARN
    assert finding.message == (
        "8 of 12 modelled classes have an estimated share of wrong labels above 5.0%: "
        "'c11' 17% of 50 rows (8 suspected), 'c10' 16% of 50 rows (8 suspected), "
        "'c09' 15% of 50 rows (8 suspected), 'c08' 14% of 50 rows (7 suspected), "
        "'c07' 13% of 50 rows (6 suspected) and 3 more. Over all 600 modelled rows it is 9.7%.")
    assert (finding.column, finding.observed, finding.threshold) == ("label", 0.17, 0.05)
    assert finding.examples == [f"c{k:02d}" for k in range(11, 3, -1)]
    assert finding.details["kind"] == "noisy_classes"
    assert finding.details["examples_are"] == "labels"
    assert finding.details["estimated_noise_rate"] == pytest.approx(sum(rates) / 12, abs=1e-6)
    assert list(finding.details["classes"]) == finding.examples
    assert finding.details["classes"]["c04"] == {"noise_rate": 0.1, "rows": 50, "suspected": 5}


def test_one_class_past_the_level_reads_in_the_singular() -> None:
    [finding] = _noise_findings(_quality([0.02, 0.3]), MaxLevels(warn=0.2))
    assert finding.message == ("1 of 2 modelled classes has an estimated share of wrong labels above 20%: "
                               "'c01' 30% of 50 rows (15 suspected). Over all 100 modelled rows it is 16%.")
    assert finding.details["classes"] == {"c01": {"noise_rate": 0.3, "rows": 50, "suspected": 15}}


def test_no_class_past_the_level_gives_no_finding() -> None:
    assert _noise_findings(_quality([0.1, 0.19, 0.2]), MaxLevels(warn=0.2)) == []


def test_a_fail_level_alone_is_the_level_the_message_names() -> None:
    [finding] = _noise_findings(_quality([0.1, 0.4]), MaxLevels(fail=0.3))
    assert finding.severity is Severity.FAIL and "above 30%:" in finding.message and finding.threshold == 0.3


def test_the_grouped_finding_and_the_left_out_classes_have_their_own_fingerprints() -> None:
    grouped, left_out = _noise_findings(_quality([0.3, 0.4], small={"rare": 2}), MaxLevels(warn=0.2))
    assert (grouped.severity, left_out.severity) == (Severity.WARN, Severity.INFO)
    assert grouped.fingerprint != left_out.fingerprint


def test_the_fingerprint_stays_when_other_classes_pass_the_level() -> None:
    """Which classes pass moves with the data, as a count does; the problem is the same one."""
    fewer, more = (_noise_findings(_quality(rates), MaxLevels(warn=0.2)) for rates in ([0.3, 0.1], [0.3, 0.25]))
    assert fewer[0].fingerprint == more[0].fingerprint


@settings(max_examples=200, deadline=None)
@given(rates=st.lists(st.floats(0, 1), min_size=2, max_size=80),
       warn=st.none() | st.floats(0, 0.5), fail=st.none() | st.floats(0.5, 1))
def test_the_severity_is_the_worst_any_class_alone_would_get(rates: list[float], warn: float | None,
                                                             fail: float | None) -> None:
    levels = MaxLevels(warn=warn, fail=fail)
    findings = _noise_findings(_quality(rates), levels)
    severities = [s for rate in rates if (s := levels.judge(rate)) is not None]
    assert len(findings) == (1 if severities else 0)
    if severities:
        assert findings[0].severity is max(severities, key=lambda s: s.rank)
        assert len(findings[0].details["classes"]) == len(severities)


# --- through the command, on a generated table ------------------------------------------------

@pytest.fixture(scope="module")
def many_classes(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """60 classes of 50 rows, far apart in four numeric columns, a tenth of each class's labels
    flipped to another class."""
    rng = np.random.default_rng(0)
    centres = rng.normal(0, 20, (CLASSES, 4))
    lines = ["a,b,c,d,label"]
    for k in range(CLASSES):
        points = centres[k] + rng.normal(0, 0.5, (ROWS_PER_CLASS, 4))
        labels = [f"c{k:02d}"] * ROWS_PER_CLASS
        for i in rng.choice(ROWS_PER_CLASS, ROWS_PER_CLASS // 10, replace=False):
            labels[i] = f"c{(k + 1 + rng.integers(CLASSES - 1)) % CLASSES:02d}"
        lines += [",".join([*(f"{v:.4f}" for v in p), label]) for p, label in zip(points, labels, strict=True)]
    folder = tmp_path_factory.mktemp("many_classes")
    (folder / "pack.yaml").write_text(TIGHT, encoding="utf-8")
    path = folder / "classes.csv"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _past_the_level(report: dict) -> dict[str, float]:
    table = next(t for t in report["tables"] if t["id"] == "labels.noise_rate")
    return {row[0]: row[3] for row in table["rows"] if row[3] > 0.05}


@pytest.mark.slow
def test_the_installed_command_gives_one_finding_in_every_format(many_classes: Path) -> None:
    out = many_classes.parent
    formats = ["-f", "json", "-o", out / "r.json", "-f", "sarif", "-o", out / "r.sarif", "-f", "console", "-o",
               out / "r.txt"]
    run(["audit", many_classes, "-t", "label", "--label-noise", "-r", out / "pack.yaml", *formats], 0, timeout=600)
    report = json.loads((out / "r.json").read_text(encoding="utf-8"))
    [finding] = [f for f in report["findings"] if f["check"] == "labels.noise_rate"]
    past = _past_the_level(report)
    assert len(past) > 5  # many classes pass: this is what used to give a finding each
    assert finding["severity"] == "warn" and finding["threshold"] == 0.05
    assert finding["observed"] == max(past.values())
    assert {label: c["noise_rate"] for label, c in finding["details"]["classes"].items()} == past
    assert finding["examples"] == sorted(past, key=lambda label: (-past[label], label))
    assert finding["message"].startswith(f"{len(past)} of {CLASSES} modelled classes have an estimated share")
    assert finding["message"].endswith(f" and {len(past) - 5} more. Over all {CLASSES * ROWS_PER_CLASS:,} modelled "
                                       f"rows it is {finding['details']['estimated_noise_rate']:.1%}.")
    sarif = json.loads((out / "r.sarif").read_text(encoding="utf-8"))
    assert [r["ruleId"] for r in sarif["runs"][0]["results"]].count("labels.noise_rate") == 1
    console = (out / "r.txt").read_text(encoding="utf-8")
    assert console.count("  labels.noise_rate  [label]\n") == 1
    assert f"e.g. labels: {', '.join(finding['examples'][:10])} ..." in console


@pytest.mark.slow
def test_a_class_past_the_fail_level_fails_the_gate_with_the_one_finding(many_classes: Path) -> None:
    out = many_classes.parent / "fail.json"
    pack = many_classes.parent / "fail.yaml"
    pack.write_text("checks:\n  label_noise:\n    max_class_noise_rate: {warn: 0.05, fail: 0.1}\n", encoding="utf-8")
    invoke(["audit", many_classes, "-t", "label", "--label-noise", "-r", pack, "-f", "json", "-o", out], 1)
    report = json.loads(out.read_text(encoding="utf-8"))
    [finding] = [f for f in report["findings"] if f["check"] == "labels.noise_rate"]
    assert finding["severity"] == "fail" and finding["threshold"] == 0.1
    assert len(finding["details"]["classes"]) == len(_past_the_level(report))
    status = next(c for c in report["checks"] if c["check"] == "labels.noise_rate")
    assert status["status"] == "fail" and not report["passed"]
