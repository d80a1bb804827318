"""`dataaudit rules`: list, show and validate rule packs."""

from __future__ import annotations

from pathlib import Path

import click

from dataaudit.cli.common import reports_errors
from dataaudit.cli.group import cli


@cli.group()
def rules() -> None:
    """List, show and validate rule packs."""


@rules.command("list")
@reports_errors
def rules_list() -> None:
    """The shipped rule packs."""
    from dataaudit.rules.load import parse_file, shipped

    for name, path in shipped().items():
        click.echo(f"{name:16} {parse_file(path).description}")


@rules.command("checks")
@reports_errors
def rules_checks() -> None:
    """Every check: the rule fields it reads, the statistics it needs, the inputs it applies to,
    and the GX expectations it exports to or why there are none."""
    from dataaudit.checks import REGISTRY
    from dataaudit.checks.registry import Exports

    for check in REGISTRY.values():
        gx = (", ".join(check.gx.types) + (f" (partly: {check.gx.partly})" if check.gx.partly else "")
              if isinstance(check.gx, Exports) else f"none: {check.gx.reason}")
        needs, kinds = ", ".join(sorted(check.needs)) or "-", ", ".join(sorted(check.applies_to))
        click.echo(f"{check.id}  {check.description}\n"
                   f"  rules: checks.{check.section}: {', '.join(check.fields) or '-'}\n"
                   f"  needs: {needs}; applies to: {kinds}\n"
                   f"  gx: {gx}")


@rules.command("show")
@click.argument("pack")
@reports_errors
def rules_show(pack: str) -> None:
    """Every level of PACK (a shipped name or a path), defaults filled in, as YAML."""
    from dataaudit.rules.load import dump, load_rules

    click.echo(dump(load_rules(pack).rules), nl=False)


@rules.command("validate")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@reports_errors
def rules_validate(paths: tuple[Path, ...]) -> None:
    """Check rule pack files; errors name the file and line."""
    import sys

    from dataaudit.cli.common import EXIT_ERROR

    if not all([_validated(path) for path in paths]):  # every file, not up to the first invalid one
        sys.exit(EXIT_ERROR)


def _validated(path: Path) -> bool:
    """Whether the pack at `path` is valid, said on stdout, else its error as one line on stderr:
    of several packs (as pre-commit passes them) each is checked, and the exit code is 2 once
    any is invalid."""
    from dataaudit.cli.common import error_line
    from dataaudit.errors import DataAuditError
    from dataaudit.rules.load import parse_file

    try:
        parse_file(path)
    except DataAuditError as exc:
        click.echo(error_line(exc), err=True)
        return False
    click.echo(f"{path}: valid")
    return True
