"""`dataaudit report`: render a saved JSON report again, in any format, with its saved verdict."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dataaudit.cli.common import reports_errors
from dataaudit.cli.deliver import checked_destinations, deliver
from dataaudit.cli.group import cli
from dataaudit.cli.options import report_options


@cli.command()
@click.argument("saved", type=click.Path(path_type=Path), required=False)
@report_options
@click.option("--schema", "schema", is_flag=True, help="Print the JSON Schema of the JSON report instead.")
@reports_errors
def report(saved: Path | None, formats: tuple[str, ...], outputs: tuple[str, ...], summary: bool,
           schema: bool) -> None:
    """Render SAVED (a report written with `--format json`; '-' reads it from standard input) again;
    the exit code is its verdict.

    \b
    Examples:
      dataaudit report audit.json --format markdown
      dataaudit report audit.json -f html -o audit.html -f junit -o audit.xml
      dataaudit report --schema > report.schema.json
    """
    from dataaudit.report.saved import load_report

    if schema:
        from dataaudit.report.schema import schema_text

        if saved is not None or formats or outputs or summary:
            raise click.UsageError("--schema prints the schema alone: give it without SAVED, --format, --output "
                                   "or --summary")

        click.echo(schema_text(), nl=False)
        return
    if saved is None:
        raise click.UsageError("give SAVED, a report written with --format json (or --schema)")

    destinations = checked_destinations(formats, outputs, (saved,), summary)
    sys.exit(deliver(load_report(saved), destinations, summary))
