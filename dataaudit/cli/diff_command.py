"""`dataaudit diff`: two saved reports compared finding by finding; exit 1 when anything got worse."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dataaudit.cli.common import EXIT_FAILED, EXIT_PASSED, reports_errors
from dataaudit.cli.deliver import checked_destinations, write_rendered
from dataaudit.cli.group import cli
from dataaudit.cli.options import delta_option

#: `dataaudit.report.diff_formats.DiffFormat`, spelled out: importing it would load the report model for `--help`
DIFF_FORMATS = ("console", "json", "markdown")


@cli.command()
@click.argument("old", type=click.Path(path_type=Path))
@click.argument("new", type=click.Path(path_type=Path))
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(DIFF_FORMATS),
              help="Output format; repeat with one --output each to write several.  [default: console]")
@click.option("-o", "--output", "outputs", multiple=True, metavar="PATH",
              help="Write the comparison here ('-' for stdout; compressed when named .gz, .bz2, .zst or .lz4); "
                   "one per --format, in the same order. Without --format, in the format its name says (.json, "
                   ".md; console otherwise).")
@delta_option("--delta")
@reports_errors
def diff(old: Path, new: Path, formats: tuple[str, ...], outputs: tuple[str, ...], delta: float) -> None:
    """Compare two JSON reports (OLD, e.g. main's, and NEW) by finding fingerprint: new, worsened,
    fixed and unchanged findings. Exit code 0 when no warn or fail finding is new or worse,
    1 otherwise, 2 for a file that is not a report.

    \b
    Examples:
      dataaudit diff main.json new.json
      dataaudit diff main.json new.json -f markdown > comment.md
      dataaudit diff main.json new.json -f json -o diff.json --delta 0.25
      curl -s https://ci.example/main.json | dataaudit diff - new.json
    """
    from dataaudit.report.diff import compare, refuse_unlike
    from dataaudit.report.diff_formats import DiffFormat, render_diff
    from dataaudit.report.saved import load_report

    if str(old) == str(new) == "-":
        raise click.UsageError("OLD and NEW are both '-': standard input holds one report; give the other's path")
    destinations = checked_destinations(formats, outputs, (old, new), choices=DIFF_FORMATS)
    before, after = load_report(old), load_report(new)
    refuse_unlike(before, after, (str(old), str(new)))
    comparison = compare(before, after, delta)
    write_rendered([(render_diff(comparison, DiffFormat(fmt), (str(old), str(new))), output)
                    for fmt, output in destinations])
    sys.exit(EXIT_FAILED if comparison.regressed else EXIT_PASSED)
