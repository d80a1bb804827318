"""A JSON Lines value's type is part of the cell: `1` and `"1"`, `true` and `"true"`, `2.0` and
`"2.0"`, `[1]` and `"[1]"` are different cells to duplicates, feature duplicates, label
conflicts, split leakage and the clean, which agree; a null and a missing key are one cell; a
JSON number is the same cell as the CSV cell spelling it."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.io import open_source
from dataaudit.io.json_strings import string_cells, with_string_cells
from dataaudit.preprocess.clean import clean_files
from dataaudit.runner import audit
from tests.cli_helpers import RUNNERS, Runner, audit_report, invoke

NO_VALUE_STEPS = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
                  "drop_constant_columns: false, drop_empty_columns: false}\n")
#: JSON values that are no string, each beside the string of the text the reader makes of it
TYPED = ["1", "-0", "2.0", "1E+03", "1e999", "true", "false", "[1]", '{"k": 1}', "12345678901234567890"]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


def _lines(records: list[dict]) -> list[str]:
    return [json.dumps(record) for record in records]


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "no-value-steps.yaml"
    pack.write_text(NO_VALUE_STEPS)
    return pack


def _pairs(texts: list[str]) -> list[str]:
    """For each text, a line holding the JSON value it spells and one holding it as a string,
    the other cells alike."""
    return [f'{{"a": {value}, "b": "x{i}", "y": "p"}}' for i, text in enumerate(texts)
            for value in (text, json.dumps(text))]


def _checks(report: dict) -> dict[str, dict]:
    return {finding["check"]: finding for finding in report["findings"]}


@pytest.mark.parametrize("runner", RUNNERS)
def test_records_differing_in_a_value_type_are_no_duplicates(runner: Runner, tmp_path: Path) -> None:
    records = [*_pairs(TYPED), _pairs(TYPED)[0]]  # one true repeat
    data = _write(tmp_path / "kinds.jsonl", records)
    checks = _checks(audit_report(runner, [data, "-t", "y"], tmp_path))
    assert checks["duplicates.rows"]["examples"] == [len(records) - 1]
    assert "labels.conflicts" not in checks


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_label_conflict_needs_the_same_value_types(runner: Runner, tmp_path: Path) -> None:
    data = _write(tmp_path / "labels.jsonl", _lines([{"a": 1, "y": "p"}, {"a": "1", "y": "q"},
                                                     {"a": True, "y": "p"}, {"a": True, "y": "q"}]))
    checks = _checks(audit_report(runner, [data, "-t", "y"], tmp_path))
    assert checks["labels.conflicts"]["observed"] == 0.5  # the two `true` rows alone


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_keeps_records_differing_in_a_value_type(runner: Runner, tmp_path: Path) -> None:
    records = [*_pairs(TYPED), _pairs(TYPED)[1]]
    data = _write(tmp_path / "kinds.jsonl", records)
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-t", "y", "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    assert out.read_text(encoding="utf-8").splitlines() == records[:-1]
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(q["_row"], q["_reason"]) for q in quarantined] == [(len(records) - 1, "duplicate")]
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["rows"]["in"] == manifest["rows"]["out"] + manifest["rows"]["quarantined"]
    after = _checks(audit_report(runner, [out, "-t", "y"], tmp_path))
    assert "duplicates.rows" not in after


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("text", ["1", "true", "[1]"])
def test_a_column_of_one_text_in_two_types_is_no_constant(runner: Runner, tmp_path: Path, text: str) -> None:
    """`1` beside `"1"` are two values, which tell their rows apart: a column holding both is no
    constant to the audit, and the clean keeps it, where dropping it made two rows one and its
    output failed on the duplicate it had written."""
    records = [f'{{"id": 0, "x": {text}, "y": "a"}}', f'{{"id": 0, "x": {json.dumps(text)}, "y": "a"}}',
               f'{{"id": 1, "x": {text}, "y": "b"}}', '{"id": 2, "x": "NA", "y": "c"}']
    data = _write(tmp_path / "mixed.jsonl", records)
    assert "columns.constant" not in _checks(audit_report(runner, [data], tmp_path))
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-o", out], 1)  # four rows are too few
    assert [json.loads(line)["x"] for line in out.read_text().splitlines()] == [json.loads(text), text,
                                                                              json.loads(text), None]
    assert "duplicates.rows" not in _checks(audit_report(runner, [out], tmp_path))


@pytest.mark.parametrize("jobs", [1, 2])
def test_one_type_of_a_text_beside_a_missing_token_is_still_a_constant(tmp_path: Path, jobs: int) -> None:
    """A string the missing-value tokens name (`"NA"`) is no value, and a column's strings that
    are each one chunk's own still meet the numbers of the others."""
    constant = _write(tmp_path / "one.jsonl", _lines([{"x": 1, "y": "a"}, {"x": "NA", "y": "b"}, {"x": 1, "y": "c"}]))
    assert [f.check for f in audit(constant, chunk_rows=1, jobs=jobs).findings if f.column == "x"] == [
        "missing.column_share", "columns.constant"]
    mixed = _write(tmp_path / "two.jsonl", _lines([{"x": 1, "y": "a"}, {"x": 1, "y": "b"}, {"x": "1", "y": "c"}]))
    assert audit(mixed, chunk_rows=1, jobs=jobs).profile.json_mixed == ["x"]


def test_a_null_and_a_missing_key_are_one_cell(tmp_path: Path) -> None:
    data = _write(tmp_path / "nulls.jsonl", _lines([{"a": None, "y": "p"}, {"y": "p"}, {"a": "null", "y": "p"}]))
    duplicates = audit(data, "y").profile.duplicates
    assert (duplicates.exact_rows, duplicates.exact_examples[0][0]) == (1, 1)


def test_a_json_number_is_the_csv_cell_spelling_it_and_a_json_string_of_it_is_not(tmp_path: Path) -> None:
    """Across splits a JSON number leaks into a CSV split holding it as a cell, as a Parquet
    number does; a JSON string is kept apart from the number it spells there as in its own file."""
    train = _write(tmp_path / "train.jsonl", _lines([{"a": 5, "b": "cat", "y": "p"}, {"a": "7", "b": "dog", "y": "p"}]))
    test = tmp_path / "test.csv"
    test.write_text("a,b,y\n5,cat,p\n7,dog,p\n")
    leakage = _checks(audit_report(invoke, [train, "-t", "y", "--split", f"test={test}"], tmp_path))
    assert leakage["splits.leakage"]["observed"] == 0.5


@pytest.mark.parametrize("jobs", [1, 2])
def test_the_chunks_and_workers_keep_each_batch_s_strings(tmp_path: Path, jobs: int) -> None:
    """The notes are per batch: small chunks, profiled in workers too, find the one repeat."""
    data = _write(tmp_path / "kinds.jsonl", [*_pairs(TYPED), _pairs(TYPED)[0]])
    duplicates = audit(data, "y", chunk_rows=3, jobs=jobs).profile.duplicates
    assert (duplicates.exact_rows, duplicates.feature_rows, duplicates.conflict_rows) == (1, 1, 0)


def test_only_the_jsonl_reader_notes_strings_and_a_note_is_its_batch_s(tmp_path: Path) -> None:
    """A CSV's cells are text, none noted, so its rows hash as they always have."""
    table = tmp_path / "t.csv"
    table.write_text('a,b\n1,x\n"1",y\n')
    lines = _write(tmp_path / "t.jsonl", ['{"a": 1, "b": "x", "c": true}', '{"a": "1", "b": null}'])
    assert [string_cells(batch) for batch in open_source(table).batches()] == [{}]
    [noted] = [string_cells(batch) for batch in open_source(lines).batches()]
    assert {name: cells.tolist() for name, cells in noted.items()} == {"a": [False, True], "b": [True, False]}
    batch = pa.record_batch({"a": ["1", "x"]})
    noted = with_string_cells(batch, {"a": [False, True]})
    assert string_cells(noted)["a"].tolist() == [False, True]
    assert with_string_cells(noted, {}).schema.equals(batch.schema, check_metadata=True)
    with pytest.raises(ValueError, match="for 2 rows on a batch of 1"):
        string_cells(noted.slice(1))


_VALUES = st.one_of(st.integers(-10**20, 10**20), st.booleans(), st.lists(st.integers(0, 3), max_size=2),
                    st.floats(allow_nan=False, allow_infinity=False))


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(values=st.lists(_VALUES, min_size=1, max_size=8), repeats=st.lists(st.integers(0, 15), max_size=4),
       chunk_rows=st.integers(1, 7))
def test_only_repeats_with_the_same_types_are_duplicates(tmp_path: Path, values: list, repeats: list[int],
                                                         chunk_rows: int) -> None:
    """Records differing only in a value's JSON type are never duplicates; the audit and the clean
    find the same repeats, and every row is written or quarantined."""
    records = [record for value in values
               for record in ({"a": value, "y": "p"}, {"a": json.dumps(value), "y": "p"})]
    records += [records[i % len(records)] for i in repeats]
    lines = _lines(records)
    data = _write(tmp_path / "prop.jsonl", lines)
    expected = [i for i, line in enumerate(lines) if line in lines[:i]]
    assert audit(data, "y", chunk_rows=chunk_rows).profile.duplicates.exact_rows == len(expected)
    run = clean_files(data, tmp_path / "out.jsonl", target="y", rules=_pack(tmp_path), chunk_rows=chunk_rows,
                      allow_large_quarantine=True, force=True)
    rows = run.manifest["rows"]
    assert rows["in"] == rows["out"] + rows["quarantined"] == len(records)
    quarantined = [json.loads(line)["_row"] for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert quarantined == expected


@pytest.mark.parametrize("tokens", [(), ("-999",)], ids=["audit-hashes-reused", "every-row-hashed"])
def test_a_string_a_step_rewrote_stays_a_string(tmp_path: Path, tokens: tuple[str, ...]) -> None:
    """Trimmed, `" x"` is `"x"`; the string `"1"` beside it is still no number `1`, whether the
    clean takes the audit's hashes of the rows no step rewrote or hashes every row (a token
    spelled as a number)."""
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"missing_values: {{tokens: {list(tokens)}}}\n")
    data = _write(tmp_path / "rw.jsonl", ['{"a": "1", "b": "x", "y": 0}', '{"a": 1, "b": " x", "y": 0}',
                                           '{"a": "1", "b": " x", "y": 0}', '{"a": true, "b": "x ", "y": 0}',
                                           '{"a": "true", "b": "x", "y": 0}'])
    out = tmp_path / "out.jsonl"
    run = clean_files(data, out, target="y", rules=pack, allow_large_quarantine=True)
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(q["_row"], q["_reason"]) for q in quarantined] == [(2, "duplicate")]
    assert run.report.profile.duplicates.exact_rows == 0


@pytest.mark.parametrize(("rules", "cells", "written"),
                         [("preprocess: {coerce_numeric: true}\n", ["3", "4"], [3.0, 4.0]),
                          ("preprocess: {encode: {method: ordinal}}\n", ["u", "v"], [0, 1])],
                         ids=["coerce_numeric", "ordinal"])
def test_a_step_that_makes_a_column_of_strings_other_than_text_is_hashed_by_value(
        tmp_path: Path, rules: str, cells: list[str], written: list) -> None:
    """Coerced to numbers or encoded, a column of JSON strings holds no string any more: the
    row identities, before the writing pass and in the after audit, hash the step's values
    instead of reading the column's cells as text."""
    pack = tmp_path / "pack.yaml"
    pack.write_text(rules)
    records = [{"a": cells[0], "b": "x", "y": "p"}, {"a": cells[1], "b": "x", "y": "q"},
               {"a": cells[0], "b": "x", "y": "p"}]
    data = _write(tmp_path / "s.jsonl", _lines(records))
    out = tmp_path / "out.jsonl"
    run = clean_files(data, out, target="y", rules=pack, allow_large_quarantine=True)
    assert [json.loads(line)["a"] for line in out.read_text(encoding="utf-8").splitlines()] == written
    assert (run.manifest["rows"]["in"], run.manifest["rows"]["out"], run.manifest["rows"]["quarantined"]) == (3, 2, 1)


def test_a_json_string_in_brackets_that_no_json_value_reads_as_is_the_csv_cell_spelling_it(tmp_path: Path) -> None:
    """`"[citation needed]"` and `"{draft}"` are no object's or array's JSON: text, as the CSV
    cells spelling them are, and rows holding them leak across splits; the string `"[1]"` is
    the text the array `[1]` reads as, kept apart."""
    train = _write(tmp_path / "train.jsonl", _lines([{"b": "[citation needed]", "y": "p"}, {"b": "{draft}", "y": "p"},
                                                    {"b": "[1]", "y": "p"}, {"b": "cat", "y": "p"}]))
    test = tmp_path / "test.csv"
    test.write_text('b,y\n[citation needed],p\n{draft},p\n[1],p\ndog,p\n')
    leakage = _checks(audit_report(invoke, [train, "-t", "y", "--split", f"test={test}"], tmp_path))
    assert leakage["splits.leakage"]["observed"] == 0.5
