"""Output formats: each one a projection of the same `Report`."""

from __future__ import annotations

import json
from enum import StrEnum

from dataaudit.report.model import Report


class Format(StrEnum):
    CONSOLE = "console"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    JUNIT = "junit"


def render(report: Report, fmt: Format) -> str:
    if fmt is Format.JSON:
        return json.dumps(report.to_dict(), indent=2, ensure_ascii=False) + "\n"
    if fmt is Format.MARKDOWN:
        from dataaudit.report.markdown import render_markdown

        return render_markdown(report)
    if fmt is Format.HTML:
        from dataaudit.report.html import render_html

        return render_html(report)
    if fmt is Format.JUNIT:
        from dataaudit.report.junit import render_junit

        return render_junit(report)
    from dataaudit.report.console import render_console

    return render_console(report)
