"""Infinite numbers are numbers, however a file spells them, and the audit says where they are.

pandas' `read_csv`, pyarrow's CSV reader and `float()` all read `inf` and `infinity` in any
case, signed or not, as an infinity, as they read `1e999`: the audit profiles those cells as
the numbers a model would be handed, in every format, and `columns.infinite` reports them.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.profile import values as v
from dataaudit.profile.spec import ProfileSpec
from tests.cli_helpers import invoke, run

SPELLINGS = ["inf", "-inf", "+inf", "Inf", "INF", "Infinity", "-Infinity", "+infinity", "1e999", "-1e999"]


def _profile(data: Path, tmp_path: Path, runner=invoke, *args: str) -> tuple[dict, dict]:
    """The column profiles by name and the findings by check, of an audit of `data`."""
    out = tmp_path / "audit.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", out, *args], 1)
    report = json.loads(out.read_text())
    columns = {c["name"]: c for c in report["dataset"]["column_profiles"]}
    findings: dict[str, list[dict]] = {}
    for finding in report["findings"]:
        findings.setdefault(finding["check"], []).append(finding)
    return columns, findings


def _rows(cells: list[str]) -> list[tuple[str, str, str]]:
    return [(str(i), cell, "ab"[i % 2]) for i, cell in enumerate(cells)]


def _write(path: Path, rows: list[tuple[str, str, str]], sep: str = ",") -> Path:
    path.write_text("".join(sep.join(row) + "\n" for row in [("x", "y", "label"), *rows]), encoding="utf-8")
    return path


@pytest.mark.parametrize(("name", "sep"), [("data.csv", ","), ("data.tsv", "\t")])
def test_every_spelling_of_infinity_is_a_float_in_csv_and_tsv(tmp_path: Path, name: str, sep: str) -> None:
    cells = [*SPELLINGS, "1.5", "2.5"]
    columns, findings = _profile(_write(tmp_path / name, _rows(cells), sep), tmp_path)
    assert columns["y"]["type"] == "float"
    assert columns["y"]["kinds"] == {"float": len(cells)}
    assert "columns.mixed_types" not in findings
    (finding,) = findings["columns.infinite"]
    assert finding["column"] == "y"
    assert finding["severity"] == "warn"
    assert finding["observed"] == len(SPELLINGS)
    assert finding["examples"][0] == 0


def test_jsonl_and_parquet_holding_infinities_profile_as_the_csv(tmp_path: Path) -> None:
    numbers = [float("inf"), float("-inf"), 1.5, 2.5]
    csv = _write(tmp_path / "data.csv", _rows(["inf", "-Infinity", "1.5", "2.5"]))
    jsonl = tmp_path / "data.jsonl"
    jsonl.write_text("".join(json.dumps({"x": i, "y": y, "label": "ab"[i % 2]}) + "\n"
                             for i, y in enumerate(["inf", "-Infinity", 1.5, 2.5])), encoding="utf-8")
    parquet = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": list(range(4)), "y": numbers, "label": ["a", "b", "a", "b"]}), parquet)
    for data in (csv, jsonl, parquet):
        columns, findings = _profile(data, tmp_path)
        assert columns["y"]["type"] == "float", data.name
        assert sum(columns["y"]["kinds"].values()) == 4
        assert [(f["column"], f["observed"], f["examples"][:1]) for f in findings["columns.infinite"]] == [
            ("y", 2, [0])], data.name


POSITIONS = ["inf", "sup", "med", "lat", "inf", "INF"]
MEASURES = ["1.5", "inf", "2", "-Infinity", None, "3"]
#: the measures as a JSONL file writes them: numbers as numbers, the infinities as text
JSON_MEASURES = [1.5, "inf", 2, "-Infinity", None, 3]


def _words_and_numbers(path: Path) -> Path:
    """A file with a column of positions holding the word `inf` and one of numbers holding
    spelled infinities, in the format `path`'s suffix names."""
    labels = ["ab"[i % 2] for i in range(len(POSITIONS))]
    if path.suffix == ".parquet":
        pq.write_table(pa.table({"pos": POSITIONS, "y": MEASURES, "label": labels}), path)
    elif path.suffix == ".jsonl":
        path.write_text("".join(json.dumps({"pos": p, "y": y, "label": label}) + "\n"
                                for p, y, label in zip(POSITIONS, JSON_MEASURES, labels, strict=True)),
                        encoding="utf-8")
    else:
        sep = "\t" if path.suffix == ".tsv" else ","
        lines = [("pos", "y", "label"), *zip(POSITIONS, [y or "" for y in MEASURES], labels, strict=True)]
        path.write_text("".join(sep.join(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("name", ["data.csv", "data.tsv", "data.jsonl", "data.parquet"])
def test_the_word_inf_among_words_is_a_word_and_among_numbers_a_number(tmp_path: Path, name: str) -> None:
    columns, findings = _profile(_words_and_numbers(tmp_path / name), tmp_path)
    assert columns["pos"]["type"] == "text", name
    assert columns["pos"]["kinds"] == {"text": 6}, name
    assert dict(columns["pos"]["top_values"])["inf"] == 2, name
    assert columns["y"]["type"] == "float", name
    assert sum(columns["y"]["kinds"].values()) == 5, name
    assert "columns.mixed_types" not in findings, name
    assert [(f["column"], f["observed"], f["examples"]) for f in findings["columns.infinite"]] == [
        ("y", 2, [1, 3])], name


def test_a_column_of_the_word_inf_alone_is_a_word(tmp_path: Path) -> None:
    """With no number beside it nothing says `inf` is one: it is the text it is written as."""
    columns, findings = _profile(_write(tmp_path / "data.csv", _rows(["inf", "", "Inf", "inf"])), tmp_path)
    assert columns["y"]["type"] == "text" and columns["y"]["kinds"] == {"text": 3}
    assert "columns.infinite" not in findings


cells = st.sampled_from(["inf", "-Infinity", "+INF", " inf", "1.5", "-2", "1e999", "sup", "med", "", "NA"])


@settings(max_examples=150, deadline=None)
@given(st.lists(cells, min_size=1, max_size=40), st.integers(1, 40))
def test_a_columns_class_does_not_depend_on_the_chunk_size(texts: list[str], chunk: int) -> None:
    """Whether a spelled infinity is a number is decided from the whole column: a chunk of
    `inf` alone, beside chunks of numbers or of words, is profiled as the column makes it."""
    from dataaudit.engines.local import LocalEngine
    from dataaudit.io import open_source

    table = pa.table({"y": pa.array(texts, pa.string())})
    spec = ProfileSpec(tokens=("", "NA"))

    def column(rows: int) -> tuple:
        (y,) = LocalEngine().profile(open_source(table, chunk_rows=rows), spec).columns
        numeric = None if y.numeric is None else (y.numeric.count, y.numeric.min, y.numeric.max)
        return y.type, y.kinds, y.kind_rows, y.infinite, y.infinite_rows, y.respelled, y.value_counts, numeric

    whole = column(len(texts))
    assert column(chunk) == whole
    words = {"sup", "med"} & set(texts)
    numbers = {"1.5", "-2", "1e999"} & set(texts)
    spelled = sum(text.strip().lstrip("+-").lower() in ("inf", "infinity") for text in texts)
    assert whole[3] == (texts.count("1e999") + (spelled if numbers and not words else 0))
    if spelled and not (numbers and not words):
        assert whole[6] is not None and sum(whole[6].values()) >= spelled


def test_an_infinite_regression_target_is_reported_from_the_installed_command(tmp_path: Path) -> None:
    data = tmp_path / "data.csv"
    data.write_text("x,price\n1,3.5\n2,inf\n3,4.5\n4,5.5\n", encoding="utf-8")
    out = tmp_path / "audit.json"
    run(["audit", data, "-t", "price", "-f", "json", "-o", out], 1)
    findings = [f for f in json.loads(out.read_text())["findings"] if f["check"] == "columns.infinite"]
    assert [(f["column"], f["observed"], f["examples"]) for f in findings] == [("price", 1, [1])]


def test_nan_stays_a_missing_token_and_infinity_no_token(tmp_path: Path) -> None:
    columns, findings = _profile(_write(tmp_path / "data.csv", _rows(["nan", "NaN", "inf", "1.5"])), tmp_path)
    assert columns["y"]["tokens"] == {"NaN": 1, "nan": 1}
    assert columns["y"]["kinds"] == {"float": 2}
    assert findings["columns.infinite"][0]["observed"] == 1


def test_a_rule_pack_naming_inf_a_missing_token_counts_it_missing(tmp_path: Path) -> None:
    pack = tmp_path / "pack.yaml"
    pack.write_text("missing_values:\n  tokens: ['', 'inf']\n", encoding="utf-8")
    columns, findings = _profile(_write(tmp_path / "data.csv", _rows(["inf", "INF", "1.5", "2.5"])), tmp_path,
                                 invoke, "--rules", str(pack))
    assert columns["y"]["tokens"] == {"INF": 1, "inf": 1}
    assert "columns.infinite" not in findings


def test_a_finite_column_has_no_infinite_finding(tmp_path: Path) -> None:
    _, findings = _profile(_write(tmp_path / "data.csv", _rows(["1", "2.5", "1e300", "-3"])), tmp_path)
    assert "columns.infinite" not in findings


words = st.text(st.sampled_from("+-iInNfFtTyY1e9. "), max_size=10)


@settings(max_examples=300, deadline=None)
@given(st.lists(words, min_size=1, max_size=12))
def test_the_value_table_reads_a_number_exactly_where_float_does(texts: list[str]) -> None:
    """Any text `float()` reads, and pyarrow casts, is a number of that value; nothing else is
    (NaN aside: it is a missing token or a word, as the rule pack says)."""
    spec = ProfileSpec(tokens=("",))
    _, kind, number = v.classify(pa.array(texts, pa.string()), spec)
    for text, k, x in zip(texts, kind.tolist(), number.tolist(), strict=True):
        try:
            expected = float(text)
        except ValueError:
            expected = None
        if expected is None or expected != expected or not text.strip():
            assert k not in (v.INTEGER, v.FLOAT), text
        else:
            assert k in (v.INTEGER, v.FLOAT) and x == expected, text
            assert pc.cast(pa.array([text.strip()]), pa.float64())[0].as_py() == expected


def test_a_spelled_infinity_is_the_value_of_a_typed_one() -> None:
    """`inf` as written hashes as the float infinity of a Parquet column (one value across
    splits); `Infinity` is another text, respelled."""
    table = v.value_table(pa.array(["inf", "-inf", "Infinity"]), ProfileSpec())
    typed = v.try_numeric(pa.array([float("inf"), float("-inf")]))
    assert typed is not None
    assert table.hashes[:2].tolist() == typed.hashes.tolist()
    assert table.hashes[2] != table.hashes[0]
    assert table.respelled.tolist() == [False, False, True]


@pytest.mark.parametrize("scale", ["standard", "minmax", "robust"])
@pytest.mark.parametrize("numeric", ["mean", "median", "most_frequent"])
def test_clean_fits_on_the_finite_numbers_and_keeps_infinities(tmp_path: Path, scale: str, numeric: str) -> None:
    data = _write(tmp_path / "data.csv", _rows(["inf", "", "1.5", "2.5", "3.5", "-inf", "4", "1.5"]))
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"preprocess:\n  scale: {scale}\n  impute: {{numeric: {numeric}}}\n", encoding="utf-8")
    out, fitted = tmp_path / "clean.parquet", tmp_path / "fitted.json"
    invoke(["clean", data, "-t", "label", "-o", out, "--rules", pack, "--save-fitted", fitted, "--force"], 1)
    y = pq.read_table(out).column("y").to_pylist()
    steps = {s["step"]: s["state"] for s in json.loads(fitted.read_text())["steps"]}
    finite = [1.5, 2.5, 3.5, 4.0, 1.5]
    fill = steps["impute"]["fill"]["y"]
    assert fill == {"mean": sum(finite) / 5, "median": 2.5, "most_frequent": 1.5}[numeric]
    center, spread = steps["scale"]["center"][1], steps["scale"]["scale"][1]
    assert all(map(math.isfinite, (center, spread)))
    assert y[0] == math.inf and y[5] == -math.inf
    assert y[1] == pytest.approx((fill - center) / spread)
    assert [y[i] for i in (2, 3, 4, 6)] == pytest.approx([(x - center) / spread for x in finite[:4]])
    notes = json.loads(out.with_name("clean.manifest.json").read_text())
    assert "y: infinite values left out of the fit and kept as they are" in json.dumps(notes)


def test_scaling_a_column_of_infinities_only_leaves_it_as_it_is(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0, 4.0], "y": [math.inf, -math.inf, math.inf, None],
                             "label": ["a", "b", "a", "b"]}), data)
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess:\n  scale: standard\n  drop_constant_columns: false\n", encoding="utf-8")
    out = tmp_path / "clean.parquet"
    invoke(["clean", data, "-t", "label", "-o", out, "--rules", pack, "--force"], 1)
    assert pq.read_table(out).column("y").to_pylist() == [math.inf, -math.inf, math.inf, None]


def _strict(text: str) -> object:
    """`text` parsed as JSON proper: `NaN`, `Infinity` and `-Infinity` are refused."""
    def refuse(constant: str) -> object:
        raise ValueError(f"not JSON: {constant}")

    return json.loads(text, parse_constant=refuse)


def test_every_json_file_written_from_data_holding_infinities_is_strict_json(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({
        "x": [1.0, 2.0, 3.0, 4.0, 5.0, 6.0],
        "y": [math.inf, -math.inf, 1.5, None, 2.5, 1e308],
        "z": pa.array([None] * 6, pa.float64()),  # nothing to learn a scale from
        "label": ["a", "b", "a", "b", "a", "b"],
    }), data)
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess:\n  scale: standard\n  impute: {numeric: mean}\n  drop_empty_columns: false\n",
                    encoding="utf-8")
    reports = {name: tmp_path / name for name in ("audit.json", "audit.sarif", "old.json")}
    invoke(["audit", data, "-t", "label", "-f", "json", "-o", reports["audit.json"],
            "-f", "sarif", "-o", reports["audit.sarif"]], 1)
    invoke(["audit", data, "-t", "label", "--rules", "strict", "-f", "json", "-o", reports["old.json"]], 1)
    out = tmp_path / "clean.parquet"
    written = {"fitted.json": tmp_path / "fitted.json", "clean.manifest.json": out.with_name("clean.manifest.json"),
               "after.json": tmp_path / "after.json", "diff.json": tmp_path / "diff.json",
               "suite.json": tmp_path / "suite.json"}
    invoke(["clean", data, "-t", "label", "-o", out, "--rules", pack, "--save-fitted", written["fitted.json"],
            "--report", written["after.json"], "--force"], 1)
    invoke(["diff", reports["old.json"], reports["audit.json"], "-f", "json", "-o", written["diff.json"]], 0)
    invoke(["export", "gx", "-t", "label", "--data", data, "-o", written["suite.json"]], 0)
    for path in [*reports.values(), *written.values()]:
        _strict(path.read_text(encoding="utf-8"))
    _strict(invoke(["report", "--schema"], 0)[0])
    state = {s["step"]: s["state"] for s in _strict(written["fitted.json"].read_text())["steps"]}
    assert state["scale"]["columns"] == ["x", "y", "z"]
    assert state["scale"]["center"][2] == 0.0 and state["scale"]["scale"][2] == 1.0


def test_the_json_writer_turns_what_is_not_finite_into_null() -> None:
    from dataaudit.jsontext import dumps

    text = dumps({"a": [math.inf, -math.inf, math.nan, 1.5], "b": (math.nan,), "c": {"d": 2}})
    assert _strict(text) == {"a": [None, None, None, 1.5], "b": [None], "c": {"d": 2}}


#: any value Python's `json` writes: infinities and NaN, within lists and objects too
JSON_VALUES = st.recursive(st.none() | st.booleans() | st.floats() | st.integers() | st.text(max_size=5),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=3), inner,
                                                                                       max_size=4),
                           max_leaves=20)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_strict_json_reads_back_as_the_value_with_every_non_finite_number_null(value: object) -> None:
    from dataaudit.jsontext import dumps, finite

    assert _strict(dumps(value)) == finite(value)


def _nan_as_none(value: object) -> object:
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, dict):
        return {key: _nan_as_none(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_nan_as_none(item) for item in value]
    return value


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES)
def test_data_json_is_strict_and_reads_back_as_the_data_with_nan_null(value: object) -> None:
    """Data keeps its infinities (`1e999`), and is `json.dumps`' own text where it holds none."""
    from dataaudit.jsontext import data_dumps

    text = data_dumps(value)
    assert _strict(text) == _nan_as_none(value)
    if "1e999" not in text and "null" not in text:
        assert text == json.dumps(value, ensure_ascii=False)


@settings(max_examples=200, deadline=None)
@given(JSON_VALUES, st.text(alphabet='"\\ NaInfity-', max_size=12))
def test_python_json_made_strict_is_the_data_json_of_its_value(value: object, text: str) -> None:
    """The `Infinity`, `-Infinity` and `NaN` Python's `json` writes, and reads, spelled as strict
    JSON are what `data_dumps` writes of the value: every other character, those of a string
    spelling the constants' names too, as it was."""
    from dataaudit.jsontext import data_dumps, strict_constants

    value = [text, value, {text: text}]
    assert strict_constants(json.dumps(value, ensure_ascii=False)) == data_dumps(value)


@pytest.mark.parametrize("runner", [invoke, run])
def test_a_jsonl_clean_writes_infinities_as_numbers_a_strict_parser_reads(tmp_path: Path, runner) -> None:
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": [1, 2, 3, 4], "y": [math.inf, -math.inf, math.nan, 2.0],
                             "label": ["a", "b", "a", "b"]}), data)
    out = tmp_path / "clean.jsonl"
    runner(["clean", data, "-t", "label", "-o", out, "--force", "-q"], 1)
    rows = [_strict(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [row["y"] for row in rows] == [math.inf, -math.inf, None, 2.0]


def test_a_parquet_nan_is_missing_in_the_audit_and_null_in_a_jsonl_clean(tmp_path: Path) -> None:
    """A float NaN is no number: the audit counts it missing, as a null, and a JSONL clean
    writes it as JSON's null, which the audit of the output counts missing again."""
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": [1, 2, 3, 4, 5], "y": [math.nan, 1.5, None, 2.5, math.nan],
                             "label": ["a", "b", "a", "b", "a"]}), data)
    out = tmp_path / "clean.jsonl"
    invoke(["clean", data, "-t", "label", "-o", out, "--force", "-q"], 1)
    assert [_strict(line)["y"] for line in out.read_text(encoding="utf-8").splitlines()] == [  # type: ignore[index]
        None, 1.5, None, 2.5, None]
    for audited in (data, out):
        columns, findings = _profile(audited, tmp_path)
        assert (columns["y"]["nulls"], columns["y"]["kinds"]) == (3, {"float": 2}), audited.name
        (missing,) = [f for f in findings["missing.column_share"] if f["column"] == "y"]
        assert missing["examples"] == [0, 2, 4], audited.name


@pytest.mark.parametrize("scale", ["standard", "minmax"])  # the robust scale, between quartiles, is finite
def test_a_column_whose_spread_passes_the_largest_float_is_left_unscaled_without_a_warning(tmp_path: Path,
                                                                                         scale: str) -> None:
    data = tmp_path / "data.parquet"
    huge = [1.7e308, -1.7e308, 1.0, 2.0]
    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0, 4.0], "y": huge, "z": pa.array([None] * 4, pa.float64()),
                             "label": ["a", "b", "a", "b"]}), data)
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"preprocess:\n  scale: {scale}\n  drop_empty_columns: false\n", encoding="utf-8")
    out = tmp_path / "clean.parquet"
    _, err = run(["clean", data, "-t", "label", "-o", out, "--rules", pack, "--force", "-q"], 1)
    assert "Warning" not in err
    table = pq.read_table(out)
    assert table.column("y").to_pylist() == huge
    assert table.column("x").to_pylist() != [1.0, 2.0, 3.0, 4.0]  # a column with a finite spread is scaled


def test_a_fill_past_the_largest_float_leaves_the_nulls(tmp_path: Path) -> None:
    data = tmp_path / "data.parquet"
    pq.write_table(pa.table({"x": [1.0, 2.0, 3.0, 4.0], "y": [1.7e308, 1.7e308, None, 1.0],
                             "label": ["a", "b", "a", "b"]}), data)
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess:\n  impute: {numeric: median}\n", encoding="utf-8")
    out, fitted = tmp_path / "clean.parquet", tmp_path / "fitted.json"
    invoke(["clean", data, "-t", "label", "-o", out, "--rules", pack, "--save-fitted", fitted, "--force"], 1)
    assert pq.read_table(out).column("y").to_pylist() == [1.7e308, 1.7e308, None, 1.0]
    fill = {s["step"]: s["state"] for s in _strict(fitted.read_text())["steps"]}["impute"]["fill"]
    assert "y" not in fill and fill["x"] == 2.5


@pytest.mark.parametrize(("cells", "categorical", "fill"), [
    (["1e999", "", "1e999", "2.5", "-1e999"], "most_frequent", "2.5"),
    (["1e999", "", "-1e999", "1E999"], "most_frequent", None),
    (["1e999", "", "2.5", "abc"], "constant: 1e999", None),
])
def test_a_text_fill_is_never_an_infinite_number(tmp_path: Path, cells: list[str], categorical: str,
                                                 fill: str | None) -> None:
    """`1e999` does not print as written, so the column stays text: its most frequent value, or
    a constant fill, that reads as an infinity is passed over, and with no other the nulls stay."""
    data = _write(tmp_path / "data.csv", _rows(cells))
    strategy, _, constant = categorical.partition(": ")
    pack = tmp_path / "pack.yaml"
    pack.write_text(f"preprocess:\n  impute: {{categorical: {strategy}"
                    + (f", fill_text: '{constant}'" if constant else "") + "}\n", encoding="utf-8")
    out, fitted = tmp_path / "clean.parquet", tmp_path / "fitted.json"
    invoke(["clean", data, "-t", "label", "-o", out, "--rules", pack, "--save-fitted", fitted, "--force"], 1)
    assert pq.read_table(out).column("y").to_pylist()[1] == fill
    assert {s["step"]: s["state"] for s in _strict(fitted.read_text())["steps"]}["impute"]["fill"].get("y") == fill


CHAT_LINES = [
    '{"messages": [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Hello"}], "score": 1e999}',
    '{"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": " Bye "}], "w": [-1e999, 2]}',
    '{"messages": [{"role": "user", "content": " Hi "}, {"role": "assistant", "content": "Hello"}], "score": 1e999}',
    '{"messages": [{"role": "user", "content": "broken"',
]
#: trimmed, as a chat clean trims by default
CHAT_KEPT = [CHAT_LINES[0].replace(" Hi ", "Hi"), CHAT_LINES[1].replace(" Bye ", "Bye")]
PREFERENCE_LINES = [
    '{"prompt": [{"role": "user", "content": "Which?", "weight": 1e999}], "chosen": [{"role": "assistant", '
    '"content": "A"}], "rejected": [{"role": "assistant", "content": "B"}], "source": "x"}',
    '{"prompt": "Why?", "chosen": "Because", "rejected": "No", "margins": {"a": -1e999}}',
    '{"prompt": "Why?", "chosen": "Because", "rejected": "No", "margins": {"a": -1e999}}',
    '{"prompt": "broken"',
]
#: without their metadata (`--strip-metadata`)
PREFERENCE_KEPT = [PREFERENCE_LINES[0].replace(', "source": "x"', ""), '{"prompt": "Why?", "chosen": "Because", '
                   '"rejected": "No"}']


@pytest.mark.parametrize(("lines", "option", "kept"), [(CHAT_LINES, "--trim", CHAT_KEPT),
                                                       (PREFERENCE_LINES, "--strip-metadata", PREFERENCE_KEPT)],
                         ids=["chat", "preference"])
def test_every_file_of_a_fine_tuning_clean_is_strict_json(tmp_path: Path, lines: list[str], option: str,
                                                          kept: list[str]) -> None:
    """Lines trimmed or stripped are written again: an infinity among their numbers (`1e999`,
    which JSON allows) goes out as `1e999` again, never as Python's `Infinity`."""
    data = tmp_path / "data.jsonl"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pack = tmp_path / "small.yaml"
    pack.write_text("checks:\n  size:\n    min_rows: {warn: 1, fail: 1}\n", encoding="utf-8")
    out, report = tmp_path / "out.jsonl", tmp_path / "after.json"
    invoke(["clean", data, "-r", pack, "-o", out, option, "--report", report], 0)
    written = out.read_text(encoding="utf-8").splitlines()
    assert [_strict(line) for line in written] == [json.loads(line) for line in kept]
    assert written == kept
    held = [_strict(line) for line in out.with_name("out.quarantine.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [entry["line"] for entry in held] == [3, 4]  # type: ignore[index]
    for path in (out.with_name("out.manifest.json"), report):
        _strict(path.read_text(encoding="utf-8"))


@pytest.mark.parametrize("runner", [pytest.param(run, id="installed"), pytest.param(invoke, id="click")])
def test_one_infinity_is_worded_in_the_singular(tmp_path: Path, runner: Callable[..., tuple[str, str]]) -> None:
    data = tmp_path / "one.csv"
    data.write_text("x,label\n" + "".join(f"{i},{'ab'[i % 2]}\n" for i in range(39)) + "inf,a\n")
    runner(["audit", data, "-t", "label", "-f", "json", "-o", tmp_path / "r.json"], 0)
    found = {f["check"]: f["message"] for f in json.loads((tmp_path / "r.json").read_text())["findings"]}
    assert "holds 1 infinite number (2.5% of its rows)" in found["columns.infinite"]
