"""Hostile but valid (or nearly valid) inputs a user may hand the installed command, each held
to the README's promises: bad input is one line naming the file and line, exit 2, no traceback;
a file the command can read is counted as the csv or json module counts it; a clean loses no row.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import io
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.cli import cli
from tests.cli_helpers import invoke, run
from tests.test_promises_adversarial import NO_STEPS

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
Runner = Callable[..., tuple[str, str]]


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


# --- a lone surrogate escape: JSON that parses, text that is no Unicode -------------------------

#: `"\ud800"` is half of a UTF-16 pair, escaped on its own: json parses it, no UTF-8 can hold it
LONE = '"a \\ud800"'
CHATS = [json.dumps({"messages": [{"role": "user", "content": f"question {i}"},
                                  {"role": "assistant", "content": "answer"}]}) for i in range(3)]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("where", ['{"a": LONE, "label": "q"}', '{LONE: 1, "a": 2, "label": "q"}',
                                   '{"a": [1, {"b": LONE}], "label": "q"}'], ids=["value", "key", "nested"])
def test_a_lone_surrogate_in_a_table_line_is_named_by_line(tmp_path: Path, runner: Runner, where: str) -> None:
    data = _write(tmp_path / "data.jsonl", ['{"a": 1, "label": "p"}', where.replace("LONE", LONE),
                                            '{"a": 3, "label": "q"}'])
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert err.startswith(f"dataaudit: error: {data}:2: a lone surrogate (\\ud800) in a string")
    assert err.count("\n") == 1
    report = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "--bad-rows", "skip", "-f", "json", "-o", report], 1)
    read = json.loads(report.read_text())
    assert read["dataset"]["rows"] == 2
    assert next(f for f in read["findings"] if f["check"] == "source.bad_rows")["examples"] == [2]


def test_a_surrogate_pair_and_an_escaped_backslash_are_text(tmp_path: Path) -> None:
    """Two escapes that make one character, and a backslash before `ud800`, are valid text."""
    data = _write(tmp_path / "data.jsonl", ['{"a": "\\ud83d\\ude00", "label": "p"}', '{"a": "\\\\ud800", "label": "q"}',
                                            '{"a": "\\ud83d\\ude00", "label": "p"}'])
    report = tmp_path / "report.json"
    invoke(["audit", data, "-t", "label", "-f", "json", "-o", report], 1)
    read = json.loads(report.read_text())
    assert read["dataset"]["rows"] == 3
    assert read["dataset"]["duplicates"]["exact_rows"] == 1


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_lone_surrogate_in_a_chat_line_is_a_line_quarantined_as_not_utf8(tmp_path: Path, runner: Runner) -> None:
    bad = CHATS[1].replace("question 1", "question \\ud800")
    data = _write(tmp_path / "chats.jsonl", [CHATS[0], bad, CHATS[2]])
    report = tmp_path / "report.json"
    runner(["audit", data, "-f", "json", "-o", report], 1)
    errors = next(f for f in json.loads(report.read_text())["findings"] if f["check"] == "text.format_errors")
    assert errors["examples"] == [2]
    out = tmp_path / "clean.jsonl"
    runner(["clean", data, "-o", out], 1)
    assert out.read_text().splitlines() == [CHATS[0], CHATS[2]]
    quarantined = [json.loads(line) for line in (tmp_path / "clean.quarantine.jsonl").read_text().splitlines()]
    assert [(q["line"], q["reason"], q["text"]) for q in quarantined] == [(2, "not_utf8", bad)]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_lone_surrogate_in_a_json_array_item_is_an_item_quarantined(tmp_path: Path, runner: Runner) -> None:
    bad = CHATS[1].replace("question 1", "question \\udc00")
    data = tmp_path / "chats.json"
    data.write_text("[\n" + ",\n".join([CHATS[0], bad, CHATS[2]]) + "\n]\n", encoding="utf-8")
    out = tmp_path / "clean.json"
    runner(["clean", data, "-o", out], 1)
    assert json.loads(out.read_text()) == [json.loads(CHATS[0]), json.loads(CHATS[2])]
    quarantined = [json.loads(line) for line in (tmp_path / "clean.quarantine.jsonl").read_text().splitlines()]
    assert [(q["item"], q["reason"]) for q in quarantined] == [(1, "not_utf8")]


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("twice", ['"completion": "4", "completion": "5"', '"n": 1, "n": 2'],
                         ids=["layout", "metadata"])
def test_a_key_given_twice_in_a_json_array_item_is_found_by_the_audit_the_clean_quarantines(
        tmp_path: Path, runner: Runner, twice: str) -> None:
    """The audit reads each item as the file spells it, as the clean does: a key given twice is a
    `duplicate_key` there too, not an item whose second value silently won."""
    data = tmp_path / "pairs.json"
    data.write_text('[\n {"prompt": "What is 2+2?", ' + twice + '},\n {"prompt": "a", "completion": "b"}\n]\n',
                    encoding="utf-8")
    report = tmp_path / "report.json"
    runner(["audit", data, "-f", "json", "-o", report], 1)
    findings = json.loads(report.read_text())["findings"]
    errors = [f for f in findings if f["check"] == "text.format_errors"]
    assert [(f["details"]["kind"], f["examples"]) for f in errors] == [("duplicate_key", [0])]
    runner(["clean", data, "-o", tmp_path / "clean.json"], 1)
    quarantined = [json.loads(line) for line in (tmp_path / "clean.quarantine.jsonl").read_text().splitlines()]
    assert [(q["item"], q["kinds"]) for q in quarantined] == [(0, ["duplicate_key"])]


# --- text in UTF-16 or UTF-32: refused as such, read with --encoding ------------------------------

ROWS = [["a", "b", "label"], ["1", "x\ny", "p"], ["01", "é", "q"], ["1", "x\ny", "p"], ["", "漢字", "q"]]


def _wide_csv(path: Path, codec: str) -> Path:
    with path.open("w", newline="", encoding=codec) as handle:  # the codec writes its byte-order mark
        csv.writer(handle, lineterminator="\r\n").writerows(ROWS)
    return path


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("codec", ["utf-16", "utf-32"])
def test_text_with_a_utf16_or_utf32_mark_is_read_in_the_encoding_named(tmp_path: Path, runner: Runner,
                                                                        codec: str) -> None:
    """Its NULs are no sign of binary content once the user names the encoding; without it, the
    error says which encoding to name."""
    data = _wide_csv(tmp_path / "wide.csv", codec)
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert err == (f"dataaudit: error: {data}: {codec.upper()} text (it starts with its byte-order mark); "
                   f"pass --encoding {codec}\n")
    report = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "--encoding", codec, "-f", "json", "-o", report], 1)
    read = json.loads(report.read_text())["dataset"]
    assert (read["rows"], read["columns"], read["duplicates"]["exact_rows"]) == (4, 3, 1)
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "clean.csv"
    runner(["clean", data, "-t", "label", "--encoding", codec, "-r", pack, "-o", out], 1)
    with out.open(newline="", encoding="utf-8") as handle:
        assert list(csv.reader(handle)) == ROWS


def test_a_jsonl_file_in_utf16_is_read_with_its_encoding(tmp_path: Path) -> None:
    data = tmp_path / "data.jsonl"
    lines = ['{"a": "é", "label": "p"}', '{"a": 1.50, "label": "q"}']
    data.write_text("\n".join(lines) + "\n", encoding="utf-16")
    invoke(["audit", data, "-t", "label"], 2)
    out = tmp_path / "clean.jsonl"
    invoke(["clean", data, "-t", "label", "--encoding", "utf-16", "-o", out], 1)
    assert out.read_text(encoding="utf-8").splitlines() == lines


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("name", "text"), [("data.csv", "a,label\n1,p\n2,q\n"),
                                            ("data.jsonl", '{"a": 1, "label": "p"}\n{"a": 2, "label": "q"}\n')])
def test_utf16_text_with_no_mark_read_as_utf16_is_one_line_naming_the_encoding(tmp_path: Path, runner: Runner,
                                                                                 name: str, text: str) -> None:
    """Python's `utf-16` codec guesses no byte order in a stream: it raises a UnicodeError, no
    decoding error; the byte order named (`utf-16-le`) reads the file."""
    data = tmp_path / name
    data.write_bytes(text.encode("utf-16-le"))
    _, err = runner(["audit", data, "-t", "label", "--encoding", "utf-16"], 2)
    assert err == (f"dataaudit: error: {data}: not utf-16 text as --encoding utf-16 reads it (UTF-16 stream does "
                   "not start with BOM); for text with no byte-order mark pass --encoding utf-16-le or utf-16-be\n")
    report = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "--encoding", "utf-16-le", "-f", "json", "-o", report], 1)
    assert json.loads(report.read_text())["dataset"]["rows"] == 2


#: the first bytes of a program, its header's NULs a large share: Latin-1 decodes them all
PROGRAM = b"\x7fELF\x02\x01\x01" + bytes(9) + b"\x03\x00>\x00\x01" + bytes(43) + bytes(range(1, 256))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("encoding", [[], ["--encoding", "latin-1"], ["--encoding", "cp1252"]], ids=["utf-8", "latin-1",
                                                                                                       "cp1252"])
def test_binary_content_is_refused_whatever_one_byte_encoding_is_named(tmp_path: Path, runner: Runner,
                                                                        encoding: list[str]) -> None:
    """Latin-1 decodes any bytes, so its NULs are the sign: only a wide encoding's are text."""
    data = tmp_path / "program.csv"
    data.write_bytes(PROGRAM)
    _, err = runner(["audit", data, *encoding], 2)
    assert err == f"dataaudit: error: {data}: binary content, not a CSV text file\n"


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("name", ["data.csv", "data.jsonl"])
def test_an_unknown_encoding_is_named_in_one_line(tmp_path: Path, runner: Runner, name: str) -> None:
    data = tmp_path / name
    data.write_bytes("a,label\n1,p\n".encode("utf-16") if name.endswith(".csv") else b'{"a": 1, "label": "p"}\n')
    _, err = runner(["audit", data, "-t", "label", "--encoding", "no-such-codec"], 2)
    assert err == "dataaudit: error: unknown encoding 'no-such-codec'\n"


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("command", ["audit", "clean"])
@pytest.mark.parametrize("text", ["a,label\n1,p\n", '{"a": 1, "label": "p"}\n'], ids=["csv", "jsonl"])
def test_a_codec_that_reads_no_file_is_named_in_one_line(tmp_path: Path, runner: Runner, command: str,
                                                         text: str) -> None:
    """punycode fails with a plain UnicodeError, not a decode error at a byte; the advice on a
    byte-order mark is for UTF-16 and UTF-32 alone."""
    data = tmp_path / ("data.jsonl" if text.startswith("{") else "data.csv")
    data.write_text(text, encoding="utf-8")
    out = ["-o", tmp_path / f"out{data.suffix}"] if command == "clean" else []
    _, err = runner([command, data, "-t", "label", "--encoding", "punycode", *out], 2)
    assert err.startswith(f"dataaudit: error: {data}: not readable as punycode text (") and err.count("\n") == 1
    assert err.endswith("; pass --encoding, e.g. cp1252\n")


@pytest.mark.parametrize("encoding", [[], ["--encoding", "latin-1"]], ids=["utf-8", "latin-1"])
def test_a_compressed_file_named_as_text_is_binary_content(tmp_path: Path, encoding: list[str]) -> None:
    """A gzip stream has few NULs; its first bytes name it whatever codec would decode it."""
    data = tmp_path / "data.csv"
    data.write_bytes(gzip.compress(("a,label\n" + "".join(f"{i},x\n" for i in range(2000))).encode()))
    _, err = invoke(["audit", data, *encoding], 2)
    assert err == (f"dataaudit: error: {data}: a gzip-compressed file, not a CSV text file; name it with a .gz suffix "
                   "(data.csv.gz) to have it decompressed\n")


def test_text_not_in_the_encoding_named_is_named_by_that_encoding(tmp_path: Path) -> None:
    data = _wide_csv(tmp_path / "wide.csv", "utf-16")
    _, err = invoke(["audit", data, "--encoding", "utf-32"], 2)
    assert err.startswith(f"dataaudit: error: {data}:1: not valid utf-32 text (byte 0xff)")


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("codec", "mark", "body"), [("utf-16", b"\xff\xfe", "utf-16-le"),
                                                     ("utf-16", b"\xfe\xff", "utf-16-be"),
                                                     ("utf-32", b"\xff\xfe\x00\x00", "utf-32-le"),
                                                     ("utf-8-sig", b"\xef\xbb\xbf", "utf-8")])
def test_a_last_field_quoted_and_never_closed_is_refused_in_any_encoding(tmp_path: Path, runner: Runner,
                                                                         codec: str, mark: bytes, body: str) -> None:
    """The file's tail, `"q` and a line end, is compared with the last value in the file's own
    bytes: a codec that writes a byte-order mark before any text must not write one there."""
    data = tmp_path / "open.csv"
    data.write_bytes(mark + 'a,label\n1,p\n2,"q\n'.encode(body))
    _, err = runner(["audit", data, "-t", "label", "--encoding", codec], 2)
    assert err.startswith(f"dataaudit: error: {data}:3: a quoted field opened on this line is never closed")
    assert err.count("\n") == 1


# --- JSON Lines numbers: a number with a fraction or an exponent is its digits ---------------------

#: numbers one float64 holds alike, and spellings of one float, each a value of its own as written
NUMBERS = ["0.1", "0.1000000000000000055511151231257827", "1.5", "1.50", "1.5e0", "15E-1", "9007199254740993.0",
           "9007199254740992.0", "12345678901234567890.5", "12345678901234567890.0", "1.0", "1", "-0", "0", "-0.0",
           "1e400", str(2**64 + 1), str(2**64 + 2), '"1.5"', "[1.50, 2]", "[1.5, 2]", '{"k": 0.1}']


def _identity(text: str) -> str:
    """A value as the audit tells values apart, by the json module: a number with a fraction or
    an exponent by its text as written, an integer by its value but `-0` as written (the int 0
    has no sign, and a clean writes the `-0` back), a string as a string (`1.5` and `"1.5"` are
    two values), an object or an array by its JSON."""
    value = json.loads(text)
    if text == "-0":
        return text
    if isinstance(value, str):
        return f"the string {value}"
    if isinstance(value, int):
        return str(value)
    return text if isinstance(value, float) else json.dumps(value)


@pytest.mark.slow  # a whole run per example
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(NUMBERS), st.sampled_from(["p", "q"])), min_size=2, max_size=25),
       chunk_rows=st.sampled_from([1, 4, 65_536]))
def test_jsonl_duplicates_are_those_of_the_numbers_as_written(tmp_path: Path, rows: list[tuple[str, str]],
                                                              chunk_rows: int) -> None:
    data = _write(tmp_path / "numbers.jsonl", [f'{{"a": {a}, "label": "{label}"}}' for a, label in rows])
    report = dataaudit.audit(data, target="label", chunk_rows=chunk_rows).to_dict()["dataset"]
    whole = Counter((_identity(a), label) for a, label in rows)
    assert report["duplicates"]["exact_rows"] == len(rows) - len(whole)
    assert report["duplicates"]["distinct_feature_rows"] == len({_identity(a) for a, _ in rows})


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_jsonl_number_past_float_precision_is_no_copy_of_its_float(tmp_path: Path, runner: Runner) -> None:
    """`0.1000000000000000055511151231257827` is the float `0.1`: read as floats, the second line
    was a copy of the first, and a clean quarantined it as one."""
    lines = ['{"a": 0.1, "label": "p"}', '{"a": 0.1000000000000000055511151231257827, "label": "p"}',
             '{"a": 1.50, "label": "q"}', '{"a": 1.5, "label": "q"}', '{"a": 1.5, "label": "q"}']
    data = _write(tmp_path / "data.jsonl", lines)
    report = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", report], 1)
    read = json.loads(report.read_text())["dataset"]
    assert (read["duplicates"]["exact_rows"], read["duplicates"]["distinct_feature_rows"]) == (1, 4)
    out = tmp_path / "clean.jsonl"
    runner(["clean", data, "-t", "label", "-o", out, "--allow-large-quarantine"], 1)
    assert out.read_text().splitlines() == lines[:4]
    quarantined = [json.loads(line) for line in (tmp_path / "clean.quarantine.jsonl").read_text().splitlines()]
    assert [(q["_row"], q["_reason"]) for q in quarantined] == [(4, "duplicate")]


# --- Parquet: names and types a CSV header cannot have ----------------------------------------------

@pytest.mark.parametrize("runner", RUNNERS)
def test_a_parquet_file_with_two_columns_of_one_name_is_refused_as_a_csv_header_is(tmp_path: Path,
                                                                                 runner: Runner) -> None:
    data = tmp_path / "twice.parquet"
    pq.write_table(pa.Table.from_arrays([pa.array([1, 2]), pa.array([3, 4]), pa.array(["p", "q"])],
                                        names=["a", "a", "label"]), data)
    for command in (["audit", data, "-t", "label"], ["clean", data, "-t", "label", "-o", tmp_path / "out.csv"]):
        _, err = runner(command, 2)
        assert err == f"dataaudit: error: {data}: duplicate column name in the schema: 'a' (columns 1, 2)\n"
    assert not (tmp_path / "out.csv").exists()


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_partition_key_that_clashes_with_a_column_is_one_line(tmp_path: Path, runner: Runner) -> None:
    """`a=1/` is a partition key `a` (read as int32) beside the files' own int64 column `a`."""
    folder = tmp_path / "parts"
    (folder / "a=1").mkdir(parents=True)
    pq.write_table(pa.table({"a": [1, 2], "label": ["p", "q"]}), folder / "a=1" / "part-0.parquet")
    _, err = runner(["audit", folder, "-t", "label"], 2)
    assert err.startswith(f"dataaudit: error: {folder}: not a readable Parquet dataset (Unable to merge: Field a ")
    assert err.count("\n") == 1


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("line_end", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
def test_a_jsonl_line_cut_short_names_the_column_where_it_ends(tmp_path: Path, runner: Runner,
                                                               line_end: str) -> None:
    """json counts a line end as a line of its own: a value missing at the end of the line was
    named as missing at column 1, and then at a column that depended on the line end."""
    data = tmp_path / "data.jsonl"
    data.write_bytes(('{"a": 1, "label": "p"}' + line_end + '{"a": 2, "label": ' + line_end).encode())
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert err.startswith(f"dataaudit: error: {data}:2: not valid JSON (Expecting value at column 19) ")


# --- a law on random CSV/TSV files: every line end, a byte-order mark, compressed ------------------

TEXTS = ["1", "01", "1.0", "", " ", "a", "é", "e\u0301", "NA", "x y", "\t", ",", '"', "\r", "\n", "\r\n", "1_000",
         "0x10", "TRUE", "true"]
COMPRESS = {"": lambda raw: raw, ".gz": gzip.compress, ".bz2": bz2.compress}


def _field_of(text: str, quoted: bool, delimiter: str) -> str:
    needs = quoted or any(c in text for c in (delimiter, '"', "\r", "\n"))
    return '"' + text.replace('"', '""') + '"' if needs else text


@pytest.mark.slow  # a whole run per example
@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(st.sampled_from(TEXTS), st.booleans(), st.sampled_from(TEXTS), st.booleans(),
                               st.sampled_from(["p", "q"])), min_size=1, max_size=20),
       line_end=st.sampled_from(["\n", "\r\n", "\r"]), delimiter=st.sampled_from([",", "\t"]), bom=st.booleans(),
       compression=st.sampled_from(sorted(COMPRESS)), last_line_end=st.booleans())
def test_rows_duplicates_and_nulls_are_those_the_csv_module_counts(tmp_path: Path, rows: list, line_end: str,
                                                                    delimiter: str, bom: bool, compression: str,
                                                                    last_line_end: bool) -> None:
    """An unquoted empty field is a null; every other cell its text. A lone CR is a line end only
    outside quotes, as in the csv module."""
    lines = [delimiter.join(["a", "b", "label"]),
             *(delimiter.join([_field_of(a, qa, delimiter), _field_of(b, qb, delimiter), label])
               for a, qa, b, qb, label in rows)]
    text = ("\ufeff" if bom else "") + line_end.join(lines) + (line_end if last_line_end else "")
    suffix = ".csv" if delimiter == "," else ".tsv"
    data = tmp_path / f"data{suffix}{compression}"
    data.write_bytes(COMPRESS[compression](text.encode("utf-8")))
    report = dataaudit.audit(data, target="label", keep_columns=["a", "b"]).to_dict()["dataset"]
    cells = [(None if a == "" and not qa else a, None if b == "" and not qb else b, label)
             for a, qa, b, qb, label in rows]
    assert report["rows"] == len(rows)
    assert report["duplicates"]["exact_rows"] == len(rows) - len(Counter(cells))
    nulls = {p["name"]: p["nulls"] for p in report["column_profiles"]}
    assert (nulls["a"], nulls["b"]) == (sum(c[0] is None for c in cells), sum(c[1] is None for c in cells))


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("suffix", "delimiter", "other"), [(".tsv", "\t", ","), (".csv", ",", "\t")])
def test_a_delimiter_the_header_does_not_hold_is_not_guessed(tmp_path: Path, runner: Runner, suffix: str,
                                                             delimiter: str, other: str) -> None:
    """Values quoting the other delimiter made the sniffer guess it: the header was then one
    column, and the target not found."""
    rows = [["a", "b", "label"], ["1", "1", "p"], ["1", "1", "p"], [other, "1", "p"], [other, "1", "p"]]
    data = tmp_path / f"data{suffix}"
    data.write_text("\n".join(delimiter.join(_field_of(cell, False, delimiter) if cell != other else f'"{other}"'
                                              for cell in row) for row in rows), encoding="utf-8")
    report = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", report], 1)
    read = json.loads(report.read_text())["dataset"]
    assert (read["rows"], read["columns"], read["duplicates"]["exact_rows"]) == (4, 3, 2)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("start", ["\n", "\r\n", "\n\n"])
def test_a_blank_first_line_is_named_not_called_a_missing_header(tmp_path: Path, runner: Runner, start: str) -> None:
    data = tmp_path / "data.csv"
    data.write_text(start + "a,b,label\n1,x,p\n", encoding="utf-8")
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert err == f"dataaudit: error: {data}:1: the first line is blank; a CSV file starts with its header line\n"


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("header", "shown"), [(" ", "' '"), ("a, ,label", "a, ' ', label"),
                                               ("a,,label", "a, '', label"), ("a,\t,label", "a, '\\t', label"),
                                               ('" a","b, c",label', "' a', 'b, c', label")])
def test_a_blank_column_name_is_listed_quoted(tmp_path: Path, runner: Runner, header: str, shown: str) -> None:
    """A header's lone space is a column, as pandas and pyarrow read it; listed as written, it
    was no name to see (`columns are:  `)."""
    data = _write(tmp_path / "data.csv", [header, "1,2,p", "3,4,q"] if "," in header else [header, "1", "2"])
    _, err = runner(["audit", data, "-t", "x"], 2)
    assert err == f"dataaudit: error: {data}: target column 'x' not found; columns are: {shown}\n"


# --- a .jsonl file is JSON Lines: its first line may be an array, as any line may ------------------

@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", [".jsonl", ".ndjson", ".jsonl.gz"])
def test_a_jsonl_file_whose_first_line_is_a_list_has_a_bad_line_one(tmp_path: Path, runner: Runner,
                                                                     suffix: str) -> None:
    text = "".join(line + "\n" for line in ["[1]", '{"a": 1, "label": "p"}', '{"a": 2, "label": "q"}',
                                            '{"a": 3, "label": "p"}'])
    data = tmp_path / f"data{suffix}"
    data.write_bytes(gzip.compress(text.encode()) if suffix.endswith(".gz") else text.encode())
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert err.startswith(f"dataaudit: error: {data}:1: expected a JSON object, found list (")
    report = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "--bad-rows", "skip", "-f", "json", "-o", report], 1)
    assert json.loads(report.read_text())["dataset"]["rows"] == 3
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-t", "label", "--bad-rows", "quarantine", "-o", out, "--allow-large-quarantine"], 1)
    assert out.read_text().splitlines() == text.splitlines()[1:]
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(q["_line"], q["_reason"], q["_text"]) for q in quarantined] == [
        (1, "malformed_row (expected a JSON object, found list)", "[1]")]


def test_a_chat_jsonl_file_whose_first_line_is_a_list_quarantines_that_line(tmp_path: Path) -> None:
    data = _write(tmp_path / "chats.jsonl", ["[1]", *CHATS])
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-o", out], 1)
    assert out.read_text().splitlines() == CHATS
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(q["line"], q["reason"]) for q in quarantined] == [(1, "not_object")]


@pytest.mark.parametrize("text", ['[{"a": 1}, {"a": 2}]\n', '[\n  {"a": 1},\n  {"a": 2}\n]\n'])
def test_a_pretty_printed_array_named_jsonl_is_still_named_one_array(tmp_path: Path, text: str) -> None:
    """A `[` alone on the first line is no JSON Lines line at all: the file is one array. A whole
    array on the first line of a `.json` file is one too."""
    for name in (["data.jsonl"] if text.startswith("[\n") else []) + ["data.json"]:
        data = tmp_path / name
        data.write_text(text, encoding="utf-8")
        _, err = invoke(["audit", data, "--format-kind", "table"], 2)
        assert err == f"dataaudit: error: {data}:1: one JSON array, not JSON Lines: one object per line expected\n"


# --- compressed text: refused or read as the same text plain is -------------------------------------

#: content that is no text in the encoding read with, or text in a wide encoding with its mark
UNREADABLE = {
    "utf-16": "\r\n".join(",".join(row) for row in ROWS).encode("utf-16"),
    "utf-32": "\r\n".join(",".join(row) for row in ROWS).encode("utf-32"),
    "program": PROGRAM,
}


def _invoked(args: list) -> tuple[int, str]:
    """The exit code and standard error of the command run in-process, whichever the code; a
    crash is raised with its traceback, never taken for an exit."""
    result = CliRunner().invoke(cli, [str(a) for a in args], prog_name="dataaudit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        raise result.exception.with_traceback(result.exc_info[2])
    return result.exit_code, result.stderr


def _outcome(path: Path, args: list[str], tmp_path: Path) -> tuple[int, str]:
    """The exit code of `audit PATH ARGS` and its error line or its JSON report's dataset, findings
    and notes, the file's name taken out: what the same text gives whatever its packing."""
    report = tmp_path / "outcome.json"
    report.unlink(missing_ok=True)
    code, err = _invoked(["audit", path, *args, "-f", "json", "-o", report, "-q"])
    assert code in (0, 1, 2) and "Traceback" not in err, err
    if code == 2:
        return code, err.replace(str(path), "DATA")
    read = json.loads(report.read_text(encoding="utf-8"))
    return code, json.dumps([read["dataset"], read["findings"], read["source"].get("notes")], sort_keys=True)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("content", sorted(UNREADABLE))
@pytest.mark.parametrize("suffix", [".csv", ".tsv", ".jsonl"])
@pytest.mark.parametrize("encoding", [[], ["--encoding", "latin-1"]], ids=["utf-8", "latin-1"])
def test_compressed_text_no_encoding_reads_is_refused_as_it_is_plain(tmp_path: Path, runner: Runner, content: str,
                                                                     suffix: str, encoding: list[str]) -> None:
    """Excel's Unicode text gzipped was "not valid UTF-8 text (byte 0xff); pass --encoding, e.g.
    cp1252", and cp1252 or latin-1 then read its NULs as text (a header `ÿþi\\x00d\\x00,...`): the
    checks of binary and wide text looked at the bytes of a plain file only."""
    plain = tmp_path / f"data{suffix}"
    plain.write_bytes(UNREADABLE[content])
    _, expected = runner(["audit", plain, "-t", "label", *encoding], 2)
    assert "binary content" in expected or "byte-order mark" in expected
    for compress, ending in ((gzip.compress, ".gz"), (bz2.compress, ".bz2")):
        packed = tmp_path / f"data{suffix}{ending}"
        packed.write_bytes(compress(UNREADABLE[content]))
        _, err = runner(["audit", packed, "-t", "label", *encoding], 2)
        assert err == expected.replace(str(plain), str(packed))


#: pieces of text files as exporters write them: marks, line ends of three kinds, quotes, NULs,
#: Latin-1 and UTF-8 letters, a spreadsheet's `sep=` line, a JSON line
PIECES = [b"\xef\xbb\xbf", b"\xff\xfe", b"\r\n", b"\n", b"\r", b'"', b",", b"\t", b";", b"\x00", b"a", b"1", b" ",
          b"label", b"\xe9", b"\xc3\xa9", b"\xc2\xa0", b"sep=;\n", b'{"a": 1, "label": 0}\n', b'x"y', b'""']


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(header=st.sampled_from([b"a,b,label\n", b"\xef\xbb\xbfa,b,label\r\n", b""]),
       body=st.lists(st.sampled_from(PIECES), max_size=30).map(b"".join),
       suffix=st.sampled_from([".csv", ".jsonl"]), encoding=st.sampled_from([[], ["--encoding", "latin-1"]]))
def test_a_compressed_file_audits_as_its_plain_text(tmp_path: Path, header: bytes, body: bytes, suffix: str,
                                                    encoding: list[str]) -> None:
    """Whatever the bytes, a `.gz` of them gives the exit, the report or the error line (but for
    the name) their plain file gives."""
    plain = tmp_path / f"data{suffix}"
    plain.write_bytes(header + body)
    packed = tmp_path / f"data{suffix}.gz"
    packed.write_bytes(gzip.compress(header + body))
    assert _outcome(packed, encoding, tmp_path) == _outcome(plain, encoding, tmp_path)


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize(("suffix", "compress"), [(".jsonl", bytes), (".jsonl.gz", gzip.compress)])
@pytest.mark.parametrize("line", [3, 70_001], ids=["first-block", "late"])
def test_a_jsonl_byte_no_encoding_reads_is_named_by_line(tmp_path: Path, runner: Runner, suffix: str,
                                                         compress: Callable[[bytes], bytes], line: int) -> None:
    """A CSV's undecodable byte was named by line and value, a JSON Lines file's by the file alone:
    a user of a file of 100,000 lines had one `é` in Latin-1 to look for."""
    lines = [json.dumps({"a": f"x{i}", "label": "pq"[i % 2]}).encode() for i in range(100_000)]
    lines[line - 1] = '{"a": "caf\u00e9", "label": "p"}'.encode("latin-1")
    data = tmp_path / f"data{suffix}"
    data.write_bytes(compress(b"\n".join(lines) + b"\n"))
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert err == f"dataaudit: error: {data}:{line}: not valid UTF-8 text (byte 0xe9); pass --encoding, e.g. cp1252\n"
    _, err = runner(["audit", data, "-t", "label", "--encoding", "ascii"], 2)
    assert err == f"dataaudit: error: {data}:{line}: not valid ascii text (byte 0xe9); pass --encoding, e.g. cp1252\n"


# --- the cleaned bytes: the same whatever the input's encoding, mark, line ends and packing --------

#: characters cp1252 and UTF-16 both write, with the CSV's quotes, delimiters and line ends among them
CP1252_TEXT = ["a", "é", "Ü", "€", "’", " ", ",", ";", "\t", '"', "\n", "\r\n", "1", "0", "-", "NA", "\u00a0", "ß"]


def _packed(text: str, variant: str) -> tuple[str, bytes, list[str]]:
    """The name suffix, the bytes and the `--encoding` of `text` (UTF-8, `\\n` line ends) written
    as `variant` says."""
    if variant == "lone-cr":
        return ".csv", text.replace("\n", "\r").encode(), []
    if variant == "utf-16":
        return ".csv", text.encode("utf-16"), ["--encoding", "utf-16"]
    if variant == "cp1252.gz":
        return ".csv.gz", gzip.compress(text.encode("cp1252")), ["--encoding", "cp1252"]
    if variant == "bom-crlf.bz2":
        return ".csv.bz2", bz2.compress(b"\xef\xbb\xbf" + text.encode()), []
    return ".csv", text.encode(), []


@settings(max_examples=8, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(cells=st.lists(st.tuples(st.lists(st.sampled_from(CP1252_TEXT), max_size=5).map("".join),
                                st.sampled_from(["x", "y", "x ", "X", ""])), min_size=6, max_size=20),
       delimiter=st.sampled_from([",", ";", "\t"]), crlf=st.booleans())
def test_an_input_cleans_to_the_same_bytes_whatever_its_encoding_and_packing(
        tmp_path: Path, cells: list[tuple[str, str]], delimiter: str, crlf: bool) -> None:
    """The same rows in cp1252 (gzipped), UTF-16 with its mark, UTF-8 with a mark (bzip2ed) or with
    lone carriage returns clean to the bytes their plain UTF-8 copy cleans to: the output and its
    quarantine are UTF-8 with `\\n` line ends, each kept cell the characters it holds."""
    rows = [["id", "b", "label"], *([str(i), b, label] for i, (b, label) in enumerate(cells))]
    end = "\r\n" if crlf else "\n"
    with io.StringIO(newline="") as buffer:
        csv.writer(buffer, delimiter=delimiter, lineterminator=end).writerows(rows)
        text = buffer.getvalue()
    variants = ["utf-8", "utf-16", "cp1252.gz", "bom-crlf.bz2"]
    if not crlf and not any("\n" in b for b, _ in cells):  # a value's own line end would be read otherwise
        variants.append("lone-cr")
    outcomes = {}
    for variant in variants:
        suffix, data, encoding = _packed(text, variant)
        source = tmp_path / f"in-{variant}{suffix}"
        source.write_bytes(data)
        out = tmp_path / f"out-{variant}.csv"
        code, err = _invoked(["clean", source, "-t", "label", "-o", out, "-q", "--force", "--allow-large-quarantine",
                              "--delimiter", delimiter, *encoding])
        assert code in (0, 1), err
        outcomes[variant] = (out.read_bytes(), out.with_name(f"out-{variant}.quarantine.csv").read_bytes())
    assert {variant: outcome for variant, outcome in outcomes.items() if outcome != outcomes["utf-8"]} == {}
    assert not outcomes["utf-8"][0].startswith(b"\xef\xbb\xbf")


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_first_line_holding_only_a_byte_order_mark_is_a_blank_line(tmp_path: Path, runner: Runner) -> None:
    """An editor's byte-order mark before an empty first line shows nothing there: the line is
    blank, not JSON that fails to parse."""
    data = tmp_path / "chats.jsonl"
    data.write_bytes(b"\xef\xbb\xbf\r\n" + "".join(line + "\r\n" for line in CHATS).encode())
    report = tmp_path / "report.json"
    runner(["audit", data, "-f", "json", "-o", report], 1)
    errors = [f for f in json.loads(report.read_text())["findings"] if f["check"] == "text.format_errors"]
    assert [(f["details"]["kind"], f["examples"]) for f in errors] == [("blank_line", [1])]
    runner(["clean", data, "-o", tmp_path / "clean.jsonl"], 1)
    quarantined = [json.loads(line) for line in (tmp_path / "clean.quarantine.jsonl").read_text().splitlines()]
    assert [(q["line"], q["kinds"]) for q in quarantined] == [(1, ["blank_line"])]


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_first_line_the_clean_rewrites_keeps_the_byte_order_mark(tmp_path: Path, runner: Runner) -> None:
    """The clean writes a first line it trims after the file's byte-order mark, as it writes a
    first line it keeps as it was: the mark is no part of the text trimmed."""
    padded, plain = b'{"prompt": " What? ", "completion": "Yes"}\n', b'{"prompt": "b", "completion": "c"}\n'
    outputs = []
    for name, first in (("trimmed", padded), ("kept", plain)):
        data = tmp_path / f"{name}.jsonl"
        data.write_bytes(b"\xef\xbb\xbf" + first + (plain if first is padded else padded))
        runner(["clean", data, "-o", tmp_path / f"{name}.clean.jsonl"], 1)
        outputs.append((tmp_path / f"{name}.clean.jsonl").read_bytes())
    assert outputs[0] == b'\xef\xbb\xbf{"prompt": "What?", "completion": "Yes"}\n' + plain
    assert outputs[1] == b"\xef\xbb\xbf" + plain + b'{"prompt": "What?", "completion": "Yes"}\n'
