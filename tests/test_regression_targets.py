"""A numeric target with many distinct values is a regression target: judged on real files
(tests/data/SOURCES.md), through the installed script and click's runner, and by its rule."""

from __future__ import annotations

import json
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.checks import REGISTRY, run_checks
from dataaudit.checks.registry import CLASSES
from dataaudit.rules.model import RulePack
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.profiles import make_column, make_profile

#: the class checks a table without allowed labels, the label model or a time column judges
TABLE_CLASS_CHECKS = sorted(c.id for c in REGISTRY.values() if c.target == CLASSES and "table" in c.applies_to
                            and not {"label_quality", "periods"} & c.needs)
TARGET_CHECKS = ("target.point_mass", "target.outliers")


def _statuses(report: dict) -> dict[str, dict]:
    return {c["check"]: c for c in report["checks"]}


def _audit_json(args: list, code: int, runner=run) -> dict:
    stdout, _ = runner(["audit", *args, "--format", "json"], code)
    return json.loads(stdout)


def test_mroz_hours_is_a_censored_regression_target() -> None:
    """mroz `hours` is 0 in 325 of its 753 rows: censored, as CATALOG.md records."""
    report = _audit_json([DATA / "mroz.csv", "--target", "hours"], 1)  # wage and lwage are 43% empty: a fail
    statuses = _statuses(report)
    for check in ("size.classes", "size.rows_per_class", "balance.imbalance_ratio", "balance.minority_share",
                  "labels.conflicts", "labels.variants", "labels.categorical"):
        assert statuses[check]["status"] == "skipped"
        assert statuses[check]["reason"] == "a regression target (306 distinct numbers)"
    (mass,) = [f for f in report["findings"] if f["check"] == "target.point_mass"]
    assert mass["severity"] == "warn"
    assert mass["message"] == "Target 'hours' is 0, its minimum, in 325 of 753 numbers (43%)."
    assert mass["details"] == {"value": 0.0, "share": round(325 / 753, 6)}
    assert "censored" in mass["hint"] and "hurdle" in mass["hint"]
    assert statuses["target.outliers"]["status"] == "passed"
    (table,) = [t for t in report["tables"] if t["id"] == "target.distribution"]
    row = dict(zip(table["columns"], table["rows"][0], strict=True))
    assert (row["numbers"], row["min"], row["max"], row["most_common"]) == (753, 0, 4950, 0)
    assert row["q1"] == 0 and row["most_common_share"] == round(325 / 753, 6)
    assert abs(row["mean"] - 740.5764) < 1e-3


def test_a_regression_target_lists_no_rows_per_value(tmp_path: Path) -> None:
    """306 distinct hours are no classes: neither the console's labels line, nor the label card's
    counts, nor the HTML page's class chart lists them; the distribution table describes them."""
    report = _audit_json([DATA / "mroz.csv", "--target", "hours"], 1)
    assert report["dataset"]["labels"] == {"column": "hours", "counts": {}, "missing": 0, "categorical": False}
    console, _ = invoke(["audit", DATA / "mroz.csv", "--target", "hours"], 1)
    assert "Labels:" not in console and "Distribution of the regression target 'hours'" in console
    page = tmp_path / "mroz.html"
    run(["audit", DATA / "mroz.csv", "--target", "hours", "--format", "html", "-o", page], 1)
    assert "Class distribution" not in page.read_text(encoding="utf-8")
    classes, _ = invoke(["audit", DATA / "penguins.csv", "--target", "species"], 0)
    assert "Labels: Adelie: 152, Gentoo: 124, Chinstrap: 68" in classes


def test_mroz_label_model_skips_its_class_checks_on_a_regression_target() -> None:
    """The classifier's checks skip; the regressor runs instead (tests/test_target_residuals.py)."""
    report = _audit_json([DATA / "mroz.csv", "--target", "hours", "--label-noise"], 1, runner=invoke)
    statuses = _statuses(report)
    for check in ("labels.suspected", "labels.noise_rate", "baseline.learnability"):
        assert statuses[check]["status"] == "skipped"
        assert statuses[check]["reason"] == ("a regression target (306 distinct numbers): "
                                             "label noise is estimated for classes")
    assert not [t for t in report["tables"] if t["id"].startswith("labels.") or t["id"] == "baseline.learnability"]


def test_mroz_forced_to_classes_is_judged_as_classes(tmp_path: Path) -> None:
    rules = tmp_path / "classes.yaml"
    rules.write_text("checks:\n  target:\n    kind: classes\n", encoding="utf-8")
    report = _audit_json([DATA / "mroz.csv", "--target", "hours", "--rules", rules], 1, runner=invoke)
    statuses = _statuses(report)
    assert statuses["balance.imbalance_ratio"]["status"] == "fail"  # 325 zeros against classes of one row
    assert statuses["target.point_mass"]["reason"] == "the target holds class labels, not a regression target"
    assert not [t for t in report["tables"] if t["id"] == "target.distribution"]


def test_cars_miles_per_gallon_is_a_regression_target_with_its_empty_cells() -> None:
    report = _audit_json([DATA / "cars.csv", "--target", "Miles_per_Gallon"], 1)
    statuses = _statuses(report)
    assert statuses["balance.minority_share"]["reason"] == "a regression target (129 distinct numbers)"
    assert statuses["missing.target"]["status"] == "fail"  # 8 cars without a value
    assert statuses["target.point_mass"]["status"] == "passed"  # 13 mpg: 20 of 398 numbers, 5%
    (table,) = [t for t in report["tables"] if t["id"] == "target.distribution"]
    row = dict(zip(table["columns"], table["rows"][0], strict=True))
    assert (row["numbers"], row["min"], row["max"], row["most_common"]) == (398, 9, 46.6, 13)


def test_wage_panel_log_wage_is_regression_and_union_stays_classes() -> None:
    lwage = dataaudit.audit(DATA / "wage_panel_800.csv", target="lwage")
    union = dataaudit.audit(DATA / "wage_panel_800.csv", target="union")
    assert {c.check: c.status for c in lwage.checks}["balance.imbalance_ratio"] == "skipped"
    # the panel's men (`nr`, 8 rows each) are a group, whatever the target; its years are read
    # period by period too, and its features drift over time by construction
    assert {f.check for f in lwage.findings if not f.check.startswith("time.")} <= {
        "target.point_mass", "target.outliers", "groups.repeated"}
    assert [t.id for t in lwage.tables if t.id != "time.periods"] == ["target.distribution", "groups.sizes"]
    assert {c.check: c.status for c in union.checks}["balance.imbalance_ratio"] == "passed"
    assert not [t for t in union.tables if t.id == "target.distribution"]


def test_class_controls_keep_their_class_checks_and_gain_no_target_finding() -> None:
    for name, target in (("breast_cancer", "target"), ("penguins", "species"), ("iris", "target")):
        report = dataaudit.audit(DATA / f"{name}.csv", target=target)
        statuses = {c.check: c for c in report.checks}
        assert statuses["balance.imbalance_ratio"].status == "passed", name
        assert statuses["size.rows_per_class"].status == "passed", name
        assert not [f for f in report.findings if f.check.startswith("target.")], name
        for check in TARGET_CHECKS:
            assert statuses[check].reason == "the target holds class labels, not a regression target", name
    breast_cancer = dataaudit.audit(DATA / "breast_cancer.csv", target="target")
    assert breast_cancer.counts == {"info": 0, "warn": 0, "fail": 0}


@settings(max_examples=20, deadline=None)
@given(st.lists(st.integers(-10_000, 10_000), min_size=21, max_size=120, unique=True),
       st.sampled_from(["auto", "classes", "regression"]))
def test_kind_follows_the_rule(numbers: list[int], kind: str) -> None:
    """Whole numbers, each once: distinct in every row, so past 20 of them `auto` reads a
    regression target; `classes` and `regression` force either reading."""
    # a float feature: a running number would be read as an id, leaving no feature to compare rows by
    frame = pd.DataFrame({"x": [i * 0.37 for i in range(len(numbers))], "y": [str(n) for n in numbers]})
    report = dataaudit.audit(frame, target="y", rules=RulePack.model_validate({"checks": {"target": {"kind": kind}}}))
    statuses = {c.check: c for c in report.checks}
    regression = kind != "classes"
    assert (statuses["size.classes"].status == "skipped") is regression
    judged_on_this_table = [c for c in TABLE_CLASS_CHECKS if c not in ("labels.unexpected", "labels.absent")
                            and not c.startswith("shortcuts.")]  # they need 50 sampled rows
    assert all((statuses[c].status == "skipped") is regression for c in judged_on_this_table)
    assert (statuses["target.point_mass"].status == "skipped") is not regression


@settings(max_examples=20, deadline=None)
@given(st.lists(st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: round(f, 3) + 0.0), min_size=20, max_size=150))
def test_twenty_distinct_numbers_or_fewer_are_classes(values: list[float]) -> None:
    """Whatever the numbers, a target with at most `min_distinct` of them distinct is classes."""
    kept = [v for v in values if v in set(sorted(set(values))[:20])]
    frame = pd.DataFrame({"x": range(len(kept)), "y": [repr(v) for v in kept]})
    report = dataaudit.audit(frame, target="y")
    assert {c.check: c.status for c in report.checks}["target.point_mass"] == "skipped"
    assert not [t for t in report.tables if t.id == "target.distribution"]


def _untracked_target(percentiles: list[float]) -> tuple[list, list]:
    """Past 10,000 distinct values the profile no longer counts each one: the heaviest value is
    read off the target's percentiles."""
    profile = make_profile(label_counts={"0": 1}, rows=200_000, tracked=False, columns=["x"])
    target = make_column("label", rows=200_000, role="target", type="float", distinct=150_000,
                         percentiles=percentiles)
    return run_checks(replace(profile, columns=[c if c.name != "label" else target for c in profile.columns]),
                      RulePack())


def test_a_mass_past_the_tracked_values_is_read_off_the_percentiles() -> None:
    findings, statuses = _untracked_target([0.0] * 41 + list(np.linspace(1, 1000, 60)))
    (mass,) = [f for f in findings if f.check == "target.point_mass"]
    assert mass.severity.value == "warn"
    assert mass.details == {"value": 0.0, "share": 0.4}
    assert mass.message == "Target 'label' is 0, its minimum, in about 40% of the numbers."
    status = {s.check: s for s in statuses}
    assert status["balance.imbalance_ratio"].reason == "a regression target (150,000 distinct numbers)"


def test_a_spread_target_past_the_tracked_values_passes() -> None:
    findings, statuses = _untracked_target(list(np.linspace(-5, 5, 101)))
    assert not [f for f in findings if f.check.startswith("target.")]
    assert {s.check: s.status for s in statuses}["target.point_mass"] == "passed"


def test_a_sentinel_target_is_no_most_common_value_of_the_distribution(tmp_path: Path) -> None:
    """-999 in 60 of 400 targets is counted missing by the column, so the distribution's numbers,
    quartiles and most common value leave it out alike, and it is named once, as a sentinel."""
    rng = np.random.default_rng(1)
    y = np.round(50 + 10 * rng.normal(size=400), 2)
    y[:60] = -999
    path = tmp_path / "sentinel.csv"
    pd.DataFrame({"x": rng.normal(size=400), "y": y}).to_csv(path, index=False)
    report = _audit_json([path, "-t", "y", "-q"], 0, runner=invoke)
    table = next(t for t in report["tables"] if t["id"] == "target.distribution")
    row = dict(zip(table["columns"], table["rows"][0], strict=True))
    assert row["numbers"] == 340 and row["min"] > 0
    assert row["most_common"] != -999 and row["most_common_share"] < 0.02
    assert "of 340 numbers" in table["note"]
    found = {f["check"] for f in report["findings"]}
    assert "target.sentinels" in found and "target.point_mass" not in found


def test_a_constant_target_forced_to_regression_fails_as_a_single_class_does(tmp_path: Path) -> None:
    """Read as classes, one number fails size.classes; forced to regression it fails too, and
    is not called censored."""
    path = tmp_path / "constant.csv"
    pd.DataFrame({"x": np.arange(400) / 7, "y": [5.0] * 400}).to_csv(path, index=False)
    pack = tmp_path / "regression.yaml"
    default = (Path(dataaudit.__file__).parent.parent / "rules" / "default.yaml").read_text(encoding="utf-8")
    pack.write_text(default.replace("    kind: auto ", "    kind: regression "), encoding="utf-8")
    report = _audit_json([path, "-t", "y", "-r", pack, "-q"], 1, runner=invoke)
    finding = next(f for f in report["findings"] if f["check"] == "target.point_mass")
    assert finding["severity"] == "fail" and "a constant target" in finding["message"]
    assert "minimum" not in finding["message"] and "Tobit" not in (finding.get("hint") or "")
    _audit_json([path, "-t", "y", "-q"], 1, runner=invoke)  # read as classes: size.classes


@pytest.mark.parametrize("runner", [run, invoke])
def test_words_read_as_a_regression_target_fail_naming_them(tmp_path: Path, runner) -> None:
    """`checks.target.kind: regression` on a target of words skipped every class check and every
    target check (they read numbers alone) and passed: the model would have nothing to regress on."""
    data = tmp_path / "pets.csv"
    words = ["cat", "dog", "bird"]
    data.write_text("x,b,y\n" + "".join(f"{i * 0.37:.2f},{i % 4},{words[i % 3] if i % 5 else 12.5 + i}\n"
                                        for i in range(300)))
    rules = tmp_path / "regression.yaml"
    rules.write_text("checks:\n  target:\n    kind: regression\n")
    report = _audit_json([data, "-t", "y", "--rules", rules], 1, runner)
    [finding] = [f for f in report["findings"] if f["check"] == "target.numbers"]
    assert finding["severity"] == "fail"
    assert finding["observed"] == 240
    assert finding["message"] == ("Target 'y' is read as a regression target, but 240 of its 300 values are no "
                                  "numbers: 'bird' 80, 'cat' 80, 'dog' 80.")
    assert finding["examples"][:4] == [1, 2, 3, 4]
    assert _statuses(report)["target.point_mass"]["status"] != "skipped"


@pytest.mark.parametrize("runner", [run, invoke])
def test_many_small_classes_are_listed_ten_fewest_first_as_the_examples_are(tmp_path: Path, runner) -> None:
    """Prices with a currency sign among numbers are classes, not numbers: 297 of them, each listed
    in the message (a wall of text), and the examples in the opposite order."""
    data = tmp_path / "prices.csv"
    data.write_text("a,b,y\n" + "".join(f"{i * 0.37:.2f},{i % 4},{'$' if i % 50 == 0 else ''}{10 + i * 0.31:.2f}\n"
                                        for i in range(300)) + "1,1,10.00\n1,2,10.00\n")
    report = _audit_json([data, "-t", "y"], 1, runner)
    [finding] = [f for f in report["findings"] if f["check"] == "size.rows_per_class"]
    listed = finding["message"].split("too few rows: ", 1)[1]
    assert listed.endswith(" and 291 more.") and listed.count("'") == 20
    assert finding["examples"][:10] == [name.split("'")[1] for name in listed.split(", ")[:10]]
    assert len(finding["details"]["classes"]) == 301
