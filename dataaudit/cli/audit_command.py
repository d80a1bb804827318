"""`dataaudit audit`: one dataset in, a report and the gate's exit code out."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from dataaudit.cli.common import EXIT_FAILED, EXIT_PASSED, pair_outputs, reports_errors, write_text
from dataaudit.cli.group import cli

FORMATS = ("console", "json", "markdown")


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
@click.option("--label-noise", is_flag=True,
              help="Add the model-based label checks: likely mislabelled rows, noise per class, a baseline.")
@click.option("--sample", type=click.IntRange(min=10), metavar="N",
              help="Rows sampled for --label-noise (stratified, seeded).  [default: the rule pack's, 100000]")
@click.option("--folds", type=click.IntRange(2, 50), metavar="K",
              help="Cross-validation folds for --label-noise.  [default: the rule pack's, 5]")
@click.option("--jobs", "jobs", type=int, callback=lambda _ctx, _param, value: _check_jobs(value), metavar="N",
              help="Cross-validation folds of --label-noise fitted at once (-1: all cores).  [default: 1]")
@reports_errors
def audit(data: Path, target: str | None, rules: str, ignore_columns: tuple[str, ...], formats: tuple[str, ...],
          outputs: tuple[str, ...], strict: bool, delimiter: str | None, encoding: str | None, bad_rows: str,
          label_noise: bool, sample: int | None, folds: int | None, jobs: int | None) -> None:
    """Audit DATA (CSV, TSV, Parquet or JSONL) and print a report.

    \b
    Examples:
      dataaudit audit train.csv --target label
      dataaudit audit train.parquet -t label --rules strict --format json -o audit.json
      dataaudit audit train.csv -t label --format markdown >> "$GITHUB_STEP_SUMMARY"
    """
    from dataaudit.api import audit as run_audit
    from dataaudit.report.formats import Format, render

    destinations = pair_outputs(formats or ("console",), outputs)
    report = run_audit(data, target=target, rules=rules, ignore_columns=ignore_columns, strict=strict,
                       delimiter=delimiter, encoding=encoding, bad_rows=bad_rows,
                       label_noise=label_noise, sample=sample, folds=folds, jobs=jobs)
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
    sys.exit(EXIT_PASSED if report.passed else EXIT_FAILED)


def _check_jobs(value: int | None) -> int | None:
    """joblib's convention: a positive count, or -1 for all cores (-2 all but one, ...); never 0."""
    if value == 0:
        raise click.BadParameter("0 jobs would run nothing; use a positive count or -1 for all cores")
    return value
