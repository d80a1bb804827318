"""Comparing splits end to end: leaked rows, drift, schema mismatches, label shift and group
leakage, on generated splits whose differences are known exactly and on the penguins split by
island; the laws a comparison of a split with itself must obey."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets import NO_ISSUES, make_dirty_classification, make_dirty_splits
from dataaudit.report.cards import IgnoredColumn
from dataaudit.report.formats import Format, render
from dataaudit.report.model import Report, Severity
from tests.cli_helpers import invoke, run
from tests.conftest import DATA


def _write(table: pa.Table, path: Path) -> Path:
    if path.suffix == ".parquet":
        pq.write_table(table, path)
    else:
        pacsv.write_csv(table, path)
    return path


def _splits(tmp_path: Path, **options: object) -> tuple[Path, Path, dict]:
    train, test, truth = make_dirty_splits(4000, 1000, seed=3, **options)  # type: ignore[arg-type]
    return _write(train, tmp_path / "train.csv"), _write(test, tmp_path / "test.csv"), truth


def _audit(train: Path, test: Path, **options: object) -> Report:
    return dataaudit.audit(train, target="label", ignore_columns=["id"], splits={"test": test}, **options)  # type: ignore[arg-type]


def _table(report: Report | dict, table_id: str) -> dict:
    data = report if isinstance(report, dict) else report.to_dict()
    return next(t for t in data["tables"] if t["id"] == table_id)


def _split_findings(report: Report, above: Severity = Severity.INFO) -> list:
    return [f for f in report.findings if f.check.startswith("splits.") and f.severity.rank > above.rank]


def test_leaked_rows_are_exactly_the_copied_training_rows(tmp_path: Path) -> None:
    train, test, truth = _splits(tmp_path, leaked_share=0.05)
    report = _audit(train, test)
    leaked = _table(report, "splits.leaked_rows")
    assert [row[1] for row in leaked["rows"]] == truth["leaked_rows"]
    assert len(truth["leaked_rows"]) == 50
    finding = next(f for f in report.findings if f.check == "splits.leakage")
    assert finding.severity is Severity.FAIL  # 5% > the 1% fail level
    assert finding.details["leaked_rows"] == 50
    assert finding.examples == truth["leaked_rows"][:20]
    assert not [f for f in report.findings if f.check == "splits.leakage_labels"]


def test_leaked_rows_point_at_the_row_they_copy(tmp_path: Path) -> None:
    """On clean training data (no duplicates) the source row of each leaked row is unique."""
    train, test, truth = _splits(tmp_path, leaked_share=0.02, rates=NO_ISSUES)
    rows = _table(_audit(train, test), "splits.leaked_rows")["rows"]
    assert [(r[1], r[2]) for r in rows] == list(zip(truth["leaked_rows"], truth["leaked_from"], strict=True))


def test_leaked_rows_with_another_label(tmp_path: Path) -> None:
    train_table, test_table, truth = make_dirty_splits(2000, 500, seed=5, leaked_share=0.04, rates=NO_ISSUES)
    flipped = truth["leaked_rows"][:3]
    labels = test_table.column("label").to_pylist()
    for row in flipped:
        labels[row] = "dog" if labels[row] != "dog" else "cat"
    test_table = test_table.set_column(test_table.column_names.index("label"), "label", pa.array(labels))
    report = _audit(_write(train_table, tmp_path / "train.parquet"), _write(test_table, tmp_path / "test.csv"))
    finding = next(f for f in report.findings if f.check == "splits.leakage_labels")
    assert finding.examples == flipped
    assert [r[1] for r in _table(report, "splits.leaked_rows")["rows"] if r[3] == "yes"] == flipped


def test_a_shifted_numeric_column_is_the_top_drift(tmp_path: Path) -> None:
    train, test, _ = _splits(tmp_path, shift={"num_b": 1.5})
    report = _audit(train, test)
    top = _table(report, "splits.drift")["rows"][0]
    assert (top[0], top[1], top[2], top[5]) == ("num_b", "numeric", "psi", "test")
    drift = [f for f in report.findings if f.check == "splits.numeric_drift"]
    assert [f.column for f in drift] == ["num_b"]
    assert drift[0].severity.rank >= Severity.WARN.rank


def test_a_renamed_column_is_a_schema_mismatch(tmp_path: Path) -> None:
    train, test, truth = _splits(tmp_path, rename={"colour": "color"}, leaked_share=0.01)
    report = _audit(train, test)
    schema = [f for f in report.findings if f.check == "splits.schema"]
    missing = next(f for f in schema if f.details.get("columns") == {"colour": "feature"})
    extra = next(f for f in schema if f.details.get("columns") == ["color"])
    assert missing.severity is Severity.FAIL and extra.severity is Severity.WARN
    assert "lacks 1 column of 'train'" in missing.message and "has 1 column 'train' lacks" in extra.message
    # leakage still compares rows on the columns both splits have
    assert [r[1] for r in _table(report, "splits.leaked_rows")["rows"]] == truth["leaked_rows"]
    leak = next(f for f in report.findings if f.check == "splits.leakage")
    assert "colour" not in leak.details["features_compared"]


def test_identically_distributed_splits_raise_nothing_above_info(tmp_path: Path) -> None:
    table, _ = make_dirty_classification(6000, seed=11, rates=NO_ISSUES)
    train = _write(table.slice(0, 3000), tmp_path / "train.csv")
    val = _write(table.slice(3000), tmp_path / "val.parquet")  # another format: values hash alike
    report = _audit(train, val)
    assert _split_findings(report) == []
    statuses = {c.check: c.status for c in report.checks}
    assert statuses["splits.leakage"] == "passed"
    assert statuses["splits.group_leakage"] == "skipped"
    assert len(_table(report, "splits.drift")["rows"]) >= 8


def _penguins_by_island(tmp_path: Path, source: Path) -> dict[str, Path]:
    frame = pd.read_csv(source)
    paths = {}
    for island in ("Biscoe", "Dream", "Torgersen"):
        paths[island] = tmp_path / f"{island}.csv"
        frame[frame["island"] == island].to_csv(paths[island], index=False)
    return paths


def test_penguins_split_by_island_show_the_species_shift(tmp_path: Path) -> None:
    paths = _penguins_by_island(tmp_path, DATA / "penguins.csv")
    report = dataaudit.audit({"dream": paths["Dream"], "biscoe": paths["Biscoe"], "torgersen": paths["Torgersen"]},
                             target="species")
    table = _table(report, "splits.class_shares")
    assert table["columns"][:3] == ["class", "dream rows", "dream share"]
    gentoo = next(row for row in table["rows"] if row[0] == "Gentoo")
    assert gentoo[1::2] == [0, 124, 0]  # Gentoo lives only on Biscoe
    shifts = {f.details["split"]: f for f in report.findings if f.check == "splits.label_shift"}
    assert set(shifts) == {"biscoe", "torgersen"} and all(f.severity is Severity.FAIL for f in shifts.values())
    unseen = next(f for f in report.findings if f.check == "splits.classes" and f.details["split"] == "biscoe")
    assert unseen.details["classes"] == {"Gentoo": 124} and unseen.severity is Severity.FAIL
    assert set(report.dataset.splits) == {"dream", "biscoe", "torgersen"}
    assert report.dataset.splits["biscoe"].rows == 168
    markdown = render(report, Format.MARKDOWN)
    assert "| Gentoo | 0 | 0 | 124 | 0.7381 | 0 | 0 |" in markdown
    assert "None" not in markdown  # the reference's empty comparison cells stay empty


def test_penguins_from_the_shared_datasets(tmp_path: Path, shared_dir: Path) -> None:
    paths = _penguins_by_island(tmp_path, shared_dir / "datasets" / "penguins.csv")
    out = tmp_path / "report.json"
    run(["audit", paths["Biscoe"], "-t", "species", "--split", f"dream={paths['Dream']}",
         "--split", f"torgersen={paths['Torgersen']}", "-f", "json", "-o", out], 1)
    report = json.loads(out.read_text())
    rows = {row[0]: row for row in _table(report, "splits.class_shares")["rows"]}
    assert rows["Gentoo"][1:] == [124, 0.7381, 0, 0.0, 0, 0.0]


def test_groups_in_more_than_one_split(tmp_path: Path) -> None:
    train = pd.DataFrame({"patient": [f"p{i // 4}" for i in range(400)], "x": range(400),
                          "label": ["a", "b"] * 200})
    test = pd.DataFrame({"patient": [f"p{90 + i // 4}" for i in range(200)], "x": range(1000, 1200),
                         "label": ["a", "b"] * 100})
    report = dataaudit.audit({"train": train, "test": test}, target="label", group_column="patient")
    finding = next(f for f in report.findings if f.check == "splits.group_leakage")
    assert finding.details["shared_groups"] == 10  # p90 .. p99
    assert finding.observed == 40 / 200 and finding.examples == list(range(20))
    assert IgnoredColumn("patient", "the group column of the splits") in report.dataset.ignored


def test_a_group_in_two_earlier_splits_is_one_shared_group(tmp_path: Path) -> None:
    """Patients p1 and p2 are in train, val and test: test shares 2 of its groups, which the
    summary counted once per earlier split (4, of a split of 4 groups)."""
    def patients(names: list[str], start: int, rows: int) -> pd.DataFrame:
        return pd.DataFrame({"pid": names * (rows // 4), "x": range(start, start + rows),
                             "label": ["a", "b"] * (rows // 2)})

    paths = {name: tmp_path / f"{name}.csv" for name in ("train", "val", "test")}
    patients(["p1", "p2", "p3", "p4"], 0, 40).to_csv(paths["train"], index=False)
    patients(["p1", "p2", "v1", "v2"], 100, 20).to_csv(paths["val"], index=False)
    patients(["p1", "p2", "t1", "t2"], 200, 20).to_csv(paths["test"], index=False)
    out = tmp_path / "report.json"
    invoke(["audit", paths["train"], "-t", "label", "--split", f"val={paths['val']}", "--split",
            f"test={paths['test']}", "--group-column", "pid", "-f", "json", "-o", out], 1)
    summary = _table(json.loads(out.read_text()), "splits.summary")
    shared = {row[0]: row[summary["columns"].index("shared groups")] for row in summary["rows"]}
    assert shared == {"train (reference)": None, "val": 2, "test": 2}
    assert "shared groups are its groups ('pid') that a split above has too" in summary["note"]


def _customers(rng: np.random.Generator, rows: int) -> pd.DataFrame:
    """Customers whose age and city repeat from row to row, and whose income never does."""
    return pd.DataFrame({"age": rng.integers(20, 80, rows), "income": rng.normal(50_000, 10_000, rows).round(2),
                         "city": rng.choice(["Paris", "Lyon", "Nice"], rows), "label": rng.choice(["a", "b"], rows)})


def test_a_split_lacking_a_column_leaves_the_others_compared_on_theirs(tmp_path: Path) -> None:
    """A validation split without `income` narrowed every split's row keys to age and city: the
    test split, which has every column and repeats no training row, had its 200 rows of 200
    leaked, and its income went uncompared for drift. Each split is compared on the columns it
    shares with the reference, through the command, in process and installed."""
    rng = np.random.default_rng(0)
    train, test, valid = (tmp_path / f"{name}.csv" for name in ("train", "test", "valid"))
    _customers(rng, 1000).to_csv(train, index=False)
    shifted = _customers(rng, 200)
    shifted["income"] += 30_000
    shifted.to_csv(test, index=False)
    _customers(rng, 200).drop(columns="income").to_csv(valid, index=False)
    out = tmp_path / "report.json"
    for runner in (invoke, run):
        runner(["audit", train, "-t", "label", "--split", f"test={test}", "--split", f"valid={valid}",
                "-f", "json", "-o", out], 1)
        report = json.loads(out.read_text())
        leaks = {f["details"]["split"]: f for f in report["findings"] if f["check"] == "splits.leakage"}
        assert set(leaks) == {"valid"}, leaks  # age and city repeat: every validation row matches on them
        assert leaks["valid"]["details"]["features_compared"] == ["age", "city"]
        assert "(on the 2 feature columns it shares with 'train')" in leaks["valid"]["message"]
        summary = {row[0]: row[3] for row in _table(report, "splits.summary")["rows"]}
        assert summary["test"] == 0 and summary["valid"] == 200
        drift = {(row[0], row[5]) for row in _table(report, "splits.drift")["rows"]}
        assert ("income", "test") in drift and ("income", "valid") not in drift
        assert any(f["check"] == "splits.numeric_drift" and f["column"] == "income" for f in report["findings"])


def test_a_bad_split_given_in_memory_is_named_by_its_split() -> None:
    """Every frame is `<dataframe>`: an error about one of several said neither which split it
    was nor, for a frame it could not read, that it was a split at all."""
    train = pd.DataFrame({"pid": ["a", "b", "a"], "x": [1, 2, 3], "label": ["a", "b", "a"]})
    twice = pd.DataFrame([[1, 1, "a"]], columns=["x", "x", "label"])
    with pytest.raises(dataaudit.InputError, match=r"^split 'test': the DataFrame has two columns named 'x'"):
        dataaudit.audit({"train": train, "val": train, "test": twice}, target="label")
    with pytest.raises(dataaudit.InputError, match=r"^<dataframe> of split 'val': group column 'pid' not found"):
        dataaudit.audit({"train": train, "val": train.drop(columns="pid")}, target="label", group_column="pid")
    report = dataaudit.audit({"train": train, "val": train}, target="label")
    assert report.source.name == "<dataframe>"


def test_one_split_skips_the_split_checks() -> None:
    report = dataaudit.audit(DATA / "iris.csv", target="target")
    reasons = {c.reason for c in report.checks if c.check.startswith("splits.")}
    assert reasons == {"for a dataset in splits (compare splits with --split NAME=PATH), not one table"}
    assert report.tables == []


FRAMES = st.lists(
    st.tuples(st.sampled_from(["a", "b", "c", None, "?"]), st.integers(-3, 3) | st.floats(-5, 5, width=16),
              st.sampled_from(["cat", "dog", "Cat"])),
    min_size=1, max_size=40,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(FRAMES)
def test_a_split_compared_with_itself(rows: list[tuple]) -> None:
    """Every row leaks, none with another label, and nothing drifts or shifts."""
    frame = pd.DataFrame(rows, columns=["colour", "size", "label"])
    report = dataaudit.audit({"train": frame, "copy": frame.copy()}, target="label")
    leaked = _table(report, "splits.leaked_rows")
    assert [r[1] for r in leaked["rows"]] == list(range(len(frame)))
    assert all(r[3] == "" for r in leaked["rows"])
    assert all(row[3] == 0 for row in _table(report, "splits.drift")["rows"])
    checks = {f.check for f in report.findings if f.check.startswith("splits.")}
    assert checks <= {"splits.leakage", "splits.size"}


# --------------------------------------------------------------------------- command line
def test_cli_compares_splits_in_process_and_installed(tmp_path: Path) -> None:
    train, test, truth = _splits(tmp_path, leaked_share=0.05)
    out = tmp_path / "report.json"
    args = ["audit", train, "-t", "label", "-i", "id", "--split", f"test={test}", "-f", "json", "-o", out]
    invoke(args, 1)
    report = json.loads(out.read_text())
    assert [r[1] for r in _table(report, "splits.leaked_rows")["rows"]] == truth["leaked_rows"]
    assert report["dataset"]["splits"]["test"]["rows"] == 1000
    assert report["dataset"]["splits"]["train"]["reference"] is True
    stdout, _ = run(["audit", train, "-t", "label", "-i", "id", "--split", f"test={test}"], 1)
    assert "Class shares per split ('label')" in stdout and "splits.leakage" in stdout


@pytest.mark.parametrize(("spec", "message"), [
    ("test", "'test' is not NAME=PATH"),
    ("=x.csv", "'=x.csv' is not NAME=PATH"),
    ("train=x.csv", "split name 'train' is already used by the audited DATA"),
])
def test_cli_rejects_a_bad_split(tmp_path: Path, spec: str, message: str) -> None:
    train, _, _ = _splits(tmp_path)
    _, err = invoke(["audit", train, "-t", "label", "--split", spec], 2)
    assert message in err


def test_cli_errors_name_the_file_or_column(tmp_path: Path) -> None:
    train, test, _ = _splits(tmp_path)
    _, err = invoke(["audit", train, "-t", "label", "-s", f"a={test}", "-s", f"a={test}"], 2)
    assert "split name 'a' is already used by an earlier --split" in err
    _, err = invoke(["audit", train, "-t", "label", "-s", f"test={tmp_path / 'nope.csv'}"], 2)
    assert err.strip() == f"dataaudit: error: {tmp_path / 'nope.csv'}: no such file"
    _, err = invoke(["audit", train, "-t", "label", "-s", f"test={test}", "--group-column", "patient"], 2)
    assert err.startswith(f"dataaudit: error: {train}: group column 'patient' not found") and "Traceback" not in err
    _, err = invoke(["audit", train, "-t", "label", "--group-column", "patient"], 2)
    assert err.startswith(f"dataaudit: error: {train}: group column 'patient' not found")


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
@pytest.mark.parametrize("test_rows", ["0.25,\n0.5,\n0.75,\n", ""], ids=["unlabelled", "header only"])
def test_a_split_without_a_labelled_row_is_named(tmp_path: Path, runner, test_rows: str) -> None:
    """A test split with one labelled row was judged; one with none (every label missing, or no
    row at all) passed every split check, under --strict too."""
    train = tmp_path / "train.csv"
    train.write_text("x,label\n" + "".join(f"{i / 40:.3f},{'cat' if i % 2 else 'dog'}\n" for i in range(40)))
    test = tmp_path / "test.csv"
    test.write_text("x,label\n" + test_rows)
    report = tmp_path / "report.json"
    runner(["audit", train, "-t", "label", "--split", f"test={test}", "--strict", "-f", "json", "-o", report], 1)
    found = [f for f in json.loads(report.read_text())["findings"] if f["check"] == "splits.size"]
    rows = test_rows.count("\n")
    assert [(f["severity"], f["message"]) for f in found] == [(
        "warn", f"Split 'test' has no labelled row (of {rows} row{'' if rows == 1 else 's'}): none of 'train''s "
                "2 classes can be measured there.")]
    assert found[0]["details"] == {"split": "test", "classes": {"cat": 0, "dog": 0}}


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
def test_a_split_that_spells_the_classes_otherwise_is_named(tmp_path: Path, runner) -> None:
    """`Cat` and `DOG ` in the test split against `cat` and `dog` in train fold to the same
    classes, so every split check passed; scored against a model trained on train, every row is wrong."""
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("x,label\n" + "".join(f"{i / 40:.3f},{'cat' if i % 2 else 'dog'}\n" for i in range(40)))
    test.write_text("x,label\n" + "".join(f"{i / 30:.3f},{'Cat' if i % 2 else 'DOG '}\n" for i in range(30))
                    + "0.5,dog\n")
    report = tmp_path / "report.json"
    runner(["audit", train, "-t", "label", "--split", f"test={test}", "-f", "json", "-o", report], 1)
    found = [f for f in json.loads(report.read_text())["findings"] if f["check"] == "splits.classes"]
    assert [f["message"] for f in found] == [
        "Split 'test' spells 2 classes otherwise than 'train': 'Cat' ('cat' in 'train'), 'DOG ' ('dog' in 'train'); "
        "a model trained on 'train' predicts its spelling, which every such row's label differs from."]
    assert found[0]["details"] == {"split": "test", "kind": "respelled_class",
                                   "spellings": {"cat": ["Cat"], "dog": ["DOG "]}}


def test_a_respelled_class_fails_the_gate_as_an_unseen_class_does(tmp_path: Path) -> None:
    """A test split writing `ADELIE` where train writes `Adelie` is scored wrong on every such
    row, as a class train lacks is: both fail by default, and `respelled_class` sets its level."""
    rows = [f"{i / 60:.3f},{('Adelie', 'Gentoo', 'Chinstrap')[i % 3]}\n" for i in range(60)]
    train, test = tmp_path / "train.csv", tmp_path / "test.csv"
    train.write_text("x,species\n" + "".join(rows))
    test.write_text("x,species\n" + "".join(rows).replace(",Adelie", ",ADELIE"))
    pack = tmp_path / "pack.yaml"
    pack.write_text("checks:\n  splits:\n    respelled_class: warn\n")
    for rules, severity in (("default", Severity.FAIL), (pack, Severity.WARN)):
        report = dataaudit.audit(train, target="species", splits={"test": test}, rules=rules)
        found = [f for f in report.findings if f.check == "splits.classes"]
        assert [(f.details["kind"], f.severity) for f in found] == [("respelled_class", severity)]
        assert found[0].details["spellings"] == {"Adelie": ["ADELIE"]}


def test_one_class_is_worded_as_one(tmp_path: Path) -> None:
    """Each class finding names one class in the singular, and two in the plural."""
    train = pa.table({"x": [str(i) for i in range(60)], "label": ["a"] * 30 + ["b"] * 27 + ["c"] * 3})
    test = pa.table({"x": [str(i) for i in range(40)], "label": ["a"] * 37 + ["d"] * 2 + ["b"]})
    train_path, test_path = _write(train, tmp_path / "train.csv"), _write(test, tmp_path / "test.csv")
    report = dataaudit.audit(train_path, target="label", splits={"test": test_path})
    said = {(f.check, f.details.get("kind")): f.message for f in report.findings}
    assert said[("size.rows_per_class", None)].startswith("1 class of 'label' has too few rows: 'c' 3.")
    assert said[("splits.classes", "missing_class")] == (
        "Split 'test' has no rows of 1 class of 'train': 'c'; its metrics cannot be measured there.")
    assert said[("splits.classes", "unseen_class")].startswith("Split 'test' has a class 'train' lacks: 'd' 2; ")
    assert said[("splits.classes", "unseen_class")].endswith("a model trained on it can never predict it.")
    assert said[("splits.size", None)].startswith("Split 'test' has too few rows of 2 classes to measure ")
