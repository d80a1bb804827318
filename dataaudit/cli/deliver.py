"""Where a finished report goes: each format to stdout or its file, CI annotations, the exit code.

Shared by every command that ends in a report (`audit`, `report`), so they behave alike.
On GitHub Actions (`GITHUB_ACTIONS=true`) findings are also printed as workflow commands on
stderr (the runner reads both streams; stdout stays the report's, e.g. clean JSON).
"""

from __future__ import annotations

import os
from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

import click

from dataaudit.cli.common import EXIT_FAILED, EXIT_PASSED, formats_named, pair_outputs

if TYPE_CHECKING:
    from dataaudit.report.model import Report


def checked_destinations(formats: tuple[str, ...], outputs: tuple[str, ...],
                         inputs: Iterable[object], summary: bool = False,
                         tools: Iterable[object] = (), choices: Collection[str] | None = None,
                         ) -> list[tuple[str, str | None]]:
    """Each --format with its --output (with no --format, the format each output's name says,
    among `choices`: every report format by default), every output checked before the run reads
    anything: a report never overwrites one of the run's `inputs`, and a bad path costs no audit;
    nor does a job summary (`summary`) that cannot be appended to, is an input or is a report's
    destination too (which would replace what the job's earlier steps wrote there); `tools` are
    inputs that are no data (see `check_destinations`)."""
    from dataaudit.errors import OutputError
    from dataaudit.output import check_destinations
    from dataaudit.report.formats import Format

    formats = formats or formats_named(outputs, [f.value for f in Format] if choices is None else choices)
    destinations = pair_outputs(formats, outputs)
    inputs = list(inputs)
    check_destinations((output for _, output in destinations), inputs, tools=tools)
    target = os.environ.get("GITHUB_STEP_SUMMARY") if summary else None
    if not target:
        return destinations
    if not os.access(target if os.path.exists(target) else os.path.dirname(os.path.abspath(target)), os.W_OK):
        raise OutputError(f"{target}: cannot append the job summary (GITHUB_STEP_SUMMARY): not writable or "
                          "its folder does not exist")
    try:  # the summary is appended to: never to a file the run reads, nor one it writes a report to
        check_destinations((*(output for _, output in destinations), target), inputs, tools=tools)
    except OutputError as exc:
        raise OutputError(f"{exc} (GITHUB_STEP_SUMMARY, the job summary --summary appends to)") from None
    return destinations


def deliver(report: Report, destinations: list[tuple[str, str | None]], summary: bool = False) -> int:
    """Write every requested format, publish to CI, and return the gate's exit code.

    Every format is rendered before any file is written, and the files are renamed into place
    together: a failure leaves the older reports as they were, not some new and some old."""
    from dataaudit.report.formats import Format, render

    write_rendered([(render(report, Format(fmt)), output) for fmt, output in destinations])
    if all(output not in (None, "-") for _, output in destinations):
        counts = report.counts
        verdict = "passed" if report.passed else "FAILED"
        click.echo(f"dataaudit: {verdict} ({counts['fail']} fail, {counts['warn']} warn, {counts['info']} info); "
                   f"report written to {', '.join(o for _, o in destinations)}", err=True)
    _publish_to_github(report, summary)
    return EXIT_PASSED if report.passed else EXIT_FAILED


def write_rendered(rendered: list[tuple[str, str | None]]) -> None:
    """Each text to its file or to stdout (None or "-"); the files renamed into place together."""
    from dataaudit.output import all_or_nothing

    with all_or_nothing() as files:
        for text, output in rendered:
            if output not in (None, "-"):
                files.text(output, click.unstyle(text))
    for text, output in rendered:
        if output in (None, "-"):
            click.echo(text, nl=False)


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
    from dataaudit.output import append_text
    from dataaudit.report.markdown import render_markdown

    append_text(target, render_markdown(report) + "\n")
