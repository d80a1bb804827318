"""The options several commands take, each declared once (sqlfluff's `common_options`).

A command stacks the groups it needs; an option's flags, help text and choices live only
here, so `audit`, `clean`, `report` and `schema infer` cannot come to describe one option in
two ways. Choices come from the lists the code itself dispatches on (report formats, engines,
fine-tuning layouts). Only light modules are imported: `--help` stays fast.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, TypeVar

import click

from dataaudit.cli.common import check_jobs
from dataaudit.engines import ENGINES
from dataaudit.report.formats import Format
from dataaudit.rules.packs import known_profiles
from dataaudit.text.formats import FORMAT_KINDS

Command = TypeVar("Command", bound=Callable[..., object])
#: `dataaudit.io.BAD_ROWS`, spelled out: importing the readers would load pyarrow for `--help`
BAD_ROWS = ("error", "skip")
#: `dataaudit.planning.options.CLEAN_BAD_ROWS`, spelled out for the same reason
CLEAN_BAD_ROWS = ("error", "quarantine")
#: `dataaudit.report.diff.DEFAULT_DELTA`, spelled out: importing it would load the report model for `--help`
DEFAULT_DELTA = 0.1


def stacked(*options: Callable[[Command], Command]) -> Callable[[Command], Command]:
    """Several option decorators as one, listed in `--help` in the order given."""

    def apply(command: Command) -> Command:
        for option in reversed(options):
            command = option(command)
        return command

    return apply


target_option = click.option("-t", "--target", help="The label column (overrides the rule pack's target).")
rules_option = click.option(
    "-r", "--rules", "rules", default="default", show_default=True,
    help="A shipped rule pack (see `dataaudit rules list`) or a path to a YAML rule pack.",
)
ignore_columns_option = click.option(
    "-i", "--ignore-column", "ignore_columns", multiple=True, metavar="COLUMN",
    help="A column that is not a feature (id, timestamp, file name): no feature check reads it, a clean leaves it "
         "untouched. Repeatable.",
)
text_columns_option = click.option(
    "--text-column", "text_columns", multiple=True, metavar="COLUMN",
    help="A column of free text to run the text checks on (and `clean --redact` redacts). A dotted name is a column "
         "spelled so (CSV headers hold dots), never a field of a nested column. Repeatable.",
)
keep_columns_option = click.option(
    "--keep-column", "keep_columns", multiple=True, metavar="COLUMN",
    help="A column kept among the features however much it looks like an id (row numbers, UUIDs, a name like "
         "`*_id`, which are otherwise left out of duplicates and conflicts). Repeatable.",
)

reading_options = stacked(
    click.option("--delimiter",
                 help="CSV field delimiter, one character or a name: tab (also '\\t'), comma, semicolon, pipe, "
                      "space (detected when not given)."),
    click.option("--encoding", help="Text encoding of CSV/JSONL files.  [default: utf-8]"),
    click.option("--decimal", default=".", show_default=True, metavar="CHAR",
                 help="Decimal mark of a CSV/TSV file's numbers: ',' reads 12,5 as twelve and a half, as "
                      "pandas' read_csv(decimal=',') does (no thousands separators)."),
)
bad_rows_option = click.option(
    "--bad-rows", type=click.Choice(BAD_ROWS), default="error", show_default=True,
    help="A malformed row stops the audit (error), or is left out and reported as a finding (skip).",
)

report_options = stacked(
    click.option("-f", "--format", "formats", multiple=True, type=click.Choice([f.value for f in Format]),
                 help="Report format; repeat with one --output each to write several.  [default: console]"),
    click.option("-o", "--output", "outputs", multiple=True, metavar="PATH",
                 help="Write the report here ('-' for stdout; compressed when named .gz, .bz2, .zst or .lz4, "
                      "e.g. report.json.gz); one per --format, in the same order. Without --format, in the format "
                      "its name says (.json, .md, .html, .xml: JUnit, .sarif; console otherwise)."),
    click.option("--summary", is_flag=True, help="Also append the Markdown report to $GITHUB_STEP_SUMMARY."),
)



class Real(click.FloatRange):
    """A float option in a range that NaN never passes: click's range compares it false with
    each bound, so `--baseline-delta nan` would make no number worse and `--price-per-million nan`
    cost the run at NaN. An infinity passes only where `infinite` says it means something."""

    def __init__(self, *args: Any, infinite: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.infinite = infinite

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> Any:
        number = super().convert(value, param, ctx)
        if math.isnan(number) or (math.isinf(number) and not self.infinite):
            self.fail(f"{value} is not a finite number", param, ctx)
        return number


def delta_option(flag: str) -> Callable[[Command], Command]:
    """How far a finding's number may move the bad way before it counts as worse (`diff`, `audit --baseline`);
    `inf` counts only a severity that rose."""
    return click.option(flag, type=Real(min=0, infinite=True), default=DEFAULT_DELTA,
                        show_default=True, metavar="SHARE",
                        help="A finding counts as worse when its severity rose, or its number moved more than this "
                             "share of its old value the bad way.")


engine_options = stacked(
    click.option("--engine", type=click.Choice(list(ENGINES)),
                 help="Where the pass runs: this machine, or Apache Spark (pip install 'dataaudit[spark]').  "
                      "[default: local]"),
    click.option("--spark-master", metavar="URL",
                 help="Spark master for --engine spark (local[4], spark://host:7077, yarn).  "
                      "[default: $SPARK_MASTER, else local[*]]"),
)
def _storage_options(context: click.Context, parameter: click.Parameter, pairs: tuple[str, ...]) -> dict[str, object]:
    from dataaudit.errors import InputError
    from dataaudit.io.object_store import storage_options

    try:
        return storage_options(pairs)
    except InputError as exc:
        raise click.BadParameter(str(exc).removeprefix("--storage-option "), context, parameter) from None


storage_option = click.option(
    "--storage-option", "storage_options", multiple=True, metavar="KEY=VALUE", callback=_storage_options,
    help="An option of the filesystem an s3:// (gs://, any fsspec) URI is read through, e.g. "
         "endpoint_url=http://localhost:9000 or anon=true. Repeatable.",
)
quiet_option = click.option(
    "-q", "--quiet", is_flag=True, help="No progress line on stderr (it shows only on a terminal, outside CI, anyway).")
jobs_option = click.option(
    "-j", "--jobs", type=int, callback=check_jobs,
    help="Worker processes of the local engine's pass, also the label model's folds fitted at once; -1 for one "
         "per core. A file of at most 2 chunks is profiled without workers, which could not pay for themselves on it: "
         "a table's chunk is 65,536 rows or more (whole read blocks; fewer once they hold 16 MiB), a fine-tuning "
         "file's 8,192 lines.  [default: 1]",
)

layout_options = stacked(
    click.option("--format-kind", type=click.Choice(FORMAT_KINDS),
                 help="Read a JSONL file as this fine-tuning layout, or as a table (detected from its first lines "
                      "when not given)."),
    click.option("--prompt-key", metavar="KEY",
                 help="Read a JSONL file as prompt/completion, its prompt under KEY: a key, or a dotted path into "
                      "nested objects (data.prompt; a key spelled with the dot is read first).  [default: the rule "
                      "pack's, prompt]"),
    click.option("--completion-key", metavar="KEY",
                 help="Read a JSONL file as prompt/completion, its answer under KEY, a key or a dotted path as for "
                      "--prompt-key (canonical_solution in HumanEval-style files, data.completion).  [default: the "
                      "rule pack's, completion]"),
)

time_options = stacked(
    click.option("--time-column", metavar="COLUMN",
                 help="The column that dates the rows; the file is compared with itself period by period.  "
                      "[default: a date, timestamp or year column found in the first rows]"),
    # `dataaudit.profile.periods.ASKED`, spelled out: importing it would load pandas for `--help`
    click.option("--period", type=click.Choice(["year", "quarter", "month"]),
                 help="The periods of the time column.  [default: chosen from the span, each holding the rule "
                      "pack's checks.time.min_period_rows rows on average]"),
    # `dataaudit.profile.time_like.DATE_ORDERS`, spelled out for the same reason
    click.option("--date-order", type=click.Choice(["day-first", "month-first"]),
                 help="How the time column's slashed dates are written: 03/04/2021 is 3 April day first, "
                      "March 4 month first.  [default: the order more of the file's dates read in alone]"),
)

finetune_options = stacked(
    click.option("--format-profile", metavar="NAME|PATH",
                 help=f"Judge a fine-tuning file by a provider's or trainer's format: {', '.join(known_profiles())}, "
                      "or a profile YAML.  [default: the rule pack's checks.format.profile, none]"),
    click.option("--epochs", type=click.IntRange(min=1), metavar="N",
                 help="Epochs of the training run the token total is multiplied by.  [default: 1]"),
    click.option("--price-per-million", type=Real(min=0, min_open=True), metavar="PRICE",
                 help="Price of one million training tokens, to cost the run (no prices are built in)."),
)

label_model_options = stacked(
    click.option("--sample", type=click.IntRange(min=10), metavar="N",
                 help="Rows sampled for the label model (stratified, seeded).  [default: the rule pack's, 100000]"),
    click.option("--folds", type=click.IntRange(2, 50), metavar="K",
                 help="Cross-validation folds of the label model.  [default: the rule pack's, 5]"),
)

eval_set_options = stacked(
    click.option("--eval-set", "eval_sets", multiple=True, metavar="PATH|URI",
                 help="An evaluation set (JSONL, JSON, CSV or Parquet; a folder of Parquet files; an s3:// or other "
                      "fsspec URI) the training texts must not contain: exact, n-gram and near copies of its items "
                      "are found. Repeatable."),
    click.option("--eval-field", "eval_fields", multiple=True, metavar="NAME",
                 help="A field of the evaluation sets holding an item's text; a dotted path (data.question) names "
                      "one inside a nested object. Repeatable.  [default: detected: a "
                      "chat file's messages, prompt and completion, instruction, input and output, else the "
                      "text-like columns]"),
    click.option("--ngram", type=click.IntRange(min=1), metavar="N",
                 help="Words per n-gram shared with an evaluation item.  [default: the rule pack's "
                      "checks.contamination.ngram, 13]"),
)
