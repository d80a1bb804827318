"""Fitted on train, applied to a held-back split: the split is cleaned with the training
statistics only, and the fitted state is plain JSON that round-trips."""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow.csv as pacsv
import pytest
from sklearn.preprocessing import StandardScaler

import dataaudit
from dataaudit.datasets import make_dirty_classification
from dataaudit.preprocess.fitted import Fitted
from tests.cli_helpers import invoke, run

NUMERIC = ["num_a", "num_b", "num_c", "age", "count"]


@pytest.fixture
def split(tmp_path: Path) -> tuple[Path, Path]:
    table, _ = make_dirty_classification(12_000, seed=5)
    train, val = tmp_path / "train.csv", tmp_path / "val.csv"
    pacsv.write_csv(table.slice(0, 9_000), train)
    pacsv.write_csv(table.slice(9_000), val)
    return train, val


def _pack(tmp_path: Path, preprocess: str) -> Path:
    path = tmp_path / "pack.yaml"
    path.write_text(f"columns: {{ignore: [id]}}\npreprocess: {preprocess}\n")
    return path


def test_a_split_is_scaled_with_the_training_mean_and_scale(tmp_path: Path, split: tuple[Path, Path]) -> None:
    train, val = split
    plain = dataaudit.clean(train, target="label", rules=_pack(tmp_path, "{}"))
    scaled = dataaudit.clean(train, target="label", rules=_pack(tmp_path, "{scale: standard}"))
    plain.fitted.save(tmp_path / "plain.json")
    scaled.fitted.save(tmp_path / "scaled.json")
    val_plain = dataaudit.clean(val, fitted=tmp_path / "plain.json").data
    val_scaled = dataaudit.clean(val, fitted=tmp_path / "scaled.json").data

    reference = StandardScaler().fit(plain.data[NUMERIC].astype(float))
    expected = reference.transform(val_plain[NUMERIC].astype(float))
    np.testing.assert_allclose(val_scaled[NUMERIC].astype(float).to_numpy(), expected, rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(scaled.data[NUMERIC].astype(float).to_numpy(),
                               reference.transform(plain.data[NUMERIC].astype(float)), rtol=1e-9, atol=1e-12)
    # the split's own statistics were not used: its scaled means are not zero
    assert np.abs(np.nanmean(val_scaled[NUMERIC].astype(float).to_numpy(), axis=0)).max() > 1e-3


def test_the_fitted_state_is_readable_json_that_round_trips(tmp_path: Path, split: tuple[Path, Path]) -> None:
    train, val = split
    rules = _pack(tmp_path, "{impute: {numeric: median, categorical: most_frequent}, scale: robust, "
                            "encode: {method: onehot, max_categories: 10}}")
    first = dataaudit.clean(train, target="label", rules=rules)
    first.fitted.save(tmp_path / "fitted.json")
    saved = json.loads((tmp_path / "fitted.json").read_text())
    assert saved["format"] == "dataaudit.fitted" and saved["format_version"] == 1
    steps = {step["step"]: step["state"] for step in saved["steps"]}
    assert steps["merge_label_variants"]["label_map"]["cat"] == "cat"
    assert steps["drop_columns"]["columns"] == {"const": "constant"}
    assert steps["missing_to_null"]["sentinels"] == {"age": [-999.0]}
    assert set(steps["scale"]["columns"]) == set(NUMERIC)
    assert steps["encode"]["categories"]["colour"] == sorted(steps["encode"]["categories"]["colour"])
    plain = dataaudit.clean(train, target="label", rules=_pack(tmp_path, "{}")).data
    assert steps["impute"]["fill"]["age"] == float(plain["age"].astype(float).median())
    assert steps["impute"]["fill"]["colour"] == plain["colour"].value_counts().idxmax()
    again = dataaudit.clean(val, fitted=tmp_path / "fitted.json")
    direct = dataaudit.clean(val, fitted=first.fitted)
    pd.testing.assert_frame_equal(again.data, direct.data)
    assert not again.data[[c for c in again.data.columns if c.startswith("colour=")]].isna().any().any()
    assert not again.data[NUMERIC].isna().any().any()


def test_cli_saves_and_applies_the_fitted_state(tmp_path: Path, split: tuple[Path, Path]) -> None:
    train, val = split
    rules = _pack(tmp_path, "{scale: minmax}")
    run(["clean", train, "-t", "label", "-r", rules, "-o", tmp_path / "train.clean.csv",
         "--save-fitted", tmp_path / "prep.json"], 0)
    run(["clean", val, "-t", "label", "-r", rules, "-o", tmp_path / "val.clean.csv",
         "--fitted", tmp_path / "prep.json"], 0)
    train_out = pd.read_csv(tmp_path / "train.clean.csv")
    val_out = pd.read_csv(tmp_path / "val.clean.csv")
    assert train_out["num_a"].min() == pytest.approx(0) and train_out["num_a"].max() == pytest.approx(1)
    assert (val_out["num_a"].min(), val_out["num_a"].max()) != pytest.approx((0, 1))
    manifest = json.loads((tmp_path / "val.clean.manifest.json").read_text())
    assert manifest["parameters"]["fitted_from"] == str(tmp_path / "prep.json")


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_another_split_is_written_in_the_columns_order_of_the_fitting_clean(tmp_path: Path, suffix: str) -> None:
    """A model reads a cleaned split by position: a split whose columns come in another order
    (an extra one too) is written as the fitting clean wrote train, the extra one last; the
    values are the same as those of the split in train's order."""
    rows = [f"{i * 1.5},{['Rome', 'Oslo', 'Lima'][i % 3]} ,{'ab'[i % 2]},{'pq'[i % 3 == 0]}" for i in range(40)]
    train = tmp_path / "train.csv"
    train.write_text("n,city,code,label\n" + "\n".join(rows) + "\n")
    rules = _pack(tmp_path, "{encode: {method: onehot}}").read_text().replace("columns: {ignore: [id]}\n", "")
    (tmp_path / "pack.yaml").write_text(rules)
    reordered = tmp_path / "val.csv"
    reordered.write_text("label,extra,code,city,n\n" + "".join(
        f"{label},x{i},{code},{city},{n}\n" for i, (n, city, code, label) in
        enumerate(row.split(",") for row in rows[:30])))
    run(["clean", train, "-t", "label", "-r", tmp_path / "pack.yaml", "-o", tmp_path / f"train.out{suffix}",
         "--save-fitted", tmp_path / "prep.json"], 0)
    run(["clean", reordered, "-t", "label", "-r", tmp_path / "pack.yaml", "-o", tmp_path / f"val.out{suffix}",
         "--fitted", tmp_path / "prep.json"], 0)
    read = pd.read_csv if suffix == ".csv" else pd.read_parquet
    train_out, val_out = read(tmp_path / f"train.out{suffix}"), read(tmp_path / f"val.out{suffix}")
    assert list(val_out.columns) == [*train_out.columns, "extra"]
    assert any(name.startswith("city=") for name in train_out.columns)  # the encoded columns too
    pd.testing.assert_frame_equal(val_out.drop(columns="extra"), train_out.iloc[:len(val_out)].reset_index(drop=True),
                                  check_dtype=False)


@pytest.mark.parametrize(("content", "message"), [
    ("not json", "cannot read the fitted state"),
    ('{"format": "something else"}', "not a dataaudit fitted-state file"),
    ('{"format": "dataaudit.fitted", "format_version": 99}', "format version 99"),
    ('{"format": "dataaudit.fitted", "format_version": 1, "target": "label", "ignored": [], '
     '"columns": ["nope"], "steps": []}', "columns this data lacks: 'nope'"),
])
def test_a_bad_fitted_state_is_one_line_and_exit_2(tmp_path: Path, split: tuple[Path, Path], content: str,
                                                   message: str) -> None:
    (tmp_path / "bad.json").write_text(content)
    _, stderr = invoke(["clean", split[1], "-t", "label", "-o", tmp_path / "out.csv", "--fitted",
                        tmp_path / "bad.json"], 2)
    assert message in stderr and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "out.csv").exists()


def test_a_state_saved_before_unicode_folding_was_a_parameter_still_folds(tmp_path: Path) -> None:
    """Such a file's normalize_text has no `unicode` parameter: it folded always, and still does."""
    from dataaudit.preprocess.fitted import Fitted

    data = tmp_path / "rows.csv"
    data.write_text("id,x,label\n" + "".join(f"{i},ｒｅｄ {i % 6},{'ab'[i % 2]}\n" for i in range(200)),
                    encoding="utf-8")
    fitted = dataaudit.clean(data, target="label", rules=_pack(tmp_path, "{normalize_unicode: true}")).fitted
    saved = fitted.to_dict()
    for step in saved["steps"]:
        if step["step"] == "normalize_text":
            assert step["params"] == {"unicode": True}
            step["params"] = {}
    (tmp_path / "old.json").write_text(json.dumps(saved), encoding="utf-8")
    old = Fitted.load(tmp_path / "old.json")
    assert [s.unicode for s in old.steps if s.name == "normalize_text"] == [True]
    assert set(dataaudit.clean(data, fitted=tmp_path / "old.json").data["x"]) == {f"red {k}" for k in range(6)}


def test_fitted_state_of_another_kind_is_refused_naming_the_argument() -> None:
    frame = pd.DataFrame({"num": np.arange(40.0), "label": ["p", "q"] * 20})
    result = dataaudit.clean(frame, target="label")
    assert dataaudit.clean(frame, fitted=result.fitted).data.equals(result.data)
    with pytest.raises(dataaudit.InputError, match=r"^fitted must be .* not a CleanResult \(pass its \.fitted\)$"):
        dataaudit.clean(frame, fitted=result)  # type: ignore[arg-type]
    with pytest.raises(dataaudit.InputError, match=r"^fitted must be .* not a int$"):
        dataaudit.clean(frame, fitted=123)  # type: ignore[arg-type]


def _fitted_on_floats_kept_as_text(tmp_path: Path) -> tuple[Path, Fitted]:
    """A pack imputing the mean, and its state fitted on a CSV whose floats stay text (`18.0`):
    the fill `'16.5'`."""
    train = tmp_path / "train.csv"
    train.write_text("a,y\n18.0,x\n15.0,y\n,x\n16.5,y\n")
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess:\n  impute: {numeric: mean, categorical: none}\n")
    return pack, dataaudit.clean(train, target="y", rules=pack).fitted


def test_a_text_fill_meets_a_numeric_column_of_another_split(tmp_path: Path) -> None:
    """A float column a CSV keeps as text (`18.0`) is filled with its mean as a float prints
    (`'16.5'`); a Parquet split holding the column as decimals or integers takes that number,
    where the text ended the clean in a traceback. A text fill that is no number (`red`)
    is refused in one line."""
    import decimal

    import pyarrow as pa
    import pyarrow.parquet as pq

    pack, fitted = _fitted_on_floats_kept_as_text(tmp_path)
    test = tmp_path / "test.parquet"
    for column, expected in [(pa.array([decimal.Decimal("1.50"), None], pa.decimal128(10, 2)),
                              [decimal.Decimal("1.50"), decimal.Decimal("16.50")]),
                             (pa.array([1, None], pa.int64()), [1.0, 16.5])]:
        pq.write_table(pa.table({"a": column, "y": ["x", "y"]}), test)
        result = dataaudit.clean(test, target="y", rules=pack, fitted=fitted)
        assert result.tables[0].column("a").to_pylist() == expected
    words = tmp_path / "words.csv"
    words.write_text("a,y\nblue,x\nred,y\n,x\nblue,x\n")  # its kept rows hold blue and red
    pack.write_text("preprocess:\n  impute: {numeric: mean, categorical: most_frequent}\n")
    fitted = dataaudit.clean(words, target="y", rules=pack).fitted
    with pytest.raises(dataaudit.InputError, match=r"^column 'a' holds numbers, but its fill '(red|blue)', learned"):
        dataaudit.clean(test, target="y", rules=pack, fitted=fitted)


def test_a_fill_no_value_of_another_splits_column_is_refused(tmp_path: Path) -> None:
    """A fill learned on a text column (`'16.5'`, the mean of floats kept as text) met a split
    holding the column as booleans or times, which Arrow's cast of the fill ended in a
    traceback: one line, exit 2."""
    import datetime

    import pyarrow as pa
    import pyarrow.parquet as pq

    pack, fitted = _fitted_on_floats_kept_as_text(tmp_path)
    test = tmp_path / "test.parquet"
    for column in (pa.array([True, None]), pa.array([datetime.datetime(2020, 1, 1), None])):
        pq.write_table(pa.table({"a": column, "y": ["x", "y"]}), test)
        with pytest.raises(dataaudit.InputError, match=r"^column 'a' holds (bool|timestamp\[us\]) values, but its fill "
                                                       r"'16\.5', learned on the fitted split, is none of them"):
            dataaudit.clean(test, target="y", rules=pack, fitted=fitted)


def _small_split(tmp_path: Path) -> tuple[Path, Path, Path]:
    """A train file, its fitted state, and a validation file whose `city` has blanks to trim."""
    train, val, state = tmp_path / "train.csv", tmp_path / "val.csv", tmp_path / "prep.json"
    train.write_text("id,city,label\n" + "".join(f"{i},{' Paris ' if i % 3 else 'Rome'},{'ab'[i % 2]}\n"
                                                 for i in range(12)))
    val.write_text("id,city,label,note\n1, Rome,a,x\n2,Paris ,b,y\n")
    run(["clean", train, "-t", "label", "-o", tmp_path / "train.clean.csv", "--save-fitted", state], 1)  # too few rows
    return train, val, state


@pytest.mark.parametrize(("options", "message"), [
    (["-t", "city"], "the fitted state was learned with target 'label', not 'city'; "),
    (["-t", "label", "-i", "city"], "the fitted state cleans column 'city' as a feature, which "
                                    "--ignore-column (ignore_columns, columns.ignore) would leave as it is; "),
])
def test_another_split_keeps_the_target_and_features_the_state_was_fitted_with(
        tmp_path: Path, options: list[str], message: str) -> None:
    """The state's steps rewrite the columns they were fitted on: with another target or a
    fitted feature ignored, `city` would be trimmed though ignored, or taken as the label."""
    _, val, state = _small_split(tmp_path)
    _, stderr = invoke(["clean", val, *options, "-o", tmp_path / "val.clean.csv", "--fitted", state], 2)
    assert stderr.startswith(f"dataaudit: error: {val}: {message}") and len(stderr.strip().splitlines()) == 1
    assert not (tmp_path / "val.clean.csv").exists()
    ignored = tuple(options[3:])
    with pytest.raises(dataaudit.InputError, match=f"^{re.escape(str(val))}: the fitted state "):
        dataaudit.clean(val, target=options[1], fitted=state, ignore_columns=ignored)
    pack = tmp_path / "ignore.yaml"
    pack.write_text("columns: {ignore: [city]}\n")
    with pytest.raises(dataaudit.InputError, match="cleans column 'city' as a feature"):
        dataaudit.clean(val, fitted=state, rules=pack)


def test_another_split_may_ignore_a_column_the_state_does_not_clean(tmp_path: Path) -> None:
    _, val, state = _small_split(tmp_path)
    run(["clean", val, "-i", "note", "-o", tmp_path / "val.clean.csv", "--fitted", state], 1)
    assert (tmp_path / "val.clean.csv").read_text().splitlines()[1:] == ['"1","Rome","a","x"', '"2","Paris","b","y"']


def _edit(step: str, key: str, path: tuple[str | int, ...], value: object) -> Callable[[dict], None]:
    def edit(saved: dict) -> None:
        place = next(s for s in saved["steps"] if s["step"] == step)[key]
        for part in path[:-1]:
            place = place[part]
        place[path[-1]] = value
    return edit


@pytest.mark.parametrize(("edit", "message"), [
    # each of these reached the steps: a traceback, or values scaled to infinities or nulls without a word
    (_edit("scale", "state", ("scale", 0), 0),
     "steps[6] (scale) state['scale'][0]: Value error, a scale of 0 divides by zero"),
    (_edit("scale", "state", ("center", 0), None),
     "steps[6] (scale) state['center'][0]: Input should be a valid number"),
    (_edit("scale", "state", ("scale",), [1.0, 2.0]),
     "steps[6] (scale) state: columns, center and scale differ in length"),
    (_edit("impute", "state", ("fill", "age"), None),
     "steps[5] (impute) state['fill']['age']['float']: Input should be a valid number"),
    (_edit("coerce_numeric", "state", ("columns", "age"), "number"),
     "steps[3] (coerce_numeric) state['columns']['age']: Input should be 'integer' or 'float'"),
    (_edit("drop_columns", "state", ("columns",), ["age"]),
     "steps[4] (drop_columns) state['columns']: Input should be a valid dictionary"),
    (_edit("merge_label_variants", "state", ("label_map",), ["cat"]),
     "steps[2] (merge_label_variants) state['label_map']: Input should be a valid dictionary"),
    (_edit("encode", "params", ("method",), "hashing"),
     "steps[7] (encode) params['method']: Input should be 'none', 'onehot' or 'ordinal'"),
    (_edit("missing_to_null", "params", ("tokens",), "?"),
     "steps[0] (missing_to_null) params['tokens']: Input should be a valid list"),
    (lambda saved: saved.update(steps={}), "steps: Input should be a valid list"),  # was read as no step at all
    (lambda saved: saved.update(steps=[{"step": "nope"}]),
     "steps[0]: unknown step 'nope'; known: missing_to_null, normalize_text, merge_label_variants, "
     "coerce_numeric, drop_columns, impute, scale, encode"),
    (lambda saved: saved.pop("ignored"), "ignored: Field required"),
])
def test_a_fitted_state_edited_into_a_shape_no_clean_writes_is_one_line_and_exit_2(
        tmp_path: Path, edit: Callable[[dict], None], message: str) -> None:
    train, state = tmp_path / "train.csv", tmp_path / "prep.json"
    train.write_text("id,age,city,label\n" + "".join(f"{i},{20 + i * 7 % 31},{'xyz'[i % 3]},{'ab'[i % 2]}\n"
                                                     for i in range(30)))
    rules = _pack(tmp_path, "{impute: {numeric: median}, scale: standard, encode: {method: onehot}}")
    run(["clean", train, "-r", rules, "-t", "label", "-o", tmp_path / "train.clean.csv", "--save-fitted", state], 0)
    saved = json.loads(state.read_text())
    edit(saved)
    state.write_text(json.dumps(saved))
    _, stderr = invoke(["clean", train, "-r", rules, "-o", tmp_path / "again.csv", "--fitted", state], 2)
    assert stderr == f"dataaudit: error: {state}: {message}\n"
    assert not (tmp_path / "again.csv").exists()


@pytest.mark.parametrize(("method", "made"), [("onehot", "all zeros"), ("ordinal", "-1")])
def test_values_of_no_fitted_category_are_counted(tmp_path: Path, method: str, made: str) -> None:
    """A split's category that train never held is encoded as none of them: the steps table and
    the manifest say which and how often, as they count every other rewrite."""
    train, val, state = tmp_path / "train.csv", tmp_path / "val.csv", tmp_path / "prep.json"
    train.write_text("id,n,city,label\n" + "".join(f"{i},{i * 7 % 31},{'xyz'[i % 3]},{'ab'[i // 3 % 2]}\n"
                                                   for i in range(30)))
    val.write_text("id,n,city,label\n1,1,x,a\n2,2,Oslo,b\n3,3,Oslo,a\n4,4,,b\n5,5,Rome,a\n")
    rules = _pack(tmp_path, f"{{encode: {{method: {method}}}}}")
    run(["clean", train, "-r", rules, "-t", "label", "-o", tmp_path / "train.clean.csv", "--save-fitted", state], 0)
    stdout, _ = run(["clean", val, "-r", rules, "-o", tmp_path / "val.clean.csv", "--fitted", state], 1)
    assert f"'Oslo' -> {made} (unknown category) 2, 'Rome' -> {made} (unknown category) 1" in stdout
    steps = json.loads((tmp_path / "val.clean.manifest.json").read_text())["steps"]
    assert [s["rewrites"] for s in steps if s["step"] == "encode"] == [
        {f"'Oslo' -> {made} (unknown category)": 2, f"'Rome' -> {made} (unknown category)": 1}]
    trained = json.loads((tmp_path / "train.clean.manifest.json").read_text())["steps"]
    assert [s["rewrites"] for s in trained if s["step"] == "encode"] == [{}]
