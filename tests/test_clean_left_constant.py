"""A column that only quarantined rows kept from being constant (or empty) is dropped by the
clean that quarantines them: its output's audit finds no such column, and a second clean of
the output changes nothing."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

RUNNERS = {"installed": run, "click": invoke}
# the Speaker's rows (`chair` TRUE) are 52 of the 55 with the party `NA`, a missing label
SPEAKERS = DATA / "parlspeech_speakers.csv"


def _dropped(out: Path) -> list[str]:
    manifest = json.loads(out.with_name(out.stem + ".manifest.json").read_text())
    return [note for step in manifest["steps"] if step["step"] == "drop_columns" for note in step["notes"]]


def _findings(path: Path, tmp_path: Path, *options: str) -> list[tuple[str, str | None]]:
    report = tmp_path / f"{path.stem}.report.json"
    run(["audit", path, "-t", "party", *options, "--format", "json", "-o", report], 1)
    return [(f["check"], f.get("column")) for f in json.loads(report.read_text())["findings"]]


@pytest.mark.parametrize("runner", RUNNERS)
def test_the_speakers_column_left_constant_is_dropped_and_a_second_clean_changes_nothing(
        tmp_path: Path, runner: str) -> None:
    out, again = tmp_path / "out.csv", tmp_path / "again.csv"
    _, err = RUNNERS[runner](["clean", SPEAKERS, "-t", "party", "-o", out], 1)
    assert "945 rows written" in err and "55 quarantined" in err
    assert _dropped(out) == ["dropped parliament (constant), iso3country (constant), chair (constant once cleaned)"]
    with out.open(newline="") as handle:
        header = next(csv.reader(handle))
    assert "chair" not in header and "speaker" in header
    assert ("columns.constant", "chair") not in _findings(out, tmp_path)
    _, err = RUNNERS[runner](["clean", out, "-t", "party", "-o", again], 1)
    assert "945 rows written" in err and "0 quarantined" in err
    assert _dropped(again) == []
    assert again.read_bytes() == out.read_bytes()


def test_a_column_left_empty_is_dropped_and_the_state_drops_it_in_another_split(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    # `note` is written only in the two rows without a label; `colour` keeps two values
    data.write_text("colour,note,size,label\nred,,1,a\nblue,,2,b\nred,late,3,\nblue,,4,a\ngreen,x,5,\n"
                    "red,,6,b\n")
    out, state = tmp_path / "out.csv", tmp_path / "state.json"
    run(["clean", data, "-t", "label", "-o", out, "--save-fitted", state, "--allow-large-quarantine"], 1)
    assert _dropped(out) == ["dropped note (empty once cleaned)"]
    assert out.read_text().splitlines() == ['"colour","size","label"', '"red","1","a"', '"blue","2","b"',
                                            '"blue","4","a"', '"red","6","b"']
    test = tmp_path / "test.csv"
    test.write_text("colour,note,size,label\nred,kept here,7,a\n")
    run(["clean", test, "-o", tmp_path / "test_out.csv", "--fitted", state], 1)
    assert (tmp_path / "test_out.csv").read_text().splitlines() == ['"colour","size","label"', '"red","7","a"']


def test_a_value_beside_a_missing_cell_in_the_kept_rows_stays(tmp_path: Path) -> None:
    """Where the rows kept hold one value and a missing cell (`?`, a token), dropping the column
    would make rows differing only there one row, judged apart: it stays. One value in every
    row kept, `b`, goes."""
    data = tmp_path / "data.csv"
    data.write_text("a,b,n,label\nx,k,1,p\n?,k,2,q\nx,k,3,p\nz,z,4,\n")
    result = dataaudit.clean(data, target="label", allow_large_quarantine=True)
    assert result.tables[0].column_names == ["a", "n", "label"]
    drop = [step for step in result.manifest["steps"] if step["step"] == "drop_columns"]
    assert [step["notes"] for step in drop] == [["dropped b (constant once cleaned)"]]


def test_no_column_is_read_again_where_no_row_is_quarantined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from dataaudit.preprocess.columns import LeftValues

    def refuse(*args: object, **kwargs: object) -> LeftValues:
        raise AssertionError("the kept rows were read again")

    monkeypatch.setattr(LeftValues, "add", refuse)
    data = tmp_path / "data.csv"
    data.write_text("a,label\nx,p\ny,q\nz,q\n")
    assert dataaudit.clean(data, target="label").tables[0].column_names == ["a", "label"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(["a", "b", " a", "A"]), st.sampled_from(["1", "2", "01", "1.0"]),
                               st.sampled_from(["p", "q", "", "P", " q"])), min_size=1, max_size=12))
def test_a_second_clean_drops_no_column_and_quarantines_no_row(tmp_path: Path, rows: list[tuple[str, ...]]) -> None:
    """With no feature cell missing, the first clean leaves nothing for a second to do: a column
    its duplicates, conflicts, missing labels or trimming left with one value is gone."""
    data = tmp_path / "data.csv"
    data.write_text("u,v,label\n" + "".join(",".join(row) + "\n" for row in rows))
    first = dataaudit.clean(data, target="label", allow_large_quarantine=True)
    out = tmp_path / "out.csv"
    first.write_to(out, force=True)
    second = dataaudit.clean(out, target="label", allow_large_quarantine=True)
    assert second.manifest["rows"]["quarantined"] == 0
    assert second.tables[0].column_names == first.tables[0].column_names


def _distinct(path: Path, column: str) -> int:
    profile = dataaudit.audit(path, target="label").profile
    assert profile is not None
    return next(c.distinct for c in profile.columns if c.name == column)


def test_a_column_whose_distinct_count_is_estimated_high_is_read_again(tmp_path: Path) -> None:
    """The audit's distinct count is a HyperLogLog estimate: the 2,000 values of `c` (one kept,
    1,999 in rows without a label) count more than 2,000, yet the clean leaves `c` constant."""
    import random

    draw = random.Random(1)
    data = tmp_path / "data.csv"
    rows = [f"k,{i % 60},{i // 60},{'ab'[i % 60 < 30]}" for i in range(3000)]
    rows += [f"v{draw.random()},{j % 60},{j // 60 + 100}," for j in range(1999)]
    data.write_text("c,n,m,label\n" + "\n".join(rows) + "\n")
    assert _distinct(data, "c") > 2000
    result = dataaudit.clean(data, target="label", allow_large_quarantine=True)
    assert result.tables[0].column_names == ["n", "m", "label"]
    out = tmp_path / "out.csv"
    result.write_to(out)
    assert dataaudit.clean(out, target="label").tables[0].column_names == ["n", "m", "label"]


def test_two_values_the_distinct_count_takes_for_one_are_read_again(tmp_path: Path) -> None:
    """`w128` and `w158` fall in one register of the audit's distinct counter, which counts
    them as one value: the column, `w158` only in a row without a label, is still read again."""
    data = tmp_path / "data.csv"
    data.write_text("c,n,label\nw128,1,a\nw128,2,b\nw128,3,a\nw158,4,\nw128,5,b\n")
    assert _distinct(data, "c") == 1
    result = dataaudit.clean(data, target="label")
    assert result.tables[0].column_names == ["n", "label"]
    assert [step["notes"] for step in result.manifest["steps"] if step["step"] == "drop_columns"] == [
        ["dropped c (constant once cleaned)"]]


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_a_jsonl_column_left_one_json_value_is_dropped(tmp_path: Path, suffix: str) -> None:
    """`c` holds the number 1 and, in a row without a label, the string "1": the rows kept hold
    one JSON value, which a JSONL output writes as such, and a CSV one as the text 1."""
    data = tmp_path / "data.jsonl"
    data.write_text('{"c":1,"n":1,"label":"a"}\n{"c":"1","n":2,"label":null}\n{"c":1,"n":3,"label":"a"}\n'
                    '{"c":1,"n":4,"label":"b"}\n')
    out, again = tmp_path / f"out{suffix}", tmp_path / f"again{suffix}"
    run(["clean", data, "-t", "label", "-o", out], 1)
    assert _dropped(out) == ["dropped c (constant once cleaned)"]
    run(["clean", out, "-t", "label", "-o", again], 1)
    assert _dropped(again) == []


@pytest.mark.parametrize(("suffix", "dropped"), [(".jsonl", []), (".csv", ["dropped c (constant once cleaned)"])])
def test_a_number_and_its_text_as_a_string_stay_two_values_in_a_jsonl_output(
        tmp_path: Path, suffix: str, dropped: list[str]) -> None:
    """Kept, `1` and `"1"` are two values in JSON Lines, one in a CSV file's text."""
    data = tmp_path / "data.jsonl"
    data.write_text('{"c":1,"n":1,"label":"a"}\n{"c":"1","n":2,"label":"b"}\n{"c":1,"n":3,"label":"a"}\n'
                    '{"c":1,"n":4,"label":"b"}\n')
    out, again = tmp_path / f"out{suffix}", tmp_path / f"again{suffix}"
    run(["clean", data, "-t", "label", "-o", out], 1)
    assert _dropped(out) == dropped
    run(["clean", out, "-t", "label", "-o", again], 1)
    assert _dropped(again) == []


def test_kept_rows_carry_notes_of_their_own_rows_or_none(tmp_path: Path) -> None:
    """The kept rows of a JSON Lines chunk, some quarantined, note the JSON strings of the rows
    kept, or no notes at all: never the notes as read, which mark rows the filter removed."""
    import numpy as np

    from dataaudit.io import open_source
    from dataaudit.io.json_strings import string_cells
    from dataaudit.preprocess.pipeline import _kept
    from dataaudit.preprocess.rows import Decisions

    path = tmp_path / "mixed.jsonl"
    values = [1, "1", 2, "2", "x", 3]
    path.write_text("".join(json.dumps({"v": v, "label": "a"}) + "\n" for v in values), encoding="utf-8")
    codes = np.array([0, 1, 0, 0, 1, 0], dtype=np.int8)
    decisions = Decisions(codes)

    noted = list(_kept(open_source(str(path)), decisions, [], None, "", True))
    assert [string_cells(batch).get("v", np.zeros(batch.num_rows, bool)).tolist() for batch in noted] == \
        [[False, False, True, False]]
    bare = list(_kept(open_source(str(path)), decisions, [], None, "", False))
    assert [string_cells(batch) for batch in bare] == [{}]
    assert bare[0].column("v").to_pylist() == ["1", "2", "2", "3"]
