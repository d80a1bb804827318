"""Data is untrusted: markup in column names, labels and values renders inert in every format.

The audit runs through the command line on a real file whose header, labels and values carry
`<script>`, `</testcase>`, `]]>`, `|`, backticks, `[x](javascript:...)`, a bare URL, terminal
escape sequences, a bidi override and CI workflow commands; each format is then parsed the way
its reader parses it, and read line by line the way a CI runner reads a log.
"""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from markdown_it import MarkdownIt

from dataaudit.report.text import inert
from tests.cli_helpers import invoke, run
from tests.hostile import COLUMNS, CONSTANT, LABELS, write_hostile_csv


@pytest.fixture(scope="module")
def rendered(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    folder = tmp_path_factory.mktemp("hostile")
    data = write_hostile_csv(folder / "hostile.csv")
    args = ["audit", data, "--target", "label"]
    for fmt in ("json", "html", "junit", "markdown"):
        args += ["--format", fmt, "--output", folder / f"report.{fmt}"]
    invoke(args, 1)
    outputs = {fmt: (folder / f"report.{fmt}").read_text(encoding="utf-8")
               for fmt in ("json", "html", "junit", "markdown")}
    outputs["console"], _ = invoke(["audit", data, "--target", "label", "--format", "console"], 1)
    return outputs


def test_json_keeps_every_value_exactly(rendered: dict[str, str]) -> None:
    report = json.loads(rendered["json"])
    assert [c["name"] for c in report["dataset"]["column_profiles"]] == COLUMNS
    assert set(report["dataset"]["labels"]["counts"]) == set(LABELS)
    assert any(f["examples"] == ["bell\x07\x1b[31mred"] for f in report["findings"])


class _Elements(HTMLParser):
    """Every element and attribute the browser would build, and the page's text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_shows_markup_as_text_and_builds_no_element_from_it(rendered: dict[str, str]) -> None:
    page = _Elements()
    page.feed(rendered["html"])
    names = {tag for tag, _ in page.tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "a", "form", "base", "link"}
    for tag, attrs in page.tags:
        assert not [a for a in attrs if a.startswith("on")], (tag, attrs)
        for key in ("href", "src", "xlink:href", "action"):
            assert attrs.get(key) is None or str(attrs[key]).startswith("#"), (tag, attrs)
    text = "".join(page.text)
    for value in (*COLUMNS[:3], "<SCRIPT>alert('l')</SCRIPT>", CONSTANT):
        assert value in text


def test_junit_parses_and_values_round_trip(rendered: dict[str, str]) -> None:
    root = ET.fromstring(rendered["junit"])
    findings = json.loads(rendered["json"])["findings"]
    shown = [e for e in root.iter() if e.tag in ("failure", "system-out")]
    texts = "\n".join((e.text or "") + (e.get("message") or "") for e in shown)
    for finding in findings:
        assert inert(finding["message"]) in texts
    assert [t.get("name") for t in root.iter("testcase")].count("labels.variants") == 1
    failure = next(t for t in root.iter("testcase") if t.get("name") == "labels.variants").find("failure")
    assert failure is not None and "<SCRIPT>alert('l')</SCRIPT>" in failure.get("message", "")
    assert "\\x07\\x1b[31m" in failure.text  # characters XML cannot carry are written as escapes


def test_markdown_breaks_no_table_and_links_nothing(rendered: dict[str, str]) -> None:
    md = MarkdownIt("gfm-like")
    tokens = md.parse(rendered["markdown"])
    rows = [i for i, t in enumerate(tokens) if t.type == "tr_open"]
    assert rows, "the findings table is missing"
    for start in rows:
        cells = 0
        for token in tokens[start + 1:]:
            if token.type == "tr_close":
                break
            cells += token.type in ("td_open", "th_open")
        assert cells == 4
    html = md.render(rendered["markdown"])
    assert "<a " not in html and "<script" not in html and "<img" not in html
    assert "&lt;script&gt;alert('col')&lt;/script&gt;" not in rendered["markdown"]  # escaped for Markdown, not HTML
    assert "a|b `tick` [x](javascript:alert(1))" in _text_of(md, rendered["markdown"])


def _text_of(md: MarkdownIt, source: str) -> str:
    return "".join(child.content for t in md.parse(source) if t.children for child in t.children
                   if child.type in ("text", "code_inline"))


def test_console_prints_markup_and_escape_sequences_as_text(rendered: dict[str, str]) -> None:
    out = rendered["console"]
    assert "<script>alert('l')</script>" in out
    assert "bell\\x07\\x1b[31mred" in out
    assert "\x07" not in out and "\x1b[31mred" not in out


# what a CI log or a terminal would obey or hide: C0 and C1 controls (bar the line breaks and tabs
# the formats themselves write), bidi marks, overrides and isolates, line and paragraph separators
RAW_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]")
OWN_ANNOTATION = re.compile(r"::(error|warning) file=[^:,]*,title=dataaudit [^:,]*::")


def test_no_line_of_any_format_is_a_workflow_command_or_holds_a_control_character(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    # the file's own name carries a terminal title sequence, a bell, a C1 control and a bidi override
    data = write_hostile_csv(tmp_path / "o\x1b]0;T\x07\x85\u202eZ.csv")
    files = {fmt: tmp_path / f"report.{fmt}" for fmt in ("markdown", "html", "junit")}
    args: list[str | Path] = ["audit", data, "--target", "label", "--format", "console", "--output", "-"]
    for fmt, path in files.items():
        args += ["--format", fmt, "--output", path]
    console, annotations = run(args, 1)
    shown = {"console": console, "annotations": annotations} | {
        fmt: path.read_text(encoding="utf-8") for fmt, path in files.items()}
    for fmt, text in shown.items():
        for line in text.splitlines():
            if line.lstrip().startswith(("::", "##[")):
                assert fmt == "annotations" and OWN_ANNOTATION.match(line), (fmt, line)
        assert not RAW_CONTROL.search(text), (fmt, RAW_CONTROL.findall(text))
    assert "\\::error file=x::pwned" in console and "##\\[group]\\u202eevil\\x1b[2J\\x9b31m" in console
    assert len(annotations.splitlines()) == 9 and "[\\%3A%3Aerror file=x%3A%3Apwned \\%3A%3Aerror" in annotations
    assert "\\u202eevil\\x1b[2J\\x9b31m" in shown["html"] and "\\u202eevil" in shown["junit"]


@given(st.text())
def test_shown_data_never_starts_a_command_nor_carries_a_control_character(text: str) -> None:
    shown = inert(text)
    assert re.search(r"(?<!\S)::", shown) is None and "##[" not in shown and "##vso[" not in shown
    assert not RAW_CONTROL.search(shown)
