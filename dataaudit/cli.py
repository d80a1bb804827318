"""The `dataaudit` command. Exit codes: 0 passed, 1 gate failed, 2 usage or input error.

Only click is imported at start-up; each command imports what it needs, so `--help` is fast.
The payload (a report) goes to stdout or to --output files; errors and notes go to stderr.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from functools import wraps
from pathlib import Path
from typing import Any

import click

EXIT_PASSED = 0
EXIT_FAILED = 1
EXIT_ERROR = 2

FORMATS = ("console", "json", "markdown")


def _reports_errors(command: Callable[..., Any]) -> Callable[..., Any]:
    """Turn a user error into one line on stderr and exit code 2, without a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        from dataaudit.errors import DataAuditError

        try:
            return command(*args, **kwargs)
        except DataAuditError as exc:
            click.echo(f"dataaudit: error: {exc}", err=True)
            sys.exit(EXIT_ERROR)

    return wrapper


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dataaudit", prog_name="dataaudit")
def cli() -> None:
    """Audit a machine-learning dataset before training on it.

    Checks size, class balance, missing values (true nulls and disguised ones such as "?",
    "NA", -999), duplicates and label consistency, and gates CI with the exit code:
    0 passed, 1 gate failed, 2 usage or input error.
    """


@cli.command()
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-t", "--target", help="The label column (overrides the rule pack's target).")
@click.option("-r", "--rules", "rules", default="default", show_default=True,
              help="A shipped rule pack (see `dataaudit rules list`) or a path to a YAML rule pack.")
@click.option("-i", "--ignore-column", "ignore_columns", multiple=True, metavar="COLUMN",
              help="A column that is not a feature (id, timestamp, file name). Repeatable.")
@click.option("-f", "--format", "formats", multiple=True, type=click.Choice(FORMATS),
              help="Report format; repeat with one --output each to write several.  [default: console]")
@click.option("-o", "--output", "outputs", multiple=True, metavar="PATH",
              help="Write the report here ('-' for stdout); one per --format, in the same order.")
@click.option("--strict", is_flag=True, help="Warnings fail the gate too.")
@click.option("--delimiter", help="CSV field delimiter (detected when not given).")
@click.option("--encoding", help="Text encoding of CSV/JSONL files.  [default: utf-8]")
@click.option("--bad-rows", type=click.Choice(["error", "skip"]), default="error", show_default=True,
              help="A malformed row stops the audit (error), or is left out and reported as a finding (skip).")
@_reports_errors
def audit(data: Path, target: str | None, rules: str, ignore_columns: tuple[str, ...], formats: tuple[str, ...],
          outputs: tuple[str, ...], strict: bool, delimiter: str | None, encoding: str | None, bad_rows: str) -> None:
    """Audit DATA (CSV, TSV, Parquet or JSONL) and print a report.

    \b
    Examples:
      dataaudit audit train.csv --target label
      dataaudit audit train.parquet -t label --rules strict --format json -o audit.json
      dataaudit audit train.csv -t label --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from dataaudit.api import audit as run_audit
    from dataaudit.report.formats import Format, render

    destinations = _pair_outputs(formats or ("console",), outputs)
    report = run_audit(data, target=target, rules=rules, ignore_columns=ignore_columns, strict=strict,
                       delimiter=delimiter, encoding=encoding, bad_rows=bad_rows)
    for fmt, output in destinations:
        text = render(report, Format(fmt))
        if output in (None, "-"):
            click.echo(text, nl=False)
        else:
            _write(Path(output), click.unstyle(text))
    if all(output not in (None, "-") for _, output in destinations):
        counts = report.counts
        verdict = "passed" if report.passed else "FAILED"
        click.echo(f"dataaudit: {verdict} ({counts['fail']} fail, {counts['warn']} warn, {counts['info']} info); "
                   f"report written to {', '.join(o for _, o in destinations)}", err=True)
    sys.exit(EXIT_PASSED if report.passed else EXIT_FAILED)


def _pair_outputs(formats: tuple[str, ...], outputs: tuple[str, ...]) -> list[tuple[str, str | None]]:
    if not outputs:
        if len(formats) > 1:
            raise click.UsageError("several --format need one --output each")
        return [(formats[0], None)]
    if len(outputs) == 1 and len(formats) == 1:
        return [(formats[0], outputs[0])]
    if len(outputs) != len(formats):
        raise click.UsageError(f"{len(formats)} --format but {len(outputs)} --output: give one --output per --format")
    return list(zip(formats, outputs, strict=True))


def _write(path: Path, text: str) -> None:
    from dataaudit.errors import InputError

    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"{path}: cannot write the report: {exc.strerror or exc}") from None


@cli.group()
def rules() -> None:
    """List, show and validate rule packs."""


@rules.command("list")
@_reports_errors
def rules_list() -> None:
    """The shipped rule packs."""
    from dataaudit.rules.load import parse_file, shipped

    for name, path in shipped().items():
        click.echo(f"{name:16} {parse_file(path).description}")


@rules.command("show")
@click.argument("pack")
@_reports_errors
def rules_show(pack: str) -> None:
    """Every level of PACK (a shipped name or a path), defaults filled in, as YAML."""
    from dataaudit.rules.load import dump, load_rules

    click.echo(dump(load_rules(pack).rules), nl=False)


@rules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@_reports_errors
def rules_validate(paths: tuple[Path, ...]) -> None:
    """Check rule pack files; errors name the file and line."""
    from dataaudit.rules.load import parse_file

    for path in paths:
        parse_file(path)
        click.echo(f"{path}: valid")


def main() -> None:
    cli(prog_name="dataaudit")


if __name__ == "__main__":
    main()
