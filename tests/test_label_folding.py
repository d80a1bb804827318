"""Spellings of one label fold together; different labels do not. Folding used to drop every
mark, so `-1` and `1`, `1.5` and `15`, `C`, `C++` and `C#` were one label: `clean` rewrote a
binary +1/-1 target to a single class, and a regression target's `3` to `-3`. Labels written
as the same number (`1` and `1.0`, the float spelling some rows get on their way through a
float) were two classes, and no check said so."""

from __future__ import annotations

import csv
import json
import random
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.profile.values import fold_label
from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

DIFFERENT = [("-1", "1"), ("01", "1"), ("9007199254740993", "9007199254740992"), ("1.5", "15"),
             ("-1.5", "1.5"), ("C", "C++"), ("C++", "C#"), ("C", "C#"),
             ("A+", "A-"), ("A", "A+"), ("B+", "B"), ("e-mail", "email"), (".NET", "NET")]
SAME = [("Cat", "cat ", "CAT", "CAT.", '"cat"', "cat!", "ｃａｔ"), ("not spam", "Not_Spam", "not-spam", "NOT  SPAM"),
        ("1E3", "1e3 ", "1000", "1000.0"), ("1", "1.0", "+1", "1e0", " 1.00"), ("0", "-0", "0.0"), ("inf", "Infinity")]


@pytest.mark.parametrize(("first", "second"), DIFFERENT)
def test_different_labels_keep_apart(first: str, second: str) -> None:
    assert fold_label(first) != fold_label(second)


@pytest.mark.parametrize("spellings", SAME)
def test_spellings_of_one_label_fold_together(spellings: tuple[str, ...]) -> None:
    assert len({fold_label(s) for s in spellings}) == 1


@given(st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False)),
       st.one_of(st.integers(-10**6, 10**6), st.floats(allow_nan=False, allow_infinity=False)))
def test_two_numbers_fold_together_exactly_when_they_are_equal(a: float, b: float) -> None:
    assert (fold_label(str(a)) == fold_label(str(b))) == (Decimal(str(a)) == Decimal(str(b)))


#: words as labels are written: a letter first (a label written as a number folds by case and blanks alone)
WORDS = st.from_regex(r"[a-zA-Zà-öø-ÿ][a-zA-Z0-9à-öø-ÿ]{0,5}", fullmatch=True)


@given(st.lists(WORDS, min_size=1, max_size=3), st.data())
def test_a_label_respelled_folds_to_the_same_key(words: list[str], data: st.DataObject) -> None:
    """Case, blanks around it, a sentence mark after it and how its words are joined."""
    label = " ".join(words)
    joins = data.draw(st.lists(st.sampled_from([" ", "_", "-", "  "]), min_size=len(words) - 1,
                               max_size=len(words) - 1))
    respelled = words[0] + "".join(join + word for join, word in zip(joins, words[1:], strict=True))
    respelled = data.draw(st.sampled_from([str.upper, str.lower, str.title, str]))(respelled)
    before, after = data.draw(st.sampled_from(["", " ", "\t"])), data.draw(st.sampled_from(["", ".", " ", "!"]))
    respelled = f"{before}{respelled}{after}"
    assert fold_label(respelled) == fold_label(label)


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_plus_minus_one_target_is_kept_as_two_classes(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "signs.csv"
    data.write_text("a,b,label\n" + "".join(f"{i % 8},{i // 8},{'1' if i % 2 else '-1'}\n" for i in range(40)))
    report = audit_report(runner, [data, "-t", "label"], tmp_path, code=0)
    assert "labels.variants" not in {f["check"] for f in report["findings"]}
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "label", "-o", out], 0)
    assert [r["label"] for r in _rows(out)] == ["1" if i % 2 else "-1" for i in range(40)]


def _regression(rows: int) -> list[str]:
    """Targets whose marks alone tell them apart (`3` and `-3`, `1.5` and `15`), among others."""
    rng = random.Random(7)
    pool = ["1.5", "-1.5", "15", "3", "-3", "22.5", "2.25", "0.5", "-0.5", "5"]
    return [rng.choice(pool) if i % 3 else f"{rng.uniform(-50, 50):.2f}" for i in range(rows)]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_regression_target_is_never_respelled(tmp_path: Path, runner: Runner) -> None:
    """A number to regress on has values, not spellings: ` 7.5` (a blank before it) stays as it is."""
    targets = _regression(300)
    targets[5] = " 7.5"
    targets[6] = "7.5"
    data = tmp_path / "prices.csv"
    data.write_text("f1,f2,y\n" + "".join(f"{i * 0.37:.2f},{i % 11},{y}\n" for i, y in enumerate(targets)))
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "y", "-o", out], 0)
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert "merge_label_variants" not in {step["step"] for step in manifest["steps"]}
    assert [r["y"] for r in _rows(out)] == targets


def test_number_labels_of_a_parquet_and_a_json_lines_file_keep_their_signs(tmp_path: Path) -> None:
    labels = [1 if i % 2 else -1 for i in range(40)]
    table = pa.table({"x": [i * 0.5 for i in range(40)], "label": pa.array(labels, pa.int64())})
    pq.write_table(table, tmp_path / "signs.parquet")
    (tmp_path / "signs.jsonl").write_text("".join(json.dumps(row) + "\n" for row in table.to_pylist()))
    for name in ("signs.parquet", "signs.jsonl"):
        out = tmp_path / f"out-{name.split('.')[1]}.{name.split('.')[1]}"
        invoke(["clean", tmp_path / name, "-t", "label", "-o", out], 0)
        written = (pq.read_table(out).column("label").to_pylist() if name.endswith(".parquet")
                   else [json.loads(line)["label"] for line in out.read_text().splitlines()])
        assert written == labels


def _float_labelled(rows: int) -> list[tuple[float, str, int]]:
    """Two classes whose last quarter of rows passed through a float: `1.0` and `0.0`."""
    rng = random.Random(3)
    return [(round(rng.gauss(3 * (i % 2), 1), 3), rng.choice("xyz"), i % 2) for i in range(rows)]


@pytest.mark.parametrize("runner", RUNNERS)
def test_labels_written_as_the_same_number_are_one_class_respelled(tmp_path: Path, runner: Runner) -> None:
    rows = _float_labelled(80)
    data = tmp_path / "floats.csv"
    data.write_text("a,b,label\n" + "".join(f"{a},{b},{y}{'.0' if i >= 60 else ''}\n"
                                             for i, (a, b, y) in enumerate(rows)))
    report = audit_report(runner, [data, "-t", "label"], tmp_path, code=1)
    variants = [f for f in report["findings"] if f["check"] == "labels.variants"]
    assert sorted((f["details"]["canonical"], f["details"]["variants"]) for f in variants) == [
        ("0", {"0.0": 10}), ("1", {"1.0": 10})]
    assert report["dataset"]["duplicates"]["conflict_rows"] == 0
    out = tmp_path / "out.csv"
    runner(["clean", data, "-t", "label", "-o", out], 0)
    assert [r["label"] for r in _rows(out)] == [str(y) for _, _, y in rows]


def test_a_json_lines_number_label_merged_stays_a_number(tmp_path: Path) -> None:
    """The merged spelling of a JSON number is written as a number, not as the string `"1"`."""
    rows = _float_labelled(80)
    data = tmp_path / "floats.jsonl"
    data.write_text("".join(json.dumps({"a": a, "b": b, "label": float(y) if i >= 60 else y}) + "\n"
                            for i, (a, b, y) in enumerate(rows)))
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-t", "label", "-o", out], 0)
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert [row["label"] for row in written] == [y for _, _, y in rows]
    assert all(type(row["label"]) is int for row in written)
    assert [row["a"] for row in written] == [a for a, _, _ in rows]
