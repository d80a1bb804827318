"""`dataaudit export gx`: a rule pack's checks as a Great Expectations suite other tools can run."""

from __future__ import annotations

from pathlib import Path

import click

from dataaudit.cli.common import reports_errors
from dataaudit.cli.group import cli
from dataaudit.cli.options import rules_option, target_option


@cli.group()
def export() -> None:
    """Export a rule pack's checks in another tool's format."""


@export.command("gx")
@rules_option
@target_option
@click.option("--data", "data", type=click.Path(path_type=Path),
              help="A data file whose columns get per-column expectations (missing values, constants).")
@click.option("--name", help="The suite's name.  [default: dataaudit-<rules>]")
@click.option("-o", "--output", default="-", show_default=True, metavar="PATH", help="Where to write the suite.")
@reports_errors
def export_gx(rules: str, target: str | None, data: Path | None, name: str | None, output: str) -> None:
    """Write the rule pack's checks as a Great Expectations 1.x Expectation Suite (JSON).

    Fail levels become critical expectations, warn levels warning ones; checks GX cannot state
    are listed in the suite's meta.

    \b
    Examples:
      dataaudit export gx --rules default --target label -o suite.json
      dataaudit export gx -r strict -t label --data train.csv -o suite.json
      dataaudit audit new.csv --target label --gx-suite suite.json
    """
    from dataaudit.errors import InputError
    from dataaudit.integrations.gx_export import export_suite
    from dataaudit.io import open_source
    from dataaudit.jsontext import dumps
    from dataaudit.output import check_destinations, write_text
    from dataaudit.rules.load import load_rules
    from dataaudit.text.audit import text_layout

    check_destinations((output,), (data, rules))
    loaded = load_rules(rules)
    layout = text_layout(data, None, loaded)[0] if data is not None else None
    if layout is not None:  # `audit --gx-suite` refuses the file: its expectations would be of no use
        raise InputError(f"{data}: --data does not apply to a {layout} JSONL file: a suite validates the "
                         "columns of a table")
    source = open_source(data) if data is not None else None
    label = target if target is not None else loaded.rules.target
    if source is not None and label is not None:  # as `audit` refuses it: the suite would check a column not there
        source.require(label, "target column")
    columns = source.columns if source is not None else None
    suite = export_suite(loaded.rules, name or f"dataaudit-{loaded.name}", target=target, columns=columns)
    text = dumps(suite, indent=2, ensure_ascii=True) + "\n"
    if output == "-":
        click.echo(text, nl=False)
    else:
        write_text(output, text)
        click.echo(f"dataaudit: {len(suite['expectations'])} expectations written to {output}", err=True)
