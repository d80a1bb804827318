"""Output formats: each one a projection of the same `Report`.

`Format` is the one list of format names: the command line offers its values as `--format`
choices and `RENDERERS` has one renderer per member, so a format cannot be offered without
being rendered. Renderers load on first use; naming the formats imports nothing heavy.
"""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from typing import TYPE_CHECKING

from dataaudit.jsontext import dumps

if TYPE_CHECKING:
    from dataaudit.report.model import Report


class Format(StrEnum):
    CONSOLE = "console"
    JSON = "json"
    MARKDOWN = "markdown"
    HTML = "html"
    JUNIT = "junit"
    SARIF = "sarif"


def _console(report: Report) -> str:
    from dataaudit.report.console import render_console

    return render_console(report)


def _json(report: Report) -> str:
    return dumps(report.to_dict(), indent=2) + "\n"


def _markdown(report: Report) -> str:
    from dataaudit.report.markdown import render_markdown

    return render_markdown(report)


def _html(report: Report) -> str:
    from dataaudit.report.html import render_html

    return render_html(report)


def _junit(report: Report) -> str:
    from dataaudit.report.junit import render_junit

    return render_junit(report)


def _sarif(report: Report) -> str:
    from dataaudit.report.sarif import render_sarif

    return render_sarif(report)


RENDERERS: dict[Format, Callable[[Report], str]] = {
    Format.CONSOLE: _console, Format.JSON: _json, Format.MARKDOWN: _markdown, Format.HTML: _html,
    Format.JUNIT: _junit, Format.SARIF: _sarif,
}


def render(report: Report, fmt: Format) -> str:
    return RENDERERS[Format(fmt)](report)
