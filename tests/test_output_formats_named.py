"""Without --format, a report takes the format its output's name says: `-o audit.json` wrote the
console's text into a file named .json, which no JSON reader takes. A name of no report format,
and `-`, keep the console text; an explicit --format always wins. Standard output takes one
report."""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.cli_helpers import RUNNERS, Runner, invoke
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"


@pytest.mark.parametrize("runner", RUNNERS)
def test_each_output_takes_the_format_its_name_says(tmp_path: Path, runner: Runner) -> None:
    names = ["a.json", "a.md", "a.html", "a.xml", "a.sarif.gz", "a.txt"]
    args = [arg for name in names for arg in ("-o", tmp_path / name)]
    runner(["audit", PENGUINS, "-t", "species", *args], 0)
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["passed"] is True
    assert (tmp_path / "a.md").read_text(encoding="utf-8").startswith("### dataaudit")
    assert (tmp_path / "a.html").read_text(encoding="utf-8").lstrip().lower().startswith("<!doctype html>")
    assert ElementTree.parse(tmp_path / "a.xml").getroot().tag == "testsuites"
    assert json.loads(gzip.decompress((tmp_path / "a.sarif.gz").read_bytes()))["version"] == "2.1.0"
    assert (tmp_path / "a.txt").read_text(encoding="utf-8").startswith("dataaudit ")


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_format_given_wins_over_the_name(tmp_path: Path, runner: Runner) -> None:
    runner(["audit", PENGUINS, "-t", "species", "-f", "console", "-o", tmp_path / "a.json"], 0)
    assert (tmp_path / "a.json").read_text(encoding="utf-8").startswith("dataaudit ")
    out, _ = runner(["audit", PENGUINS, "-t", "species", "-o", "-"], 0)
    assert out.startswith("dataaudit ")


def test_report_and_diff_name_their_formats_too(tmp_path: Path) -> None:
    saved = tmp_path / "saved.json"
    invoke(["audit", PENGUINS, "-t", "species", "-o", saved], 0)
    invoke(["report", saved, "-o", tmp_path / "again.md"], 0)
    assert (tmp_path / "again.md").read_text(encoding="utf-8").startswith("### dataaudit")
    invoke(["diff", saved, saved, "-o", tmp_path / "d.json", "-o", tmp_path / "d.html"], 0)
    assert json.loads((tmp_path / "d.json").read_text(encoding="utf-8"))["regressed"] is False
    assert not (tmp_path / "d.html").read_text(encoding="utf-8").lstrip().startswith("<")  # diff has no HTML


@pytest.mark.parametrize("runner", RUNNERS)
def test_standard_output_takes_one_report(tmp_path: Path, runner: Runner) -> None:
    """`-f json -o - -f html -o -` wrote a JSON report and an HTML page one after the other into
    one stream, which no reader splits."""
    _, err = runner(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", "-", "-f", "html", "-o", "-"], 2)
    assert "--output - given 2 times: standard output takes one report; write the others to files" in err
    out, _ = runner(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", "-", "-f", "html", "-o",
                     tmp_path / "a.html"], 0)
    assert json.loads(out)["passed"] is True
