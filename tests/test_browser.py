"""The HTML report in a real browser (headless Chromium, offline): the verdict and every finding
show, and the page asks the network for nothing.

`make test` installs Debian's `chromium` where apt-get can; elsewhere these tests skip, saying why.
"""

from __future__ import annotations

import re
from html import unescape
from pathlib import Path

import pytest

from dataaudit.report.formats import Format, render
from tests.browser import dump_dom, find_chromium, layout
from tests.cli_helpers import invoke, run
from tests.conftest import DATA
from tests.hostile import LABELS, write_hostile_csv
from tests.report_fixtures import failing_report

PHONE_WIDTH = 390  # CSS pixels, a common phone's viewport
pytestmark = pytest.mark.skipif(
    find_chromium() is None,
    reason="chromium is not installed (`make test` installs Debian's chromium package where apt-get can)",
)


def _text(dom: str) -> str:
    return unescape(re.sub(r"<[^>]+>", "", dom))


def test_the_browser_shows_the_verdict_and_every_finding(tmp_path: Path) -> None:
    report = failing_report(tmp_path)
    page = tmp_path / "audit.html"
    page.write_text(render(report, Format.HTML), encoding="utf-8")
    dom, requests = dump_dom(page, tmp_path / "net.json")
    assert requests == []
    assert '<header class="failed" id="verdict">' in dom
    text = _text(dom)
    assert "FAILED" in text
    assert f"{report.counts['fail']} fail" in text and f"{report.counts['warn']} warn" in text
    articles = re.findall(r'<article class="finding (\w+)" data-check="([\w.]+)">', dom)
    assert sorted(articles) == sorted((f.severity.value, f.check) for f in report.findings)
    for finding in report.findings:
        assert finding.check in text
    assert dom.count("<svg") == 3


def test_hostile_markup_stays_text_in_the_browser(tmp_path: Path) -> None:
    data = write_hostile_csv(tmp_path / "hostile.csv")
    page = tmp_path / "hostile.html"
    invoke(["audit", data, "-t", "label", "-f", "html", "-o", page], 1)
    dom, requests = dump_dom(page, tmp_path / "net.json")
    assert requests == []
    assert "<script" not in dom.lower() and "<img" not in dom.lower() and "<a " not in dom
    assert "<SCRIPT>alert('l')</SCRIPT>" in _text(dom) and LABELS[0] in _text(dom)


def test_the_request_check_sees_a_page_that_does_call_out(tmp_path: Path) -> None:
    """The detector is live: a page with an external image and stylesheet is caught (offline, no DNS)."""
    page = tmp_path / "leaky.html"
    page.write_text('<!doctype html><p>x</p><img src="http://example.invalid/pixel.png">'
                    '<link rel="stylesheet" href="https://cdn.example.invalid/site.css">', encoding="utf-8")
    _, requests = dump_dom(page, tmp_path / "net.json")
    assert sorted(requests) == ["http://example.invalid/pixel.png", "https://cdn.example.invalid/site.css"]


def test_a_chat_report_has_its_charts_whole_words_and_no_sideways_scroll_on_a_phone(tmp_path: Path) -> None:
    chats = tmp_path / "chats.jsonl"
    chats.write_bytes((DATA / "text" / "chat_errors.jsonl").read_bytes())  # broken lines too: every chart
    page = tmp_path / "chats.html"
    run(["audit", chats, "-f", "html", "-o", page], 1)
    dom, requests = dump_dom(page, tmp_path / "net.json")
    assert requests == []
    charts = re.findall(r'<figure id="chart-([\w-]+)"><figcaption>[^<]*</figcaption><svg', dom)
    assert charts == ["lengths", "roles", "format-errors", "copies"]
    assert _text(dom).count(str(chats)) == 1  # on the dataset card; the header and tables name the file only
    assert "<th>column</th>" not in dom  # a chat file has no columns: no empty table of them
    assert layout(page, PHONE_WIDTH) == {"scroll_width": PHONE_WIDTH, "broken_words": []}
