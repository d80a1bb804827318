"""`dataaudit clean --redact` inside nested values: a Parquet list, struct or map column and a
JSON Lines object or array keep their type, shape, nulls and every other value; each string
leaf is redacted where it sits and counted under its column. And the steps leave a JSON Lines
object or array column as they leave a Parquet list: no trimming, no text fill, no one-hot."""

from __future__ import annotations

import json
import math
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.io.nested import json_text
from dataaudit.pii.json_strings import redact_json
from dataaudit.pii.redact import ALL_KINDS, redact
from dataaudit.preprocess.redact import TableRedaction
from tests.cli_helpers import invoke, run

EMAIL, PHONE = "jane.doe12@gmail.com", "(212) 555-0147"
SAY_EMAIL, SAY_PHONE = f"my mail is {EMAIL}, answer soon", f"please call me at {PHONE} about the parcel"
CLEAN = "nothing to hide in this sentence at all"


def _rows(n: int) -> list[dict[str, Any]]:
    """Rows whose nested values hold an email or a phone number in some strings, beside
    numbers (a NaN too), booleans, nulls at every level and strings without any."""
    rows = []
    for i in range(n):
        rows.append({
            "id": i,
            "label": "ab"[i % 2],
            "tags": None if i % 5 == 0 else [f"tag {i}", SAY_EMAIL if i % 2 else CLEAN, None],
            "meta": None if i % 7 == 3 else {"note": SAY_PHONE if i % 3 == 0 else CLEAN, "score": i / 4,
                                             "ratio": math.nan if i % 4 == 0 else 1.5, "ok": i % 2 == 0},
            "deep": [{"who": SAY_EMAIL, "marks": [i, None, 2]}, None, {"who": None, "marks": []}],
            "attrs": [("contact", SAY_EMAIL if i % 2 else CLEAN), ("n", str(i))],
        })
    return rows


NESTED_SCHEMA = pa.schema([
    ("id", pa.int64()), ("label", pa.string()),
    ("tags", pa.list_(pa.string())),
    ("meta", pa.struct([("note", pa.string()), ("score", pa.float64()), ("ratio", pa.float64()),
                        ("ok", pa.bool_())])),
    ("deep", pa.list_(pa.struct([("who", pa.string()), ("marks", pa.large_list(pa.int32()))]))),
    ("attrs", pa.map_(pa.string(), pa.string())),
])
TEXT_COLUMNS = ["tags", "meta", "deep", "attrs"]


def _placeholders(value: Any) -> Any:
    """`value` with each planted value replaced by its placeholder in every string within."""
    if isinstance(value, str):
        return value.replace(EMAIL, "[EMAIL]").replace(PHONE, "[PHONE]")
    if isinstance(value, dict):
        return {key: _placeholders(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_placeholders(item) for item in value]
    if isinstance(value, tuple):  # a map's entry: the key is kept
        return (value[0], _placeholders(value[1]))
    return value


def _same(a: Any, b: Any) -> bool:
    """Equal values, a NaN equal to a NaN."""
    if isinstance(a, float) and isinstance(b, float) and math.isnan(a) and math.isnan(b):
        return True
    if isinstance(a, dict) and isinstance(b, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return type(a) is type(b) and len(a) == len(b) and all(_same(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and a == b


def _expected_counts(rows: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    text = {name: json.dumps([row[name] for row in rows], default=str) for name in TEXT_COLUMNS}
    counts: dict[str, dict[str, int]] = {}
    for name, dumped in text.items():
        for kind, value in (("email", EMAIL), ("phone", PHONE)):
            if dumped.count(value):
                counts.setdefault(kind, {})[name] = dumped.count(value)
    return counts


def _manifest(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text("utf-8"))


def test_a_parquet_file_s_nested_columns_are_redacted_in_their_string_leaves(tmp_path: Path) -> None:
    rows = _rows(30)
    source, out = tmp_path / "nested.parquet", tmp_path / "out.parquet"
    pq.write_table(pa.Table.from_pylist(rows, schema=NESTED_SCHEMA), source)
    columns = [arg for name in TEXT_COLUMNS for arg in ("--text-column", name)]
    invoke(["clean", source, "-t", "label", *columns, "--redact", "pii", "-o", out, "-q"], 1)
    written = pq.read_table(out)
    assert written.schema == NESTED_SCHEMA  # every list, struct and map as the input stores it
    assert written.num_rows == 30
    for before, after in zip(rows, written.to_pylist(), strict=True):
        assert _same(after, _placeholders(before)), (before, after)
    manifest = _manifest(tmp_path / "out.manifest.json")
    # the map's `contact` entries are values: redacted; its keys are no value found
    expected = _expected_counts(rows)
    assert expected["email"]["attrs"] == 15 and expected["phone"] == {"meta": 8}
    assert manifest["redactions"] == expected
    assert manifest["rows"] == {"in": 30, "out": 30, "quarantined": 0, "redacted": 30}
    step = manifest["steps"][-1]
    assert step["step"] == "redact" and step["rows_changed"] == 30 and step["notes"] == []
    assert step["cells"] == {"attrs": 15, "deep": 30, "meta": 8, "tags": 12}


def test_a_dictionary_field_in_a_struct_over_row_groups_is_read_and_redacted(tmp_path: Path) -> None:
    """Each row group holds a dictionary of its own: pyarrow reads none past its row group's end,
    so the file is read a row group at a time, its rows all audited, cleaned and written."""
    source, out = tmp_path / "ds.parquet", tmp_path / "o.parquet"
    field = pa.array([f"write to ann{i}@corp.io" for i in range(6)]).dictionary_encode()
    meta = pa.StructArray.from_arrays([field, pa.array(range(6))], names=["d", "n"])
    pq.write_table(pa.table({"meta": meta, "y": pa.array(["p", "q"] * 3)}), source, row_group_size=2)
    stdout, _ = invoke(["audit", source, "-t", "y", "--format", "json"], 1)
    assert json.loads(stdout)["dataset"]["rows"] == 6
    invoke(["clean", source, "-t", "y", "--text-column", "meta", "--redact", "pii", "-o", out, "-q"], 1)
    written = pq.read_table(out)
    assert written.schema == pq.read_schema(source)
    assert written["meta"].to_pylist() == [{"d": "write to [EMAIL]", "n": i} for i in range(6)]


def test_the_installed_command_redacts_a_jsonl_table_s_objects_and_arrays_as_json(tmp_path: Path) -> None:
    """An object or array cell is written back as one, its numbers and escapes as the line wrote
    them; a line without a value found is written back as it was, to the byte."""
    lines = []
    for i in range(24):
        meta = f'{{"note": {json.dumps(SAY_PHONE if i % 3 == 0 else CLEAN)}, "score": 2.50, "n": {i}}}'
        tags = f'["caf\\u00e9 {i}", {json.dumps(SAY_EMAIL if i % 4 == 1 else CLEAN)}, null, true, 1E+03]'
        lines.append(f'{{"id": {i},  "meta": {meta}, "tags": {tags}, "label": "{"ab"[i % 2]}"}}\n')
    source, out = tmp_path / "t.jsonl", tmp_path / "o.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    run(["clean", source, "-t", "label", "--text-column", "meta", "--text-column", "tags", "--redact", "pii",
         "-o", out, "-q"], 1)
    written = out.read_text("utf-8").splitlines(keepends=True)
    assert len(written) == 24
    for i, (line_in, line_out) in enumerate(zip(lines, written, strict=True)):
        if i % 3 and i % 4 != 1:
            assert line_out == line_in
            continue
        record_in, record_out = json.loads(line_in), json.loads(line_out)
        assert record_out == _placeholders(record_in)
        assert isinstance(record_out["meta"], dict) and isinstance(record_out["tags"], list)
        assert '"score": 2.50' in line_out and '"caf\\u00e9' in line_out and "1E+03" in line_out
    manifest = _manifest(tmp_path / "o.manifest.json")
    assert manifest["redactions"] == {"email": {"tags": 6}, "phone": {"meta": 8}}
    assert manifest["rows"]["in"] == manifest["rows"]["out"] + manifest["rows"]["quarantined"] == 24
    assert manifest["rows"]["redacted"] == sum(1 for i in range(24) if i % 3 == 0 or i % 4 == 1)


def test_a_jsonl_object_column_cleaned_to_parquet_is_its_redacted_json_text(tmp_path: Path) -> None:
    """The object's values are redacted in its JSON text, its keys kept whole and named in the
    redact row's notes, not cut as a string's text would be."""
    source, out = tmp_path / "t.jsonl", tmp_path / "o.parquet"
    meta = {EMAIL: "seen", "note": SAY_EMAIL}
    source.write_text("".join(f'{{"meta": {json.dumps({**meta, "n": i})}, "label": "{"ab"[i % 2]}"}}\n'
                              for i in range(6)), encoding="utf-8")
    invoke(["clean", source, "-t", "label", "--text-column", "meta", "--redact", "pii", "-o", out, "-q"], 1)
    texts = pq.read_table(out)["meta"].to_pylist()
    assert [json.loads(text) for text in texts] == [{EMAIL: "seen", "note": "my mail is [EMAIL], answer soon", "n": i}
                                                    for i in range(6)]
    step = _manifest(tmp_path / "o.manifest.json")["steps"][-1]
    assert step["step"] == "redact" and step["cells"] == {"meta": 6}
    assert step["notes"] == ["keys holding personal data or secrets left as they are (a key is kept whole): meta"]


def test_a_string_in_a_column_that_also_holds_arrays_stays_a_string(tmp_path: Path) -> None:
    source, out = tmp_path / "t.jsonl", tmp_path / "o.jsonl"
    cells = [json.dumps([SAY_EMAIL]), json.dumps(SAY_EMAIL), json.dumps(json.dumps({"k": SAY_EMAIL})), "[]"]
    source.write_text("".join(f'{{"v": {cell}, "label": "{"ab"[i % 2]}"}}\n' for i, cell in enumerate(cells)),
                      encoding="utf-8")
    invoke(["clean", source, "-t", "label", "--text-column", "v", "--redact", "pii", "-o", out, "-q"], 1)
    values = [json.loads(line)["v"] for line in out.read_text("utf-8").splitlines()]
    redacted = "my mail is [EMAIL], answer soon"
    assert values == [[redacted], redacted, json.dumps({"k": redacted}), []]


def test_a_key_written_twice_in_an_object_is_redacted_and_counted_in_both_its_values(tmp_path: Path) -> None:
    """JSON keeps the last of two equal keys, and so does the reader's text of an object; the
    line written back holds both: each value is redacted there and counted, in a row whose
    reader's text holds no value found too."""
    lines = ['{"id": 1, "m": {"a": "ann@corp.io", "a": "fine"}, "label": "a"}\n',
             '{"id": 2, "m": {"who": "first ann@corp.io", "who": "second tom@corp.io"}, "label": "b"}\n',
             '{"id": 3, "m": {"a": "fine"}, "label": "a"}\n']
    source, out = tmp_path / "t.jsonl", tmp_path / "o.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    invoke(["clean", source, "-t", "label", "--text-column", "m", "--redact", "pii", "-o", out, "-q"], 1)
    assert out.read_text("utf-8").splitlines(keepends=True) == [
        '{"id": 1, "m": {"a": "[EMAIL]", "a": "fine"}, "label": "a"}\n',
        '{"id": 2, "m": {"who": "first [EMAIL]", "who": "second [EMAIL]"}, "label": "b"}\n', lines[2]]
    manifest = _manifest(tmp_path / "o.manifest.json")
    assert manifest["redactions"] == {"email": {"m": 3}}
    assert manifest["rows"]["redacted"] == 2
    assert manifest["steps"][-1]["cells"] == {"m": 2}


def test_the_steps_leave_a_jsonl_array_column_and_say_so(tmp_path: Path) -> None:
    """Unicode folding, a most frequent text fill and one-hot encoding would each rewrite an
    array's JSON text, or write it back as a string."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("preprocess:\n  normalize_unicode: true\n  impute: {categorical: most_frequent}\n"
                     "  encode: {method: onehot}\n", encoding="utf-8")
    lines = ['{"tags": ["ｒｅｄ", "b"], "c": "x", "label": "p"}\n',
             '{"tags": null, "c": "y", "label": "q"}\n',
             '{"tags": ["ｒｅｄ", "b"],  "c": null, "label": "p"}\n',
             '{"tags": [{"k": 2.50}], "c": "x", "label": "q"}\n']
    source, out = tmp_path / "t.jsonl", tmp_path / "o.jsonl"
    source.write_text("".join(lines), encoding="utf-8")
    invoke(["clean", source, "-t", "label", "--rules", rules, "-o", out, "-q"], 1)  # 4 rows fail the size checks
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["tags"] for r in records] == [["ｒｅｄ", "b"], None, ["ｒｅｄ", "b"], [{"k": 2.5}]]
    assert all("tags=" not in key for r in records for key in r)
    assert '"tags": [{"k": 2.50}]' in out.read_text("utf-8")
    note = "nested values (lists, structs) left as they are: tags"
    steps = {s["step"]: s for s in _manifest(tmp_path / "o.manifest.json")["steps"]}
    assert all(note in steps[name]["notes"] for name in ("normalize_text", "impute", "encode"))
    assert "tags" not in steps["impute"]["cells"] and "tags" not in steps["encode"]["cells"]


@pytest.mark.parametrize("suffix", [".jsonl", ".parquet"])
def test_a_string_that_reads_as_json_is_redacted_as_text_beside_arrays(tmp_path: Path, suffix: str) -> None:
    """A string is text wherever its column holds arrays too: a value in what reads as a key of
    it is replaced, as in a column of strings alone, and no key is said to be kept."""
    source, out = tmp_path / "t.jsonl", tmp_path / f"o{suffix}"
    cells = [json.dumps(json.dumps({EMAIL: "hi"})), json.dumps([SAY_EMAIL]), json.dumps("[1, 2]")]
    source.write_text("".join(f'{{"v": {cell}, "label": "{"ab"[i % 2]}"}}\n' for i, cell in enumerate(cells)),
                      encoding="utf-8")
    invoke(["clean", source, "-t", "label", "--text-column", "v", "--redact", "pii", "-o", out, "-q"], 1)
    if suffix == ".jsonl":
        values = [json.loads(line)["v"] for line in out.read_text("utf-8").splitlines()]
        assert values == ['{"[EMAIL]": "hi"}', ["my mail is [EMAIL], answer soon"], "[1, 2]"]
    else:
        assert pq.read_table(out)["v"].to_pylist() == ['{"[EMAIL]": "hi"}', '["my mail is [EMAIL], answer soon"]',
                                                      "[1, 2]"]
    step = _manifest(tmp_path / "o.manifest.json")["steps"][-1]
    assert step["notes"] == [] and step["cells"] == {"v": 2}


def test_a_state_fitted_where_a_column_held_strings_leaves_another_split_s_objects(tmp_path: Path) -> None:
    """Which columns hold objects or arrays is a fact of the file cleaned: a state fitted on a
    split whose `m` held strings alone leaves the next split's `m`, which holds objects and
    arrays, as written (not a string of its folded JSON), and no change is reported that the
    file does not hold; the saved state names no such column."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("preprocess:\n  normalize_unicode: true\n", encoding="utf-8")
    train, valid = tmp_path / "tr.jsonl", tmp_path / "va.jsonl"
    train.write_text('{"m": "ｒｅｄ a", "y": "p"}\n{"m": "b", "y": "q"}\n{"m": "c", "y": "p"}\n', encoding="utf-8")
    lines = ['{"m": ["ｒｅｄ", 2.50], "y": "p"}\n', '{"m": {"k": "ｂ"}, "y": "q"}\n', '{"m": "ｃ", "y": "p"}\n']
    valid.write_text("".join(lines), encoding="utf-8")
    state = tmp_path / "fit.json"
    invoke(["clean", train, "-t", "y", "-r", rules, "-o", tmp_path / "tro.jsonl", "--save-fitted", state, "-q"], 1)
    assert all("nested" not in step["params"] for step in json.loads(state.read_text("utf-8"))["steps"])
    out = tmp_path / "vao.jsonl"
    invoke(["clean", valid, "-t", "y", "-r", rules, "-o", out, "--fitted", state, "--redact", "pii", "-q"], 1)
    assert out.read_text("utf-8").splitlines(keepends=True) == lines  # as a state fitted on it leaves them
    steps = {s["step"]: s for s in _manifest(tmp_path / "vao.manifest.json")["steps"]}
    assert steps["normalize_text"]["rows_changed"] == 0
    assert "nested values (lists, structs) left as they are: m" in steps["normalize_text"]["notes"]


def test_a_state_given_to_a_clean_is_not_told_its_file_s_columns(tmp_path: Path) -> None:
    """A `Fitted` given through the API is not changed by the clean it serves: two cleans
    sharing one state (threads of a pipeline) each see their own file's object columns."""
    rules = tmp_path / "rules.yaml"
    rules.write_text("preprocess:\n  normalize_unicode: true\n", encoding="utf-8")
    train, valid = tmp_path / "tr.jsonl", tmp_path / "va.jsonl"
    train.write_text('{"m": "a", "y": "p"}\n{"m": "b", "y": "q"}\n', encoding="utf-8")
    valid.write_text('{"m": ["ｒｅｄ"], "y": "p"}\n{"m": "ｃ", "y": "q"}\n', encoding="utf-8")
    state = dataaudit.clean(train, target="y", rules=rules).fitted
    dataaudit.clean(valid, target="y", rules=rules, fitted=state)
    assert all(step.nested == () for step in state.steps)


def _batch_of(value: pa.Array) -> pa.RecordBatch:
    return pa.RecordBatch.from_arrays([value], names=["v"])


def test_a_map_key_holding_a_value_and_a_union_column_are_named_in_the_notes() -> None:
    redaction = TableRedaction(ALL_KINDS, ("keys", "union"))
    keys = pa.array([[(EMAIL, SAY_EMAIL)], [("n", CLEAN)]], pa.map_(pa.string(), pa.string()))
    union = pa.UnionArray.from_sparse(pa.array([0, 1], pa.int8()),
                                      [pa.array([SAY_EMAIL, None]), pa.array([None, 1], pa.int64())])
    batch = pa.RecordBatch.from_arrays([keys, union], names=["keys", "union"])
    out, _ = redaction.apply(batch)
    assert out.column("keys").to_pylist() == [[(EMAIL, "my mail is [EMAIL], answer soon")], [("n", CLEAN)]]
    assert out.column("union").to_pylist() == union.to_pylist()
    assert redaction.notes == ["keys holding personal data or secrets left as they are (a key is kept whole): keys",
                               "not redacted, a layout (a union, a list view) that cannot be rebuilt: union"]
    assert redaction.manifest() == {"email": {"keys": 1}}


def test_a_sliced_list_is_redacted_in_its_own_rows() -> None:
    values = pa.array([[SAY_EMAIL], [CLEAN, SAY_PHONE], None, [SAY_EMAIL, SAY_EMAIL]]).slice(1)
    redaction = TableRedaction(ALL_KINDS, ("v",))
    out, _ = redaction.apply(_batch_of(values))
    assert out.column("v").to_pylist() == [[CLEAN, "please call me at [PHONE] about the parcel"], None,
                                           ["my mail is [EMAIL], answer soon"] * 2]
    assert redaction.manifest() == {"email": {"v": 2}, "phone": {"v": 1}}
    assert redaction.rows == 2


_TEXTS = st.one_of(st.sampled_from([SAY_EMAIL, SAY_PHONE, CLEAN, "", "caf\u00e9 \\ \"q\""]), st.text(max_size=12))
_LEAVES = st.one_of(st.none(), st.booleans(), st.integers(-10**6, 10**6), st.floats(allow_nan=False), _TEXTS)
_JSON = st.recursive(_LEAVES, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                      st.dictionaries(st.text(max_size=5), inner, max_size=4)),
                     max_leaves=12)


def _shape(value: Any, strings: Any) -> Any:
    """`value` with each string (keys left) replaced by `strings(it)`."""
    if isinstance(value, str):
        return strings(value)
    if isinstance(value, dict):
        return {key: _shape(item, strings) for key, item in value.items()}
    if isinstance(value, list):
        return [_shape(item, strings) for item in value]
    return value


@settings(max_examples=60, deadline=None)
@given(st.one_of(st.lists(_JSON, max_size=4), st.dictionaries(st.text(max_size=5), _JSON, max_size=4)))
def test_redacting_a_json_value_changes_its_strings_alone(value: Any) -> None:
    """Its keys, numbers, booleans, nulls and shape are kept; each string is the string redacted."""
    text = json_text(value)
    assert text is not None
    redacted, found, _ = redact_json(text, ALL_KINDS)
    assert json.loads(redacted) == _shape(value, lambda s: redact(s, ALL_KINDS)[0])
    assert len(found) == sum(len(redact(s, ALL_KINDS)[1]) for s in _strings(value))
    if not found:
        assert redacted == text


def _strings(value: Any) -> list[str]:
    strings: list[str] = []
    _shape(value, strings.append)
    return strings


_ROW = st.one_of(st.none(), st.lists(st.one_of(st.none(), st.fixed_dictionaries({
    "s": st.one_of(st.none(), _TEXTS), "n": st.one_of(st.none(), st.integers(-5, 5)),
    "f": st.one_of(st.none(), st.floats()), "l": st.lists(st.one_of(st.none(), _TEXTS), max_size=3)})), max_size=4))
_TYPE = pa.list_(pa.struct([("s", pa.string()), ("n", pa.int64()), ("f", pa.float64()), ("l", pa.list_(pa.string()))]))


@settings(max_examples=60, deadline=None)
@given(st.lists(_ROW, max_size=8), st.integers(0, 3))
def test_redacting_an_arrow_column_changes_its_string_leaves_alone(rows: list[Any], start: int) -> None:
    """Of a list of structs (sliced too), the type, the nulls, the shape and every number are
    kept; each string leaf is the string redacted; the counts are those of the strings."""
    column = pa.array(rows, _TYPE).slice(min(start, len(rows)))
    redaction = TableRedaction(ALL_KINDS, ("v",))
    batch = _batch_of(column)
    out, _ = redaction.apply(batch)
    after = out.column("v")
    assert after.type == column.type and after.null_count == column.null_count
    before = column.to_pylist()
    assert _same(after.to_pylist(), _shape(before, lambda s: redact(s, ALL_KINDS)[0]))
    found = sum(len(redact(s, ALL_KINDS)[1]) for s in _strings(before))
    assert sum(sum(places.values()) for places in redaction.manifest().values()) == found
    assert redaction.rows == sum(1 for row in before if any(redact(s, ALL_KINDS)[1] for s in _strings(row)))
    if not found:
        assert out is batch
