"""A clean keeps every value no step was asked to change, whatever format it writes.

Text to text (CSV, TSV, JSON Lines, plain or gzipped) keeps each cell's text; Parquet to Parquet
keeps each value and its type; between them the mapping `docs/cleaning.md` gives ("Values
across formats") holds: a JSON Lines value is written into a CSV, TSV or Parquet cell as its
text as the line wrote it (a string as its characters), and a CSV cell into a JSON Lines line
as a JSON string.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import os
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.cli import cli
from tests.cli_helpers import invoke

#: value steps off; the row steps (duplicates, and with a target missing labels and conflicts) as by default
NO_VALUE_STEPS = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
                  "drop_constant_columns: false, drop_empty_columns: false}\n")
ROOT = Path(__file__).resolve().parents[1]


def _pack(tmp_path: Path) -> Path:
    pack = tmp_path / "no-value-steps.yaml"
    pack.write_text(NO_VALUE_STEPS)
    return pack


def _text(path: Path) -> str:
    raw = path.read_bytes()
    return (gzip.decompress(raw) if path.name.endswith(".gz") else raw).decode("utf-8")


def _lines(path: Path) -> list[str]:
    """The lines of a JSON Lines file, split at its line ends alone (`str.splitlines` splits at
    U+0085 and U+2028 too, which a JSON string holds as they are)."""
    text = _text(path).replace("\r\n", "\n")
    return text.split("\n")[:-1] if text.endswith("\n") else text.split("\n") if text else []


def _column(path: Path, name: str) -> list:
    """The values of column `name` of a cleaned file, as its format holds them: a CSV or TSV
    cell's text (None where it is empty and unquoted: missing), a JSON Lines line's JSON text of
    the value (None where the key is absent), a Parquet value."""
    plain = path.name.removesuffix(".gz")
    if plain.endswith(".parquet"):
        return pq.read_table(path).column(name).to_pylist()
    if plain.endswith(".jsonl"):
        return [_raw_member(line, name) for line in _lines(path)]
    return [row[name] for row in csv.DictReader(io.StringIO(_text(path), newline=""),
                                                delimiter="\t" if plain.endswith(".tsv") else ",")]


def _raw_member(line: str, key: str) -> str | None:
    """The text of `key`'s value in a JSON object line written compactly by the test."""
    record = json.loads(line)
    if key not in record:
        return None
    decoder = json.JSONDecoder()
    at = line.index(json.dumps(key) + ":") + len(json.dumps(key)) + 1
    _, end = decoder.raw_decode(line, at)
    return line[at:end]


# -- a JSON Lines integer -0 ---------------------------------------------------------------------

NEGATIVE_ZEROS = ['{"id":1,"v":-0,"n":[-0, 1]}', '{"id":2,"v":-0.0,"n":[0]}', '{"id":3,"v":0,"n":{"k":-0}}']


@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".parquet", ".jsonl", ".csv.gz"])
def test_a_jsonl_negative_zero_is_written_as_the_line_wrote_it(tmp_path: Path, suffix: str) -> None:
    """Python's parser makes the integer `-0` the int 0, which was written `0` into a CSV, TSV or
    Parquet output; it is the number the line wrote, `-0`, there as in a JSON Lines output."""
    data = tmp_path / "zeros.jsonl"
    data.write_text("".join(line + "\n" for line in NEGATIVE_ZEROS), encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    if suffix == ".jsonl":
        assert _lines(out) == NEGATIVE_ZEROS
        return
    assert _column(out, "v") == ["-0", "-0.0", "0"]
    assert _column(out, "n") == ["[-0, 1]", "[0]", '{"k": -0}']


def test_negative_zero_and_zero_are_different_rows_as_the_line_writes_them(tmp_path: Path) -> None:
    """Two rows are duplicates when their cells are the same text: `-0` and `0` are two rows, as
    `1.0` and `1` are; `-0` twice is a duplicate."""
    data = tmp_path / "zeros.jsonl"
    data.write_text('{"v":-0}\n{"v":0}\n{"v":-0}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    assert _column(out, "v") == ["-0", "0"]
    assert _column(tmp_path / "out.quarantine.csv", "v") == ["-0"]


def test_a_string_holding_minus_zero_is_read_as_it_is(tmp_path: Path) -> None:
    """A line whose strings hold `-0` (a date, a code) is parsed by the slower decoder that keeps
    `-0` as written; its values are the same."""
    data = tmp_path / "dates.jsonl"
    data.write_text('{"d":"2024-0","x":10,"y":-0e1,"z":"a-0"}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    assert [_column(out, key) for key in "dxyz"] == [["2024-0"], ["10"], ["-0e1"], ["a-0"]]


def test_a_clean_as_a_subprocess_writes_negative_zero_into_csv(tmp_path: Path) -> None:
    data = tmp_path / "zeros.jsonl"
    data.write_text("".join(line + "\n" for line in NEGATIVE_ZEROS), encoding="utf-8")
    out = tmp_path / "out.csv"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    proc = subprocess.run([sys.executable, "-m", "dataaudit", "clean", str(data), "-r", str(_pack(tmp_path)),
                           "-o", str(out), "--allow-large-quarantine"], env=env, capture_output=True, check=False)
    assert proc.returncode == 1, proc.stderr.decode()
    assert _column(out, "v") == ["-0", "-0.0", "0"]


# -- Parquet decimals in impute and scale -----------------------------------------------------------

def _decimals(tmp_path: Path) -> Path:
    from decimal import Decimal

    import pyarrow as pa

    table = pa.table({
        "d": pa.array([Decimal("1.50"), None, Decimal("2.25"), Decimal("3.00")], pa.decimal128(10, 2)),
        "e": pa.array([Decimal("1.5"), Decimal("2.5"), None, Decimal("4.5")], pa.decimal256(40, 1)),
        "tiny": pa.array([Decimal("1"), None, Decimal("2"), Decimal("9")], pa.decimal128(1, 0)),
    })
    data = tmp_path / "decimals.parquet"
    pq.write_table(table, data)
    return data


def _steps(manifest: Path) -> dict[str, dict]:
    return {step["step"]: step for step in json.loads(manifest.read_text())["steps"]}


def test_a_decimal_column_is_filled_with_a_decimal_of_its_scale(tmp_path: Path) -> None:
    """decimal128 and decimal256 columns were left out of impute without a word; they are filled
    with the fill as a decimal of the column's scale, the rounding said in the step's notes, and
    a fill the column's precision cannot hold leaves its nulls, said so too."""
    from decimal import Decimal

    pack = tmp_path / "impute.yaml"
    pack.write_text("preprocess: {impute: {numeric: mean, categorical: none}}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", _decimals(tmp_path), "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    table = pq.read_table(out)
    assert [str(table.schema.field(c).type) for c in ("d", "e", "tiny")] == [
        "decimal128(10, 2)", "decimal256(40, 1)", "decimal128(1, 0)"]
    assert table.column("d").to_pylist() == [Decimal("1.50"), Decimal("2.25"), Decimal("2.25"), Decimal("3.00")]
    assert table.column("e").to_pylist() == [Decimal("1.5"), Decimal("2.5"), Decimal("2.8"), Decimal("4.5")]
    assert table.column("tiny").to_pylist() == [Decimal("1"), Decimal("4"), Decimal("2"), Decimal("9")]
    impute = _steps(tmp_path / "out.manifest.json")["impute"]
    assert impute["cells"] == {"d": 1, "e": 1, "tiny": 1}
    assert "e: filled with 2.8, the fill 2.8333333333333335 rounded to the column's 1 decimal place" in impute["notes"]


def test_a_decimal_fill_past_the_precision_keeps_the_nulls_and_says_so(tmp_path: Path) -> None:
    pack = tmp_path / "impute.yaml"
    pack.write_text("preprocess: {impute: {numeric: constant, fill_number: 12.0, categorical: none}}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", _decimals(tmp_path), "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    assert pq.read_table(out).column("tiny").null_count == 1
    notes = _steps(tmp_path / "out.manifest.json")["impute"]["notes"]
    assert "tiny: nulls kept: the fill 12.0 has more digits than the column's decimal(1, 0) holds" in notes


def test_a_decimal_column_is_scaled_as_float64_and_the_notes_say_so(tmp_path: Path) -> None:
    pack = tmp_path / "scale.yaml"
    pack.write_text("preprocess: {scale: standard}\n")
    out = tmp_path / "out.parquet"
    invoke(["clean", _decimals(tmp_path), "-r", pack, "-o", out, "--allow-large-quarantine"], 1)
    table = pq.read_table(out)
    assert str(table.schema.field("d").type) == "double"
    d = table.column("d").to_pylist()
    assert d[1] is None and d[0] == pytest.approx(-(0.75 / 0.6123724356957945)) and d[2] == pytest.approx(0.0)
    scale = _steps(tmp_path / "out.manifest.json")["scale"]
    assert scale["cells"] == {"d": 3, "e": 3, "tiny": 3}
    assert "d: decimal values scaled as float64, each from its nearest float" in scale["notes"]


# -- every kept cell, for each input format x output format ------------------------------------------

FORMATS = [".csv", ".tsv", ".parquet", ".jsonl", ".csv.gz", ".tsv.gz", ".jsonl.gz"]
COLUMNS = ["a", "b", "c"]
#: texts likely to be read, or written back, as something else
TRICKY = ["01234", "1e5", "1E5", "+5", " 5 ", "5.", ".5", "0x1F", "NaN", "nan", "inf", "-inf", "1_000", "TRUE",
          "true", "True", "", "null", "None", "NA", str(2**63), str(2**64), str(10**30), "0.12345678901234567",
          "1.0", "1", "-0", "-0.0", "2024-01-02", "2024-01-02T03:04:05+02:00", "2024-01-02 03:04:05Z",
          "a\nb", "a\r\nb", "q\"q", "c,d", "t\te", "\ufeffx", "é", "e\u0301", '{"k": 1,  "j":[1.50]}', "\\u00e9"]
#: JSON values a JSON Lines line may hold, as written: ("s", text) a string, ("n", text) a number,
#: ("b", text) a boolean, ("j", text) an object or an array, None null, ABSENT no key
ABSENT = "absent"
JSON_TOKENS = [("n", t) for t in ["-0", "-0.0", "0", "1", "1.0", "1.50", "1e5", "1E5", "1E+03", str(2**63), str(2**64),
                                  str(10**30), "-" + str(2**63 + 1), "0.12345678901234567", "1e999", "5e-324"]] + [
    ("b", "true"), ("b", "false"), None, ABSENT,
    ("j", '{"b": 1,  "a":[1.50, -0, "\\u00e9"]}'), ("j", "[]"), ("j", '{"k":{"z":null,"a":true}}')]


def _quoted(text: str | None, delimiter: str) -> str:
    return "" if text is None else '"' + text.replace('"', '""') + '"'


def _write_input(path: Path, rows: list[list], bom: bool, line_end: str) -> None:
    plain = path.name.removesuffix(".gz")
    if plain.endswith(".parquet"):
        import pyarrow as pa

        pq.write_table(pa.table({c: pa.array([row[i] for row in rows], pa.string()) for i, c in enumerate(COLUMNS)}),
                       path)
        return
    if plain.endswith(".jsonl"):
        text = "".join("{" + ",".join(f'"{c}":{_json_token(cell)}' for c, cell in zip(COLUMNS, row, strict=True)
                                      if cell != ABSENT) + "}" + line_end for row in rows)
    else:
        delimiter = "\t" if plain.endswith(".tsv") else ","
        text = "".join(delimiter.join(_quoted(cell, delimiter) for cell in line) + line_end
                       for line in [COLUMNS, *rows])
    raw = ("\ufeff" if bom else "").encode() + text.encode("utf-8")
    path.write_bytes(gzip.compress(raw, mtime=0) if path.name.endswith(".gz") else raw)


def _json_token(cell: tuple[str, str] | None) -> str:
    return "null" if cell is None else cell[1]


def _text_cells(path: Path, delimiter: str) -> list[list[str | None]]:
    """A CSV or TSV the clean wrote, each cell its text, None where it is empty and unquoted
    (missing), `""` the empty text: the csv module tells them apart not."""
    text, rows, row, at = _text(path), [], [], 0
    if text.startswith("sep="):
        text = text[text.index("\n") + 1:]
    while at < len(text):
        if text[at] == '"':
            end, parts = at + 1, []
            while True:
                close = text.index('"', end)
                parts.append(text[end:close])
                if text.startswith('""', close):
                    parts.append('"')
                    end = close + 2
                    continue
                at = close + 1
                break
            row.append("".join(parts))
        else:
            stop = min((i for i in (text.find(delimiter, at), text.find("\n", at)) if i >= 0), default=len(text))
            row.append(text[at:stop] or None)
            at = stop
        if at < len(text) and text[at] == delimiter:
            at += 1
            if at == len(text) or text[at] == "\n":
                row.append(None)
        if at < len(text) and text[at] == "\n":
            rows.append(row)
            row = []
            at += 1
    if row:
        rows.append(row)
    return rows


def _json_cell(value: object) -> object:
    """A value of a line parsed with its numbers as their text, as `_expected` spells a cell."""
    if value is None or isinstance(value, bool):
        return value if value is None else ("b", "true" if value else "false")
    if isinstance(value, _Number):
        return ("n", str.__str__(value))
    if isinstance(value, str):
        return ("s", value)
    return ("j", value)


class _Number(str):
    pass


def _cells(path: Path) -> tuple[list[str], list[list]]:
    """The header and rows of a cleaned file or its quarantine, each cell as `_expected` spells it
    for the format: text or None for CSV, TSV and Parquet (its `_row` an int), a `_json_cell` for JSON Lines."""
    plain = path.name.removesuffix(".gz")
    if plain.endswith(".parquet"):
        table = pq.read_table(path)
        return table.column_names, [list(row.values()) for row in table.to_pylist()]
    if plain.endswith(".jsonl"):
        records = [json.loads(line, parse_int=_Number, parse_float=_Number, object_pairs_hook=dict,
                              parse_constant=_Number) for line in _lines(path)]
        header = list(dict.fromkeys(key for record in records for key in record)) or COLUMNS
        return header, [[_json_cell(record.get(key)) for key in header] for record in records]
    rows = _text_cells(path, "\t" if plain.endswith(".tsv") else ",")
    return rows[0], rows[1:]


def _expected(cell: object, out: str) -> object:
    """What a cell of the input is in an output of format `out` (docs/cleaning.md, "Values across
    formats"): in JSON Lines a string stays a string and a JSON value its kind and text; in CSV,
    TSV or Parquet every value is its text (a string its characters, a number or a boolean as
    the line wrote it), null or no key missing."""
    if cell is None or cell == ABSENT:
        return None
    if isinstance(cell, str):
        return ("s", cell) if out == "jsonl" else cell
    if out == "jsonl":
        return ("j", json.loads(cell[1], parse_int=_Number, parse_float=_Number)) if cell[0] == "j" else cell
    return cell[1]


def _same(expected: object, got: object) -> bool:
    if isinstance(expected, tuple) and expected[0] == "j":  # the same JSON, its numbers as written
        return isinstance(got, tuple) and got[0] == "j" and got[1] == expected[1]
    return expected == got


def _fixed_rows(source: str) -> list[list]:
    if source.startswith(".jsonl"):
        cells = [("s", json.dumps(t, ensure_ascii=i % 2 == 0)) for i, t in enumerate(TRICKY)] + JSON_TOKENS
        return [[cells[i], cells[(i * 7 + 3) % len(cells)], cells[(i * 5 + 1) % len(cells)]]
                for i in range(len(cells))] + [[cells[0], cells[7], cells[1]]] * 2
    pool: list[str | None] = [*TRICKY, None]
    return [[pool[i], pool[(i * 7 + 3) % len(pool)], pool[(i * 5 + 1) % len(pool)]]
            for i in range(len(pool))] + [[pool[0], pool[7], None]] * 2


def _check_against(tmp_path: Path, data: Path, target: str, rows: list[list]) -> None:
    digest = data.read_bytes()
    out = tmp_path / f"out{target}"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine", "--force"])
    assert data.read_bytes() == digest
    out_fmt = target.removesuffix(".gz").lstrip(".")
    header, kept = _cells(out)
    q_header, quarantined = _cells(tmp_path / f"out.quarantine{target}")
    at = q_header.index("_row") if quarantined else 0
    taken = {int(row[at][1] if out_fmt == "jsonl" else row[at]) for row in quarantined}
    assert len(kept) + len(taken) == len(rows)
    survivors = [row for i, row in enumerate(rows) if i not in taken]
    # a JSON Lines key no line has is no column; the others in the order first met
    assert [c for c in header if c in COLUMNS] == list(dict.fromkeys(
        c for row in rows for c, cell in zip(COLUMNS, row, strict=True) if cell != ABSENT))
    for want, got in zip(survivors, kept, strict=True):
        for column, cell in zip(COLUMNS, want, strict=True):
            if column not in header:
                continue
            value = got[header.index(column)]
            if out_fmt != "jsonl" and isinstance(cell, tuple) and cell[0] == "j":  # an object as one JSON text
                assert value is not None and json.loads(value) == json.loads(cell[1]), (column, cell, value)
            else:
                assert _same(_expected(cell, out_fmt), value), (column, cell, value)
    if data.name.removesuffix(".gz").endswith(".jsonl") and out_fmt == "jsonl":  # lines as read, byte for byte
        lines = [line for line in _lines(data) if line]
        assert _lines(out) == [line for i, line in enumerate(lines) if i not in taken]


def _passed_or_failed(args: list) -> None:
    """Run the command through click's runner; the gate may pass or fail (exit 0 or 1), the
    files are written either way."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="dataaudit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise result.exception
    assert result.exit_code in (0, 1), result.output


def _decoded(rows: list[list]) -> list[list]:
    """The cells the test expects of `rows` as the input writes them: a JSON Lines string, written
    as its JSON text (its escapes), is its text."""
    return [[json.loads(cell[1]) if isinstance(cell, tuple) and cell[0] == "s" else cell for cell in row]
            for row in rows]


@pytest.mark.parametrize("target", FORMATS)
@pytest.mark.parametrize("source", FORMATS)
def test_a_clean_with_no_value_step_keeps_every_kept_cell(tmp_path: Path, source: str, target: str) -> None:
    """Every input format into every output format, plain or gzipped: the rows the default
    duplicates step leaves, each cell as `_expected` says; a CSV input with a byte-order mark and
    CRLF line ends."""
    rows = _fixed_rows(source)
    data = tmp_path / f"in{source}"
    _write_input(data, rows, bom=source.startswith(".csv"), line_end="\r\n")
    _check_against(tmp_path, data, target, _decoded(rows))


_TEXTS = st.one_of(st.sampled_from(TRICKY), st.text(st.characters(blacklist_categories=("Cs",),
                                                                  blacklist_characters="\x00"), max_size=6))
_TEXT_CELLS = st.one_of(st.none(), _TEXTS)
_JSON_CELLS = st.one_of(st.sampled_from(JSON_TOKENS),
                        st.tuples(_TEXTS, st.booleans()).map(lambda t: ("s", json.dumps(t[0], ensure_ascii=t[1]))))


@pytest.mark.slow  # a clean a example, 60 examples
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data(), source=st.sampled_from(FORMATS), target=st.sampled_from(FORMATS),
       bom=st.booleans(), line_end=st.sampled_from(["\n", "\r\n"]))
def test_any_cells_are_kept_whatever_the_formats(tmp_path_factory: pytest.TempPathFactory, data: st.DataObject,
                                                 source: str, target: str, bom: bool, line_end: str) -> None:
    """Random rows of texts likely to be misread (and for JSON Lines, of JSON values), repeated
    rows among them for the duplicates step, each cell kept as the mapping says."""
    cells = _JSON_CELLS if source.startswith(".jsonl") else _TEXT_CELLS
    row = st.lists(cells, min_size=3, max_size=3)
    rows = data.draw(st.lists(row, min_size=1, max_size=6).flatmap(
        lambda drawn: st.lists(st.sampled_from(drawn), min_size=len(drawn), max_size=len(drawn) + 3)))
    if not source.startswith(".jsonl"):  # a CSV row of nulls alone on one column is a blank line; here 3 columns
        bom = bom and not source.startswith(".parquet")
    tmp_path = tmp_path_factory.mktemp("cells")
    path = tmp_path / f"in{source}"
    _write_input(path, rows, bom=bom and not source.startswith(".jsonl"), line_end=line_end)
    _check_against(tmp_path, path, target, _decoded(rows))


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_jsonl_object_written_into_another_format_is_said_in_the_manifest(tmp_path: Path, suffix: str) -> None:
    """A JSON Lines object or array written into a CSV, TSV or Parquet cell is the JSON text of its
    values (its spacing, escapes and the digits of its fractions not kept); the manifest's output
    entry says so, naming the columns. A JSON Lines output keeps the line, and says nothing."""
    data = tmp_path / "nested.jsonl"
    data.write_text('{"id":1,"n":{"b": 1,  "a":[1.50, "\\u00e9"]},"m":"x"}\n{"id":2,"n":[1],"m":"y"}\n',
                    encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    invoke(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"], 1)
    entry = json.loads((tmp_path / "out.manifest.json").read_text())["files"]["output"]
    if suffix == ".jsonl":
        assert "notes" not in entry
        return
    assert _column(out, "n") == ['{"b": 1, "a": [1.5, "é"]}', "[1]"]
    assert entry["notes"] == ["n: JSON objects and arrays written as the JSON text of their values, not as the input "
                              "spelled them (spacing and escapes not kept; a number with a fraction or an exponent "
                              "as the float it reads as: 1.50 as 1.5)"]


# -- Parquet types ----------------------------------------------------------------------------------

def _bits(value: object) -> object:
    """A value compared as stored: a float by its bits (`-0.0` is not `0.0`, NaN is NaN)."""
    import struct

    return struct.pack("<d", value) if isinstance(value, float) else value


_FLOATS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.sampled_from([-0.0, 0.1, 0.12345678901234567]))


@pytest.mark.slow  # a clean a example, 25 examples
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.one_of(st.none(), st.integers(-(2**63), 2**63 - 1)),
                               st.one_of(st.none(), st.integers(0, 2**64 - 1)),
                               st.one_of(st.none(), _FLOATS),
                               st.one_of(st.none(), st.decimals(min_value=-10**7, max_value=10**7, places=2,
                                                                allow_nan=False)),
                               st.one_of(st.none(), st.datetimes(timezones=st.just(UTC))),
                               st.one_of(st.none(), st.sampled_from(TRICKY))),
                     min_size=1, max_size=8))
def test_parquet_to_parquet_keeps_each_type_and_value(tmp_path: Path, rows: list[tuple]) -> None:
    import pyarrow as pa

    types = [pa.int64(), pa.uint64(), pa.float64(), pa.decimal128(12, 2), pa.timestamp("us", tz="Europe/Paris"),
             pa.large_string()]
    names = ["i", "u", "f", "d", "t", "s"]
    table = pa.table({n: pa.array([row[k] for row in rows], kind) for k, (n, kind) in enumerate(zip(names, types,
                                                                                                     strict=True))})
    data = tmp_path / "typed.parquet"
    pq.write_table(table, data)
    out = tmp_path / "out.parquet"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine", "--force"])
    cleaned = pq.read_table(out)
    assert cleaned.schema.remove_metadata() == table.schema.remove_metadata()
    quarantined = pq.read_table(tmp_path / "out.quarantine.parquet")
    taken = set(quarantined.column("_row").to_pylist())
    want = [[_bits(v) for v in row.values()] for i, row in enumerate(table.to_pylist()) if i not in taken]
    assert [[_bits(v) for v in row.values()] for row in cleaned.to_pylist()] == want


@pytest.mark.parametrize(("suffix", "expected"), [
    (".csv", {"f": ["-0", "nan", "inf", "0.12345678901234566"], "h": ["0.1", "-0", "-inf", "1.5"],
              "d": ["1.50", "0.01", "-2.00", None]}),
    (".jsonl", {"f": ["-0.0", "null", "1e999", "0.12345678901234566"],
                "h": ["0.10000000149011612", "-0.0", "-1e999", "1.5"], "d": ["1.50", "0.01", "-2.00", None]}),
])
def test_parquet_numbers_are_written_into_text_as_documented(tmp_path: Path, suffix: str, expected: dict) -> None:
    """A Parquet float is written as Arrow writes it into CSV and as JSON into JSON Lines (NaN a
    null, an infinity `1e999`, a float32 the float64 it widens to), a decimal with its scale's digits."""
    from decimal import Decimal

    import pyarrow as pa

    table = pa.table({"f": pa.array([-0.0, float("nan"), float("inf"), 0.12345678901234567]),
                      "h": pa.array([0.1, -0.0, float("-inf"), 1.5], pa.float32()),
                      "d": pa.array([Decimal("1.50"), Decimal("0.01"), Decimal("-2.00"), None], pa.decimal128(5, 2))})
    data = tmp_path / "numbers.parquet"
    pq.write_table(table, data)
    out = tmp_path / f"out{suffix}"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"])
    header, rows = _cells(out)
    got = {c: [row[header.index(c)] for row in rows] for c in "fhd"}
    if suffix == ".jsonl":
        got = {c: [None if cell is None else cell[1] for cell in cells] for c, cells in got.items()}
        got = {c: ["null" if cell is None and c != "d" else cell for cell in cells] for c, cells in got.items()}
    assert got == expected


@pytest.mark.parametrize("suffix", [".jsonl", ".csv", ".parquet"])
def test_a_jsonl_integer_column_holding_minus_zero_is_still_numbers_to_impute(tmp_path: Path, suffix: str) -> None:
    """`-0`, read as written, does not print as the integer it is; a JSON integer column holding
    it is numbers to coerce_numeric all the same (impute fills it), `-0` the integer 0 there, as
    the step's notes say; a JSON Lines output writes it `-0` still."""
    data = tmp_path / "ints.jsonl"
    data.write_text('{"v":-0,"w":"a"}\n{"v":2,"w":"b"}\n{"v":null,"w":"c"}\n', encoding="utf-8")
    pack = tmp_path / "impute.yaml"
    pack.write_text("preprocess: {impute: {numeric: mean, categorical: none}}\n")
    out = tmp_path / f"out{suffix}"
    _passed_or_failed(["clean", data, "-r", pack, "-o", out, "--allow-large-quarantine"])
    if suffix == ".jsonl":
        assert _lines(out) == ['{"v":-0,"w":"a"}', '{"v":2,"w":"b"}', '{"v": 1, "w": "c"}']
    else:
        assert [str(value) for value in _column(out, "v")] == ["0", "2", "1"]
    notes = _steps(tmp_path / "out.manifest.json")["coerce_numeric"]["notes"]
    assert "v: -0 made the integer 0 (an int64 has no negative zero)" in notes


def test_csv_cells_that_look_typed_stay_strings_in_parquet_and_jsonl(tmp_path: Path) -> None:
    data = tmp_path / "typed.csv"
    data.write_text("a,b,c,d\n1,1.5,true,2024-01-02\n2,2.25,false,2024-01-03\n3,1e5,true,2024-01-04\n")
    out = tmp_path / "out.parquet"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"])
    table = pq.read_table(out)
    assert {str(field.type) for field in table.schema} == {"string"}
    assert table.column("b").to_pylist() == ["1.5", "2.25", "1e5"]
    lines = tmp_path / "out.jsonl"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", lines, "--allow-large-quarantine", "--force"])
    assert json.loads(_text(lines).splitlines()[2]) == {"a": "3", "b": "1e5", "c": "true", "d": "2024-01-04"}


def test_jsonl_cells_are_judged_by_their_text_and_type(tmp_path: Path) -> None:
    """As documented: `1` and `"1"`, `true` and `"true"`, `"-0"` and `-0` are different cells
    to the duplicates step; a JSONL output keeps every line, none quarantined."""
    data = tmp_path / "kinds.jsonl"
    lines = ['{"v":1}', '{"v":"1"}', '{"v":true}', '{"v":"true"}', '{"v":"-0"}', '{"v":-0}']
    data.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"])
    assert _lines(out) == lines
    assert _text(tmp_path / "out.quarantine.jsonl") == ""


def test_jsonl_cells_written_as_csv_are_judged_as_the_csv_holds_them(tmp_path: Path) -> None:
    """A CSV holds text without JSON types: there `1` and `"1"` are one cell, and the later line
    goes to the quarantine with its reason, none is lost."""
    data = tmp_path / "kinds.jsonl"
    data.write_text('{"v":1}\n{"v":"1"}\n{"v":true}\n{"v":"true"}\n{"v":"-0"}\n{"v":-0}\n', encoding="utf-8")
    out = tmp_path / "out.csv"
    _passed_or_failed(["clean", data, "-r", _pack(tmp_path), "-o", out, "--allow-large-quarantine"])
    assert _column(out, "v") == ["1", "true", "-0"]
    quarantined = list(csv.DictReader(io.StringIO(_text(tmp_path / "out.quarantine.csv"))))
    assert [(q["_row"], q["_reason"]) for q in quarantined] == [("1", "duplicate"), ("3", "duplicate"),
                                                               ("5", "duplicate")]
