"""`dataaudit schema infer`: a pandera schema learnt from a reference dataset, in pandera's YAML."""

from __future__ import annotations

from pathlib import Path

import click

from dataaudit.cli.common import reports_errors
from dataaudit.cli.group import cli
from dataaudit.cli.options import reading_options, rules_option
from dataaudit.wording import plural

DEFAULT_SAMPLE = 100_000


@cli.group()
def schema() -> None:
    """pandera schemas: infer one to validate later data with `dataaudit audit --schema`."""


@schema.command("infer")
@click.argument("data", type=click.Path(path_type=Path))
@click.option("-o", "--output", required=True, metavar="PATH", help="Where to write the schema ('-' for stdout).")
@click.option("--sample", type=click.IntRange(min=1), default=DEFAULT_SAMPLE, show_default=True,
              help="Infer dtypes from the first N rows; ranges, nulls and categories come from the "
                   "whole file.")
@rules_option
@reading_options
@reports_errors
def infer(data: Path, output: str, sample: int, rules: str, delimiter: str | None, encoding: str | None,
          decimal: str) -> None:
    """Infer a pandera schema (dtypes, nullability, value ranges) from DATA that DATA passes.

    Dtypes are inferred from the first --sample rows; the rest of DATA widens the ranges, the
    nullability and a dtype that a later value does not fit (integers to floats, to text). The
    rule pack's missing-value tokens (NA, ?, blanks) read as nulls.

    \b
    Examples:
      dataaudit schema infer train.csv -o schema.yaml
      dataaudit audit new.csv --target label --schema schema.yaml
    """
    from dataaudit.errors import InputError
    from dataaudit.integrations.pandera_schema import infer_schema
    from dataaudit.io import open_source
    from dataaudit.output import check_destinations, write_text
    from dataaudit.rules.load import load_rules
    from dataaudit.text.audit import text_layout

    check_destinations((output,), (data, rules))
    loaded = load_rules(rules)
    layout, _ = text_layout(data, None, loaded)
    if layout is not None:  # `audit --schema` refuses the file: a schema of it would be of no use
        raise InputError(f"{data}: schema infer does not apply to a {layout} JSONL file: a schema validates the "
                         "columns of a table")
    missing = loaded.rules.missing_values
    source = open_source(data, delimiter=delimiter, encoding=encoding, decimal=decimal)
    text = infer_schema(source, missing, sample).to_yaml()
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_text(output, text)
        click.echo(f"dataaudit: schema of {plural(len(source.columns), 'column')} written to {output}", err=True)
