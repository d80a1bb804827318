"""pandera schemas: inferred with pandera, written in its YAML, validated chunk by chunk in the audit."""

from __future__ import annotations

import csv
import datetime
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pandas as pd
import pandera.pandas as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.integrations.pandera_schema import infer_schema
from dataaudit.io import open_source
from dataaudit.rules.load import load_rules
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"


def rows_of(path: Path) -> list[list[str]]:
    with open(path, newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows(rows)
    return path


@pytest.fixture
def schema_file(tmp_path: Path) -> Path:
    path = tmp_path / "schema.yaml"
    invoke(["schema", "infer", PENGUINS, "-o", path], 0)
    return path


def broken_penguins(path: Path) -> tuple[Path, dict[tuple[str, str], list[int]]]:
    """Penguins with deliberate breaks; returns the file and the data rows broken per (column, check)."""
    rows = rows_of(PENGUINS)
    header = rows[0]
    breaks = {
        ("bill_length_mm", "coerce_dtype('float64')"): ([5, 140], "abc"),
        ("year", "greater_than_or_equal_to(2007)"): ([10, 300], "1999"),
        ("species", "not_nullable"): ([30], "NA"),
        ("island", "not_nullable"): ([200], ""),
    }
    for (column, _), (data_rows, value) in breaks.items():
        for row in data_rows:
            rows[row + 1][header.index(column)] = value
    return write_rows(path, rows), {key: data_rows for key, (data_rows, _) in breaks.items()}


def schema_findings(report: dataaudit.Report) -> dict[tuple[str | None, str], dict]:
    return {(f.column, f.details["pandera_check"]): f.to_dict() for f in report.findings if f.check == "schema.pandera"}


def test_inferred_schema_is_pandera_yaml_and_round_trips(schema_file: Path) -> None:
    text = schema_file.read_text(encoding="utf-8")
    schema = pa.DataFrameSchema.from_yaml(text)
    assert schema.to_yaml() == text
    assert list(schema.columns) == rows_of(PENGUINS)[0]
    assert str(schema.columns["year"].dtype) == "int64"
    assert str(schema.columns["bill_length_mm"].dtype) == "float64"
    assert schema.columns["bill_length_mm"].nullable            # 'NA' cells read as nulls
    assert not schema.columns["species"].nullable
    frame = pd.read_csv(PENGUINS, na_values=["NA"], keep_default_na=False)
    schema.validate(frame)                                       # pandera itself accepts the reference data


def test_reference_data_passes_its_own_schema(schema_file: Path) -> None:
    report = dataaudit.audit(PENGUINS, target="species", schema=schema_file)
    assert schema_findings(report) == {}
    assert {c.check: c.status for c in report.checks}["schema.pandera"] == "passed"


@pytest.mark.parametrize("chunk_rows", [1, 7, 64, 100_000])
def test_broken_file_is_caught_with_its_rows(schema_file: Path, tmp_path: Path, chunk_rows: int) -> None:
    broken, expected = broken_penguins(tmp_path / "broken.csv")
    report = dataaudit.audit(broken, target="species", schema=schema_file, chunk_rows=chunk_rows)
    found = schema_findings(report)
    assert set(found) == set(expected)
    for key, data_rows in expected.items():
        assert found[key]["examples"] == data_rows
        assert found[key]["observed"] == len(data_rows)
        assert found[key]["severity"] == "fail"
    assert "'abc'" in found[("bill_length_mm", "coerce_dtype('float64')")]["message"]
    assert not report.passed


def test_cli_reports_schema_findings_and_fails_the_gate(schema_file: Path, tmp_path: Path) -> None:
    broken, expected = broken_penguins(tmp_path / "broken.csv")
    out, _ = invoke(["audit", broken, "-t", "species", "--schema", schema_file, "-f", "json"], 1)
    found = {(f["column"], f["details"]["pandera_check"]) for f in json.loads(out)["findings"]
             if f["check"] == "schema.pandera"}
    assert found == set(expected)


def test_installed_command_infers_and_validates(tmp_path: Path) -> None:
    schema = tmp_path / "s.yaml"
    run(["schema", "infer", PENGUINS, "-o", schema, "--sample", "100"], 0)
    sampled = pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8"))
    # dtypes from the first 100 rows (all Adelie, 2007), ranges and nulls from the whole file
    years = [int(row[-1]) for row in rows_of(PENGUINS)[1:]]
    assert [c.statistics for c in sampled.columns["year"].checks] == [{"min_value": min(years)},
                                                                      {"max_value": max(years)}]
    out, _ = run(["audit", PENGUINS, "-t", "species", "--schema", schema, "-f", "json"], 0)
    assert [f for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"] == []


def test_api_takes_a_schema_object_and_a_dataframe() -> None:
    frame = pd.DataFrame({"x": [str(i) for i in range(50)] + ["-3", "oops"], "label": ["a", "b"] * 26})
    schema = pa.DataFrameSchema({"x": pa.Column(int, pa.Check.ge(0)), "label": pa.Column(str, pa.Check.isin(["a"]))})
    found = schema_findings(dataaudit.audit(frame, target="label", schema=schema))
    assert found[("x", "greater_than_or_equal_to(0)")]["examples"] == [50]
    assert found[("x", "coerce_dtype('int64')")]["examples"] == [51]
    assert found[("label", "isin(['a'])")]["observed"] == 26


def test_a_column_missing_from_the_data_is_one_finding_not_one_per_chunk(tmp_path: Path) -> None:
    schema = pa.DataFrameSchema({"species": pa.Column(str), "weight": pa.Column(float)})
    report = dataaudit.audit(PENGUINS, target="species", schema=schema, chunk_rows=10)
    missing = [f for f in report.findings if f.check == "schema.pandera" and "weight" in f.message]
    assert len(missing) == 1


@pytest.mark.parametrize("content, says", [
    ("columns: [", "not a pandera schema"),
    ("schema_type: dataframe\ncolumns:\n  a:\n    dtype: no_such_type\n", "not a pandera schema"),
    # pandera reads any mapping, its keys ignored: a schema checking nothing passed every file
    ("description: my pack\ntarget: species\n", "not a pandera schema: it names no column, index or check"),
    ("{}\n", "not a pandera schema: it names no column, index or check"),
])
def test_a_broken_schema_file_is_one_line_and_exit_2(tmp_path: Path, content: str, says: str) -> None:
    schema = tmp_path / "bad.yaml"
    schema.write_text(content, encoding="utf-8")
    _, err = invoke(["audit", PENGUINS, "--schema", schema], 2)
    assert err.startswith(f"dataaudit: error: {schema}: {says}") and err.count("\n") == 1


def test_a_missing_schema_file_is_exit_2(tmp_path: Path) -> None:
    _, err = invoke(["audit", PENGUINS, "--schema", tmp_path / "nope.yaml"], 2)
    assert "nope.yaml: cannot read the schema" in err


CELLS = st.one_of(st.integers(-5, 30).map(str), st.sampled_from(["x", "", "NA", "2.5"]))


@settings(max_examples=30, deadline=None)
@given(rows=st.lists(st.tuples(CELLS, CELLS), min_size=1, max_size=60), chunk_rows=st.integers(1, 20))
def test_schema_findings_do_not_depend_on_chunking(rows: list[tuple[str, str]], chunk_rows: int) -> None:
    """Chunk by chunk or whole, the same failures on the same rows (a row breaking one column's
    dtype still has its other columns checked)."""
    frame = pd.DataFrame(rows, columns=["a", "b"])
    schema = pa.DataFrameSchema({"a": pa.Column(int, pa.Check.ge(0)), "b": pa.Column(int, pa.Check.le(20))})
    whole = schema_findings(dataaudit.audit(frame, schema=schema, chunk_rows=len(rows)))
    chunked = schema_findings(dataaudit.audit(frame, schema=schema, chunk_rows=chunk_rows))
    assert {k: (f["observed"], f["examples"]) for k, f in chunked.items()} == \
        {k: (f["observed"], f["examples"]) for k, f in whole.items()}
    def rows_where(column: int, test: Callable[[str], bool]) -> list[int]:
        return [i for i, row in enumerate(rows) if test(row[column])][:10]

    def examples(column: str, check: str) -> list[int]:
        return whole[(column, check)]["examples"] if (column, check) in whole else []

    def integer(cell: str) -> bool:
        return cell.lstrip("-").isdigit()

    assert examples("a", "coerce_dtype('int64')") == rows_where(0, lambda c: c not in ("", "NA") and not integer(c))
    assert examples("a", "greater_than_or_equal_to(0)") == rows_where(0, lambda c: integer(c) and int(c) < 0)
    assert examples("b", "less_than_or_equal_to(20)") == rows_where(1, lambda c: integer(c) and int(c) > 20)
    assert examples("b", "not_nullable") == rows_where(1, lambda c: c in ("", "NA"))


def test_a_second_pass_for_text_columns_does_not_count_schema_failures_twice() -> None:
    schema = pa.DataFrameSchema({"body_mass_g": pa.Column(float, pa.Check.lt(4000), nullable=True, coerce=True)})

    def failures(**options: object) -> int:
        report = dataaudit.audit(PENGUINS, target="species", schema=schema, **options)
        return sum(f.observed for f in report.findings if f.check == "schema.pandera")

    assert failures() > 0
    assert failures(text_columns=["island"]) == failures()


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
def test_a_time_of_day_column_passes_the_schema_inferred_from_it(tmp_path: Path, runner) -> None:
    """pandera inferred `datetime64[ns]` from Python's times of day, then failed every row of
    the same file on `coerce_dtype('datetime64[ns]')`."""
    import datetime

    import pyarrow
    import pyarrow.parquet as pq

    times = [datetime.time(i % 24, (7 * i) % 60, i % 60) for i in range(40)]
    data = tmp_path / "times.parquet"
    pq.write_table(pyarrow.table({"at": times, "n": [i * 0.5 for i in range(40)],
                                  "label": ["a", "b"] * 20}), data)
    schema = tmp_path / "schema.yaml"
    runner(["schema", "infer", data, "-o", schema], 0)
    out, _ = runner(["audit", data, "-t", "label", "--schema", schema, "-f", "json"], 0)
    assert [f for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"] == []



def schema_cases(runner: Callable[..., tuple[str, str]], data: Path,
                 schema: Path) -> dict[tuple[str, str], tuple[int, list[int]]]:
    """(column, pandera check) -> (rows failing, example rows) of `dataaudit audit DATA --schema
    SCHEMA` run by `runner`, whose exit code must be the API's verdict (the other checks can fail
    the gate of a file this small)."""
    code = 0 if dataaudit.audit(data, target="label", schema=schema).passed else 1
    out, _ = runner(["audit", data, "-t", "label", "--schema", schema, "-f", "json"], code)
    return {(f["column"], f["details"]["pandera_check"]): (f["observed"], f["examples"])
            for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"}


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
@pytest.mark.parametrize("zone", ["UTC", "America/New_York"])
def test_a_zoned_timestamp_column_gets_a_schema_that_judges_instants(tmp_path: Path, runner, zone: str) -> None:
    """pandera wrote a zoned range bound as an object YAML cannot hold: `schema infer` crashed."""
    hours = pd.date_range("2020-01-01", periods=6, freq="h", tz=zone)
    labels = list("xyxyxy")
    data, schema = tmp_path / "ref.parquet", tmp_path / "schema.yaml"
    pd.DataFrame({"at": hours, "label": labels}).to_parquet(data, index=False)
    runner(["schema", "infer", data, "-o", schema], 0)
    assert str(pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8")).columns["at"].dtype).endswith(
        f", {zone}]")
    assert schema_cases(runner, data, schema) == {}
    # the same instants in another zone pass; two hours later, the last two rows are past the range
    other = tmp_path / "other.parquet"
    pd.DataFrame({"at": hours.tz_convert("Asia/Tokyo"), "label": labels}).to_parquet(other, index=False)
    assert schema_cases(runner, other, schema) == {}
    late = tmp_path / "late.parquet"
    pd.DataFrame({"at": (hours + pd.Timedelta("2h")).tz_convert("Asia/Tokyo"), "label": labels}).to_parquet(late)
    (check, cases), = schema_cases(runner, late, schema).items()
    assert check[1].startswith("less_than_or_equal_to(") and cases == (2, [4, 5])
    # as text (a CSV), an instant with its offset; a word fails the dtype, a blank is a null
    text = tmp_path / "text.csv"
    text.write_text("at,label\n" + "".join(f"{t.isoformat()},x\n" for t in hours.tz_convert("Europe/Paris"))
                    + f"{(hours[-1] + pd.Timedelta('1s')).isoformat()},y\nsoon,x\n,y\n", encoding="utf-8")
    found = schema_cases(runner, text, schema)
    assert {check: cases[1] for check, cases in found.items()} == {
        ("at", "less_than_or_equal_to(" + str(hours[-1].isoformat(sep=" ")) + ")"): [6],
        ("at", f"coerce_dtype('{pa.DataFrameSchema.from_yaml(schema.read_text()).columns['at'].dtype}')"): [7],
        ("at", "not_nullable"): [8]}


def test_a_range_of_timestamps_keeps_its_fractions_of_a_second(tmp_path: Path) -> None:
    """pandera wrote the bounds to the second: the reference's own latest row then broke its range."""
    data, schema = tmp_path / "ref.parquet", tmp_path / "schema.yaml"
    pd.DataFrame({"at": pd.date_range("2020-01-01 00:00:00.25", periods=4, freq="h"),
                  "label": list("xyxy")}).to_parquet(data, index=False)
    invoke(["schema", "infer", data, "-o", schema], 0)
    assert "'2020-01-01 03:00:00.250000'" in schema.read_text(encoding="utf-8")
    assert schema_cases(invoke, data, schema) == {}



def arrow_column(kind: str) -> tuple[object, str, str]:
    """An Arrow column of six values of `kind`, the dtype its schema should hold, and the same
    values as a CSV writes them."""
    import datetime
    import decimal

    import pyarrow

    columns = {
        "date32": (pyarrow.array([datetime.date(2020, 1, i + 1) for i in range(6)], pyarrow.date32()), "date",
                   [f"2020-01-0{i + 1}" for i in range(6)]),
        "time64": (pyarrow.array([datetime.time(1, i) for i in range(6)], pyarrow.time64("us")), "str",
                   [f"01:0{i}:00" for i in range(6)]),
        "duration": (pyarrow.array([datetime.timedelta(seconds=i) for i in range(6)], pyarrow.duration("s")),
                     "timedelta64[ns]", None),
        "decimal": (pyarrow.array([decimal.Decimal("1.25") + i for i in range(6)], pyarrow.decimal128(6, 2)),
                    "float64", [f"{i + 1}.25" for i in range(6)]),
        "categorical": (pyarrow.array(list("abcabc")).dictionary_encode(), "category", list("abcabc")),
        "integer with a null": (pyarrow.array([1, None, 3, 4, 5, 6]), "Int64", ["1", "", "3", "4", "5", "6"]),
        "boolean with a null": (pyarrow.array([True, None, False, True, False, True]), "boolean",
                                ["true", "", "false", "True", "FALSE", "true"]),
    }
    return columns[kind]


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
@pytest.mark.parametrize("kind", ["date32", "time64", "duration", "decimal", "categorical", "integer with a null",
                                  "boolean with a null"])
def test_an_arrow_column_passes_the_schema_inferred_from_it(tmp_path: Path, runner, kind: str) -> None:
    """Each type is written in YAML and its own file passes; so does the same data as CSV text.
    pandera inferred `float64` for integers and booleans with a null (pandas' floats and objects):
    a range 0..1 for booleans, which a CSV's `true` failed."""
    import pyarrow
    import pyarrow.parquet as pq

    values, dtype, texts = arrow_column(kind)
    data, schema = tmp_path / "ref.parquet", tmp_path / "schema.yaml"
    pq.write_table(pyarrow.table({"v": values, "label": list("xyxyxy")}), data)
    runner(["schema", "infer", data, "-o", schema], 0)
    assert str(pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8")).columns["v"].dtype) in (
        dtype, "string[pyarrow]" if dtype == "str" else dtype)
    assert schema_cases(runner, data, schema) == {}
    if texts is not None:
        text = write_rows(tmp_path / "text.csv", [["v", "label"], *([t, "xy"[i % 2]] for i, t in enumerate(texts))])
        assert schema_cases(runner, text, schema) == {}


BOOLEAN_TEXTS = ["maybe", "False", "0", "no", "", "NA", " TRUE ", "true", "1", "false"]


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
def test_text_in_a_boolean_column_is_true_or_false_or_a_dtype_failure(tmp_path: Path, runner) -> None:
    """pandera's `astype(bool)` made every text but the empty one True (`False` too) and a null
    False: a CSV's boolean column passed whatever it held."""
    reference, schema = tmp_path / "ref.parquet", tmp_path / "schema.yaml"
    pd.DataFrame({"b": [True, False, True, False], "label": list("xyxy")}).to_parquet(reference, index=False)
    runner(["schema", "infer", reference, "-o", schema], 0)
    assert "dtype: bool\n" in schema.read_text(encoding="utf-8")
    data = write_rows(tmp_path / "new.csv", [["b", "label"], *([t, "xy"[i % 2]] for i, t in enumerate(BOOLEAN_TEXTS))])
    out, _ = runner(["audit", data, "-t", "label", "--schema", schema, "-f", "json"], 1)
    found = {(f["column"], f["details"]["pandera_check"]): (f["observed"], f["examples"], f["details"]["failure_cases"])
             for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"}
    assert found == {("b", "coerce_dtype('bool')"): (4, [0, 2, 3, 8], ["'maybe'", "'0'", "'no'", "'1'"]),
                     ("b", "not_nullable"): (2, [4, 5], [])}
    assert schema_cases(runner, reference, schema) == {}


@pytest.mark.parametrize("dtype", ["bool", "boolean"])
def test_a_nullable_boolean_column_keeps_its_nulls_and_reads_text_alike(dtype: str) -> None:
    frame = pd.DataFrame({"b": BOOLEAN_TEXTS, "label": ["x", "y"] * 5})
    schema = pa.DataFrameSchema({"b": pa.Column(dtype, nullable=True, checks=pa.Check.isin([False]))})
    found = schema_findings(dataaudit.audit(frame, target="label", schema=schema))
    assert {key: f["examples"] for key, f in found.items()} == {
        ("b", f"coerce_dtype('{dtype}')"): [0, 2, 3, 8], ("b", "isin([False])"): [6, 7]}


def test_a_null_beside_an_uncoercible_value_is_one_not_nullable_failure() -> None:
    """The column's second check, without the uncoercible rows, found the null again."""
    frame = pd.DataFrame({"x": ["1.5", "abc", "", "2"], "label": list("abab")})
    found = schema_findings(dataaudit.audit(frame, target="label", schema=pa.DataFrameSchema({"x": pa.Column(float)})))
    assert (found[("x", "not_nullable")]["observed"], found[("x", "not_nullable")]["examples"]) == (1, [2])


class _Penguin(pa.DataFrameModel):
    species: str


@pytest.mark.parametrize(("schema", "says"), [
    (123, r"not a int$"),
    (_Penguin, r"not the model class _Penguin \(pass _Penguin\.to_schema\(\)\)"),
])
def test_a_schema_of_another_kind_is_refused_naming_the_argument(schema: object, says: str) -> None:
    with pytest.raises(dataaudit.InputError, match=r"schema must be a pandera DataFrameSchema or the path of its "
                                                   rf"YAML file, {says}"):
        dataaudit.audit(PENGUINS, target="species", schema=schema)


def test_an_inferred_integer_range_is_the_exact_integers_past_2_to_the_53(tmp_path: Path) -> None:
    """pandera's range ends were floats: 9007199254740993 was written 9007199254740992.0, so an id
    one below the reference's least passed. The ends are the integers; the reference passes."""
    reference = write_rows(tmp_path / "ids.csv", [["id", "n", "label"], ["9007199254740993", "1", "a"],
                                                   ["9007199254740995", "", "b"], ["9223372036854775807", "3", "a"]])
    schema = tmp_path / "ids.yaml"
    invoke(["schema", "infer", reference, "-o", schema], 0)
    loaded = pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8"))
    assert [c.statistics for c in loaded.columns["id"].checks] == [{"min_value": 9007199254740993},
                                                                   {"max_value": 9223372036854775807}]
    assert [c.statistics for c in loaded.columns["n"].checks] == [{"min_value": 1}, {"max_value": 3}]
    assert schema_findings(dataaudit.audit(reference, schema=schema)) == {}
    lower = write_rows(tmp_path / "lower.csv", [["id", "n", "label"], ["9007199254740992", "2", "a"],
                                                ["9007199254740995", "2", "b"]])
    out = tmp_path / "report.json"
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "audit", str(lower), "--schema", str(schema),
                           "-f", "json", "-o", str(out)], capture_output=True, text=True, check=False, timeout=180)
    assert proc.returncode == 1, proc.stderr[-2000:]
    found = [(f["column"], f["details"]["pandera_check"], f["examples"]) for f in
             json.loads(out.read_text(encoding="utf-8"))["findings"] if f["check"] == "schema.pandera"]
    assert found == [("id", "greater_than_or_equal_to(9007199254740993)", [0])]


def test_a_parquet_integer_column_with_a_null_is_validated_as_its_exact_integers(tmp_path: Path) -> None:
    """The validator read such a column as floats: int64's greatest failed to coerce back to the
    `Int64` its own schema was inferred as, and 9007199254740993 passed a range ending one below."""
    import pyarrow
    import pyarrow.parquet as pq

    reference, schema = tmp_path / "ref.parquet", tmp_path / "schema.yaml"
    pq.write_table(pyarrow.table({"id": pyarrow.array([1, None, 2**63 - 1], pyarrow.int64()),
                                  "label": list("xyx")}), reference)
    invoke(["schema", "infer", reference, "-o", schema], 0)
    assert schema_cases(invoke, reference, schema) == {}
    beyond = tmp_path / "beyond.parquet"
    pq.write_table(pyarrow.table({"id": pyarrow.array([1, None, 2**53 + 1], pyarrow.int64()),
                                  "label": list("xyx")}), beyond)
    ranged = pa.DataFrameSchema({"id": pa.Column("Int64", pa.Check.le(2**53), nullable=True)})
    assert schema_findings(dataaudit.audit(beyond, schema=ranged)).keys() == {("id", f"less_than_or_equal_to({2**53})")}


def test_a_csv_column_of_nullable_numbers_passes_the_schema_inferred_from_it(tmp_path: Path) -> None:
    """pandera coerced text to `Int64` with Arrow's parser, which refuses `+3` and ` 1` that the
    inference read as numbers, and then ran the range checks on the text: the reference failed
    its own schema with no row named. An id past 2**53 beside a null was read as a float, one
    outside the range it set. A word is still a dtype failure on its row."""
    rows = [["n", "id", "label"], ["+3", "9911221837182413838", "x"], [" 1", "", "y"], ["", "9911221837182413839", "x"]]
    reference, schema = write_rows(tmp_path / "ref.csv", rows), tmp_path / "schema.yaml"
    invoke(["schema", "infer", reference, "-o", schema], 0)
    loaded = pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8"))
    assert {name: str(loaded.columns[name].dtype) for name in ("n", "id")} == {"n": "Int64", "id": "UInt64"}
    assert schema_cases(invoke, reference, schema) == {}
    broken = write_rows(tmp_path / "broken.csv", [*rows, ["abc", "9911221837182413838", "y"]])
    assert schema_cases(invoke, broken, schema) == {("n", "coerce_dtype('Int64')"): (1, [3])}


@pytest.mark.parametrize("name, layout", [("hhh_alignment_chat.jsonl", "chat"),
                                          ("hhh_alignment_pairs.jsonl", "preference")])
def test_a_text_file_audit_refuses_a_schema_for_gets_none_inferred(tmp_path: Path, name: str, layout: str) -> None:
    """`audit --schema` refuses a chat or preference file; `schema infer` (and `export gx --data`)
    wrote one for it all the same. Both now refuse it in the one line `audit` gives, exit 2."""
    data = tmp_path / name
    data.write_bytes((DATA / "text" / name).read_bytes())
    out = tmp_path / "schema.yaml"
    _, err = invoke(["schema", "infer", data, "-o", out], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {data}: schema infer does not apply to a {layout} JSONL "
                                        "file: a schema validates the columns of a table"]
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "export", "gx", "--data", str(data), "-o",
                           str(tmp_path / "suite.json")], capture_output=True, text=True, check=False, timeout=180)
    assert (proc.returncode, proc.stderr.strip().splitlines()) == (
        2, [f"dataaudit: error: {data}: --data does not apply to a {layout} JSONL file: a suite validates the "
            "columns of a table"])
    assert not out.exists() and not (tmp_path / "suite.json").exists()
    invoke(["schema", "infer", DATA / "text" / "truthfulqa_bigbench.jsonl", "-o", out], 0)  # a JSONL table still is one


def test_integers_with_a_missing_cell_are_inferred_nullable_integers(tmp_path: Path) -> None:
    """As the tools page says, and as penguins' `NA` cells among whole grams and millimetres need:
    they were `float64`, so a mass of 3750.5 g passed. The reference passes its schema still."""
    schema = tmp_path / "schema.yaml"
    invoke(["schema", "infer", PENGUINS, "-o", schema], 0)
    loaded = pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8"))
    assert {name: str(loaded.columns[name].dtype) for name in ("flipper_length_mm", "body_mass_g", "year")} == {
        "flipper_length_mm": "Int64", "body_mass_g": "Int64", "year": "int64"}
    assert loaded.columns["body_mass_g"].nullable
    assert schema_findings(dataaudit.audit(PENGUINS, target="species", schema=schema)) == {}
    rows = rows_of(PENGUINS)
    rows[8][rows[0].index("body_mass_g")] = "3750.5"
    found = schema_findings(dataaudit.audit(write_rows(tmp_path / "half.csv", rows), target="species", schema=schema))
    assert {key: value["examples"] for key, value in found.items()} == {
        ("body_mass_g", "coerce_dtype('Int64')"): [7]}


BOOLEAN_AND_DATE_ROWS = [["flag", "always", "day", "label"], ["true", "True", "2021-03-04", "x"],
                         ["false", "FALSE", "2021-03-05", "y"], ["True", "false", "", "x"],
                         ["", "true", "2021-03-08", "y"], ["False", "false", "2021-03-06", "x"]]


@pytest.mark.parametrize("runner", [invoke, run], ids=["click", "installed"])
def test_csv_booleans_and_iso_dates_are_inferred_as_booleans_and_timestamps(tmp_path: Path, runner) -> None:
    """As text, the schema of a CSV's `true`/`false` column took `maybe`, and that of its dates
    `2021-13-45`. They are typed as a Parquet file of them is, with a missing cell a null; the file
    passes its schema, and a word, an impossible date or a date in another format fails the dtype
    on its row, wherever in the chunk it stands."""
    reference, schema = write_rows(tmp_path / "ref.csv", BOOLEAN_AND_DATE_ROWS), tmp_path / "schema.yaml"
    runner(["schema", "infer", reference, "-o", schema], 0)
    loaded = pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8"))
    assert {name: (str(column.dtype), column.nullable) for name, column in loaded.columns.items()} == {
        "flag": ("boolean", True), "always": ("bool", False), "day": ("datetime64[ns]", True),
        "label": ("string[pyarrow]", False)}
    assert [c.statistics for c in loaded.columns["day"].checks] == [{"min_value": pd.Timestamp("2021-03-04")},
                                                                    {"max_value": pd.Timestamp("2021-03-08")}]
    assert schema_cases(runner, reference, schema) == {}
    broken = write_rows(tmp_path / "broken.csv", [
        ["flag", "always", "day", "label"], ["maybe", "true", "03/04/2021", "x"], ["1", "yes", "2021-03-05", "y"],
        ["TRUE ", "", "2021-13-45", "x"], ["false", "false", "2021-02-30", "y"], ["", "true", "2021-03-09", "x"]])
    assert schema_cases(runner, broken, schema) == {
        ("flag", "coerce_dtype('boolean')"): (2, [0, 1]),
        ("always", "coerce_dtype('bool')"): (1, [1]),
        ("always", "not_nullable"): (1, [2]),
        ("day", "coerce_dtype('datetime64[ns]')"): (3, [0, 2, 3]),
        ("day", "less_than_or_equal_to(2021-03-08 00:00:00)"): (1, [4])}


@pytest.mark.parametrize("cells", [["2021-03-04", "2021-03-04T10:00:00+05:00"], ["1500-01-01", "2021-03-04"],
                                   ["true", "1"], ["2021-03-04", "soon"]])
def test_a_column_of_mixed_or_unrepresentable_times_or_booleans_stays_text(tmp_path: Path, cells: list[str]) -> None:
    """Naive and zoned times together, a year before 1677 (beyond a timestamp) and a word among
    booleans or dates give no typed column; the file passes its schema."""
    reference = write_rows(tmp_path / "ref.csv",
                           [["v", "label"], *([cell, "xy"[i % 2]] for i, cell in enumerate(cells))])
    schema = tmp_path / "schema.yaml"
    invoke(["schema", "infer", reference, "-o", schema], 0)
    assert str(pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8")).columns["v"].dtype) == "string[pyarrow]"
    assert schema_findings(dataaudit.audit(reference, target="label", schema=schema)) == {}


TYPED_CELLS = st.one_of(
    st.booleans().flatmap(lambda b: st.sampled_from([str(b).lower(), str(b), str(b).upper()])),
    st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 12, 31)).map(str),
    st.datetimes(min_value=datetime.datetime(1800, 1, 1), max_value=datetime.datetime(2200, 1, 1)).map(str),
    st.sampled_from(["", "NA"]))


@settings(max_examples=25, deadline=None)
@given(columns=st.lists(st.lists(TYPED_CELLS, min_size=1, max_size=12), min_size=1, max_size=3),
       chunk_rows=st.integers(1, 12))
def test_the_schema_inferred_from_a_csv_accepts_that_csv(columns: list[list[str]], chunk_rows: int) -> None:
    """Whatever mix of booleans, dates, timestamps and missing cells each column holds, and however
    the file is chunked, it passes the schema inferred from it."""
    import tempfile

    rows = max(len(column) for column in columns)
    with tempfile.TemporaryDirectory() as folder:
        path = write_rows(Path(folder) / "data.csv", [[f"c{i}" for i in range(len(columns))], *(
            [column[row] if row < len(column) else "" for column in columns] for row in range(rows))])
        schema = Path(folder) / "schema.yaml"
        invoke(["schema", "infer", path, "-o", schema], 0)
        assert schema_findings(dataaudit.audit(path, schema=schema, chunk_rows=chunk_rows)) == {}


MISSING = load_rules("default").rules.missing_values


def inferred(path: Path, sample: int | None, chunk_rows: int) -> pa.DataFrameSchema:
    """The schema `schema infer --sample SAMPLE` writes, read in chunks of `chunk_rows` rows."""
    return infer_schema(open_source(path, chunk_rows=chunk_rows), MISSING, sample)


KIND_CELLS = {
    "int": st.integers(-10**6, 10**6).map(str),
    "big int": st.integers(2**53, 2**64 - 1).map(str),
    "float": st.floats(-1e6, 1e6, allow_nan=False).map(lambda f: f"{f:.3f}"),
    "bool": st.booleans().flatmap(lambda b: st.sampled_from([str(b).lower(), str(b), str(b).upper()])),
    "date": st.dates(min_value=datetime.date(1800, 1, 1), max_value=datetime.date(2200, 12, 31)).map(str),
    "time": st.tuples(st.datetimes(min_value=datetime.datetime(1800, 1, 1), max_value=datetime.datetime(2200, 1, 1)),
                      st.sampled_from(["", "+05:00", "Z"])).map(lambda t: f"{t[0]}{t[1]}"),
    "text": st.sampled_from(["x", "maybe", "n/a?"]),
    "missing": st.sampled_from(["", "NA"]),
}
ANY_CELL = st.one_of(*KIND_CELLS.values())


@st.composite
def columns_with_late_values(draw: st.DrawFn) -> list[str]:
    """A column mostly of one kind, some missing cells, and whatever else later."""
    kind = draw(st.sampled_from(sorted(KIND_CELLS)))
    early = draw(st.lists(st.one_of(KIND_CELLS[kind], KIND_CELLS["missing"]), min_size=1, max_size=10))
    return early + draw(st.lists(st.one_of(KIND_CELLS[kind], ANY_CELL), max_size=10))


def csv_of(folder: str, columns: list[list[str]]) -> tuple[Path, int]:
    rows = max(len(column) for column in columns)
    return write_rows(Path(folder) / "data.csv", [[f"c{i}" for i in range(len(columns))], *(
        [column[row] if row < len(column) else "" for column in columns] for row in range(rows))]), rows


@settings(max_examples=60, deadline=None)
@given(columns=st.lists(columns_with_late_values(), min_size=1, max_size=3), sample=st.integers(1, 20),
       chunk_rows=st.integers(1, 8))
def test_a_schema_inferred_from_any_sample_accepts_the_whole_file(columns: list[list[str]], sample: int,
                                                                  chunk_rows: int) -> None:
    """Whatever the sample holds, and whatever comes after it (values beyond its range, its first
    missing cell, decimals among integers, words among booleans, dates or numbers), the whole file
    passes the schema; and it is the schema inferred from the whole file read at once."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        path, rows = csv_of(folder, columns)
        schema = inferred(path, sample, chunk_rows)
        assert schema_findings(dataaudit.audit(path, schema=schema, chunk_rows=chunk_rows)) == {}
        assert schema.to_yaml() == inferred(path, None, rows).to_yaml()


@settings(max_examples=30, deadline=None)
@given(columns=st.lists(columns_with_late_values(), min_size=1, max_size=3), sample=st.integers(1, 20),
       data=st.data())
def test_later_rows_adding_nothing_new_leave_the_sampled_schema_as_it_was(columns: list[list[str]], sample: int,
                                                                          data: st.DataObject) -> None:
    """Rows after the sample that only repeat its rows change nothing: a sample of the whole file
    and one of its first rows give the same schema, ranges included."""
    import tempfile

    with tempfile.TemporaryDirectory() as folder:
        header, *rows = rows_of(csv_of(folder, columns)[0])
        first = rows[:sample]
        later = data.draw(st.lists(st.sampled_from(first), max_size=20))
        path = write_rows(Path(folder) / "again.csv", [header, *first, *later])
        assert inferred(path, len(first), 3).to_yaml() == inferred(path, len(first) + len(later), 3).to_yaml()


def write_ids(path: Path, rows: int, broken: dict[int, tuple[str, str]] | None = None) -> Path:
    """`id` 0..rows-1, `x` half of it, a label; `broken` sets (column, text) on some data rows."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "x", "label"])
        for row in range(rows):
            cells = {"id": str(row), "x": str(row / 2), "label": "ab"[row % 2]}
            if broken and row in broken:
                cells.__setitem__(*broken[row])
            writer.writerow(cells.values())
    return path


@pytest.mark.slow
def test_a_file_past_the_sample_passes_its_schema_and_a_broken_copy_fails_on_its_rows(tmp_path: Path) -> None:
    """Inferred from the first 100,000 rows, the range of `id` ended at 99,999: the file it came
    from failed 40,000 rows. The range is the file's; a copy with an id beyond it and a word among
    the numbers fails on those rows, within the sample and past it."""
    data, schema = write_ids(tmp_path / "ids.csv", 140_000), tmp_path / "schema.yaml"
    run(["schema", "infer", data, "-o", schema], 0)
    loaded = pa.DataFrameSchema.from_yaml(schema.read_text(encoding="utf-8"))
    assert {name: (str(column.dtype), column.nullable, [c.statistics for c in column.checks])
            for name, column in loaded.columns.items()} == {
        "id": ("int64", False, [{"min_value": 0}, {"max_value": 139_999}]),
        "x": ("float64", False, [{"min_value": 0.0}, {"max_value": 69_999.5}]),
        "label": ("string[pyarrow]", False, [])}
    out, _ = run(["audit", data, "--schema", schema, "-f", "json"], 0)
    assert [f for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"] == []
    broken = write_ids(tmp_path / "broken.csv", 140_000, {
        7: ("x", "abc"), 120_000: ("id", "140000"), 130_001: ("x", "n/a?"), 139_999: ("id", "-1")})
    out, _ = run(["audit", broken, "--schema", schema, "-f", "json"], 1)
    assert {(f["column"], f["details"]["pandera_check"]): f["examples"] for f in json.loads(out)["findings"]
            if f["check"] == "schema.pandera"} == {
        ("id", "less_than_or_equal_to(139999)"): [120_000], ("id", "greater_than_or_equal_to(0)"): [139_999],
        ("x", "coerce_dtype('float64')"): [7, 130_001]}


@pytest.mark.parametrize("sample, later, dtype, nullable, checks", [
    (["1", "2"], ["2.5"], "float64", False, [{"min_value": 1.0}, {"max_value": 2.5}]),
    (["1", ""], ["2.5"], "float64", True, [{"min_value": 1.0}, {"max_value": 2.5}]),
    (["1", "2"], ["NA", "7"], "Int64", True, [{"min_value": 1}, {"max_value": 7}]),
    (["1", "2"], ["18446744073709551615"], "uint64", False, [{"min_value": 1}, {"max_value": 18446744073709551615}]),
    (["", "NA"], ["3", "4"], "Int64", True, [{"min_value": 3}, {"max_value": 4}]),
    (["true", "false"], [""], "boolean", True, []),
    (["true", "false"], ["1"], "string[pyarrow]", False, []),
    (["1.5", "2"], ["x"], "string[pyarrow]", False, []),
    (["2021-03-04", "2021-03-05"], ["2020-01-01 10:00:00"], "datetime64[ns]", False,
     [{"min_value": "2020-01-01 10:00:00"}, {"max_value": "2021-03-05 00:00:00"}]),
    (["2021-03-04", "2021-03-05"], ["soon"], "string[pyarrow]", False, []),
    (["", "NA"], ["2021-03-04", "2021-03-05"], "datetime64[ns]", True,
     [{"min_value": "2021-03-04 00:00:00"}, {"max_value": "2021-03-05 00:00:00"}]),
    (["", "NA"], ["2021-03-04T10:00:00+00:00"], "datetime64[ns, UTC]", True,
     [{"min_value": "2021-03-04 10:00:00+00:00"}, {"max_value": "2021-03-04 10:00:00+00:00"}]),
    (["2021-03-04", "2021-03-05"], ["2021-03-06T00:00:00+05:00"], "string[pyarrow]", False, []),
])
def test_what_later_rows_widen_the_sampled_schema_to(tmp_path: Path, sample: list[str], later: list[str], dtype: str,
                                                     nullable: bool, checks: list[dict]) -> None:
    """Ranges take in the later values, a later missing cell makes the column nullable, and a
    later value its dtype cannot hold widens it: integers to floats (or unsigned past int64's
    greatest), booleans, times and numbers to text, whose ranges go."""
    path = write_rows(tmp_path / "data.csv", [["v"], *([cell] for cell in sample + later)])
    column = inferred(path, len(sample), 1).columns["v"]
    assert (str(column.dtype), column.nullable, [c.statistics for c in column.checks]) == (dtype, nullable, checks)
    assert schema_findings(dataaudit.audit(path, schema=inferred(path, len(sample), 1))) == {}


def test_a_column_empty_in_the_sample_takes_the_later_rows_zoned_times(tmp_path: Path) -> None:
    """A column with no value in the sample, zoned times past it: `schema infer` stopped on an
    internal error (exit 3). The schema it writes passes the file and fails a copy's bad time."""
    rows = [["id", "when"], *([str(i), "" if i < 5 else f"2024-01-0{1 + i % 9}T10:00:00+00:00"] for i in range(20))]
    data, schema = write_rows(tmp_path / "data.csv", rows), tmp_path / "schema.yaml"
    invoke(["schema", "infer", data, "--sample", "5", "-o", schema], 0)
    assert "datetime64[ns, UTC]" in schema.read_text(encoding="utf-8")
    out, _ = invoke(["audit", data, "--schema", schema, "-f", "json"], 0)
    assert [f for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"] == []
    broken = write_rows(tmp_path / "broken.csv", [*rows[:12], ["11", "2024-13-45T10:00:00+00:00"], *rows[13:]])
    out, _ = invoke(["audit", broken, "--schema", schema, "-f", "json"], 1)
    assert [f["examples"] for f in json.loads(out)["findings"] if f["check"] == "schema.pandera"] == [[11]]


def test_later_categories_join_the_inferred_ones(tmp_path: Path) -> None:
    """A categorical column's inferred `isin` holds the categories of every chunk of the file."""
    import pyarrow
    import pyarrow.parquet as pq

    path = tmp_path / "cats.parquet"
    with pq.ParquetWriter(path, pyarrow.schema([("c", pyarrow.dictionary(pyarrow.int32(), pyarrow.string()))])) as w:
        for values in (["a", "b"], ["b", "c"], [None, "d"]):
            w.write_table(pyarrow.table({"c": pyarrow.array(values).dictionary_encode()}))
    column = inferred(path, 2, 2).columns["c"]
    assert (str(column.dtype), column.nullable, [c.statistics for c in column.checks]) == (
        "category", True, [{"allowed_values": ["a", "b", "c", "d"]}])
    assert schema_findings(dataaudit.audit(path, schema=inferred(path, 2, 2), chunk_rows=2)) == {}


def test_dates_read_in_several_chunks_are_inferred_as_timestamps() -> None:
    """The sample's chunks, concatenated, held each text column in as many Arrow chunks: reading
    its dates crashed `schema infer` on any file whose sample spans more than one chunk."""
    frame = pd.DataFrame({"d": [f"2021-01-0{i + 1}" for i in range(6)], "label": list("xyxyxy")})
    schema = infer_schema(open_source(frame, chunk_rows=2), MISSING, None)
    assert str(schema.columns["d"].dtype) == "datetime64[ns]"


def _one_by_one(read: Callable[[object, bool], object], cells: pd.Series, keeps_nulls: bool) -> list[object]:
    return [read(value, keeps_nulls) for value in cells]


def _outcome(reading: Callable[[], object]) -> object:
    try:
        return [(type(value), repr(value)) for value in reading()]
    except (ValueError, TypeError) as exc:
        return type(exc)


READ_TEXTS = st.one_of(
    st.none(), st.integers(-(2**70), 2**70).map(str), st.integers(0, 999).map(lambda n: f"00{n}"),
    st.tuples(st.integers(-(2**70), 2**70), st.text(alphabet="0123456789", min_size=1, max_size=25)).map(
        lambda pair: f"{pair[0]}.{pair[1]}"),
    st.sampled_from(["-0", "-", "+3", " 1", "1 ", "3750.5", "1e3", "abc", "1_000", "", " ", "٣", "true", " False ",
                     "TRUE", "yes", "2021-03-04", "2021-03-04 05:06:07+02:00", "2021-13-45", "03/04/2021", "nan"]),
    st.text(alphabet="0123456789-+. e", max_size=6))


@settings(max_examples=80, deadline=None)
@given(texts=st.lists(READ_TEXTS, max_size=30), dtype=st.sampled_from(["str", "string", "object"]),
       keeps_nulls=st.booleans())
def test_a_text_column_is_read_as_one_cell_at_a_time_reads_it(texts: list[str | None], dtype: str,
                                                                keeps_nulls: bool) -> None:
    """A column of text is read once per distinct text, its plain integers by Arrow in one call:
    the values (and their Python types), or the refusal, are those of a call per cell."""
    from dataaudit.integrations.pandera_schema import _boolean, _number, _read_cells, _timestamp

    cells = pd.Series(texts, dtype=dtype, index=range(7, 7 + len(texts)))
    for read in (_number, _boolean, _timestamp):
        assert _outcome(lambda read=read: _read_cells(read, cells, keeps_nulls)) == _outcome(
            lambda read=read: _one_by_one(read, cells, keeps_nulls))
