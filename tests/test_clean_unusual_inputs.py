"""Valid inputs off the beaten path (nested Parquet columns, JSON's non-standard constants, a
kept column a step drops, a JSON array on standard input): cleaned and audited without a crash,
into files a strict reader takes, with messages naming what the user gave."""

from __future__ import annotations

import csv
import json
import math
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

import dataaudit
from tests.cli_helpers import SCRIPT, invoke, run
from tests.conftest import workers_on_any_source


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_kept_column_the_clean_drops_is_not_looked_for_in_the_output(tmp_path: Path, suffix: str) -> None:
    data = tmp_path / "in.parquet"
    pq.write_table(pa.table({"z": [1] * 6, "x": list("abcdef"), "label": ["y", "n"] * 3}), data)
    out = tmp_path / f"out{suffix}"
    _, err = invoke(["clean", data, "-t", "label", "-o", out, "--keep-column", "z"], 1)  # a gate failed: 6 rows are few
    assert f"6 rows written to {out}" in err
    steps = {s["step"]: s for s in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    assert steps["drop_columns"]["notes"] == ["dropped z (constant)"]
    written = pq.read_table(out).column_names if suffix == ".parquet" else out.read_text().splitlines()[0]
    assert "z" not in written


def _nested_table(n: int = 40) -> pa.Table:
    """Lists and structs (with NaN inside, which equals no NaN), a text column the default steps
    rewrite on some rows (blanks, a disguised `NA`), and three rows repeated."""
    rows = [{"id": i % 37, "tags": None if i % 5 == 0 else ["a", "b"][: i % 3],
             "vals": [float(i), math.nan] if i % 2 else [], "meta": {"a": i % 4, "b": math.nan if i % 3 else 0.5},
             "x": " red" if i % 4 == 0 else "NA" if i % 7 == 0 else f"c{i % 6}", "label": ["y", "n"][i % 2]}
            for i in range(n)]
    schema = pa.schema([("id", pa.int64()), ("tags", pa.list_(pa.string())), ("vals", pa.list_(pa.float64())),
                        ("meta", pa.struct([("a", pa.int64()), ("b", pa.float64())])), ("x", pa.string()),
                        ("label", pa.string())])
    return pa.Table.from_pylist(rows + rows[:3], schema=schema)


def _strict(text: str) -> object:
    """`text` as a strict JSON parser reads it: `NaN` and `Infinity` refused."""
    def refuse(constant: str) -> None:
        raise AssertionError(f"{constant} in {text!r}")
    return json.loads(text, parse_constant=refuse)


def _kept(table: pa.Table, quarantine: Path) -> pa.Table:
    """The input's rows the clean kept: all but those its quarantine lists."""
    taken = set(pq.read_table(quarantine).column("_row").to_pylist())
    return table.filter(pa.array([row not in taken for row in range(table.num_rows)]))


def test_nested_parquet_columns_are_carried_through_a_clean_untouched(tmp_path: Path) -> None:
    table = _nested_table()
    data = tmp_path / "nested.parquet"
    pq.write_table(table, data)
    out = tmp_path / "out.parquet"
    run(["clean", data, "-t", "label", "-o", out], 0)
    kept = _kept(table, tmp_path / "out.quarantine.parquet")
    written = pq.read_table(out)
    assert written.num_rows == kept.num_rows < table.num_rows  # the repeated rows went
    assert "red" in written.column("x").to_pylist()  # and the text was trimmed on the rows it rewrote
    for name in ("tags", "vals", "meta"):
        assert written.schema.field(name).type == table.schema.field(name).type
        # NaN where it was: the values' own JSON, which writes NaN as NaN
        assert json.dumps(written.column(name).to_pylist()) == json.dumps(kept.column(name).to_pylist())
    steps = {s["step"]: s for s in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    assert steps["normalize_text"]["notes"] == ["nested values (lists, structs) left as they are: tags, vals, meta"]
    assert set(steps["normalize_text"]["cells"]) == set(steps["missing_to_null"]["cells"]) == {"x"}


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
def test_nested_parquet_columns_are_strict_json_in_a_text_output(tmp_path: Path, suffix: str) -> None:
    table = _nested_table()
    data = tmp_path / "nested.parquet"
    pq.write_table(table, data)
    out = tmp_path / f"out{suffix}"
    invoke(["clean", data, "-t", "label", "-o", out], 0)
    held = out.with_name(f"out.quarantine{suffix}")
    if suffix == ".jsonl":
        rows = [_strict(line) for line in out.read_text().splitlines()]
        quarantined = {_strict(line)["_row"] for line in held.read_text().splitlines()}
    else:
        rows = [{name: None if row[name] == "" else _strict(row[name]) for name in ("tags", "vals", "meta")}
                for row in csv.DictReader(out.open(newline=""))]
        quarantined = {int(row["_row"]) for row in csv.DictReader(held.open(newline=""))}
    expected = [{name: row[name] for name in ("tags", "vals", "meta")} for row in table.to_pylist()]
    written = [{name: row[name] for name in ("tags", "vals", "meta")} for row in rows]
    # NaN, which strict JSON has no number for, is null, as every JSON the clean writes holds it
    as_strict = [{name: json.loads(json.dumps(value).replace("NaN", "null")) for name, value in row.items()}
                 for row in expected]
    assert quarantined
    assert written == [row for i, row in enumerate(as_strict) if i not in quarantined]


def test_nested_columns_are_left_alone_and_named_by_the_steps_that_cannot_apply(tmp_path: Path) -> None:
    data = tmp_path / "nested.parquet"
    pq.write_table(_nested_table(), data)
    rules = tmp_path / "rules.yaml"
    rules.write_text("preprocess:\n  impute: {numeric: median, categorical: most_frequent}\n"
                     "  scale: standard\n  encode: {method: onehot, max_categories: 50}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", data, "-t", "label", "-r", rules, "-o", out], 0)
    written = pq.read_table(out)
    assert written.column("tags").null_count == 8  # no fill for a list
    assert {"tags", "vals", "meta"} <= set(written.column_names)
    steps = {s["step"]: s for s in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    for step in ("impute", "encode"):
        assert "nested values (lists, structs) left as they are: tags, vals, meta" in steps[step]["notes"]
        assert not {"tags", "vals", "meta"} & set(steps[step]["cells"])


def test_the_audit_of_nested_columns_is_the_same_with_workers(tmp_path: Path) -> None:
    data = tmp_path / "nested.parquet"
    pq.write_table(_nested_table(2_000), data, row_group_size=300)

    def report(jobs: int) -> dict:
        got = dataaudit.audit(data, target="label", jobs=jobs, chunk_rows=300).to_dict()
        got.pop("created_at")
        return got

    with workers_on_any_source() as spread:
        assert report(2) == report(1)
    assert spread.called
    run(["audit", data, "-t", "label", "--jobs", "2"], 1)


@pytest.mark.parametrize("command", [["audit", "-"], ["clean", "-", "-o", "out.json"]])
def test_a_broken_json_array_on_standard_input_is_named_as_standard_input(tmp_path: Path, command: list[str]) -> None:
    broken = b'[{"a": 1, "label": "y"},\n {"a": 2 "label": "n"}]\n'
    _, err = run(command, 2, cwd=tmp_path, stdin=broken)
    assert err.strip() == "dataaudit: error: <stdin>:2:10: not valid JSON: Expecting ',' delimiter"
    assert list(tmp_path.iterdir()) == []


_LOOSE = (b'{"id": 1, "v": Infinity, "w": [NaN, "NaN", -Infinity], "s": "Infinity \\" NaN", "label": "y"}\n'
          b'{"id": 2, "v": NaN,  "w": [],   "s": "b", "label": "n"}\n'
          b'{"id": 3, "v": -Infinity, "w": {"k": NaN}, "s": "c", "label": "n"}\n'
          b'{"id": 4, "v": 2.50, "w": [1], "s": " d", "label": "y"}\n')


@pytest.mark.parametrize("missing_to_null", [True, False])
def test_a_jsonl_clean_writes_python_constants_as_strict_json(tmp_path: Path, missing_to_null: bool) -> None:
    data = tmp_path / "in.jsonl"
    data.write_bytes(_LOOSE)
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"preprocess:\n  missing_to_null: {str(missing_to_null).lower()}\n")
    out = tmp_path / "out.jsonl"
    run(["clean", data, "-t", "label", "-r", rules, "-o", out], 1)  # 4 rows fail a gate
    # as read, whatever the steps, with the constants spelled as strict JSON: the spacing of line 2,
    # and the strings holding the constants' names, stay
    assert out.read_text().splitlines() == [
        '{"id": 1, "v": 1e999, "w": [null, "NaN", -1e999], "s": "Infinity \\" NaN", "label": "y"}',
        '{"id": 2, "v": null,  "w": [],   "s": "b", "label": "n"}',
        '{"id": 3, "v": -1e999, "w": {"k": null}, "s": "c", "label": "n"}',
        '{"id": 4, "v": 2.50, "w": [1], "s": "d", "label": "y"}']
    rows = [_strict(line) for line in out.read_text().splitlines()]
    assert [row["v"] for row in rows] == [math.inf, None, -math.inf, 2.5]
    # the audits of input and output agree: NaN is a missing value (no disguised one), an
    # infinity an infinite number, as read and as written
    audit = json.loads((tmp_path / "out.manifest.json").read_text())["audit"]
    assert (audit["before"]["disguised missing cells"], audit["after"]["disguised missing cells"]) == (0, 0)
    for path in (data, out):
        found = {f.check: f.message for f in dataaudit.audit(path, target="label").findings}
        assert "holds 2 infinite numbers" in found["columns.infinite"]
        assert "1 of 4 values missing (25%): 1 null" in found["missing.column_share"]
    assert not any("v" in step["cells"] for step in json.loads((tmp_path / "out.manifest.json").read_text())["steps"])


def test_a_fine_tuning_clean_writes_python_constants_as_strict_json(tmp_path: Path) -> None:
    chat = '{"messages": [{"role": "user", "content": "%s"}, {"role": "assistant", "content": "yes"}], "score": %s}\n'
    data = tmp_path / "chat.jsonl"
    data.write_text(chat % ("NaN?", "NaN") + chat % (" Infinity?", "-Infinity") + chat % ("ok", "1.0"))
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-o", out], 1)  # 3 examples are too few
    lines = out.read_text().splitlines()
    assert lines == [(chat % ("NaN?", "null")).strip(), (chat % ("Infinity?", "-1e999")).strip(),
                     (chat % ("ok", "1.0")).strip()]
    assert [_strict(line)["score"] for line in lines] == [None, -math.inf, 1.0]


def test_a_nested_column_is_compared_as_its_json_and_known_unchanged_by_its_memory() -> None:
    from dataaudit.preprocess.base import changed_mask, handed_back

    kind = pa.list_(pa.float64())
    before = pa.array([[1.0, math.nan], None, [2.0], []], kind)
    after = pa.array([[1.0, math.nan], [], [3.0], []], kind)
    assert changed_mask(before, after).tolist() == [False, True, True, False]
    assert handed_back(before, pa.RecordBatch.from_arrays([before], ["v"]).column(0))  # NaN and all
    assert not handed_back(before, pa.array(before.to_pylist(), kind))  # equal, but NaN equals no NaN
    assert not handed_back(before, before.slice(1))


NANOSECONDS = {  # values with nanoseconds, which Python's datetime cannot hold
    "timestamp": (pa.timestamp("ns"), [1_600_000_000_000_000_001 + i * 10**12 for i in range(20)]),
    "timestamp_utc": (pa.timestamp("ns", tz="UTC"), [1_600_000_000_000_000_001 + i * 10**12 for i in range(20)]),
    "time": (pa.time64("ns"), [i * 1000 + 1 for i in range(20)]),
    "duration": (pa.duration("ns"), [i * 1000 + 1 for i in range(20)]),
    "list_of_durations": (pa.list_(pa.duration("ns")), [[i * 1000 + 1] for i in range(20)]),
}


def _installed(args: list[object]) -> str:
    """The installed command's stderr; exit 0 or 1 (a gate of 20 rows may fail), never a crash."""
    proc = subprocess.run([str(SCRIPT), *map(str, args)], capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode in (0, 1) and "Traceback" not in proc.stderr, proc.stderr
    return proc.stderr


@pytest.mark.parametrize("kind", list(NANOSECONDS))
def test_nanosecond_times_are_audited_and_cleaned_with_their_nanoseconds(tmp_path: Path, kind: str) -> None:
    """The installed command keeps pandas out until it is needed; pyarrow gives such a value
    only through pandas, and without it raised: a traceback, exit 1, for audit and clean."""
    arrow_type, values = NANOSECONDS[kind]
    data = tmp_path / "in.parquet"
    # a second feature (no id), so that a time left out of the rows' identity leaves them distinct
    table = pa.table({"t": pa.array(values, arrow_type), "x": [i * 1.5 for i in range(20)],
                      "label": ["cat", "dog"] * 10})
    pq.write_table(table, data, store_schema=True)
    _installed(["audit", data, "-t", "label"])
    for suffix in (".parquet", ".jsonl", ".csv"):
        out = tmp_path / suffix[1:] / f"out{suffix}"
        out.parent.mkdir()
        assert "20 rows written" in _installed(["clean", data, "-t", "label", "-o", out])
    assert pq.read_table(tmp_path / "parquet" / "out.parquet").column("t").equals(table.column("t"))
    first = json.loads((tmp_path / "jsonl" / "out.jsonl").read_text().splitlines()[0])["t"]
    assert {"timestamp": "2020-09-13 12:26:40.000000001", "time": "00:00:00.000000001",
            "duration": "P0DT0H0M0.000000001S"}.get(kind, first) == first


@pytest.mark.parametrize("label", [
    pa.array([b"c\xff", b"d\xfe"] * 10, pa.binary()),
    pa.array([b"c\xff", b"d\xfe"] * 10, pa.large_binary()),
    pa.array([[1], [2]] * 10, pa.list_(pa.int64())),
], ids=["bytes", "large_bytes", "lists"])
def test_labels_that_are_no_text_are_audited_and_cleaned_as_they_are(tmp_path: Path, label: pa.Array) -> None:
    """Bytes that are no UTF-8 crashed the shortcut check's classes, and lists the merge of
    label spellings (a cast to text): such labels have no spellings to merge."""
    data = tmp_path / "in.parquet"
    table = pa.table({"f": [i * 1.5 for i in range(20)], "label": label})
    pq.write_table(table, data)
    invoke(["audit", data, "-t", "label"], 0)
    invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.parquet"], 0)
    assert pq.read_table(tmp_path / "out.parquet").equals(pq.read_table(data))


def test_what_the_first_rows_decide_does_not_depend_on_how_the_data_is_cut(tmp_path: Path) -> None:
    """`x` repeats two of its values only past row 40: judged on a first chunk of 40 rows it
    looked like an id, was left out of the rows' identity, and 36 more rows became duplicates."""
    table = pa.table({"x": [*range(40), 0, 1], "f": [i % 4 for i in range(42)], "label": ["cat", "dog"] * 21})
    whole = tmp_path / "whole.parquet"
    groups = tmp_path / "groups.parquet"
    pq.write_table(table, whole)
    pq.write_table(table, groups, row_group_size=40)
    found = [sorted(f.check for f in dataaudit.audit(data, target="label").findings)
             for data in (table, pa.concat_tables([table.slice(0, 40), table.slice(40)]), whole, groups)]
    assert found[0] == found[1] == found[2] == found[3]
    assert "duplicates.features" not in found[0]


def test_the_api_gives_integers_with_nulls_back_as_integers_of_their_width(tmp_path: Path) -> None:
    """Only int64 and int8 were kept: an int16 or uint64 column with a null came back as floats,
    and 2**64 - 1 as 2**64."""
    big = [None if i == 3 else 2**64 - 1 - i for i in range(20)]
    table = pa.table({"u": pa.array(big, pa.uint64()), "s": pa.array([None, *range(19)], pa.int16()),
                      "label": ["cat", "dog"] * 10})
    data = dataaudit.clean(table, target="label").data
    assert [str(data[c].dtype) for c in ("u", "s")] == ["UInt64", "Int16"]
    assert [None if v is pd.NA else int(v) for v in data["u"]] == big


@pytest.mark.parametrize("kind", [pa.time64("ns"), pa.list_(pa.time64("ns"))], ids=["time", "list_of_times"])
def test_the_api_gives_times_of_day_in_nanoseconds_back_with_their_nanoseconds(kind: pa.DataType) -> None:
    """pandas' times hold microseconds: converting raised on a value with more."""
    values = [i * 1000 + 1 for i in range(20)]
    column = pa.array([[v] for v in values] if pa.types.is_list(kind) else values, kind)
    table = pa.table({"t": column, "f": [i * 1.5 for i in range(20)], "label": ["cat", "dog"] * 10})
    data = dataaudit.clean(table, target="label").data
    assert pa.Table.from_pandas(data, preserve_index=False).column("t").equals(table.column("t"))


def test_a_frame_column_of_lists_of_mixed_types_is_audited_as_text() -> None:
    """Arrow cannot type such a column, so it is read as text; the test of a missing cell asked
    `pd.isna` of a whole list, which answers per element and raised."""
    frame = pd.DataFrame({"m": [[i, "a"] for i in range(19)] + [None], "label": ["cat", "dog"] * 10})
    report = dataaudit.audit(frame, target="label")
    (column,) = [c for c in report.profile.columns if c.name == "m"]
    assert (report.dataset.rows, column.nulls, column.type) == (20, 1, "text")


@pytest.mark.parametrize("column", [
    pa.array([pa.MonthDayNano([i, 2, 3]) for i in range(20)], pa.month_day_nano_interval()),
    pa.array([["a", str(i)] for i in range(20)], pa.list_(pa.string_view())),
], ids=["interval", "list_of_string_views"])
def test_a_table_of_types_no_file_holds_is_audited_and_cleaned(column: pa.Array) -> None:
    """An interval has no cast to text (the value table's dates crashed on it), and pandas no
    string views (the cleaned frame crashed on a list of them)."""
    table = pa.table({"c": column, "f": [i * 1.5 for i in range(20)], "label": ["cat", "dog"] * 10})
    assert dataaudit.audit(table, target="label").dataset.rows == 20
    assert len(dataaudit.clean(table, target="label").data) == 20


def test_a_half_precision_sentinel_is_nulled(tmp_path: Path) -> None:
    """Arrow compares no float16 values: the clean finds the nulled sentinels without comparing."""
    data = tmp_path / "in.parquet"
    pq.write_table(pa.table({"f": pa.array([-999, 1, 2, 2, 3, 4] * 5, pa.float16()), "x": [str(i) for i in range(30)],
                             "label": ["a", "b", "c"] * 10}), data)
    out = tmp_path / "out.parquet"
    invoke(["clean", data, "-t", "label", "-o", out], 1)  # a gate failed: 30 rows are few
    written = pq.read_table(out).column("f")
    assert written.type == pa.float16() and written.null_count == 5


def test_the_api_gives_a_frame_with_nothing_to_clean_back_as_it_was() -> None:
    """Every integer column came back as pandas' nullable type (`Int64` for numpy's int64), so
    that a frame with nothing to clean was no longer equal to itself, and an empty quarantine
    held every column as text; a column a step gives a missing value (the sentinel -999) becomes
    the nullable type, and one the frame held so stays."""
    n = 40
    frame = pd.DataFrame({
        "i": np.arange(n), "i32": np.arange(n, dtype="int32"), "u8": np.arange(n, dtype="uint8"),
        "f": np.arange(n) * 1.5, "s": [f"s{i}" for i in range(n)], "b": [True, False] * 20,
        "c": pd.Categorical(["u", "v"] * 20), "d": pd.date_range("2020-01-01", periods=n),
        "nullable": pd.array(range(n), dtype="Int64"), "label": ["cat", "dog"] * 20,
    })
    result = dataaudit.clean(frame, target="label")
    pd.testing.assert_frame_equal(result.data, frame)
    # no row quarantined: an empty frame of the same columns and types, then `_row` and `_reason`
    assert len(result.quarantine) == 0
    held = result.quarantine.dtypes.drop(["_row", "_reason"])
    assert held.astype(str).to_dict() == frame.dtypes.astype(str).to_dict()
    with_sentinel = frame.assign(i=[-999, *range(1, n)])
    data = dataaudit.clean(with_sentinel, target="label").data
    assert str(data["i"].dtype) == "Int64" and data["i"].isna().tolist() == [True] + [False] * (n - 1)
    pd.testing.assert_frame_equal(data.drop(columns="i"), frame.drop(columns="i"))


def test_a_sentinel_among_integers_past_two_to_the_53_is_nulled_and_the_others_kept(tmp_path: Path) -> None:
    """The sentinel test cast the column to floats, which Arrow refuses past 2**53: every clean
    of such a column beside a -999 stopped with a traceback."""
    big = 2**53 + 1
    table = pa.table({"c": pa.array([-999, big, 5] * 10, pa.int64()),
                      "u": pa.array([2**64 - 1, 3, 7] * 10, pa.uint64()),
                      "x": [i * 1.1 for i in range(30)], "label": ["cat", "dog"] * 15})
    data = tmp_path / "ids.parquet"
    pq.write_table(table, data)
    out = tmp_path / "out.parquet"
    run(["clean", data, "-t", "label", "-o", out], 1)  # 30 rows: the size gate fails
    written = pq.read_table(out)
    assert written.column("c").to_pylist() == [None, big, 5] * 10
    assert written.column("u").equals(table.column("u"))
    steps = {s["step"]: s for s in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    assert steps["missing_to_null"]["cells"] == {"c": 10}
