"""One self-contained HTML file: verdict, dataset card, findings, charts and tables.

The page loads nothing: styles are inline, charts are inline SVG, and a Content-Security-Policy
forbids any fetch, so it opens offline and a hostile value can neither run nor call out. Jinja2
autoescapes every value from the dataset (column names, labels, example values), and every value
shows its control characters as escapes (`printable`, as the `finalize` of every expression), so
no escape byte or bidi override reaches the page; only the SVG that matplotlib drew, which
escapes its own text, is inserted as markup.
"""

from __future__ import annotations

from functools import cache
from pathlib import PurePath
from typing import Any

from dataaudit.jsontext import dumps
from dataaudit.report.model import Report, Severity
from dataaudit.report.text import printable, shape, shown_examples

MAX_TABLE_ROWS = 500


def render_html(report: Report) -> str:
    from markupsafe import Markup

    from dataaudit.report.charts import charts

    drawn = [{**c, "svg": Markup(c["svg"])} for c in charts(report)]  # matplotlib escapes its own text
    return _template().render(
        report=report,
        verdict="passed" if report.passed else "failed",
        groups=_grouped(report),
        charts=drawn,
        forgiven=_Identities(report.forgiven),
        descriptions={c.check: c.description for c in report.checks},
        max_rows=MAX_TABLE_ROWS,
    )


@cache
def _template() -> Any:
    from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

    env = Environment(loader=PackageLoader("dataaudit.report", "templates"), undefined=StrictUndefined,
                      autoescape=select_autoescape(default=True), trim_blocks=True, lstrip_blocks=True,
                      finalize=_shown)
    env.filters["cell"] = _cell
    env.filters["file_name"] = lambda name: PurePath(str(name)).name  # the full path is on the dataset card
    env.globals["shape"] = shape
    env.globals["shown_examples"] = shown_examples
    return env.get_template("report.html.j2")


def _grouped(report: Report) -> list[dict[str, Any]]:
    """Findings by severity (worst first), then by check, in the report's order."""
    groups = []
    for severity in (Severity.FAIL, Severity.WARN, Severity.INFO):
        by_check: dict[str, list[Any]] = {}
        for finding in report.findings:
            if finding.severity is severity:
                by_check.setdefault(finding.check, []).append(finding)
        if by_check:
            groups.append({"severity": severity.value, "count": sum(map(len, by_check.values())),
                           "checks": list(by_check.items())})
    return groups


class _Identities:
    """`finding in forgiven` by identity: two findings alike in every field are still two."""

    def __init__(self, items: list[Any]) -> None:
        self._ids = {id(item) for item in items}

    def __contains__(self, item: object) -> bool:
        return id(item) in self._ids


def _shown(value: object) -> object:
    from markupsafe import Markup

    return value if isinstance(value, Markup) else printable(value)


def _cell(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "" if value is None else str(value).lower()
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:.4g}"
    if isinstance(value, dict | list):
        return dumps(value)
    return str(value)
