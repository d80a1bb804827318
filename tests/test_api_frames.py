"""`dataaudit.clean` of a pandas frame gives back, where no step changed them, the frame's own
values, dtypes, index and column names; a frame with nothing to clean comes back equal to itself.

They came back as Arrow made them: every index renumbered from 0 (so a join back to the input
misaligned once a row was removed), integer column names as text, an object column of several
types as its text (`1` became `'1'`), nullable booleans as objects, an ordered category whose
one cell was cleaned with its categories reordered (`'hi' < 'mid'` turned true); intervals,
complex numbers, sparse columns and categories of datetimes crashed."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest

import dataaudit

N = 40
LABELS = ["cat", "dog"] * (N // 2)
X = np.arange(N) * 1.5 + 0.25  # distinct: no two rows alike
MISSING = float("nan")


def _with_na(values: list, na: object = pd.NA) -> list:
    return [na if i in (3, 17) else value for i, value in enumerate(values)]


COLUMNS = {
    "object_text": pd.Series([f"w{i}" for i in range(N)], dtype=object).array,
    "object_mixed": pd.Series([[1, "a", 2.5, Decimal("1.20")][i % 4] for i in range(N)], dtype=object).array,
    "object_lists": pd.Series([[i, i + 1] for i in range(N)], dtype=object).array,
    "Float64": pd.array(_with_na([i * 0.5 for i in range(N)]), dtype="Float64"),
    "boolean": pd.array(_with_na([i % 3 == 0 for i in range(N)]), dtype="boolean"),
    "string": pd.array(_with_na([f"s{i}" for i in range(N)]), dtype="string"),
    "Int64": pd.array(_with_na(list(range(2, N + 2))), dtype="Int64"),
    "ordered": pd.Categorical([["hi", "mid", "lo"][i % 3] for i in range(N)], ["lo", "mid", "hi"], ordered=True),
    "interval": pd.interval_range(0, N),
    "period": pd.period_range("2020-01", periods=N, freq="M"),
    "complex": np.arange(N) * 1j,
    "sparse": pd.arrays.SparseArray([i % 5 for i in range(N)]),
    "datetime_category": pd.Categorical(pd.to_datetime(["2021-01-01", "2021-02-01"] * (N // 2))),
    "paris": pd.date_range("2020-01-01", periods=N, tz="Europe/Paris"),
    "arrow_int": pd.array(range(2, N + 2), dtype=pd.ArrowDtype(pa.int64())),
    "arrow_decimal": pd.array([Decimal(i) / 4 for i in range(N)], dtype=pd.ArrowDtype(pa.decimal128(6, 2))),
}


@pytest.mark.parametrize("name", list(COLUMNS))
def test_a_frame_with_nothing_to_clean_comes_back_equal(name: str) -> None:
    frame = pd.DataFrame({"v": COLUMNS[name], "x": X, "label": LABELS}, index=[f"r{i}" for i in range(N)])
    dataaudit.audit(frame, target="label")
    result = dataaudit.clean(frame, target="label")
    pd.testing.assert_frame_equal(result.data, frame)


def test_columns_keep_their_names_and_rows_their_index_labels() -> None:
    frame = pd.DataFrame({0: range(2, N + 2), 1: X, "label": LABELS}, index=pd.RangeIndex(10, 10 + N))
    pd.testing.assert_frame_equal(dataaudit.clean(frame, target="label").data, frame)
    frame.iloc[1] = frame.iloc[0]  # a duplicate of the first row, to quarantine
    result = dataaudit.clean(frame, target="label")
    pd.testing.assert_frame_equal(result.data, frame.drop(index=11))  # as pandas' drop_duplicates keeps them
    assert result.quarantine.index.tolist() == [11] and result.quarantine["_row"].tolist() == [1]
    pd.testing.assert_frame_equal(result.quarantine.drop(columns=["_row", "_reason"]), frame.loc[[11]])


def test_the_cells_no_step_changed_are_given_back_in_a_column_a_step_changed() -> None:
    mixed = [[1, "a", 2.5, [1, 2]][i % 4] for i in range(N)]
    mixed[5], mixed[6] = "NA", "  b "  # a token made null, text trimmed
    order = [["hi", "mid", "lo"][i % 3] for i in range(N)]
    order[4] = "?"
    frame = pd.DataFrame({
        "mixed": pd.Series(mixed, dtype=object),
        "ordered": pd.Categorical(order, ["lo", "mid", "hi", "?"], ordered=True),
        "Float64": pd.array([-999.0 if i == 2 else i * 0.5 for i in range(N)], dtype="Float64"),
        "x": X, "label": LABELS,
    })
    data = dataaudit.clean(frame, target="label").data
    expected = [MISSING if i == 5 else "b" if i == 6 else value for i, value in enumerate(mixed)]
    assert data["mixed"].dtype == object
    assert [type(v) for v in data["mixed"]] == [type(v) for v in expected]
    assert [v for v in data["mixed"] if v == v] == [v for v in expected if v == v]  # NaN aside
    assert data["ordered"].cat.categories.tolist() == ["lo", "mid", "hi", "?"] and data["ordered"].cat.ordered
    assert data["ordered"].isna().tolist() == [i == 4 for i in range(N)]
    assert (data["ordered"].dropna() < "mid").sum() == (frame["ordered"].drop(index=4) < "mid").sum()
    assert str(data["Float64"].dtype) == "Float64" and data["Float64"].isna().tolist() == [i == 2 for i in range(N)]





def test_a_column_a_step_casts_is_given_as_the_step_made_it(tmp_path: Path) -> None:
    rules = tmp_path / "numbers.yaml"
    rules.write_text("preprocess:\n  coerce_numeric: true\n")
    frame = pd.DataFrame({"v": [str(i % 7) for i in range(N)], "x": X, "label": LABELS})
    data = dataaudit.clean(frame, target="label", rules=rules).data
    assert data["v"].dtype == np.int64 and data["v"].tolist() == [i % 7 for i in range(N)]


def test_a_column_is_compared_as_the_audit_read_it_whole(tmp_path: Path) -> None:
    """Whether a column changed was asked of its kept rows read again alone, which may read as
    another type: ints with one text, that text's row quarantined, read as integers, and the
    column came back as text. `write_to` writes the rows the clean made, which Arrow can hold."""
    code = pd.Series(list(range(N)), dtype=object)
    code[7] = "unknown"
    label = pd.Series(LABELS, dtype=object)
    label[7] = None  # no label: quarantined
    frame = pd.DataFrame({"code": code, "x": X, "label": label})
    frame.columns.name = "features"
    result = dataaudit.clean(frame, target="label")
    pd.testing.assert_frame_equal(result.data, frame.drop(index=7))
    pd.testing.assert_frame_equal(result.quarantine.drop(columns=["_row", "_reason"]), frame.loc[[7]])
    manifest = result.write_to(tmp_path / "clean.csv")
    assert pd.read_csv(tmp_path / "clean.csv")["code"].tolist() == [i for i in range(N) if i != 7]
    assert manifest["files"]["output"]["sha256"]


def _patients() -> pd.DataFrame:
    """Two visits a patient; the visits of patients 2 and 3 alike but for the patient."""
    frame = pd.DataFrame({"patient_id": [f"P{i // 2:03d}" for i in range(N)], "x": X, "label": LABELS})
    frame.loc[5, "x"], frame.loc[7, "x"] = frame.loc[4, "x"], frame.loc[2, "x"]
    frame.loc[[5, 7], "label"] = frame.loc[[4, 2], "label"].to_numpy()
    return frame


def _findings(report: dataaudit.Report) -> list[dict]:
    return [finding.to_dict() for finding in report.findings]


def _columns(report: dataaudit.Report) -> list[str]:
    return [card.name for card in report.dataset.column_profiles]


def test_a_named_index_is_audited_and_cleaned_as_the_column_reset_index_makes() -> None:
    """A frame indexed by `patient_id` lost it: visit 7 was a duplicate of visit 2 (another
    patient's), quarantined, and no check saw the ids; pandas' Parquet holds it as a column."""
    columns = _patients()
    indexed = columns.set_index("patient_id")
    report = dataaudit.audit(indexed, target="label")
    assert _columns(report) == ["patient_id", "x", "label"]
    assert _findings(report) == _findings(dataaudit.audit(columns, target="label"))
    result = dataaudit.clean(indexed, target="label")
    pd.testing.assert_frame_equal(result.data, indexed.iloc[[i for i in range(N) if i != 5]])  # visit 7 kept
    assert result.quarantine.index.tolist() == ["P002"] and result.quarantine["_row"].tolist() == [5]
    assert result.manifest == dataaudit.clean(columns, target="label").manifest


def test_a_multi_index_gives_its_named_levels_and_splits_see_them() -> None:
    columns = _patients().assign(visit=[i % 2 for i in range(N)])
    indexed = columns.set_index(["patient_id", "visit"])
    assert _columns(dataaudit.audit(indexed, target="label"))[:2] == ["patient_id", "visit"]
    unnamed = indexed.rename_axis(["patient_id", None])
    assert _columns(dataaudit.audit(unnamed, target="label")) == ["patient_id", "x", "label"]
    splits = {"train": indexed.iloc[:30], "test": indexed.iloc[29:]}  # patient P014 in both
    report = dataaudit.audit(splits, target="label")
    flat = {name: split.reset_index() for name, split in splits.items()}
    assert _findings(report) == _findings(dataaudit.audit(flat, target="label"))
    pd.testing.assert_frame_equal(dataaudit.clean(indexed, target="label").data, indexed)  # visits differ


@pytest.mark.parametrize("levels", [["group"], ["group", "visit"]])
def test_a_named_index_comes_back_cleaned_as_write_to_writes_it(levels: list[str], tmp_path: Path) -> None:
    """The index level's text was normalised in the file `write_to` wrote, not in `.data`."""
    columns = pd.DataFrame({"group": ["  grp a ", "grp b  "] * (N // 2), "visit": range(N), "x": X, "label": LABELS})
    result = dataaudit.clean(columns.set_index(levels), target="label")
    assert result.data.index.get_level_values("group").tolist() == ["grp a", "grp b"] * (N // 2)
    assert result.data.index.names == levels
    if "visit" in levels:  # a level no step changed: as given, of its dtype
        assert result.data.index.get_level_values("visit").equals(pd.Index(range(N), name="visit"))
    result.write_to(tmp_path / "out.parquet")
    written = pd.read_parquet(tmp_path / "out.parquet").set_index(levels)
    pd.testing.assert_frame_equal(result.data, written, check_index_type=False, check_dtype=False)
    assert result.quarantine.empty


@pytest.mark.parametrize("index", [None, pd.RangeIndex(N, name="row"), pd.Index(np.arange(N) * 3),
                                   pd.date_range("2020-01-01", periods=N)])
def test_a_range_or_unnamed_index_is_no_column_and_labels_the_rows_kept_and_held(index: pd.Index | None) -> None:
    frame = _patients()
    if index is not None:
        frame.index = index
    report = dataaudit.audit(frame, target="label")
    assert _columns(report) == ["patient_id", "x", "label"]
    assert _findings(report) == _findings(dataaudit.audit(_patients(), target="label"))
    result = dataaudit.clean(frame, target="label")
    pd.testing.assert_frame_equal(result.data, frame.drop(index=frame.index[5]))
    held = result.quarantine.drop(columns=["_row", "_reason"])
    pd.testing.assert_frame_equal(held, frame.iloc[[5]], check_freq=False)  # one date has no frequency


def test_an_index_named_as_a_column_is_refused_in_one_line() -> None:
    frame = _patients().set_index("patient_id", drop=False)
    with pytest.raises(dataaudit.InputError, match=r"index and a column are both named 'patient_id'; rename one"):
        dataaudit.audit(frame, target="label")


def test_the_cleaner_reads_no_index_as_a_feature() -> None:
    indexed = _patients().set_index("patient_id")
    out = dataaudit.Cleaner(target="label").fit(indexed).transform(indexed)
    plain = indexed.reset_index(drop=True)
    flat = dataaudit.Cleaner(target="label").fit(plain).transform(plain)
    assert out.index.equals(indexed.index)
    pd.testing.assert_frame_equal(out.reset_index(drop=True), flat)
