"""The HTML report: one self-contained page with the verdict, dataset card, findings, charts and tables."""

from __future__ import annotations

import hashlib
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from dataaudit.report.formats import Format, render
from dataaudit.report.model import Report
from tests.cli_helpers import invoke, run
from tests.report_fixtures import PENGUINS, cleaned_report, failing_report, penguins_report


class _Page(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.elements: list[tuple[str, dict[str, str | None]]] = []
        self.by_id: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if attributes.get("id"):
            self.by_id[str(attributes["id"])] = len(self.elements)
        self.elements.append((tag, attributes))


def _parse(html: str) -> _Page:
    page = _Page()
    page.feed(html)
    return page


@pytest.fixture(scope="module")
def failing(tmp_path_factory: pytest.TempPathFactory) -> Report:
    return failing_report(tmp_path_factory.mktemp("failing"))


def test_verdict_banner_counts_and_dataset_card() -> None:
    report = penguins_report()
    html = render(report, Format.HTML)
    page = _parse(html)
    assert page.elements[page.by_id["verdict"]][1]["class"] == "passed"
    assert re.search(r"<h1>PASSED</h1>", html)
    assert "<span>0 fail</span><span>2 warn</span><span>4 info</span>" in html
    assert hashlib.sha256(PENGUINS.read_bytes()).hexdigest() in html
    assert "344 rows × 8 columns (7 features)" in html
    assert "rules/default.yaml" in html
    for column in ("bill_length_mm", "flipper_length_mm", "sex"):
        assert f"<td>{column}</td>" in html


def test_findings_are_grouped_by_severity_then_check(failing: Report) -> None:
    html = render(failing, Format.HTML)
    assert "<h1>FAILED</h1>" in html
    headings = re.findall(r'<span class="sev (fail|warn|info)">', html)
    assert headings[:3] == ["fail", "warn", "info"]
    groups = re.findall(r'<div class="check" id="check-(\w+)-([\w.]+)">', html)
    expected = []
    for severity in ("fail", "warn", "info"):
        for f in failing.findings:
            if f.severity.value == severity and (severity, f.check) not in expected:
                expected.append((severity, f.check))
    assert groups == expected
    assert html.count('<article class="finding') == len(failing.findings)
    for finding in failing.findings:
        assert f'data-check="{finding.check}"' in html


def test_charts_are_inline_svg_with_text_as_text(failing: Report) -> None:
    html = render(failing, Format.HTML)
    for chart in ("class-distribution", "missing-share", "duplicates"):
        assert f'<figure id="chart-{chart}">' in html
    assert 'id="chart-before-after"' not in html
    assert html.count("<svg") == 3
    assert "<?xml" not in html and "<!DOCTYPE svg" not in html
    labels = failing.dataset.labels.counts
    biggest = max(labels, key=labels.get)
    assert re.search(rf"<text[^>]*>{re.escape(biggest)}</text>", html), "label text should be SVG text, not paths"


def test_before_after_chart_and_clean_tables_from_a_cleaned_report() -> None:
    html = render(cleaned_report(), Format.HTML)
    assert '<figure id="chart-before-after">' in html
    figure = html[html.index('<figure id="chart-before-after">'):]
    figure = figure[:figure.index("</figure>")]
    for measure in ("rows", "missing cells", "exact duplicate rows"):
        assert re.search(rf"<text[^>]*>{measure}</text>", figure)
    steps = html[html.index('id="table-clean.steps"'):]
    assert "<th>rows_quarantined</th>" in steps
    assert ('<td>tokens_to_null</td><td class="num">11</td><td class="num">0</td>'
            "<td>&#39;NA&#39; -&gt; null</td>") in steps


def test_a_generic_table_shows_its_rows_and_says_how_many_more() -> None:
    from dataaudit.report.html import MAX_TABLE_ROWS
    from dataaudit.report.model import ReportTable

    report = penguins_report()
    report.tables.append(ReportTable(id="splits.shares", title="Class share per split", columns=["label", "share"],
                                     rows=[[f"class {i}", i / 1000] for i in range(MAX_TABLE_ROWS + 3)],
                                     note="Shares of non-missing labels."))
    html = render(report, Format.HTML)
    assert '<section class="table" id="table-splits.shares">' in html
    assert f"<td>class {MAX_TABLE_ROWS - 1}</td>" in html and f"<td>class {MAX_TABLE_ROWS}</td>" not in html
    assert "3 more rows in the JSON report." in html
    assert "Shares of non-missing labels." in html


def test_the_page_forbids_every_fetch_and_references_nothing_outside(failing: Report) -> None:
    html = render(failing, Format.HTML)
    page = _parse(html)
    csp = [a for tag, a in page.elements if tag == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["content"] == "default-src 'none'; style-src 'unsafe-inline'; img-src data:"
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in html
    for tag, attributes in page.elements:
        for key in ("src", "href", "xlink:href", "srcset", "action"):
            value = attributes.get(key)
            assert value is None or value.startswith(("#", "data:")), (tag, key, value)
    assert "@import" not in html
    assert set(re.findall(r"url\(([^)]*)\)", html)) <= {f"#{i}" for i in page.by_id}, "url() only to this page"


def test_matplotlib_is_loaded_only_to_draw_html() -> None:
    code = ("import sys; from dataaudit import audit; from dataaudit.report.formats import Format, render; "
            f"r = audit({str(PENGUINS)!r}, target='species'); render(r, Format.MARKDOWN); render(r, Format.JUNIT); "
            "assert 'matplotlib' not in sys.modules and 'jinja2' not in sys.modules; "
            "render(r, Format.HTML); assert 'matplotlib' in sys.modules and 'matplotlib.pyplot' not in sys.modules; "
            "print('ok')")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.strip() == "ok"


def test_cli_writes_html_with_other_formats_at_once(tmp_path: Path) -> None:
    html, xml, js = tmp_path / "a.html", tmp_path / "a.xml", tmp_path / "a.json"
    _, err = invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", js, "-f", "html", "-o", html,
                     "-f", "junit", "-o", xml], 0)
    assert f"report written to {js}, {html}, {xml}" in err
    assert html.read_text(encoding="utf-8").startswith("<!doctype html>")
    out, _ = run(["audit", PENGUINS, "-t", "species", "--format", "html"], 0)
    assert "<h1>PASSED</h1>" in out
