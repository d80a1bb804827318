"""Shortcuts: a column, an id or a text token that alone predicts the label, found on real and
generated files, and never on the clean controls; the measures' laws."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets import make_dirty_classification
from dataaudit.datasets.classification import SIGNATURE, SIGNATURE_CLASS
from dataaudit.profile.sample import SamplePartial, SampleSpec, priorities
from dataaudit.profile.shortcuts import SingleColumn
from dataaudit.shortcuts.baseline import neighbour_accuracy, out_of_fold_accuracy, stratified_folds
from dataaudit.shortcuts.tokens import tokens
from tests.cli_helpers import invoke, run
from tests.conftest import DATA


def _shortcuts(report: dict) -> list[dict]:
    return [f for f in report["findings"] if f["check"].startswith("shortcuts.")]


def _audit_json(tmp_path: Path, args: list, code: int, runner=invoke) -> dict:
    out = tmp_path / "report.json"
    runner(["audit", *args, "-f", "json", "-o", out], code)
    return json.loads(out.read_text())


@pytest.mark.parametrize("rates", [None, "clean"], ids=["with every planted problem", "clean rows"])
def test_generated_data_shows_the_planted_leak_and_signature_and_nothing_else(tmp_path: Path, rates) -> None:
    from dataaudit.datasets import NO_ISSUES

    table, truth = make_dirty_classification(2_000, seed=3, rates=NO_ISSUES if rates else None, shortcuts=True)
    data = tmp_path / "planted.csv"
    pacsv.write_csv(table, data)
    report = _audit_json(tmp_path, [data, "-t", "label", "--text-column", "note"], 1 if rates is None else 0)
    found = {(f["check"], f["column"], f["severity"]) for f in _shortcuts(report)}
    assert found == {("shortcuts.feature", "leak", "warn"), ("shortcuts.text_token", "note", "warn")}
    (token,) = [f for f in _shortcuts(report) if f["check"] == "shortcuts.text_token"]
    (mark,) = token["details"]["tokens"]
    labels = table.column("label").to_numpy(zero_copy_only=False)[truth["shortcuts"]["token_rows"]]
    labelled = [label for label in labels if label is not None]  # the sample holds labelled rows only
    assert (mark["token"], mark["class"], mark["rows"]) == (SIGNATURE, SIGNATURE_CLASS, len(labelled))
    assert mark["purity"] == round(labelled.count(SIGNATURE_CLASS) / len(labelled), 6) >= 0.95
    assert 0.3 < mark["share_of_class"] < 0.5
    tables = {t["id"] for t in report["tables"]}
    assert {"shortcuts.columns", "shortcuts.text_tokens"} <= tables


def test_generated_data_without_planting_shows_no_shortcut(tmp_path: Path) -> None:
    table, _ = make_dirty_classification(2_000, seed=3)
    data = tmp_path / "plain.csv"
    pacsv.write_csv(table, data)
    report = _audit_json(tmp_path, [data, "-t", "label", "--text-column", "note"], 1)
    assert _shortcuts(report) == []
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert [statuses[c] for c in ("shortcuts.feature", "shortcuts.id", "shortcuts.text_token")] == ["passed"] * 3


def test_planting_shortcuts_changes_no_other_count_of_the_truth() -> None:
    plain, before = make_dirty_classification(3_000, seed=5)
    planted, after = make_dirty_classification(3_000, seed=5, shortcuts=True)
    assert planted.column_names == [*plain.column_names[:-1], "leak", "label"]
    assert planted.drop_columns(["leak", "note"]).equals(plain.drop_columns(["note"]))
    for key in ("exact_duplicate_rows", "feature_duplicate_rows", "conflicting_labels", "missing_label",
                "label_variants", "rows_missing_most"):
        assert after[key] == before[key], key
    assert {k: v for k, v in after["missing"].items() if k != "leak"} == before["missing"]
    signed = np.array(after["shortcuts"]["token_rows"])
    labels = planted.column("label").to_numpy(zero_copy_only=False)
    other = [int(r) for r, label in zip(signed, labels[signed], strict=True) if label not in (SIGNATURE_CLASS, None)]
    assert set(other) <= set(after["conflicting_labels"]["rows"])  # copies planted with another class
    assert (labels[signed] == SIGNATURE_CLASS).mean() > 0.95


def test_the_generator_command_plants_them_when_asked(tmp_path: Path) -> None:
    from dataaudit.datasets.classification import main, truth_path_for

    assert main(["--rows", "300", "--out", str(tmp_path / "planted.csv"), "--shortcuts"]) == 0
    truth = json.loads(truth_path_for(tmp_path / "planted.csv").read_text())
    assert truth["shortcuts"]["leak_column"] == "leak" and truth["shortcuts"]["token_rows"]
    assert pd.read_csv(tmp_path / "planted.csv").columns[-2:].tolist() == ["leak", "label"]


@pytest.mark.slow
def test_healthtweets_link_hosts_and_source_ids_name_the_agency(tmp_path: Path) -> None:
    report = _audit_json(tmp_path, [DATA / "healthtweets_960.csv", "-t", "agency"], 0, runner=run)
    by_check = {f["check"]: f for f in _shortcuts(report)}
    assert set(by_check) == {"shortcuts.id", "shortcuts.text_token"}
    assert by_check["shortcuts.id"]["column"] == "source_id"
    assert by_check["shortcuts.id"]["details"]["accuracy"] > 0.98
    marks = {t["token"]: t for t in by_check["shortcuts.text_token"]["details"]["tokens"]}
    assert marks["bbc.in"] == {"token": "bbc.in", "class": "bbchealth", "rows": 60, "share_of_class": 1.0,
                               "purity": 1.0}
    assert marks["reut.rs"]["class"] == "reuters_health" and marks["reut.rs"]["purity"] == 1.0
    assert marks["gu.com"] == {"token": "gu.com", "class": "gdnhealthcare", "rows": 41,
                               "share_of_class": round(41 / 60, 6), "purity": 1.0}
    (table,) = [t for t in report["tables"] if t["id"] == "shortcuts.text_tokens"]
    assert ["text", "bbc.in", "bbchealth", 60, 1.0, 1.0] in table["rows"]


def test_the_console_calls_the_tokens_of_a_text_token_finding_tokens_not_rows(tmp_path: Path) -> None:
    report = _audit_json(tmp_path, [DATA / "healthtweets_960.csv", "-t", "agency"], 0, runner=run)
    (token,) = [f for f in _shortcuts(report) if f["check"] == "shortcuts.text_token"]
    assert token["examples"][0] == "bbc.in" and token["details"]["examples_are"] == "tokens"
    out, _ = run(["audit", DATA / "healthtweets_960.csv", "-t", "agency"], 0)
    shown = " ".join(out.split("shortcuts.text_token", 1)[1].split("e.g. ", 1)[1].split("\n\n", 1)[0].split())
    assert shown.startswith("tokens: bbc.in, ")


def test_mroz_wage_and_hours_give_away_who_works_and_so_does_a_written_index(tmp_path: Path) -> None:
    report = _audit_json(tmp_path, [DATA / "mroz.csv", "-t", "inlf"], 1, runner=run)  # wage: 43% missing fails
    found = {(f["check"], f["column"]) for f in _shortcuts(report)}
    assert found == {("shortcuts.feature", "hours"), ("shortcuts.feature", "wage"), ("shortcuts.feature", "lwage")}
    hours = next(f for f in _shortcuts(report) if f["column"] == "hours")
    assert hours["details"]["accuracy"] == 1.0 and hours["details"]["majority"] == round(428 / 753, 6)
    indexed = tmp_path / "mroz_indexed.csv"
    pd.read_csv(DATA / "mroz.csv", dtype=str, keep_default_na=False).to_csv(indexed)  # pandas writes its index
    report = _audit_json(tmp_path, [indexed, "-t", "inlf"], 1)
    (index,) = [f for f in _shortcuts(report) if f["check"] == "shortcuts.id"]
    assert index["column"] == "" and index["severity"] == "warn"
    assert index["details"]["accuracy"] == round(752 / 753, 6)  # one change of label in 753 sorted rows


@pytest.mark.parametrize(("name", "target"), [("breast_cancer.csv", "target"), ("iris.csv", "target"),
                                              ("penguins.csv", "species"), ("cars.csv", "Origin")])
def test_clean_controls_have_no_shortcut(tmp_path: Path, name: str, target: str) -> None:
    report = _audit_json(tmp_path, [DATA / name, "-t", target], 0)
    assert _shortcuts(report) == []
    assert not [t for t in report["tables"] if t["id"].startswith("shortcuts.")]


def test_parquet_columns_of_every_type_are_measured_as_their_values(tmp_path: Path) -> None:
    """Lists and structs as the JSON they read as, booleans, timestamps and decimals as values."""
    import datetime
    import decimal

    import pyarrow.parquet as pq

    n = 120
    data = tmp_path / "typed.parquet"
    pq.write_table(pa.table({
        "tags": [[i % 3, 1] for i in range(n)], "meta": [{"odd": i % 2} for i in range(n)],
        "flag": [i % 2 == 0 for i in range(n)],
        "when": [datetime.datetime(2020, 1, 1) + datetime.timedelta(days=i) for i in range(n)],
        "amount": [decimal.Decimal(i % 7) for i in range(n)], "blob": [bytes([i % 5]) for i in range(n)],
        "label": ["a" if i % 2 else "b" for i in range(n)]}), data)
    report = _audit_json(tmp_path, [data, "-t", "label"], 0)
    assert {f["column"] for f in _shortcuts(report)} == {"meta", "flag"}


def test_iris_petal_width_is_strong_but_no_shortcut() -> None:
    report = dataaudit.audit(DATA / "iris.csv", target="target")
    best = max(report.profile.shortcuts.features, key=lambda s: s.skill)
    assert best.column == "petal_width_cm"
    assert best.accuracy == pytest.approx(143 / 150) and best.majority == pytest.approx(1 / 3)
    assert best.skill < 0.97


def test_the_label_model_sample_serves_the_shortcuts_too() -> None:
    report = dataaudit.audit(DATA / "mroz.csv", target="inlf", label_noise=True, sample=300)
    assert report.profile.shortcuts.sample_rows == len(report.profile.sample.rows)
    assert {f.column for f in report.findings if f.check == "shortcuts.feature"} == {"hours", "wage", "lwage"}


def test_a_regression_targets_point_mass_is_judged_on_the_uniform_part_of_the_label_models_sample(
        tmp_path: Path) -> None:
    """The label model's sample adds rows per value to its uniform part, for small classes; a
    regression target of 600 values has none, and those rows put 13% of the sample at a point mass
    holding 60% of the file. The point mass's shortcut is judged on the uniform part alone."""
    rng = np.random.default_rng(3)
    hours = np.where(rng.random(20_000) < 0.6, 0.0, rng.integers(1, 601, 20_000) * 0.5)
    data = tmp_path / "hours.csv"
    pd.DataFrame({"x": rng.random(20_000).round(4), "works": np.where(hours > 0, "yes", "no"),
                  "hours": hours}).to_csv(data, index=False)
    share = float((hours == 0).mean())
    report = dataaudit.audit(data, target="hours", label_noise=True, sample=2_000)
    shortcuts = report.profile.shortcuts
    assert shortcuts.point_mass.share == share and len(report.profile.sample.rows) > 2_000 == shortcuts.sample_rows
    works = next(f for f in shortcuts.features if f.column == "works")
    assert works.accuracy == 1.0 and abs(works.majority - share) < 0.03
    uniform = report.profile.sample.uniform()
    assert uniform.rows == sorted(uniform.rows) and len(uniform.rows) == 2_000
    order = np.argsort(priorities(np.array(report.profile.sample.rows), uniform.seed))
    assert set(uniform.rows) == set(np.array(report.profile.sample.rows)[order[:2_000]].tolist())


def test_a_column_of_unique_values_predicts_no_better_than_a_constant() -> None:
    y = np.array([0] * 60 + [1] * 30 + [2] * 10)
    fold = stratified_folds(y, 5, 0)
    unique = out_of_fold_accuracy(np.arange(len(y)), y, fold, 3)
    assert unique == out_of_fold_accuracy(np.zeros(len(y), dtype=np.int64), y, fold, 3) == 0.6
    assert out_of_fold_accuracy(y.copy(), y, fold, 3) == 1.0


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 3), min_size=10, max_size=200), st.integers(2, 6), st.integers(0, 5))
def test_unique_keys_are_a_majority_guess_out_of_fold(labels: list[int], folds: int, seed: int) -> None:
    """Law: no row's key is seen in the other folds, so every row gets the other folds' majority."""
    y = np.unique(labels, return_inverse=True)[1]
    fold = stratified_folds(y, folds, seed)
    classes = int(y.max()) + 1
    unique = out_of_fold_accuracy(np.arange(len(y)), y, fold, classes)
    assert unique == out_of_fold_accuracy(np.zeros(len(y), dtype=np.int64), y, fold, classes)
    assert out_of_fold_accuracy(y, y, fold, classes) >= unique


def _accuracy_by_definition(keys: list[int], y: list[int], fold: list[int], classes: int) -> float:
    """Each row predicted from the other folds' rows alone: the label most of them with its key
    hold, the other folds' label shares breaking ties, the first label of the best score."""
    right = 0
    for row, (key, label) in enumerate(zip(keys, y, strict=True)):
        others = [i for i in range(len(y)) if fold[i] != fold[row]]
        prior = [sum(1 for i in others if y[i] == c) for c in range(classes)]
        score = [sum(1 for i in others if keys[i] == key and y[i] == c) + prior[c] / (sum(prior) + 1.0)
                 for c in range(classes)]
        right += score.index(max(score)) == label
    return right / len(y)


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 6), st.integers(0, 3)), min_size=4, max_size=60), st.integers(2, 5),
       st.integers(0, 3))
def test_out_of_fold_accuracy_is_that_of_its_definition(rows: list[tuple[int, int]], folds: int, seed: int) -> None:
    keys, labels = (np.array(column, dtype=np.int64) for column in zip(*rows, strict=True))
    y = np.unique(labels, return_inverse=True)[1]
    fold = stratified_folds(y, folds, seed)
    classes = int(y.max()) + 1
    assert out_of_fold_accuracy(keys, y, fold, classes) == _accuracy_by_definition(
        keys.tolist(), y.tolist(), fold.tolist(), classes)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.integers(0, 4), min_size=2, max_size=300))
def test_rows_sorted_by_label_miss_at_most_two_rows_per_change(labels: list[int]) -> None:
    y = np.sort(np.array(labels))
    changes = int((y[1:] != y[:-1]).sum())
    assert round(neighbour_accuracy(np.arange(len(y)), y) * len(y)) >= len(y) - 2 * changes


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 5), min_size=1, max_size=400), st.lists(st.integers(1, 90), min_size=1, max_size=8),
       st.integers(1, 60), st.integers(0, 8))
def test_the_sample_is_the_bottom_k_however_the_rows_arrive(labels: list[int], cuts: list[int], size: int,
                                                            per_label: int) -> None:
    """Rows passed over as unable to enter the sample never would have: chunk by chunk, the
    sample is the `size` rows of least priority plus each label's `per_label`, as if drawn at once."""
    spec = SampleSpec(size=size, per_label=per_label, seed=7)
    label = np.array(labels, dtype=np.uint64)
    n = len(label)
    batch = pa.record_batch({"row": pa.array(np.arange(n))})
    partial, start = SamplePartial(spec), 0
    for cut in [*cuts, n]:
        end = min(n, start + cut)
        if end > start:
            partial.add(batch.slice(start, end - start), start, label[start:end], np.ones(end - start, dtype=bool))
        start = end
    rows = np.arange(n)
    order = np.lexsort((rows, priorities(rows, 7)))
    expected = set(order[:size].tolist())
    for value in np.unique(label):
        expected |= set(order[label[order] == value][:per_label].tolist())
    assert partial.rows.tolist() == sorted(expected)
    assert partial.values.column("row").to_pylist() == sorted(expected)


def test_skill_is_the_share_of_the_majority_guess_errors_avoided() -> None:
    assert SingleColumn("x", 0.9, 0.6, 100, "its values").skill == 0.75
    assert SingleColumn("x", 0.5, 0.6, 100, "its values").skill == 0.0
    assert SingleColumn("x", 1.0, 1.0, 100, "its values").skill == 0.0


def test_a_link_is_its_host_and_words_are_lower_cased() -> None:
    assert tokens("Ebola: WHO says http://bbc.in/1BO3dB0 and https://Reut.rs/x?y=1 #health") == [
        "bbc.in", "reut.rs", "ebola", "who", "says", "and", "health"]


@pytest.mark.parametrize("runner", [run, invoke])
def test_a_token_that_is_a_piece_of_an_address_is_shown_as_its_placeholder(tmp_path: Path, runner) -> None:
    """`zed.quux@corpmail.io` written only in one class's texts: its words mark the class, and
    quoted as tokens they would rebuild the address that every report masks."""
    rows = [[f"review number {i * 7919 % 10000} about things"
             + (" write to zed.quux@corpmail.io" if i % 4 == 1 else ""), "pos" if i % 2 else "neg"]
            for i in range(400)]
    data = tmp_path / "r.csv"
    data.write_text("review,label\n" + "".join(f"{text},{label}\n" for text, label in rows), encoding="utf-8")
    args = ["audit", data, "-t", "label", "--text-column", "review"]
    for fmt in ("json", "html", "markdown", "junit", "sarif", "console"):
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    runner(args, 0)
    for fmt in ("json", "html", "markdown", "junit", "sarif", "console"):
        text = (tmp_path / f"report.{fmt}").read_text(encoding="utf-8")
        assert not {"corpmail", "quux", "zed"} & set(tokens(text)), fmt
    table = next(t for t in json.loads((tmp_path / "report.json").read_text())["tables"]
                 if t["id"] == "shortcuts.text_tokens")
    assert [row[1] for row in table["rows"]] == ["[EMAIL]", "to", "write"]


def test_a_column_empty_for_one_class_is_said_to_predict_from_whether_it_is_missing(tmp_path: Path) -> None:
    """As Mroz's `wage` against `inlf`: the wage is recorded only for the women who work, so its
    gaps, not its numbers, name the label; a column whose numbers do it stays "its numbers"."""
    n = 300
    working = np.arange(n) % 3 != 0
    wage = np.where(working, np.round(3 + (np.arange(n) * 7 % 50) / 5, 2), np.nan)
    data = tmp_path / "work.csv"
    pd.DataFrame({"wage": wage, "hours": np.where(working, 100 + np.arange(n) * 5, 0),
                  "age": 20 + np.arange(n) % 40, "inlf": working.astype(int)}).to_csv(data, index=False)
    report = _audit_json(tmp_path, [data, "-t", "inlf"], 1)
    by_column = {f["column"]: f for f in _shortcuts(report) if f["check"] == "shortcuts.feature"}
    assert "(5-fold cross-validated, from whether it is missing)" in by_column["wage"]["message"]
    assert "(5-fold cross-validated, from its numbers)" in by_column["hours"]["message"]
    (table,) = [t for t in report["tables"] if t["id"] == "shortcuts.columns"]
    assert {row[0]: row[1] for row in table["rows"]}["age"] == "its numbers"



def test_mroz_inlf_and_the_empty_wages_tell_whether_hours_is_zero(tmp_path: Path) -> None:
    """mroz `hours` is 0 in 325 rows, exactly where `inlf` is 0 and `wage`, `lwage` are empty
    (tests/data/SOURCES.md): the columns a model learns the censoring from."""
    report = _audit_json(tmp_path, [DATA / "mroz.csv", "-t", "hours"], 1, runner=run)  # wage: 43% missing fails
    found = {f["column"]: f for f in _shortcuts(report)}
    assert set(found) == {"inlf", "wage", "lwage"}
    assert {f["check"] for f in found.values()} == {"shortcuts.feature"}
    assert found["inlf"]["message"].startswith(
        "Column 'inlf' alone tells whether 'hours' is 0 (its point mass, 43% of rows): skill 1.00, right for "
        "100.0% of 753 sampled rows (5-fold cross-validated, from its numbers) against 56.8% for the majority guess.")
    assert "from whether it is missing" in found["wage"]["message"]
    assert found["wage"]["details"]["read_as"] == "whether it is missing"
    assert found["inlf"]["details"] | {"point_mass": 0.0} == found["inlf"]["details"]
    assert found["inlf"]["details"]["majority"] == round(428 / 753, 6)
    (table,) = [t for t in report["tables"] if t["id"] == "shortcuts.columns"]
    assert table["title"] == "Each column alone against whether 'hours' is 0"
    skills = {row[0]: row[-1] for row in table["rows"]}
    assert 0.5 < skills["repwage"] < 0.97 and skills["exper"] < 0.5  # related to working, no copy of it


def _censored(rows: int, seed: int) -> pd.DataFrame:
    """Hours worked, 0 for about 40% of the rows: `works` is exactly `hours > 0`, `kids` and
    `age` lower the hours as real causes do and so tell the zeros only in part."""
    rng = np.random.default_rng(seed)
    kids, age = rng.integers(0, 4, rows), rng.integers(20, 60, rows)
    latent = 1200 - 500 * kids - 10 * (age - 40) + rng.normal(0, 600, rows)
    hours = np.where(latent > 0, np.round(latent, 1), 0.0)
    return pd.DataFrame({"kids": kids, "age": age, "works": (hours > 0).astype(int), "hours": hours})


def test_a_censored_target_warns_on_its_flag_not_on_its_causes_in_a_small_sample(tmp_path: Path) -> None:
    """A sample of 300 of 3,000 rows, uniform, holds the zeros in their share: the flag still
    tells them; the causes, which predict them in part, pass."""
    data, rules = tmp_path / "censored.csv", tmp_path / "rules.yaml"
    _censored(3_000, seed=5).to_csv(data, index=False)
    rules.write_text("checks:\n  shortcuts:\n    sample_rows: 300\n", encoding="utf-8")
    report = _audit_json(tmp_path, [data, "-t", "hours", "--rules", rules], 1)
    (flag,) = _shortcuts(report)
    assert (flag["column"], flag["severity"], flag["details"]["rows"]) == ("works", "warn", 300)
    assert flag["details"]["skill"] == 1.0 and "alone tells whether 'hours' is 0" in flag["message"]
    (table,) = [t for t in report["tables"] if t["id"] == "shortcuts.columns"]
    skills = {row[0]: row[-1] for row in table["rows"]}
    assert 0.2 < skills["kids"] < 0.97 and skills["age"] < 0.97


def test_a_regression_target_without_a_point_mass_skips_saying_why(tmp_path: Path) -> None:
    report = _audit_json(tmp_path, [DATA / "cars.csv", "-t", "Miles_per_Gallon"], 1)  # 8 cars without a value
    statuses = {c["check"]: c for c in report["checks"]}
    assert statuses["shortcuts.feature"]["status"] == "skipped"
    assert statuses["shortcuts.feature"]["reason"] == (
        "a regression target without a point mass: its most common number, 13, is in 20 of 398 numbers (5.0%), "
        "within checks.target.max_value_share")
    assert statuses["shortcuts.id"]["reason"] == "a regression target (129 distinct numbers)"
    assert _shortcuts(report) == []
