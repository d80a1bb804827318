"""Where a finished report goes: each format to stdout or its file, CI annotations, the exit code.

Shared by every command that ends in a report (`audit`, `report`), so they behave alike.
On GitHub Actions (`GITHUB_ACTIONS=true`) findings are also printed as workflow commands on
stderr (the runner reads both streams; stdout stays the report's, e.g. clean JSON).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING

import click

from dataaudit.cli.common import EXIT_FAILED, EXIT_PASSED, write_text

if TYPE_CHECKING:
    from dataaudit.report.model import Report

FORMATS = ("console", "json", "markdown", "html", "junit")


def deliver(report: Report, destinations: list[tuple[str, str | None]], summary: bool = False) -> int:
    """Write every requested format, publish to CI, and return the gate's exit code."""
    from dataaudit.report.formats import Format, render

    for fmt, output in destinations:
        text = render(report, Format(fmt))
        if output in (None, "-"):
            click.echo(text, nl=False)
        else:
            write_text(Path(output), click.unstyle(text))
    if all(output not in (None, "-") for _, output in destinations):
        counts = report.counts
        verdict = "passed" if report.passed else "FAILED"
        click.echo(f"dataaudit: {verdict} ({counts['fail']} fail, {counts['warn']} warn, {counts['info']} info); "
                   f"report written to {', '.join(o for _, o in destinations)}", err=True)
    _publish_to_github(report, summary)
    return EXIT_PASSED if report.passed else EXIT_FAILED


def _publish_to_github(report: Report, summary: bool) -> None:
    if os.environ.get("GITHUB_ACTIONS") == "true":
        from dataaudit.report.github import annotations

        for line in annotations(report):
            click.echo(line, err=True)
    if not summary:
        return
    target = os.environ.get("GITHUB_STEP_SUMMARY")
    if not target:
        click.echo("dataaudit: --summary: GITHUB_STEP_SUMMARY is not set, no job summary written", err=True)
        return
    from dataaudit.errors import InputError
    from dataaudit.report.markdown import render_markdown

    try:
        with open(target, "a", encoding="utf-8") as handle:
            handle.write(render_markdown(report) + "\n")
    except OSError as exc:
        raise InputError(f"{target}: cannot append the job summary: {exc.strerror or exc}") from None
