"""Adversarial files against the promises the README and docs/cleaning.md make, each run through
the installed `dataaudit` (and click's runner) as a user runs it, and compared with an
independent reading of the same bytes: the csv module, a Counter of the raw cells.

- The input is never changed: a clean of a folder of Parquet files writes nothing inside it.
- Valid CSVs are read: a field longer than the reader's block (and hashed in time however
  long), a header with no line end and no rows, NUL characters in values. A quote never
  closed is one line naming where it opens, found without reading the file into one block.
- Counts are exact: duplicate rows are those a Counter of the raw rows finds, whatever the
  spelling of numbers, the chunk size or the memory budget.
- Values are kept byte for byte: with no step asked for, a clean writes back every cell.
"""

from __future__ import annotations

import bz2
import csv
import gzip
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.io.digest import file_sha256
from dataaudit.preprocess.clean import clean_files
from dataaudit.profile import siphash
from tests.cli_helpers import invoke, run

RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
Runner = Callable[..., tuple[str, str]]


def _folder_of_parts(folder: Path) -> Path:
    folder.mkdir()
    table = pa.table({"a": [1, 2, 1, 3], "b": ["x", "y", "x", "z"], "label": ["p", "q", "p", "p"]})
    pq.write_table(table.slice(0, 2), folder / "part-0.parquet")
    pq.write_table(table.slice(2), folder / "part-1.parquet")
    return folder


# --- the input is never changed ------------------------------------------------------------------

@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("destination", ["out.parquet", "sub/out.csv"])
def test_a_clean_writes_nothing_inside_the_folder_it_reads(tmp_path: Path, runner: Runner, destination: str) -> None:
    """Every Parquet file in the folder is a part of the input: a cleaned file or a quarantine
    written there would be read as more rows the next time."""
    folder = _folder_of_parts(tmp_path / "parts")
    (folder / "sub").mkdir()
    before = sorted(p.name for p in folder.rglob("*"))
    _, err = runner(["clean", folder, "-t", "label", "-o", folder / destination, "--force"], 2)
    assert err.strip() == f"dataaudit: error: {folder / destination}: inside the input folder {folder}; write elsewhere"
    assert sorted(p.name for p in folder.rglob("*")) == before
    assert len(pq.read_table(folder)) == 4


# --- valid CSVs are read -------------------------------------------------------------------------

#: no step changes a cell or takes a row out: a clean then writes back every value as read
NO_STEPS = ("preprocess: {missing_to_null: false, normalize_text: false, merge_label_variants: false, "
            "missing_labels: keep, duplicates: keep, conflicts: keep, drop_constant_columns: false, "
            "drop_empty_columns: false}\n")


def _cells(path: Path) -> list[list[str]]:
    csv.field_size_limit(64 << 20)  # the module's own limit is 128 KiB a field
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.reader(handle))


def _audited(runner: Runner, data: Path, tmp_path: Path, *args: str, code: int = 1) -> dict:
    out = tmp_path / "report.json"
    runner(["audit", data, "-t", "label", "-f", "json", "-o", out, *args], code)
    return json.loads(out.read_text())


def _cleaned_as_read(runner: Runner, data: Path, tmp_path: Path, code: int = 1) -> list[list[str]]:
    """The cells of `data` cleaned with no step: each row, each value, as the input wrote it."""
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "cleaned.csv"
    runner(["clean", data, "-t", "label", "-r", pack, "-o", out, "--force", "--allow-large-quarantine"], code)
    return _cells(out)


@pytest.mark.slow  # several CPU seconds: a whole run per example, or megabytes of input
@pytest.mark.parametrize("runner", RUNNERS)
def test_a_field_longer_than_the_readers_block_is_read_whole(tmp_path: Path, runner: Runner) -> None:
    """A quoted cell of 3 MiB with line ends in it and an unquoted one of 5 MiB, where the
    reader's blocks are 1 MiB: the rows around them are read too, and clean keeps both whole."""
    quoted_cell = ("é\r\n" + "x" * 1000) * 1500
    rows = [["text", "n", "label"], ["short", "1", "p"], [quoted_cell, "01", "q"], ["y" * (5 << 20), "1.0", "p"],
            ["short", "1", "p"]]
    data = tmp_path / "long.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    digest = file_sha256(data)
    report = _audited(runner, data, tmp_path)
    assert report["dataset"]["rows"] == 4
    assert report["dataset"]["duplicates"]["exact_rows"] == 1
    assert _cleaned_as_read(runner, data, tmp_path) == rows
    assert file_sha256(data) == digest


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("header", [b"text,n,label", b'"text","n","label"'])
def test_a_header_without_a_line_end_is_a_table_of_no_rows(tmp_path: Path, runner: Runner, header: bytes) -> None:
    data = tmp_path / "header.csv"
    data.write_bytes(header)
    report = _audited(runner, data, tmp_path)
    assert (report["dataset"]["rows"], report["dataset"]["columns"]) == (0, 3)


def test_a_long_text_costs_no_round_per_word(monkeypatch: pytest.MonkeyPatch) -> None:
    """The vectorised SipHash runs once per 8-byte word of its block's longest text: a 5 MiB
    cell beside short ones is hashed apart, as pandas hashes it, not in 655,360 numpy rounds."""
    texts = ["é" * (5 << 19), "short", "x" * (siphash.LONG_TEXT_BYTES + 1), ""]
    rounds = []
    compress = siphash._compress
    monkeypatch.setattr(siphash, "_compress", lambda *args: rounds.append(1) or compress(*args))
    hashes = siphash.hash_texts(pa.array(texts))
    assert len(rounds) <= 2
    assert hashes.tolist() == pd.util.hash_array(np.array(texts, dtype=object), categorize=False).tolist()


@pytest.mark.slow  # several CPU seconds: a whole run per example, or megabytes of input
@pytest.mark.parametrize("runner", RUNNERS)
def test_nul_bytes_in_values_are_read_and_kept(tmp_path: Path, runner: Runner) -> None:
    """A NUL is a character of UTF-8 text: in the first line of data as well as past the first
    64 KiB (which was read all along), a value holding one is audited and cleaned as written."""
    rows = [["text", "n", "label"], ["a\x00b", "1", "p"], ["\x00", "2", "q"], ["a\x00b", "1", "p"],
            *([f"row {i}", str(i), "pq"[i % 2]] for i in range(8000)), ["late\x00nul", "0", "q"]]
    data = tmp_path / "nul.csv"
    with data.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    report = _audited(runner, data, tmp_path, code=0)
    assert report["dataset"]["rows"] == len(rows) - 1
    assert report["dataset"]["duplicates"]["exact_rows"] == 1
    assert _cleaned_as_read(runner, data, tmp_path, code=0) == rows


def test_a_file_of_nul_bytes_is_still_binary(tmp_path: Path) -> None:
    """Text in UTF-16 (every other byte a NUL) or bytes that are no UTF-8 stay refused in one line."""
    utf16 = tmp_path / "utf16.csv"
    utf16.write_bytes("a,b,label\n1,x,p\n".encode("utf-16-le") * 20)
    run(["audit", utf16, "-t", "label"], 2)
    _, err = invoke(["audit", utf16, "-t", "label"], 2)
    assert err.strip() == f"dataaudit: error: {utf16}: binary content, not a CSV text file"


UNCLOSED = "a quoted field opened on this line is never closed"


def _unclosed_at_line_10(path: Path, rows_after: int) -> Path:
    lines = ["text,n,label", *(f"row {i},{i},p" for i in range(8)), '"opened,8,q']
    line = "some ordinary text here and there,12345,p\n"
    path.write_text("\n".join(lines) + "\n" + line * rows_after)
    return path


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("bad_rows", ["error", "skip"])
@pytest.mark.parametrize("rows_after", [3, 100_000])  # within the first block, and 4 MiB past it
def test_a_quote_never_closed_is_one_line_naming_where_it_opens(tmp_path: Path, runner: Runner, bad_rows: str,
                                                                rows_after: int) -> None:
    """Read as pyarrow reads it, the field runs to the end of the file: that is refused, not
    read as one row (nor skipped as one bad row when the rest of the file is thousands)."""
    data = _unclosed_at_line_10(tmp_path / "unclosed.csv", rows_after)
    _, err = runner(["audit", data, "-t", "label", "--bad-rows", bad_rows], 2)
    size = data.stat().st_size - len("\n".join(["text,n,label", *(f"row {i},{i},p" for i in range(8))]) + "\n")
    shown = f"{size:,} bytes" if size < 1 << 20 else f"{size / (1 << 20):,.1f} MiB"
    assert err == (f"dataaudit: error: {data}:10: {UNCLOSED}: the rest of the file ({shown}) would be one value; "
                   "close it, or double a quote inside a value\n")


def test_a_quote_never_closed_is_refused_in_the_first_block(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The field is measured by a scan in bounded blocks: the reader is never asked to hold a
    block larger than its first, however large the file past the quote."""
    from dataaudit.io import csv_reader

    blocks = []
    options = csv_reader.pacsv.ReadOptions
    monkeypatch.setattr(csv_reader.pacsv, "ReadOptions", lambda **kw: blocks.append(kw["block_size"]) or options(**kw))
    data = _unclosed_at_line_10(tmp_path / "unclosed.csv", 200_000)
    with pytest.raises(dataaudit.InputError, match=f":10: {UNCLOSED}"):
        dataaudit.audit(data, target="label")
    assert blocks == [csv_reader.BLOCK_BYTES]


def test_a_row_longer_than_the_largest_block_is_named(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A quoted field that closes, but past the largest block the reader takes: its line and
    size, not a guess between a long row and an open quote."""
    from dataaudit.io import csv_reader

    monkeypatch.setattr(csv_reader, "LARGEST_BLOCK_BYTES", 4 << 20)
    data = tmp_path / "long.csv"
    data.write_text('text,label\nshort,p\n"' + "long line\n" * 500_000 + '",q\nshort,p\n')
    with pytest.raises(dataaudit.InputError) as raised:
        dataaudit.audit(data, target="label")
    assert str(raised.value) == (f"{data}:3: the row starting on this line is 4.8 MiB, longer than the 4.0 MiB a row "
                                 "may be; a quoted field in it may be closed too late")


def _refused_as_unclosed(runner: Runner, data: Path, line: int, *options: str) -> None:
    _, err = runner(["audit", data, "-t", "label", *options], 2)
    assert err.startswith(f"dataaudit: error: {data}:{line}: {UNCLOSED}: the rest of the file (")
    assert err.count("\n") == 1


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("bad_rows", ["error", "skip"])
def test_a_quote_never_closed_on_a_long_line_is_not_one_skipped_row(tmp_path: Path, runner: Runner,
                                                                   bad_rows: str) -> None:
    """A row's text is cut for the report; whether the field runs over the next lines is told
    from the whole of it (or, cut by pyarrow's message, by a scan), not from the cut text."""
    data = tmp_path / "long.csv"
    data.write_text("a,b,label\n1,x,p\n2,\"" + "w" * 250 + ",q\n" + "".join(f"{i},y,q\n" for i in range(3, 50)))
    _refused_as_unclosed(runner, data, 3, "--bad-rows", bad_rows)


#: a file as written, and compressed: the text's end is then seen only as the stream is read
COMPRESSED = {".csv": lambda data: data, ".csv.gz": gzip.compress, ".csv.bz2": bz2.compress}


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", COMPRESSED)
@pytest.mark.parametrize("tail", ['2,y,"q\n3,y,p\n4,z,q\n', '1,2,"\n', '1,2,"', '1,2,"abc', '1,2,"a""b\r\n',
                                  '2,"y,q'])
def test_a_quote_never_closed_in_the_last_field_is_not_one_row_to_the_end(tmp_path: Path, runner: Runner,
                                                                          suffix: str, tail: str) -> None:
    """pyarrow reads a quote still open at the end of the file as a value ending there: with
    as many fields as the header, that is one valid row holding the rest of the file."""
    data = tmp_path / f"last{suffix}"
    data.write_bytes(COMPRESSED[suffix](("a,b,label\n1,x,p\n" + tail).encode()))
    _refused_as_unclosed(runner, data, 3)
    _refused_as_unclosed(runner, data, 3, "--bad-rows", "skip")


@pytest.mark.parametrize("tail", ['2,y,"q\n3\n"\n', '2,y,"q\n3\n"', '2,y,"q ""x"""', "2,y,q"])
def test_a_closed_last_field_is_read_whatever_it_holds(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      tail: str) -> None:
    """Told from the file's last bytes: no scan of the file."""
    from dataaudit.io import csv_reader

    monkeypatch.setattr(csv_reader, "first_long_record", None)
    data = tmp_path / "closed.csv"
    data.write_bytes(("a,b,label\n1,x,p\n" + tail).encode())
    expected = list(csv.reader(data.open(newline="")))[-1][-1]
    report = _audited(invoke, data, tmp_path)
    assert report["dataset"]["rows"] == 2
    assert report["dataset"]["labels"]["counts"] == {"p": 1, expected: 1}


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.bz2"])
@pytest.mark.parametrize("tail", ['2,y,"q\n3\n"\n', '2,y,"q\n3\n"', '2,y,"q ""x"""', "2,y,q"])
def test_a_closed_last_field_of_a_compressed_file_is_read(tmp_path: Path, suffix: str, tail: str) -> None:
    text = "a,b,label\n1,x,p\n" + tail
    data = tmp_path / f"closed{suffix}"
    data.write_bytes(COMPRESSED[suffix](text.encode()))
    expected = list(csv.reader(text.splitlines(keepends=True)))[-1][-1]
    report = _audited(invoke, data, tmp_path)
    assert report["dataset"]["rows"] == 2
    assert report["dataset"]["labels"]["counts"] == {"p": 1, expected: 1}


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_quote_never_closed_in_the_header_names_line_1(tmp_path: Path, runner: Runner) -> None:
    data = tmp_path / "header.csv"
    data.write_text('a,"b,label\n1,2,3\n')
    _refused_as_unclosed(runner, data, 1)
    data.write_text('a,"b\nc",label\n1,2,3\n')  # a quoted name across lines, closed: read
    assert _audited(invoke, data, tmp_path)["dataset"]["rows"] == 1


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("suffix", COMPRESSED)
def test_a_header_alone_with_no_line_end_and_a_quote_never_closed_names_line_1(tmp_path: Path, runner: Runner,
                                                                             suffix: str) -> None:
    data = tmp_path / f"header{suffix}"
    data.write_bytes(COMPRESSED[suffix](b'a,"b,label'))
    _refused_as_unclosed(runner, data, 1)
    data.write_bytes(COMPRESSED[suffix](b'a,"b",label'))  # closed: a table of no rows
    assert _audited(invoke, data, tmp_path)["dataset"]["rows"] == 0


# --- counts are exact, values kept byte for byte: laws on random files ---------------------------

#: texts that are one number, one boolean or one missing value to a reader that parses them, and
#: different values as written; long ones with multi-byte characters; NULs; line ends and quotes
SPELLINGS = ["1", "01", "1.0", "+1", " 1", "1e0", "1.00", "-0", "0", "00", "1_000", "١٢", "１２", "²", "NaN", "nan",
             "TRUE", "true", "True", "", " ", "a", " a", "a ", "é", "e\u0301", "NA", "?", "-999", "\x00", "a\x00",
             str(2**64 - 1), "9007199254740993", "9007199254740992", "x" * 9 + "é", "漢字" * 5, "\r\n", "\n", '"', ","]
CELLS = st.tuples(st.one_of(st.sampled_from(SPELLINGS), st.text(st.characters(exclude_categories=["Cs"]), max_size=6)),
                  st.booleans())  # a cell's text, and whether it is quoted


def _field(text: str, quoted: bool) -> str:
    return '"' + text.replace('"', '""') + '"' if quoted or any(c in text for c in ',"\r\n') else text


def _identity(text: str, quoted: bool) -> str | None:
    """A cell as the audit tells cells apart: its text as written; an unquoted empty field is a null."""
    return None if text == "" and not quoted else text


def _write_cells(path: Path, rows: list[tuple[tuple[str, bool], tuple[str, bool], str]], line_end: str) -> Path:
    lines = [f"a,b,label{line_end}", *(f"{_field(*a)},{_field(*b)},{label}{line_end}" for a, b, label in rows)]
    path.write_bytes("".join(lines).encode())
    return path


@pytest.mark.slow  # several CPU seconds: a whole run per example, or megabytes of input
@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELLS, CELLS, st.sampled_from(["p", "q"])), min_size=1, max_size=30),
       repeats=st.lists(st.integers(0, 29), max_size=10), chunk_rows=st.sampled_from([1, 7, 65_536]),
       budget=st.sampled_from([None, 1]), line_end=st.sampled_from(["\n", "\r\n"]))
def test_duplicate_rows_are_those_a_counter_of_the_raw_rows_finds(tmp_path: Path, rows: list, repeats: list[int],
                                                                  chunk_rows: int, budget: int | None,
                                                                  line_end: str) -> None:
    """Whatever the spelling of numbers, the chunk size or the spilling of the row hashes, the
    exact duplicates and distinct feature rows are those of the cells' texts as written."""
    rows = rows + [rows[i % len(rows)] for i in repeats]
    data = _write_cells(tmp_path / "cells.csv", rows, line_end)
    options = {"memory_budget": budget} if budget else {}
    report = dataaudit.audit(data, target="label", keep_columns=["a", "b"], chunk_rows=chunk_rows, **options)
    duplicates = report.to_dict()["dataset"]["duplicates"]
    whole = Counter((_identity(*a), _identity(*b), label) for a, b, label in rows)
    features = Counter((_identity(*a), _identity(*b)) for a, b, _ in rows)
    assert duplicates["exact_rows"] == len(rows) - len(whole)
    assert duplicates["distinct_feature_rows"] == len(features)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(st.tuples(CELLS, CELLS, st.sampled_from(["p", "q"])), min_size=1, max_size=30),
       chunk_rows=st.sampled_from([1, 7, 65_536]), line_end=st.sampled_from(["\n", "\r\n"]))
def test_a_clean_with_no_step_writes_back_every_cell_as_written(tmp_path: Path, rows: list, chunk_rows: int,
                                                                line_end: str) -> None:
    data = _write_cells(tmp_path / "cells.csv", rows, line_end)
    digest = file_sha256(data)
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "out.csv"
    clean_files(data, out, target="label", rules=pack, keep_columns=("a", "b"), chunk_rows=chunk_rows, force=True,
                allow_large_quarantine=True)
    assert _cells(out) == [["a", "b", "label"], *([a[0], b[0], label] for a, b, label in rows)]
    assert file_sha256(data) == digest


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_key_a_jsonl_line_does_not_have_is_not_added_as_null(tmp_path: Path, runner: Runner) -> None:
    """Missing is not null: a cleaned JSON Lines file has, on each line, the keys of its input
    line and their values, a null where the input wrote one and nothing where it wrote nothing."""
    records = [{"a": 1, "label": "p"}, {"a": 2, "b": "x", "label": "q"}, {"a": 3.10, "label": "p", "b": None},
               {"b": "", "label": "q"}, {"a": None, "label": "p"}]
    data = tmp_path / "keys.jsonl"
    data.write_text("".join(json.dumps(record) + "\n" for record in records))
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "cleaned.jsonl"
    runner(["clean", data, "-t", "label", "-r", pack, "-o", out, "--force", "--allow-large-quarantine"], 1)
    assert [json.loads(line) for line in out.read_text().splitlines()] == records


#: JSON values as a file may spell them: numbers no float prints back alike, escapes in strings,
#: integers past 2**63, nested values written compactly or not
JSON_SPELLINGS = ["1", "1.0", "1.50", "1e3", "1E+03", "-0", "0.1000", "2.5e-7", str(2**64 + 1), str(-(2**63) - 1),
                  "0.30000000000000004", "3.141592653589793", "1.7976931348623157e308", "true", "false", "null",
                  '"\\u00e9"', '"\u00e9"', '"e\u0301"', '"a\\/b"', '"\\n"', '"\\"q\\""', '"01234"', '""', '" a "',
                  '"\\ud83d\\ude00"', '{"k": [1, 1.50]}', '{"k":1.0,"j":"\\u00e9"}', "[]", "[1e3, null, \"x\"]"]


def _jsonl_line(cells: list[tuple[str, str]]) -> str:
    return "{" + ", ".join(f"{json.dumps(key)}: {value}" for key, value in cells) + "}"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(lines=st.lists(st.permutations(["a", "b", "label"]).flatmap(lambda keys: st.tuples(
           st.just(keys), st.lists(st.sampled_from(JSON_SPELLINGS), min_size=2, max_size=2),
           st.sampled_from(['"p"', '"q"']), st.sets(st.sampled_from(["a", "b"])))), min_size=1, max_size=25),
       chunk_rows=st.sampled_from([1, 7, 65_536]))
def test_a_jsonl_clean_with_no_step_writes_back_every_value_as_written(tmp_path: Path, lines: list,
                                                                      chunk_rows: int) -> None:
    """Each line keeps its keys in its own order, and each value its bytes: the digits of a
    number, the escapes of a string, the spacing inside an object; a key a line does not have
    stays absent."""
    written = []
    for keys, (a, b), label, absent in lines:
        values = {"a": a, "b": b, "label": label}
        written.append(_jsonl_line([(key, values[key]) for key in keys if key not in absent]))
    data = tmp_path / "values.jsonl"
    data.write_text("".join(line + "\n" for line in written), encoding="utf-8")
    digest = file_sha256(data)
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "out.jsonl"
    clean_files(data, out, target="label", rules=pack, chunk_rows=chunk_rows, force=True, allow_large_quarantine=True)
    assert out.read_text(encoding="utf-8").splitlines() == written
    assert file_sha256(data) == digest


@pytest.mark.slow  # several CPU seconds: a whole run per example, or megabytes of input
def test_a_key_first_seen_past_the_first_chunk_is_kept_by_a_jsonl_clean(tmp_path: Path) -> None:
    """The columns of a JSON Lines file are the keys of its first 65,536 lines; a key first met
    later is not audited (the report says so), and a clean into JSON Lines writes it back as the
    input wrote it, where the line has it, instead of dropping its values."""
    lines = [json.dumps({"a": i % 50, "label": "pq"[i % 2]}) for i in range(65_540)]
    lines += ['{"a": 1, "label": "p", "extra": 1.50}', '{"a": 2, "extra": {"k": "v"}, "label": "q"}']
    data = tmp_path / "late.jsonl"
    data.write_text("\n".join(lines) + "\n")
    pack = tmp_path / "no-steps.yaml"
    pack.write_text(NO_STEPS)
    out = tmp_path / "cleaned.jsonl"
    run(["clean", data, "-t", "label", "-r", pack, "-o", out, "--force", "--allow-large-quarantine"], 1)
    written = out.read_text().splitlines()
    assert len(written) == len(lines)
    assert written[-2:] == lines[-2:]


def _late_key_lines(first_rows: int) -> list[str]:
    """`first_rows` objects of the columns, then a key first met on line `first_rows + 1`, a
    line that is no JSON, a blank line and a second late key beside the first."""
    lines = [json.dumps({"a": i % 5, "label": "pq"[i % 2]}) for i in range(first_rows)]
    return [*lines, '{"a": 1, "extra": 1.50, "label": "p"}', '{"a": 2, "label": ', "",
            '{"more": [1], "a": 3, "label": "q", "extra": "x"}', '{"a": 4, "label": "q"}']


def test_a_key_first_seen_late_is_named_and_its_rows_are_no_bad_rows(tmp_path: Path) -> None:
    """A late key's row is audited (its other keys are columns): the report names the key and
    the line it first appears on, and only the line that is no JSON is a row left out."""
    data = tmp_path / "late.jsonl"
    data.write_text("\n".join(_late_key_lines(3)) + "\n")
    report = dataaudit.audit(data, target="label", chunk_rows=3, bad_rows="skip").to_dict()
    findings = {f["check"]: f for f in report["findings"]}
    assert report["dataset"]["rows"] == 6
    assert (findings["source.bad_rows"]["observed"], findings["source.bad_rows"]["examples"]) == (1, [5])
    late = findings["source.late_keys"]
    assert (late["severity"], late["observed"], late["examples"]) == ("warn", 2, [4, 7])
    assert [(k["key"], k["line"]) for k in late["details"]["keys"]] == [("extra", 4), ("more", 7)]
    assert "'extra' (line 4), 'more' (line 7)" in late["message"]
    assert "after the first 3 rows (JSON objects)" in late["message"]


@pytest.mark.slow  # several CPU seconds: a whole run per example, or megabytes of input
@pytest.mark.parametrize("runner", RUNNERS)
def test_a_key_first_seen_past_the_first_chunk_fails_no_row(tmp_path: Path, runner: Runner) -> None:
    """With the default `--bad-rows error`, a file whose every line is an object has no bad
    row, whatever keys its later lines bring."""
    data = tmp_path / "late.jsonl"
    lines = [line for line in _late_key_lines(65_536) if line.endswith("}")]
    data.write_text("\n".join(lines) + "\n")
    # the late keys, audited as the columns a clean writes them as, are nearly all missing
    report = _audited(runner, data, tmp_path, code=1)
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["source.bad_rows"] == "passed"
    assert statuses["source.late_keys"] == "warn"
    assert [f["column"] for f in report["findings"] if f["severity"] == "fail"] == ["extra", "more"]
    assert report["dataset"]["rows"] == len(lines)


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_report_may_go_into_the_tokenizer_folder_but_over_none_of_its_files(tmp_path: Path,
                                                                             runner: Runner) -> None:
    """A tokenizer's folder is read, not audited: a report may be written beside the model's
    files, never over one of them."""
    tokenizers = pytest.importorskip("tokenizers", reason="a tokenizer folder needs 'tokenizers'")
    from tokenizers.models import WordLevel

    model = tmp_path / "model"
    model.mkdir()
    tokenizers.Tokenizer(WordLevel({"[UNK]": 0, "paris": 1}, unk_token="[UNK]")).save(str(model / "tokenizer.json"))
    kept = (model / "tokenizer.json").read_bytes()
    chats = tmp_path / "chats.jsonl"
    chats.write_text("".join(json.dumps({"messages": [{"role": "user", "content": f"question {i}"},
                                                      {"role": "assistant", "content": "paris"}]}) + "\n"
                             for i in range(3)), encoding="utf-8")
    runner(["audit", chats, "--tokenizer", model, "-f", "json", "-o", model / "report.json"], 1)
    assert json.loads((model / "report.json").read_text(encoding="utf-8"))["dataset"]
    _, err = runner(["audit", chats, "--tokenizer", model, "-f", "json", "-o", model / "tokenizer.json"], 2)
    assert err.strip() == (f"dataaudit: error: {model / 'tokenizer.json'}: a file of the input folder {model}; "
                           "write elsewhere")
    assert (model / "tokenizer.json").read_bytes() == kept
