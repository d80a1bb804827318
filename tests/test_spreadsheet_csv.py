"""Two valid CSV layouts a spreadsheet writes: a first line naming the delimiter (`sep=;`) above
the header, and blank header cells over the empty columns right of the data (`a,b,label,,,`).
Each is read as the spreadsheet meant it, every line still named by its number in the file, and
a clean writes them back as they came."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.io import open_source
from tests.cli_helpers import invoke, run

ROWS = [["id", "x", "label"]] + [[str(i), f"{i}.5", "ab"[i % 2]] for i in range(40)]


def _text(rows: list[list[str]], delimiter: str, first: str = "", end: str = "\r\n") -> str:
    return first + "".join(delimiter.join(row) + end for row in rows)


def _report(data: Path, tmp_path: Path, *options: str, code: int = 0) -> dict:
    report = tmp_path / "report.json"
    invoke(["audit", data, "-t", "label", "-q", "-f", "json", "-o", report, *options], code)
    return json.loads(report.read_text(encoding="utf-8"))


def _read(data: Path, delimiter: str | None = None) -> tuple[list[str], list[dict]]:
    """The columns and rows the reader hands on (a malformed row left out)."""
    source = open_source(data, delimiter=delimiter, bad_rows="skip")
    return source.columns, [row for batch in source.batches() for row in batch.to_pylist()]


@pytest.mark.parametrize(("first", "delimiter"), [
    ("sep=;\r\n", ";"), ("\ufeffSEP=;\r\n", ";"), ("sep=|\n", "|"), ("sep=\t\r\n", "\t"), ("sep=,\r\n", ","),
])
def test_a_delimiter_line_above_the_header_names_the_delimiter(tmp_path: Path, first: str, delimiter: str) -> None:
    """Excel writes `sep=;` above the header; it was refused, where before that it made the file
    one column named `sep=;`. The delimiter is the one named, the header the line below it."""
    data = tmp_path / "export.csv"
    data.write_text(_text(ROWS, delimiter, first), encoding="utf-8")
    report = _report(data, tmp_path)
    assert report["source"]["delimiter"] == delimiter
    assert report["dataset"]["columns"] == 3
    assert report["dataset"]["labels"]["counts"] == {"a": 20, "b": 20}
    assert any("sep=" in note for note in report["source"]["notes"])


@given(st.lists(st.lists(st.text("ab;,\" \n1", max_size=6), min_size=3, max_size=3), max_size=12),
       st.sampled_from([";", ",", "|", "\t"]))
def test_a_delimiter_line_reads_the_rows_the_file_holds_without_it(tmp_path_factory: pytest.TempPathFactory,
                                                                   rows: list[list[str]], delimiter: str) -> None:
    """With its `sep=` line, a file is the columns and rows it is without, its delimiter named
    (a sniffer may guess another on a few rows of such text)."""
    folder = tmp_path_factory.mktemp("sep")
    quoted = [['"' + value.replace('"', '""') + '"' for value in row] for row in [["h1", "h2", "h3"], *rows]]
    plain, marked = folder / "plain.csv", folder / "marked.csv"
    plain.write_text(_text(quoted, delimiter), encoding="utf-8")
    marked.write_text(_text(quoted, delimiter, f"sep={delimiter}\r\n"), encoding="utf-8")
    assert _read(marked) == _read(plain, delimiter)


def test_a_row_below_a_delimiter_line_is_named_by_its_line_in_the_file(tmp_path: Path) -> None:
    """The `sep=` line is a line of the file: a malformed row is named by the line it is on, in the
    error, in the report's examples and in the quarantine."""
    data = tmp_path / "export.csv"
    data.write_text("sep=;\r\nx;y;label\r\n1;2;a\r\n\r\n3;4\r\n5;6;b\r\n", encoding="utf-8")
    _, err = invoke(["audit", data, "-t", "label", "-q"], 2)
    assert err.startswith(f"dataaudit: error: {data}:5: malformed row, expected 3 fields, found 2: '3;4' (")
    report = _report(data, tmp_path, "--bad-rows", "skip", code=1)
    assert [f["examples"] for f in report["findings"] if f["check"] == "source.bad_rows"] == [[5]]


@pytest.mark.parametrize(("given", "code"), [(",", 2), ("|", 2), ("semicolon", 0), (";", 0)])
def test_a_delimiter_given_is_checked_against_the_one_the_file_names(tmp_path: Path, given: str, code: int) -> None:
    data = tmp_path / "export.csv"
    data.write_text(_text(ROWS, ";", "sep=;\r\n"), encoding="utf-8")
    report = tmp_path / "report.json"
    _, err = invoke(["audit", data, "-t", "label", "-q", "-f", "json", "-o", report, "--delimiter", given], code)
    if code:
        assert err == (f"dataaudit: error: {data}:1: the first line, 'sep=;', names the delimiter ';', but "
                       f"--delimiter {given!r} was given; leave --delimiter out, or delete that line\n")
    else:
        assert json.loads(report.read_text(encoding="utf-8"))["dataset"]["columns"] == 3


def test_a_header_below_a_delimiter_line_is_named_as_line_2(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text("sep=;\nx;x;label\n1;2;a\n", encoding="utf-8")
    _, err = invoke(["audit", data, "-t", "label", "-q"], 2)
    assert err == f"dataaudit: error: {data}:2: duplicate column name in the header: 'x' (columns 1, 2)\n"


def test_a_delimiter_line_alone_is_no_header(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text("sep=;\r\n", encoding="utf-8")
    _, err = invoke(["audit", data, "-q"], 2)
    assert err == f"dataaudit: error: {data}: no header line\n"


def test_a_clean_writes_its_output_and_quarantine_below_a_delimiter_line(tmp_path: Path) -> None:
    """A spreadsheet that needed the input's `sep=` line to split it needs one to split the
    output: each CSV the clean writes starts with one naming the delimiter it is written with."""
    data = tmp_path / "export.csv"
    rows = [["x", "y", "label"]] + [[f"{i},5", f"w{i % 7}", "ab"[i % 2]] for i in range(40)]
    text = _text(rows[:3], ";", "sep=;\r\n") + "oops;1\r\n" + _text(rows[3:], ";")
    data.write_text(text, encoding="utf-8")
    out = tmp_path / "out.csv"
    _, err = run(["clean", data, "-t", "label", "-q", "-o", out, "--bad-rows", "quarantine"], 0)
    assert f"40 rows written to {out}, 1 quarantined" in err
    assert out.read_bytes() == ("sep=,\n" + "".join(",".join(f'"{v}"' for v in row) + "\n" for row in rows)).encode()
    assert (tmp_path / "out.quarantine.csv").read_bytes() == (
        b'sep=,\n"x","y","label","_row","_reason","_line","_text"\n'
        b',,,,"malformed_row (expected 3 fields, found 2)",5,"oops;1"\n')
    assert _read(out)[1] == _read(data)[1]  # read back, the same rows


def test_a_clean_to_tsv_names_a_tab_and_to_parquet_has_no_such_line(tmp_path: Path) -> None:
    data = tmp_path / "export.csv"
    data.write_text(_text(ROWS, ";", "sep=;\r\n"), encoding="utf-8")
    invoke(["clean", data, "-t", "label", "-q", "-o", tmp_path / "out.tsv"], 0)
    assert (tmp_path / "out.tsv").read_text(encoding="utf-8").startswith('sep=\t\n"id"\t"x"\t"label"\n')
    invoke(["clean", data, "-t", "label", "-q", "-o", tmp_path / "other.parquet"], 0)
    assert _read(tmp_path / "other.parquet") == _read(tmp_path / "out.tsv")


@pytest.mark.parametrize(("header", "expected"), [
    ("sep=;\r\nid;x;label\r\n", "{data}:1: the first line names the delimiter (sep=), which the spark engine "
                                "cannot skip; delete that line, or use the local engine"),
    ("id;x;label;;\r\n", "{data}:1: the header has several blank names (columns 4, 5), which the spark engine "
                         "names otherwise; name them in the header, or use the local engine"),
    ("id;x;label;\r\n", "{data}:1: the header has a blank name (column 4), which the spark engine names "
                        "otherwise; name it in the header, or use the local engine"),
])
def test_the_spark_engine_refuses_a_spreadsheets_layout_in_one_line(tmp_path: Path, header: str,
                                                                    expected: str) -> None:
    """Spark reads the first line as the header: a `sep=` line became columns named `sep=`; one
    blank name, which Spark calls `_c3`, stopped the engine with a traceback."""
    data = tmp_path / "export.csv"
    blanks = ";" * (len(header.rstrip()) - len(header.rstrip().rstrip(";")))  # the header's blank cells
    data.write_text(header + "".join(f"{i};{i}.5;{'ab'[i % 2]}{blanks}\r\n" for i in range(40)), encoding="utf-8")
    _, err = invoke(["audit", data, "-t", "label", "-q", "--engine", "spark"], 2)
    assert err == f"dataaudit: error: {expected.format(data=data)}\n"


def _export(tmp_path: Path, nearly: bool = False) -> Path:
    """A spreadsheet's export with three blank header cells right of the data, over empty
    columns (the middle one holding two values, when `nearly`)."""
    data = tmp_path / "export.csv"
    lines = ["\ufeffid,x,label,,,"] + [f"{i},{i}.5,{'ab'[i % 2]},,{'uv'[i % 2] if nearly and i < 2 else ''},"
                                       for i in range(40)]
    data.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")
    return data


def test_several_blank_header_cells_are_columns_named_by_their_place(tmp_path: Path) -> None:
    """They were refused as a duplicate name, `''`; they are the empty columns they are, each a
    warning, not missing cells of every row: the export passes the gate."""
    report = _report(_export(tmp_path), tmp_path, code=0)
    assert report["dataset"]["columns"] == 6
    assert sorted(f["column"] for f in report["findings"] if f["check"] == "missing.empty_column") == [
        "(column 4)", "(column 5)", "(column 6)"]
    assert _read(tmp_path / "export.csv")[0] == ["id", "x", "label", "(column 4)", "(column 5)", "(column 6)"]


def test_a_blank_named_column_is_named_on_the_command_line_by_its_place(tmp_path: Path) -> None:
    report = _report(_export(tmp_path), tmp_path, "--ignore-column", "(column 5)", code=0)
    assert sorted(f["column"] for f in report["findings"] if f["check"] == "missing.empty_column") == [
        "(column 4)", "(column 6)"]
    _, err = invoke(["audit", tmp_path / "export.csv", "-t", "label", "-q", "--ignore-column", "(column 7)"], 2)
    assert err.endswith("'(column 7)' not found (did you mean '(column 6)'?); columns are: id, x, label, "
                        "(column 4), (column 5), (column 6)\n")


def test_one_blank_header_cell_keeps_its_blank_name(tmp_path: Path) -> None:
    data = tmp_path / "one.csv"
    data.write_text("id,x,label,\n" + "".join(f"{i},{i}.5,{'ab'[i % 2]},\n" for i in range(40)), encoding="utf-8")
    assert _read(data)[0] == ["id", "x", "label", ""]


def test_a_header_naming_a_column_as_a_blank_one_would_be_named_keeps_both(tmp_path: Path) -> None:
    data = tmp_path / "odd.csv"
    data.write_text("(column 3),x,,\n1,2,,\n", encoding="utf-8")
    assert _read(data)[0] == ["(column 3)", "x", "(column 3)'", "(column 4)"]


@pytest.mark.parametrize(("header", "places"), [("a,a,label", "1, 2"), ("a,b,label,,a,", "1, 5")])
def test_a_name_other_than_blank_given_twice_is_still_refused(tmp_path: Path, header: str, places: str) -> None:
    """A row would hold two values under one key."""
    data = tmp_path / "twice.csv"
    data.write_text(header + "\n" + ",".join("1" * (header.count(",") + 1)) + "\n", encoding="utf-8")
    _, err = invoke(["audit", data, "-q"], 2)
    assert err == f"dataaudit: error: {data}:1: duplicate column name in the header: 'a' (columns {places})\n"


def test_a_clean_drops_the_empty_blank_columns_and_writes_the_others_header_cell_blank(tmp_path: Path) -> None:
    data = _export(tmp_path, nearly=True)
    out = tmp_path / "out.csv"
    run(["clean", data, "-t", "label", "-q", "-o", out], 1)  # the nearly empty column fails missing.column_share
    rows = "".join(f'"{i}","{i}.5","{"ab"[i % 2]}",{chr(34) + "uv"[i % 2] + chr(34) if i < 2 else ""}\n'
                   for i in range(40))
    assert out.read_bytes() == ('"id","x","label",""\n' + rows).encode()
    steps = {s["step"]: s for s in json.loads((tmp_path / "out.manifest.json").read_text())["steps"]}
    assert steps["drop_columns"]["notes"] == ["dropped (column 4) (empty), (column 6) (empty)"]
    # the quarantine holds the rows as they came: every column, each blank header cell blank
    assert (tmp_path / "out.quarantine.csv").read_bytes() == b'"id","x","label","","","","_row","_reason"\n'


def test_a_clean_leaves_an_ignored_blank_column_and_writes_its_header_cell_blank(tmp_path: Path) -> None:
    data = _export(tmp_path)
    out = tmp_path / "out.csv"
    invoke(["clean", data, "-t", "label", "-q", "-o", out, "-i", "(column 4)", "-i", "(column 6)"], 0)
    rows = "".join(f'"{i}","{i}.5","{"ab"[i % 2]}",,\n' for i in range(40))
    assert out.read_bytes() == ('"id","x","label","",""\n' + rows).encode()
    assert _read(out)[0] == ["id", "x", "label", "(column 4)", "(column 5)"]  # places in the output
