"""`dataaudit report`: a saved JSON report rendered again, with the saved verdict as exit code."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.report.model import SCHEMA_VERSION
from tests.cli_helpers import invoke, run
from tests.report_fixtures import PENGUINS


@pytest.fixture
def saved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    path = tmp_path / "audit.json"
    invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", path], 0)
    return path


@pytest.mark.parametrize("fmt", ["console", "json", "markdown", "junit", "html"])
def test_a_saved_report_renders_as_the_audit_itself_did(saved: Path, fmt: str) -> None:
    direct, _ = invoke(["audit", PENGUINS, "-t", "species", "--format", fmt], 0)
    again, _ = invoke(["report", saved, "--format", fmt], 0)
    assert again == direct


def test_the_exit_code_is_the_saved_verdict(tmp_path: Path) -> None:
    strict = tmp_path / "strict.json"
    invoke(["audit", PENGUINS, "-t", "species", "--strict", "-f", "json", "-o", strict], 1)
    out, err = run(["report", strict, "-f", "markdown", "-o", tmp_path / "strict.md", "-f", "junit", "-o",
                    tmp_path / "strict.xml"], 1)
    assert out == "" and "dataaudit: FAILED (0 fail, 2 warn, 4 info)" in err
    assert (tmp_path / "strict.md").read_text(encoding="utf-8").startswith("### dataaudit ❌ failed")


def test_a_report_saved_with_a_utf8_byte_order_mark_is_read(saved: Path, tmp_path: Path) -> None:
    """Notepad and PowerShell's Out-File -Encoding utf8 write one before the JSON."""
    marked = tmp_path / "marked.json"
    marked.write_bytes(b"\xef\xbb\xbf" + saved.read_bytes())
    assert invoke(["report", marked, "--format", "json"], 0)[0] == invoke(["report", saved, "--format", "json"], 0)[0]
    diffs = [json.loads(invoke(["diff", old, saved, "--format", "json"], 0)[0]) for old in (marked, saved)]
    assert [diff.pop("old")["report"] for diff in diffs] == [str(marked), str(saved)]
    assert diffs[0] == diffs[1]


@pytest.mark.parametrize(("content", "message"), [
    ("{not json", "bad.json:1:2: not a JSON report: Expecting property name enclosed in double quotes"),
    ("", "bad.json:1:1: not a JSON report: Expecting value (the file is empty)"),
    ('{\n  "schema_version": "1.5",\n  "tool": {"name": "data',
     "bad.json:3:20: not a JSON report: Unterminated string starting at (the file ends before the report does: "
     "cut short?)"),
    ('{\n  "schema_version": "1.5",\n  "tool": ', "bad.json:3:11: not a JSON report: Expecting value (the file "
                                                   "ends before the report does: cut short?)"),
    ("[1, 2]", "bad.json: not a dataaudit JSON report (no schema_version)"),
    ('{"schema_version": "2.0"}', "bad.json: report schema_version '2.0' cannot be read by this dataaudit, "
                                  "which reads 1.x"),
    ('{"schema_version": "1.0", "source": {}}',
     "bad.json: not a valid dataaudit JSON report (tool: Field required; 9 more)"),
])
def test_an_unreadable_report_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "bad.json"
    bad.write_text(content, encoding="utf-8")
    _, err = invoke(["report", bad], 2)
    assert err == f"dataaudit: error: {bad.parent}/{message}\n"


def test_a_report_of_a_newer_minor_with_a_key_unknown_here_says_to_upgrade(saved: Path, tmp_path: Path) -> None:
    """A baseline saved by a newer dataaudit (main's CI upgraded first) is refused naming why."""
    data = json.loads(saved.read_text(encoding="utf-8"))
    major, minor = SCHEMA_VERSION.split(".")
    newer = f"{major}.{int(minor) + 1}"
    later = tmp_path / "later.saved"  # not *.json: the schema guard would refuse what it is made to be
    later.write_text(json.dumps({**data, "schema_version": newer, "dataset": {**data["dataset"], "later": 1}}),
                     encoding="utf-8")
    _, err = invoke(["diff", later, saved], 2)
    assert err == (f"dataaudit: error: {later}: not a valid dataaudit JSON report (dataset.later: Unexpected keyword "
                   f"argument); it is of schema '{newer}', newer than the {SCHEMA_VERSION} this dataaudit reads: "
                   "upgrade dataaudit to read it\n")
    same = tmp_path / "same.saved"  # this version's report with the same mistake: no upgrade would help
    same.write_text(json.dumps({**data, "dataset": {**data["dataset"], "later": 1}}), encoding="utf-8")
    _, err = invoke(["diff", same, saved], 2)
    assert err.endswith("(dataset.later: Unexpected keyword argument)\n")


def test_a_missing_report_file_is_exit_2(tmp_path: Path) -> None:
    _, err = run(["report", tmp_path / "nope.json"], 2)
    assert err == f"dataaudit: error: {tmp_path / 'nope.json'}: no such file\n"


@pytest.mark.parametrize("runner", [run, invoke])
def test_a_report_piped_in_is_read_from_standard_input(saved: Path, runner) -> None:
    """`report -` and `diff - new.json` said "-: no such file", though `audit` reads `-`."""
    piped = saved.read_bytes()
    from_file, _ = runner(["report", saved, "-f", "markdown"], 0)
    from_stdin, _ = runner(["report", "-", "-f", "markdown"], 0, stdin=piped)
    assert from_stdin == from_file
    diffed, _ = runner(["diff", "-", saved], 0, stdin=piped)
    assert "NOT WORSE: 0 new, 0 worsened, 0 fixed" in diffed
    _, err = runner(["report", "-"], 2, stdin=b"{")
    assert err == ("dataaudit: error: <stdin>:1:2: not a JSON report: Expecting property name enclosed in double "
                   "quotes (the file ends before the report does: cut short?)\n")
    _, err = runner(["diff", "-", "-"], 2, stdin=piped)
    assert "OLD and NEW are both '-'" in err


@pytest.mark.parametrize("runner", [run, invoke])
@pytest.mark.parametrize(("also", "named"), [(["-s", "test=-"], "DATA, --split test"),
                                             (["--baseline", "-"], "DATA, --baseline")], ids=["split", "baseline"])
def test_standard_input_is_read_by_one_input_of_an_audit(runner, also: list[str], named: str) -> None:
    """`audit - --split test=-` audited the piped rows against themselves (every row of 'test'
    leaked, a failed gate), `audit - --baseline -` found the baseline empty once the data had
    taken standard input: it holds one file."""
    out, err = runner(["audit", "-", "-t", "species", *also], 2, stdin=PENGUINS.read_bytes())
    assert out == ""
    assert f"'-' given for 2 inputs ({named}): standard input holds one file; give the others' paths" in err
