"""The `--split NAME=PATH` and `--group-column` options of `dataaudit audit`."""

from __future__ import annotations

from pathlib import Path

import click

REFERENCE = "train"


def parse_splits(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]) -> dict[str, Path | str]:
    """`val=val.csv` -> {"val": Path("val.csv")}; a malformed or repeated name is a usage error. A
    URI (`s3://bucket/val.csv`) stays text: a `Path` would drop one of its slashes."""
    splits: dict[str, Path | str] = {}
    for value in values:
        name, sep, path = value.partition("=")
        name, path = name.strip(), path.strip()
        if not sep or not name or not path:
            raise click.BadParameter(f"{value!r} is not NAME=PATH (e.g. --split test=test.csv)", ctx, param)
        if name == REFERENCE or name in splits:
            first = "the audited DATA" if name == REFERENCE else "an earlier --split"
            raise click.BadParameter(f"split name {name!r} is already used by {first}", ctx, param)
        splits[name] = path if "://" in path else Path(path)
    return splits


split_option = click.option(
    "-s", "--split", "splits", multiple=True, metavar="NAME=PATH", callback=parse_splits,
    help=f"Another split of the dataset (validation, test), compared with DATA as the reference "
         f"split {REFERENCE!r}: leakage, label shift, feature drift, schema. Repeatable.",
)
group_option = click.option(
    "-g", "--group-column", metavar="COLUMN",
    help="A column whose values (patients, users, documents) group the rows: rows per group and groups with several "
         "labels are reported; with --split each group must stay in one split.",
)
