"""A clean that cannot wipe a dataset: on the Titanic table (2,201 people, 14 distinct feature
rows) the default steps would keep 4 rows; `clean` refuses before writing, says what would go,
and with the allowing option writes every removed row to the quarantine with its reason."""

from __future__ import annotations

import json
import shutil
import tempfile
from collections import Counter
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.errors import DataAuditError, LargeQuarantine
from dataaudit.io.digest import file_sha256
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

TITANIC = DATA / "titanic.csv"
FEATURES = ["class", "age", "sex"]
RUNNERS = {"installed": run, "click": invoke}
REFUSAL = ("titanic.csv: clean would quarantine 2,197 of 2,201 rows (99.8%; duplicates 2,177, conflicts 20) "
           "and every row of class 'No' (1,490: duplicates 1,480, conflicts 10); refused, nothing written. "
           "Pass --allow-large-quarantine (rule pack: preprocess.allow_large_quarantine: true) to allow it, "
           "or keep such rows: preprocess duplicates: keep, conflicts: keep")


@pytest.fixture
def titanic(tmp_path: Path) -> Path:
    return Path(shutil.copy(TITANIC, tmp_path / "titanic.csv"))


def _files(folder: Path) -> set[str]:
    return {p.name for p in folder.iterdir()}


def _pack(folder: Path, preprocess: str) -> Path:
    path = folder / "pack.yaml"
    path.write_text(f"preprocess: {preprocess}\n")
    return path


def test_the_titanic_file_is_the_published_table() -> None:
    frame = pd.read_csv(TITANIC)
    assert len(frame) == 2_201 and list(frame.columns) == [*FEATURES, "survived"]
    assert frame["survived"].value_counts().to_dict() == {"No": 1_490, "Yes": 711}
    assert frame["class"].value_counts().to_dict() == {"Crew": 885, "3rd": 706, "1st": 325, "2nd": 285}
    assert len(frame.drop_duplicates(FEATURES)) == 14
    assert len(frame.drop_duplicates()) == 24


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_of_titanic_is_refused_with_one_line_and_writes_nothing(tmp_path: Path, titanic: Path,
                                                                      runner: str) -> None:
    digest, before = file_sha256(titanic), _files(tmp_path)
    stdout, stderr = RUNNERS[runner](["clean", titanic, "-t", "survived", "-o", tmp_path / "out.csv"], 2)
    assert stderr.splitlines() == [f"dataaudit: error: {titanic.parent}/{REFUSAL}"]
    assert "Traceback" not in stderr and stdout == ""
    assert _files(tmp_path) == before == {"titanic.csv"}
    assert file_sha256(titanic) == digest


def test_dry_run_shows_the_numbers_and_says_it_would_refuse(tmp_path: Path, titanic: Path) -> None:
    before = _files(tmp_path)
    stdout, stderr = run(["clean", titanic, "-t", "survived", "-o", tmp_path / "out.csv", "--dry-run"], 2)
    assert stderr.splitlines() == ["dataaudit: dry run, nothing written: 4 rows would be kept, 2,197 quarantined",
                                   f"dataaudit: a real run would be refused: {titanic.parent}/{REFUSAL}"]
    assert "duplicates            0             2,177" in stdout
    assert _files(tmp_path) == before


@pytest.mark.parametrize("allow", ["option", "rule pack"])
def test_an_allowed_clean_quarantines_every_removed_row_with_its_reason(tmp_path: Path, titanic: Path,
                                                                       allow: str) -> None:
    digest = file_sha256(titanic)
    out = tmp_path / "out.csv"
    extra = (["--allow-large-quarantine"] if allow == "option"
             else ["-r", _pack(tmp_path, "{allow_large_quarantine: true}")])
    runner = run if allow == "option" else invoke  # the installed command once: the rule pack is read alike
    _, stderr = runner(["clean", titanic, "-t", "survived", "-o", out, *extra], 1)
    assert "4 rows written" in stderr and "2,197 quarantined" in stderr
    kept = pd.read_csv(out)
    held = pd.read_csv(tmp_path / "out.quarantine.csv")
    assert len(kept) + len(held) == 2_201
    assert Counter(held["_reason"]) == {"duplicate": 2_177, "label_conflict": 20}
    original = pd.read_csv(titanic)
    # every quarantined row keeps its original values under its input row number
    pd.testing.assert_frame_equal(held[[*FEATURES, "survived"]], original.loc[held["_row"]].reset_index(drop=True))
    # and the kept rows are the others, in order: each input row is in exactly one file; every
    # one of the four is an adult, so `age` is dropped as the column those rows leave constant
    pd.testing.assert_frame_equal(kept, original.drop(index=held["_row"], columns="age").reset_index(drop=True))
    steps = json.loads((tmp_path / "out.manifest.json").read_text())["steps"]
    assert [s["notes"] for s in steps if s["step"] == "drop_columns"] == [["dropped age (constant once cleaned)"]]
    assert set(kept["survived"]) == {"Yes"}
    assert file_sha256(titanic) == digest


def test_a_class_that_would_vanish_is_refused_under_half_the_rows(tmp_path: Path) -> None:
    # ten rows, two leave: the conflict group of rows 0 and 9 holds the only 'rare' row
    lines = [f"{f},common" for f in range(9)] + ["0,rare"]
    data = tmp_path / "data.csv"
    data.write_text("f,label\n" + "\n".join(lines) + "\n")
    _, stderr = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv"], 2)
    assert ("clean would quarantine 2 of 10 rows (20%; conflicts 2) and every row of class 'rare' "
            "(1: conflicts 1); refused") in stderr
    assert _files(tmp_path) == {"data.csv"}
    # allowed, it writes: the after audit fails, as one class is left
    stdout, _ = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--allow-large-quarantine"], 1)
    assert "size.classes" in stdout
    assert pd.read_csv(tmp_path / "out.quarantine.csv")["_row"].tolist() == [0, 9]


def test_the_python_api_raises_the_same_refusal_naming_its_keyword(titanic: Path) -> None:
    with pytest.raises(LargeQuarantine) as refused:
        dataaudit.clean(titanic, target="survived")
    assert isinstance(refused.value, DataAuditError)
    assert str(refused.value) == f"{titanic.parent}/{REFUSAL}".replace("--allow-large-quarantine",
                                                                       "allow_large_quarantine=True")
    assert refused.value.summary == {
        "rows": 2_201, "quarantined": 2_197, "steps": {"duplicates": 2_177, "conflicts": 20},
        "vanished_classes": {"No": {"duplicates": 1_480, "conflicts": 10}}}
    allowed = dataaudit.clean(titanic, target="survived", allow_large_quarantine=True)
    assert len(allowed.data) == 4 and len(allowed.quarantine) == 2_197


def _conflict_quarantine(frame: pd.DataFrame, policy: str) -> dict[int, str]:
    """What each conflicts policy takes, computed from the table itself (Titanic has no tied group)."""
    group = frame.groupby(FEATURES)["survived"]
    conflicted = group.transform("nunique") > 1
    if policy == "keep":
        return {}
    if policy == "quarantine":
        return dict.fromkeys(frame.index[conflicted], "label_conflict")
    label_rows = frame.groupby([*FEATURES, "survived"])["survived"].transform("size")
    most = label_rows.groupby([frame[c] for c in FEATURES]).transform("max")
    return dict.fromkeys(frame.index[conflicted & (label_rows < most)], "minority_label")


@pytest.mark.parametrize(("policy", "held", "extra", "code"), [
    # every row of the 10 mixed groups; the 30 children left all survived: one class, the gate fails
    ("quarantine", 2_171, ["--allow-large-quarantine"], 1),
    ("majority", 461, [], 0),  # the 10 groups' minority outcomes
    ("keep", 0, [], 0),
])
def test_each_conflicts_policy_quarantines_exactly_its_rows(tmp_path: Path, titanic: Path, policy: str, held: int,
                                                           extra: list[str], code: int) -> None:
    pack = _pack(tmp_path, f"{{duplicates: keep, conflicts: {policy}}}")
    out = tmp_path / "out.csv"
    invoke(["clean", titanic, "-t", "survived", "-r", pack, "-o", out, *extra], code)
    quarantine = pd.read_csv(tmp_path / "out.quarantine.csv")
    expected = _conflict_quarantine(pd.read_csv(titanic), policy)
    assert dict(zip(quarantine["_row"], quarantine["_reason"], strict=True)) == expected
    assert len(expected) == held
    assert len(pd.read_csv(out)) == 2_201 - held


def test_the_quarantine_policy_of_titanic_is_refused_without_the_option(tmp_path: Path, titanic: Path) -> None:
    pack = _pack(tmp_path, "{duplicates: keep, conflicts: quarantine}")
    _, stderr = invoke(["clean", titanic, "-t", "survived", "-r", pack, "-o", tmp_path / "out.csv"], 2)
    assert "clean would quarantine 2,171 of 2,201 rows (99%; conflicts 2,171)" in stderr
    assert "or keep such rows: preprocess conflicts: keep" in stderr


SMALL = st.lists(st.tuples(st.sampled_from("xyz"), st.sampled_from("12"), st.sampled_from("abc")), max_size=30)


@pytest.mark.slow  # two cleans for each of forty generated files: several seconds
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(records=SMALL, conflicts=st.sampled_from(["quarantine", "majority"]))
def test_a_clean_is_refused_exactly_when_it_would_take_over_half_or_a_class(records: list[tuple],
                                                                           conflicts: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "data.csv"
        path.write_text("colour,n,label\n" + "".join(",".join(r) + "\n" for r in records))
        pack = _pack(Path(folder), f"{{conflicts: {conflicts}}}")
        allowed = dataaudit.clean(path, target="label", rules=pack, allow_large_quarantine=True)
        try:
            plain = dataaudit.clean(path, target="label", rules=pack)
        except LargeQuarantine as exc:
            refused = exc.summary
        else:
            refused = None
    held = len(allowed.quarantine)
    lost = {r[2] for r in records} - set(allowed.data["label"])
    if refused is None:
        assert held <= len(records) / 2 and not lost
        pd.testing.assert_frame_equal(plain.quarantine, allowed.quarantine)
    else:
        assert held > len(records) / 2 or lost
        assert refused["quarantined"] == held and set(refused["vanished_classes"]) == lost


def test_a_regression_targets_values_are_no_classes_to_vanish(tmp_path: Path) -> None:
    """Each of 200 generated targets is its own number: quarantining 10 rows takes every row of
    10 numbers, which is no class gone; only the share of rows counts."""
    path = tmp_path / "numbers.csv"
    path.write_text("x,z,y\n" + "".join(f"{i % 7},{(i * 7919) % 1000 / 10},{i * 1.37 + 0.11:.2f}\n"
                                          for i in range(200)), encoding="utf-8")
    result = dataaudit.clean(path, target="y", quarantine_rows={row: "reviewed" for row in range(0, 200, 20)})
    assert result.manifest["rows"]["quarantined"] == 10 and len(result.data) == 190
    with pytest.raises(LargeQuarantine, match=r"clean would quarantine 101 of 200 rows \(50%; quarantine_rows "
                                              r"101\); refused"):
        dataaudit.clean(path, target="y", quarantine_rows={row: "reviewed" for row in range(101)})
