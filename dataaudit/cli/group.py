"""The `dataaudit` command group; each command lives in its own module and registers on it."""

from __future__ import annotations

import click


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="dataaudit", prog_name="dataaudit")
def cli() -> None:
    """Audit a machine-learning dataset before training on it.

    Checks size, class balance, missing values (true nulls and disguised ones such as "?",
    "NA", -999), duplicates and label consistency, and gates CI with the exit code:
    0 passed, 1 gate failed, 2 usage or input error.
    """
