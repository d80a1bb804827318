"""Rows are hashed, compared and written as the file spells them.

Adversarial files on disk, run through the installed command and click's runner: cells that
only look alike as numbers or booleans are different rows; `clean` writes every kept cell
byte for byte unless a default step (trimming, disguised missing values, label spellings)
asks for the change, and the manifest counts each such change; integers past 2**53 and uint64
are kept exactly. A property test checks the law on random CSVs.
"""

from __future__ import annotations

import csv
import decimal
import hashlib
import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.cli import cli
from dataaudit.profile.spec import DEFAULT_MISSING_TOKENS
from tests.cli_helpers import invoke, run

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
Runner = Callable[..., tuple[str, str]]
BIG = [str(2**53), str(2**53 + 1), str(2**64 - 1), "12345678901234567890"]


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _rows(path: Path) -> list[list[str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _write_csv(path: Path, rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    return path


def _audit(runner: Runner, data: Path, tmp_path: Path, *args: str) -> dict:
    out = tmp_path / "audit.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", out, *args], 1)
    return json.loads(out.read_text())["dataset"]


def _clean(runner: Runner, data: Path, out: Path, *args: str) -> dict:
    runner(["clean", data, "-t", "label", "-o", out, "--force", *args], 1)
    return json.loads(out.with_name(f"{out.stem}.manifest.json").read_text())


LOOKALIKES = [
    ["zip", "code", "amount", "flag", "label"],
    ["01234", "007", "1e3", "True", "y"],
    ["1234", "7", "1000", "TRUE", "z"],
    ["01234", "007", "1e3", "true", "z"],
    ["1234", "7", "1000", "TRUE", "z"],  # the one real repeat: of row 1, cell for cell
]


@pytest.mark.parametrize("runner", RUNNERS)
def test_cells_that_are_equal_only_as_numbers_or_booleans_are_different_rows(tmp_path: Path,
                                                                              runner: Runner) -> None:
    data = _write_csv(tmp_path / "lookalikes.csv", LOOKALIKES)
    digest = _sha(data)
    duplicates = _audit(runner, data, tmp_path)["duplicates"]
    assert (duplicates["exact_rows"], duplicates["conflict_rows"]) == (1, 0)

    manifest = _clean(runner, data, tmp_path / "out.csv")
    assert manifest["quarantine_reasons"] == {"duplicate": 1}
    assert _rows(tmp_path / "out.csv") == LOOKALIKES[:4]
    assert _rows(tmp_path / "out.quarantine.csv") == [[*LOOKALIKES[0], "_row", "_reason"],
                                                      [*LOOKALIKES[4], "3", "duplicate"]]
    assert _sha(data) == digest


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_typed_value_is_one_value_whatever_its_type(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "typed.parquet"
    pq.write_table(pa.table({"x": pa.array([1.0, 1.0, 2.5, -0.0, 0.0]), "label": ["a", "a", "b", "b", "b"]}), data)
    duplicates = _audit(runner, data, tmp_path)["duplicates"]
    assert duplicates["exact_rows"] == 2  # rows 1 and 4


def _leaked(runner: Runner, train: Path, test: Path, tmp_path: Path, code: int = 1) -> int:
    out = tmp_path / "splits.json"
    runner(["audit", train, "-t", "label", "--split", f"test={test}", "-f", "json", "-o", out], code)
    tables = {t["id"]: t for t in json.loads(out.read_text())["tables"]}
    return {row[0]: row for row in tables["splits.summary"]["rows"]}["test"][3]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_decimal_is_its_value_whatever_its_scale(tmp_path: Path, runner: Runner) -> None:
    """`25.50` in a decimal(10, 2) column is `25.5000` in a decimal(12, 4) one, the float 25.5,
    and the CSV text `25.5`; `26.00` is the integer 26. Digits past a float's precision stay
    apart: 0.1000000000000000001 is no 0.1."""
    prices = [decimal.Decimal(100 + i) / 4 for i in range(8)]  # 25, 25.25, ..., 26.75
    labels = ["a", "b"] * 4

    def parquet(name: str, values: pa.Array) -> Path:
        pq.write_table(pa.table({"price": values, "label": labels}), tmp_path / name)
        return tmp_path / name

    train = parquet("train.parquet", pa.array(prices, pa.decimal128(10, 2)))
    assert _leaked(runner, train, parquet("scale4.parquet", pa.array(prices, pa.decimal128(12, 4))), tmp_path) == 8
    assert _leaked(runner, train, parquet("float.parquet", pa.array([float(p) for p in prices])), tmp_path) == 8
    assert _leaked(runner, train, parquet("int.parquet", pa.array([int(p) if p == int(p) else None for p in prices],
                                                                   pa.int64())), tmp_path) == 2
    text = _write_csv(tmp_path / "text.csv", [["price", "label"], *([f"{p.normalize():f}", y]
                                                                    for p, y in zip(prices, labels, strict=True))])
    assert _leaked(runner, train, text, tmp_path) == 8
    fine = parquet("fine.parquet", pa.array([decimal.Decimal("0.1000000000000000001")] * 8, pa.decimal128(38, 19)))
    assert _leaked(runner, fine, parquet("tenth.parquet", pa.array([0.1] * 8)), tmp_path) == 0


@pytest.mark.parametrize("runner", RUNNERS)
def test_split_leakage_compares_rows_as_written(tmp_path: Path, runner: Runner) -> None:
    train = _write_csv(tmp_path / "train.csv", [["code", "amount", "label"], ["007", "1e3", "y"], ["01", "2", "z"]])
    val = _write_csv(tmp_path / "val.csv", [["code", "amount", "label"], ["7", "1000", "y"], ["007", "1e3", "y"],
                                            ["q", "9", "z"]])
    out = tmp_path / "splits.json"
    runner(["audit", train, "-t", "label", "--split", f"val={val}", "-f", "json", "-o", out], 1)
    tables = {t["id"]: t for t in json.loads(out.read_text())["tables"]}
    summary = {row[0]: row for row in tables["splits.summary"]["rows"]}
    assert summary["val"][3] == 1  # `007,1e3` leaks; `7,1000` is another row


SPELLINGS = [
    ["id", "zip", "amount", "colour", "note", "label"],
    [" 007 ", "00123", "1.10", " red ", "a…b", "cat "],
    ["8", "00456", "10.000", "blue", "ﬁne ²", "CAT"],
    ["9", "00789", "123456789.123456789", "NA", "x", "cat"],
    ["10", "00012", "0.5", "green", "y", "cat"],
]


@pytest.mark.parametrize("runner", RUNNERS)
def test_clean_changes_only_the_cells_a_default_step_names(tmp_path: Path, runner: Runner) -> None:
    data = _write_csv(tmp_path / "spellings.csv", SPELLINGS)
    digest = _sha(data)
    manifest = _clean(runner, data, tmp_path / "out.csv", "-i", "id")
    assert _rows(tmp_path / "out.csv") == [
        SPELLINGS[0],
        [" 007 ", "00123", "1.10", "red", "a…b", "cat"],  # trimmed colour, merged label, the rest as written
        ["8", "00456", "10.000", "blue", "ﬁne ²", "cat"],
        ["9", "00789", "123456789.123456789", "", "x", "cat"],  # `NA` became a null
        SPELLINGS[4],
    ]
    steps = {step["step"]: step for step in manifest["steps"]}
    assert "coerce_numeric" not in steps
    assert steps["missing_to_null"]["cells"] == {"colour": 1}
    assert steps["normalize_text"]["cells"] == {"colour": 1}
    assert steps["merge_label_variants"]["cells"] == {"label": 2}
    assert manifest["rows"] == {"in": 4, "out": 4, "quarantined": 0, "redacted": 0}
    assert _sha(data) == digest


@pytest.mark.parametrize("runner", RUNNERS)
def test_coerce_numeric_when_asked_leaves_numbers_that_would_be_respelled(tmp_path: Path, runner: Runner) -> None:
    data = _write_csv(tmp_path / "numbers.csv", [["zip", "amount", "n", "label"], ["00123", "1.10", "3", "a"],
                                                 ["00456", "2.5", "4", "b"], ["00789", "7", "5", "a"]])
    rules = tmp_path / "coerce.yaml"
    rules.write_text("preprocess: {coerce_numeric: true}\n")
    _clean(runner, data, tmp_path / "out.parquet", "-r", rules)
    table = pq.read_table(tmp_path / "out.parquet")
    assert table.schema.field("n").type == pa.int64() and table.column("n").to_pylist() == [3, 4, 5]
    assert table.column("zip").to_pylist() == ["00123", "00456", "00789"]
    assert table.column("amount").to_pylist() == ["1.10", "2.5", "7"]


JSON_LINES = [
    '{"id": 1, "b": {"x": 1}, "n": 1, "t": true, "f": 1.10, "g": 123456789.123456789, "s": "1", "label": "cat"}',
    '{"id": 2, "b": [1, 2.50], "n": 2, "t": false, "f": 2.0, "g": 1e3, "s": "NA", "label": "dog"}',
    '{"id": 3, "b": null, "n": 3, "t": true, "f": 3, "g": 0, "s": "3", "label": "cat"}',
]


@pytest.mark.parametrize("runner", RUNNERS)
def test_jsonl_keeps_its_json_types(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "typed.jsonl"
    data.write_text("\n".join(JSON_LINES) + "\n")
    digest = _sha(data)
    _clean(runner, data, tmp_path / "out.jsonl", "-i", "n")
    lines = (tmp_path / "out.jsonl").read_text().splitlines()
    assert lines == [JSON_LINES[0], JSON_LINES[1].replace('"s": "NA"', '"s": null'), JSON_LINES[2]]
    assert _sha(data) == digest


REPEATED_KEYS = [  # a backslash or a nested value sends a line down the path that walks it value by value
    '{"id": 1, "v": 1, "v": "1", "s": "a\\\\tb", "label": "a"}',
    '{"id": 2, "v": "2", "v": 2, "s": "a\\\\tb", "label": "b"}',
    '{"id": 3, "v": 3, "v": "3", "s": "c", "label": "a"}',
    '{"id": 4, "v": [4], "v": "4", "s": "d", "label": "b"}',
]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_row_repeating_a_key_is_quarantined_as_written(tmp_path: Path, runner: Runner) -> None:
    # JSON readers disagree on a repeated key (Python's and pandas' keep the last value, pyarrow's
    # refuses the line): such a row is malformed, set aside whole, its text exactly as written
    data = tmp_path / "repeated.jsonl"
    rows = [f'{{"id": {i}, "v": {i}, "s": "a\\\\t{i}", "label": "{"ab"[i % 2]}"}}' for i in range(5, 9)]
    data.write_text("\n".join([*REPEATED_KEYS, *rows]) + "\n")
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert "repeated.jsonl:1: the key 'v' given twice in one object" in err
    _clean(runner, data, tmp_path / "out.jsonl", "--bad-rows", "quarantine")
    assert (tmp_path / "out.jsonl").read_text().splitlines() == rows
    held = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(h["_line"], h["_text"]) for h in held] == [(i, line) for i, line in enumerate(REPEATED_KEYS, 1)]


@pytest.mark.slow
@pytest.mark.parametrize("runner", RUNNERS)
def test_large_integers_are_kept_exactly(tmp_path: Path, runner: Runner) -> None:
    rows = [["id", "n", "label"], *([big, big, label] for big, label in zip(BIG, "abab", strict=True)),
            [BIG[1], BIG[1], "b"]]
    data = _write_csv(tmp_path / "big.csv", rows)
    duplicates = _audit(runner, data, tmp_path)["duplicates"]
    # 2**53 and 2**53 + 1 are one float64, with labels a and b: equal as floats, they would conflict
    assert (duplicates["exact_rows"], duplicates["conflict_rows"]) == (1, 0)  # row 5 repeats row 2
    _clean(runner, data, tmp_path / "out.csv")
    assert _rows(tmp_path / "out.csv") == rows[:5]

    lines = [json.dumps({"id": int(big), "label": label}) for big, label in zip(BIG, "abab", strict=True)]
    (tmp_path / "big.jsonl").write_text("\n".join(lines) + "\n")
    _clean(runner, tmp_path / "big.jsonl", tmp_path / "out.jsonl")
    assert (tmp_path / "out.jsonl").read_text().splitlines() == lines

    parquet = tmp_path / "big.parquet"
    pq.write_table(pa.table({"u": pa.array([2**64 - 1, 2**63, 2**53, 2**53 + 1], pa.uint64()),
                             "i": pa.array([2**53 + 1, 2**53, -(2**53) - 1, -(2**53)], pa.int64()),
                             "label": ["a", "b", "a", "b"]}), parquet)
    assert _audit(runner, parquet, tmp_path)["duplicates"]["exact_rows"] == 0
    _clean(runner, parquet, tmp_path / "out.parquet")
    out = pq.read_table(tmp_path / "out.parquet")
    assert out.column("u").to_pylist() == [2**64 - 1, 2**63, 2**53, 2**53 + 1]
    assert out.column("i").to_pylist() == [2**53 + 1, 2**53, -(2**53) - 1, -(2**53)]


# --- the law on random CSVs ------------------------------------------------------------------

PIECES = ["a", "Z", "é", "e\u0301", "…", "ｒ", "ﬁ", "0", "7", "00", "1.10", "-", "1e3", str(2**64 - 1), " ", "\t",
          '"', ",", "\n", "\r\n", "'", "NA", "?", "true", "TRUE", "漢"]
CELLS = st.one_of(st.lists(st.sampled_from(PIECES), max_size=4).map("".join),
                  st.integers(0, 10**20).map(lambda n: f"{n:0{n % 7}d}"),
                  st.decimals(allow_nan=False, allow_infinity=False, places=3).map(str))
TOKENS = {t.lower() for t in DEFAULT_MISSING_TOKENS}
SENTINELS = (-999.0, -9999.0)


def _disguised(cell: str) -> bool:
    """A cell the default rules read as missing: a token, or a sentinel (nulled when the audit
    finds it outside the column's real values)."""
    try:
        return float(cell) in SENTINELS
    except ValueError:
        return cell.strip().lower() in TOKENS


def _clean_any_verdict(data: Path, out: Path) -> None:
    """`clean` through click's runner, passed or failed gate alike (random data may do either);
    a few random rows may well be mostly duplicates or unlabelled, so a large quarantine is allowed."""
    result = CliRunner().invoke(cli, ["clean", str(data), "-t", "label", "-o", str(out), "--force",
                                      "--allow-large-quarantine"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.stderr


@pytest.mark.slow
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELLS, CELLS, st.sampled_from(["x", "y", ""])), min_size=1, max_size=12),
       crlf=st.booleans(), quote_all=st.booleans())
def test_clean_keeps_every_cell_no_step_touches(tmp_path: Path, rows: list[tuple[str, str, str]], crlf: bool,
                                                quote_all: bool) -> None:
    table = [["f1", "f2", "label"], *[list(row) for row in rows]]
    data = tmp_path / "random.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\r\n" if crlf else "\n",
                   quoting=csv.QUOTE_ALL if quote_all else csv.QUOTE_MINIMAL).writerows(table)
    digest = _sha(data)
    out = tmp_path / "out.csv"
    _clean_any_verdict(data, out)
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    kept, held = _rows(out), _rows(tmp_path / "out.quarantine.csv")
    assert len(table) - 1 == (len(kept) - 1) + (len(held) - 1)
    assert manifest["rows"] == {"in": len(table) - 1, "out": len(kept) - 1, "quarantined": len(held) - 1,
                               "redacted": 0}
    quarantined = {int(row[-2]) for row in held[1:]}
    for row in held[1:]:
        assert row[:-2] == table[1 + int(row[-2])]  # quarantined as written
    originals = [row for i, row in enumerate(table[1:]) if i not in quarantined]
    header = kept[0]
    changed: dict[str, dict[str, int]] = {"missing_to_null": {}, "normalize_text": {}}
    for before, after in zip(originals, kept[1:], strict=True):
        for name, cell in zip(header, after, strict=True):
            original = before[table[0].index(name)]
            # a quoted empty field is a disguised token made null: read back, the same empty text
            if cell == original and not (quote_all and original == ""):
                continue
            step = "missing_to_null" if _disguised(original) else "normalize_text"
            assert cell == ("" if step == "missing_to_null" else original.strip()), (name, original, cell)
            changed[step][name] = changed[step].get(name, 0) + 1
    steps = {step["step"]: step["cells"] for step in manifest["steps"]}
    # a column nulled and then dropped as empty is counted but not written
    assert {name: {c: n for c, n in steps[name].items() if c in header} for name in changed} == changed
    dropped = [name for name in table[0] if name not in header]
    assert steps["drop_columns"] == {name: len(kept) - 1 for name in dropped}
    assert _sha(data) == digest


# --- a JSONL line no step changes is written as it was read ----------------------------------------

KEPT_AS_READ = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
                "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
                "drop_empty_columns: false}\n")
#: each key as JSON writes it, or escaped
KEYS = {"café": ['"café"', '"caf\\u00e9"'], "a/b": ['"a/b"', '"a\\/b"'], "n": ['"n"', '"\\u006e"']}
VALUES = st.sampled_from(["1", "1.50", "1E+03", "-0", "true", "null", '"x"', '"caf\\u00e9"', '"tab\\tbed"',
                          "[1, 2.0]", '{"k":[]}', '""', '"  spaced  "', "12345678901234567890"])
SPACE = st.sampled_from(["", " ", "  "])


@st.composite
def json_lines(draw: st.DrawFn) -> str:
    """One JSON object with a label, its keys in any order and spelling, spaced any way."""
    keys = draw(st.permutations(list(KEYS)))
    members = [(draw(st.sampled_from(KEYS[key])), draw(VALUES)) for key in keys]
    members.insert(draw(st.integers(0, len(members))), ('"label"', draw(st.sampled_from(['"a"', '"b"']))))
    space = [draw(SPACE) for _ in range(4)]
    body = f"{space[2]},{space[3]}".join(f"{key}{space[0]}:{space[1]}{value}" for key, value in members)
    return "{" + draw(SPACE) + body + draw(SPACE) + "}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(json_lines(), min_size=2, max_size=8))
def test_a_jsonl_line_no_step_changes_is_written_as_read(tmp_path: Path, lines: list[str]) -> None:
    data, out, rules = tmp_path / "in.jsonl", tmp_path / "out.jsonl", tmp_path / "kept.yaml"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    rules.write_text(KEPT_AS_READ)
    result = CliRunner().invoke(cli, ["clean", str(data), "-t", "label", "-r", str(rules), "-o", str(out), "--force",
                                      "--allow-large-quarantine"])
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.stderr
    assert out.read_bytes() == data.read_bytes()


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_jsonl_line_a_step_changes_keeps_its_other_keys_and_values_as_written(tmp_path: Path,
                                                                               runner: Runner) -> None:
    lines = ['{"id":1,"caf\\u00e9":1.50,"t":"x","label":"a"}', '{"id":2,"caf\\u00e9":2.50,"t":"  y ","label":"b"}',
             '{"id":3,"caf\\u00e9":3.50,"t":"z","label":"a"}', '{"id":4,"caf\\u00e9":4.50,"t":"w","label":"b"}']
    data = tmp_path / "in.jsonl"
    data.write_text("\n".join(lines) + "\n")
    _clean(runner, data, tmp_path / "out.jsonl", "--allow-large-quarantine")
    written = (tmp_path / "out.jsonl").read_text().splitlines()
    assert written == [lines[0], '{"id": 2, "caf\\u00e9": 2.50, "t": "y", "label": "b"}', *lines[2:]]
