"""`clean --bad-rows quarantine`: a table's malformed rows go to the quarantine as their text.

Real files on disk: ragged CSV rows (plain and gzip), JSONL lines that are no JSON object, a
quoted field never closed (still exit 2), through click's runner, the installed command and the
Python API; a hypothesis test injects malformed rows at random lines and holds the clean to
rows in = rows out + rows quarantined, each malformed row quarantined as the bytes of its line.
"""

from __future__ import annotations

import csv
import gzip
import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit import clean
from dataaudit.errors import InputError
from dataaudit.preprocess.clean import clean_files
from tests.cli_helpers import invoke, run

RAGGED = ["id,x,label", "1,a,yes", "2,b,no", "3,c,yes,extra", "4,d", '5,"q', 'r",no', "6,e,yes", "6,e,yes", "7,f,no",
          "8,g,yes"]


def _write(path: Path, lines: list[str], end: str = "\n") -> Path:
    data = "".join(line + end for line in lines).encode("utf-8")
    path.write_bytes(gzip.compress(data, mtime=0) if path.suffix == ".gz" else data)
    return path


def _csv_rows(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_ragged_rows_go_to_the_quarantine_as_their_text(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", RAGGED)
    before = data.read_bytes()
    out = tmp_path / "out.csv"
    invoke(["clean", data, "-t", "label", "-o", out, "--bad-rows", "quarantine", "-q"], 1)
    assert data.read_bytes() == before, "the input is never edited"
    kept, held = _csv_rows(out), _csv_rows(tmp_path / "out.quarantine.csv")
    assert [r["id"] for r in kept] == ["1", "2", "5", "6", "7", "8"]
    assert kept[2]["x"] == "q\nr", "a quoted line end is a value, not a malformed row"
    assert list(held[0]) == ["id", "x", "label", "_row", "_reason", "_line", "_text"]
    assert held == [
        {"id": "6", "x": "e", "label": "yes", "_row": "4", "_reason": "duplicate", "_line": "", "_text": ""},
        {"id": "", "x": "", "label": "", "_row": "", "_reason": "malformed_row (expected 3 fields, found 4)",
         "_line": "4", "_text": "3,c,yes,extra"},
        {"id": "", "x": "", "label": "", "_row": "", "_reason": "malformed_row (expected 3 fields, found 2)",
         "_line": "5", "_text": "4,d"},
    ]
    manifest = json.loads((tmp_path / "out.manifest.json").read_text())
    assert manifest["rows"] == {"in": 9, "out": 6, "quarantined": 3, "redacted": 0}
    assert manifest["quarantine_reasons"] == {"duplicate": 1, "malformed_row": 2}
    assert manifest["parameters"]["bad_rows"] == "quarantine"
    first = manifest["steps"][0]
    assert (first["step"], first["rows_changed"], first["rows_quarantined"]) == ("malformed_rows", 0, 2)


def test_both_audits_see_the_same_rows(tmp_path: Path) -> None:
    """The before audit leaves the malformed rows out and reports them; the after audit has none."""
    data = _write(tmp_path / "data.csv", RAGGED)
    result = clean(data, target="label", bad_rows="quarantine")
    bad = [f for f in result.before.findings if f.check == "source.bad_rows"]
    assert [(f.observed, f.examples) for f in bad] == [(2, [4, 5])]
    assert result.before.dataset.rows == 7
    assert not [f for f in result.report.findings if f.check == "source.bad_rows"]
    assert result.report.dataset.rows == len(result.data) == 6
    steps = next(t for t in result.report.tables if t.id == "clean.steps")
    assert steps.rows[0][:3] == ["malformed_rows", 0, 2]
    assert result.quarantine["_text"].tolist()[1:] == ["3,c,yes,extra", "4,d"]


def test_by_default_a_malformed_row_stops_the_clean_naming_the_option(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", RAGGED)
    out = tmp_path / "out"
    out.mkdir()
    _, err = invoke(["clean", data, "-t", "label", "-o", out / "clean.csv"], 2)
    assert f"{data}:4: malformed row, expected 3 fields, found 4" in err
    assert "`dataaudit clean --bad-rows quarantine`" in err
    assert "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert list(out.iterdir()) == []
    with pytest.raises(InputError, match="bad_rows must be one of error, quarantine, not 'skip'"):
        clean(data, target="label", bad_rows="skip")


def test_a_quote_never_closed_stays_an_input_error(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", ["id,x,label", "1,a,yes", '2,"b,no', "3,c,yes", "4,d,no,extra"])
    out = tmp_path / "out"
    out.mkdir()
    _, err = invoke(["clean", data, "-t", "label", "-o", out / "clean.csv", "--bad-rows", "quarantine"], 2)
    assert f"{data}:3: a quoted field opened on this line is never closed" in err
    assert list(out.iterdir()) == []


def test_jsonl_lines_that_are_no_object_are_quarantined_and_the_others_kept_as_written(tmp_path: Path) -> None:
    lines = ['{"id": 1, "x": "a",  "label": "yes"}', '{"id":2,"x":"b","label":"no"}', "[1, 2]",
             '{"id": 3, "x": "c", "label": "yes"}', "not json at all", "", '"a string"', '{"id": 4, "x": 1.50,'
             ' "label": "no"}', "42"]
    data = _write(tmp_path / "data.jsonl", lines, end="\r\n")
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-t", "label", "-o", out, "--bad-rows", "quarantine", "-q"], 1)
    assert out.read_text().splitlines() == [lines[0], lines[1], lines[3], lines[7]]
    held = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(h["_line"], h["_text"], h["_reason"].split(" (")[0]) for h in held] == [
        (3, "[1, 2]", "malformed_row"), (5, "not json at all", "malformed_row"), (7, '"a string"', "malformed_row"),
        (9, "42", "malformed_row")]
    assert held[0]["_reason"] == "malformed_row (expected a JSON object, found list)"
    assert all(h["id"] is None and h["_row"] is None for h in held)


def test_the_installed_command_quarantines_a_gzip_files_ragged_rows(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv.gz", RAGGED)
    out = tmp_path / "out.parquet"
    _, err = run(["clean", data, "-t", "label", "-o", out, "--bad-rows", "quarantine", "-q"], 1)
    assert "6 rows written" in err and "3 quarantined" in err
    held = pq.read_table(tmp_path / "out.quarantine.parquet").to_pylist()
    assert [(h["_line"], h["_text"]) for h in held] == [(None, None), (4, "3,c,yes,extra"), (5, "4,d")]


def test_two_jobs_quarantine_the_same_rows(tmp_path: Path) -> None:
    lines = ["id,x,label", *(f"{i},{i * 37 % 3_001},{'yes' if i * 37 % 3_001 % 2 else 'no'}" for i in range(3_000))]
    for at in (5, 1_500, 2_999):
        lines[at] += ",extra"
    data = _write(tmp_path / "data.csv", lines)
    outputs = {}
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.csv"
        invoke(["clean", data, "-t", "label", "-i", "id", "-o", out, "--bad-rows", "quarantine", "--jobs", jobs,
                "-q"], 0)
        outputs[jobs] = (out.read_bytes(), (tmp_path / f"out{jobs}.quarantine.csv").read_bytes())
    assert outputs["1"] == outputs["2"]
    held = _csv_rows(tmp_path / "out2.quarantine.csv")
    assert [r["_line"] for r in held if r["_reason"].startswith("malformed_row")] == ["6", "1501", "3000"]


@pytest.mark.parametrize("args, needle", [
    (["--engine", "spark"], "--bad-rows (bad_rows) cannot run on the spark engine"),
    (["--format-kind", "chat"], "--bad-rows (bad_rows) does not apply to a chat JSONL file"),
])
def test_where_it_does_not_apply_it_is_refused_in_one_line(tmp_path: Path, args: list[str], needle: str) -> None:
    name = "chat.jsonl" if "chat" in args else "data.csv"
    lines = (['{"messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "yo"}]}']
             if "chat" in args else RAGGED)
    data = _write(tmp_path / name, lines)
    _, err = invoke(["clean", data, "-o", tmp_path / "out.jsonl", "--bad-rows", "quarantine", *args], 2)
    assert needle in err and len(err.strip().splitlines()) == 1


def test_a_column_named_as_a_quarantine_column_is_refused(tmp_path: Path) -> None:
    data = _write(tmp_path / "data.csv", ["id,_text,label", "1,a,yes", "2,b,no,extra"])
    _, err = invoke(["clean", data, "-t", "label", "-o", tmp_path / "out.csv", "--bad-rows", "quarantine"], 2)
    assert "column '_text' is reserved for the quarantine file" in err


_VALUE = st.text("abcé ", min_size=1, max_size=4).map(str.strip).filter(bool)
_ROW = st.tuples(st.integers(0, 5), _VALUE, st.sampled_from(["yes", "no", ""]))
#: a malformed row: fields of a table of three columns, but not three; no quote, no line end
_RAGGED = st.lists(_VALUE, min_size=1, max_size=5).filter(lambda fields: len(fields) != 3)
_NOT_AN_OBJECT = st.one_of(st.integers().map(str), _VALUE.map(json.dumps), _VALUE.map(lambda v: f"{{{v}"),
                           st.lists(st.integers(), max_size=3).map(lambda v: f"x{json.dumps(v)}"))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.lists(_ROW, min_size=1, max_size=30), suffix=st.sampled_from([".csv", ".tsv", ".jsonl"]),
       bad=st.lists(st.tuples(st.integers(0, 30), _RAGGED, _NOT_AN_OBJECT), max_size=6),
       first_good=st.booleans())
def test_rows_in_equal_rows_out_plus_quarantined_and_malformed_rows_keep_their_bytes(
        tmp_path: Path, rows: list[tuple[int, str, str]], suffix: str, bad: list[tuple[int, list[str], str]],
        first_good: bool) -> None:
    sep = "\t" if suffix == ".tsv" else ","
    lines = [json.dumps({"id": i, "x": x, "label": label or None}) if suffix == ".jsonl"
             else sep.join((str(i), x, label)) for i, x, label in rows]
    for at, fields, text in sorted(bad, reverse=True):  # a malformed row at a random place
        lines.insert(min(at, len(lines)) + int(first_good), text if suffix == ".jsonl" else sep.join(fields))
    header = [] if suffix == ".jsonl" else [sep.join(("id", "x", "label"))]
    data = _write(tmp_path / f"data{suffix}", [*header, *lines])
    out = tmp_path / "out.parquet"
    run_ = clean_files(data, out, target="label", bad_rows="quarantine", allow_large_quarantine=True, force=True)
    held = pq.read_table(tmp_path / "out.quarantine.parquet").to_pylist()
    malformed = [h for h in held if h["_reason"].startswith("malformed_row")]
    rows_in, out_rows = run_.manifest["rows"]["in"], pq.read_metadata(out).num_rows
    assert rows_in == len(lines) == out_rows + len(held) == run_.manifest["rows"]["out"] + run_.manifest["rows"][
        "quarantined"]
    assert sum(run_.manifest["quarantine_reasons"].values()) == len(held)
    assert len(malformed) == len(bad) == run_.manifest["quarantine_reasons"].get("malformed_row", 0)
    file_lines = data.read_bytes().split(b"\n")
    for h in malformed:
        assert h["_text"].encode("utf-8") == file_lines[h["_line"] - 1]
        assert h["_row"] is None and h["id"] is None
    assert all(h["_line"] is None and h["_text"] is None for h in held if h not in malformed)


def test_a_malformed_row_is_numbered_by_the_file_line_it_starts_on_past_quoted_line_ends(tmp_path: Path) -> None:
    """A quoted value's line ends count as the file's lines; a malformed row holding one keeps it in its text."""
    data = tmp_path / "data.csv"
    data.write_bytes(b'id,x,label\n1,"a\nb",yes\n2,b,no\n3,"c\r\nd",yes,extra\n4,d\n5,e,no\n')
    result = clean(data, target="label", bad_rows="quarantine")
    held = result.quarantine
    assert held["_line"].tolist() == [5, 7]
    assert held["_text"].tolist() == ['3,"c\r\nd",yes,extra', "4,d"]
    assert result.data["x"].tolist() == ["a\nb", "b", "e"]
