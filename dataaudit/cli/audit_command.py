"""`dataaudit audit`: one dataset in, a report and the gate's exit code out."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from dataaudit.cli import collector
from dataaudit.cli.common import EXIT_ERROR, check_size, error_line, parse_input_ahead, reports_errors
from dataaudit.cli.deliver import checked_destinations, deliver
from dataaudit.cli.group import cli
from dataaudit.cli.options import (
    bad_rows_option,
    delta_option,
    engine_options,
    eval_set_options,
    finetune_options,
    ignore_columns_option,
    jobs_option,
    keep_columns_option,
    label_model_options,
    layout_options,
    quiet_option,
    reading_options,
    report_options,
    rules_option,
    storage_option,
    target_option,
    text_columns_option,
    time_options,
)
from dataaudit.cli.split_options import group_option, split_option
from dataaudit.lazy_pandas import defer_pandas

if TYPE_CHECKING:
    from dataaudit.engines import Engine


@cli.command()
@click.argument("data", nargs=-1, required=True, type=click.Path())
@target_option
@rules_option
@ignore_columns_option
@keep_columns_option
@report_options
@click.option("--strict", is_flag=True, help="Warnings fail the gate too.")
@click.option("--baseline", type=click.Path(path_type=Path), metavar="REPORT",
              help="A saved JSON report (e.g. main's): fail the gate only on findings new or worse since it.")
@delta_option("--baseline-delta")
@reading_options
@bad_rows_option
@split_option
@group_option
@click.option("--schema", type=click.Path(path_type=Path),
              help="A pandera schema (YAML, e.g. from `dataaudit schema infer`); violations become findings.")
@click.option("--gx-suite", type=click.Path(path_type=Path),
              help="A Great Expectations suite (JSON) run on the data; failed expectations become findings.")
@engine_options
@jobs_option
@click.option("--memory-budget", metavar="SIZE", callback=check_size,
              help="Memory for the row hashes of a table's duplicate and conflict search (512M, 2G); past it they "
                   "spill to a temporary directory.  [default: the rule pack's, 64M]")
@storage_option
@quiet_option
@layout_options
@text_columns_option
@click.option("--no-auto-text", "auto_text", is_flag=True, flag_value=False, default=True,
              help="Audit as text only the --text-column columns, not also the free-text columns the first "
                   "rows show.")
@click.option("--tokenizer", type=click.Path(path_type=Path),
              help="A model's tokenizer folder (tokenizer.json, tokenizer_config.json with its chat template) or a "
                   "tokenizer.json on disk to count tokens with (never downloaded); else tokens are estimated.")
@click.option("--max-length", type=click.IntRange(min=1), metavar="N",
              help="The sequence length a fine-tuning file trains at (default: the rule pack's "
                   "checks.text.max_tokens).")
@finetune_options
@eval_set_options
@click.option("--language", "language", multiple=True, metavar="CODE",
              help="A language (ISO 639-1, e.g. en) the texts' examples must be in; others are flagged. "
                   "Repeatable. Needs pip install 'dataaudit[lang]'.")
@click.option("--label-noise", is_flag=True,
              help="Add the model-based label checks: likely mislabelled rows, noise per class, a baseline.")
@label_model_options
@time_options
@reports_errors
def audit(data: tuple[str, ...], outputs: tuple[str, ...], **options: Any) -> None:
    """Audit DATA (CSV, TSV, Parquet or JSONL; a folder of Parquet files; an s3:// or other fsspec URI)
    and print a report.

    Several DATA files are audited one after the other (as pre-commit passes them), each
    report to stdout, a file that cannot be read reported on stderr; the exit code is the worst.

    \b
    Examples:
      dataaudit audit train.csv --target label
      dataaudit audit train.parquet -t label --rules strict --format json -o audit.json
      dataaudit audit ./parquet_dir/ -t label          # a folder of Parquet files, hive partitions too
      dataaudit audit s3://bucket/train.csv -t label --storage-option endpoint_url=http://localhost:9000
      dataaudit audit train.csv -t label --format markdown >> "$GITHUB_STEP_SUMMARY"
      dataaudit audit train.csv -t label -f json -o a.json -f html -o a.html -f junit -o a.xml
      dataaudit audit train.csv -t label -f json -o new.json --baseline main.json
      dataaudit audit train.csv -t label -f sarif -o data.sarif
      dataaudit audit train.csv -t label --split val=val.csv --split test=test.csv --group-column patient_id
      dataaudit audit big.csv -t label --jobs -1
      dataaudit audit s3a://bucket/train/ -t label --engine spark
      dataaudit audit chats.jsonl                      # chat / prompt-completion / instruction detected
      dataaudit audit chats.jsonl --tokenizer ./my-model --max-length 4096
      dataaudit audit HumanEval.jsonl --prompt-key prompt --completion-key canonical_solution
      dataaudit audit chats.jsonl --format-profile openai-chat --epochs 3 --price-per-million 8
      dataaudit audit reviews.csv -t sentiment --text-column review
      dataaudit audit train.jsonl --eval-set humaneval.jsonl --eval-set gsm8k_test.jsonl
      dataaudit audit chats.jsonl --language en
      dataaudit audit train.csv -t label --label-noise --sample 200000 --folds 5 --jobs -1
    """
    _one_reader_of_stdin(data, options["splits"], options["baseline"])
    if len(data) > 1 and options["baseline"] is not None:
        raise click.UsageError(f"--baseline takes one DATA file, not {len(data)}")
    if len(data) > 1 and outputs:
        raise click.UsageError(f"--output takes one DATA file, not {len(data)}: several files report to stdout")
    if len(data) == 1:
        sys.exit(_audit_one(data[0], outputs=outputs, **options))
    sys.exit(max(_audit_each(path, **options) for path in data))


def _one_reader_of_stdin(data: tuple[str, ...], splits: dict[str, Any], baseline: Any) -> None:
    """Refuse '-' for two inputs: standard input holds one file. The first to read it would take
    it all, leaving the other nothing (a baseline read as an empty file) or the same bytes (a
    split audited against itself, all of it leaked)."""
    readers = ["DATA" for d in data if d == "-"] + [f"--split {name}" for name, path in splits.items()
                                                    if str(path) == "-"]
    readers += ["--baseline"] if str(baseline) == "-" else []
    if len(readers) > 1:
        raise click.UsageError(f"'-' given for {len(readers)} inputs ({', '.join(readers)}): standard input holds "
                               "one file; give the others' paths")


def _audit_each(path: str, **options: Any) -> int:
    """One of several files: an unreadable one is reported and the others still audited."""
    from dataaudit.errors import DataAuditError

    try:
        return _audit_one(path, outputs=(), alone=False, **options)
    except DataAuditError as exc:
        click.echo(error_line(exc), err=True)
        return EXIT_ERROR


def _audit_one(data: str, *, formats: tuple[str, ...], outputs: tuple[str, ...], summary: bool,
               engine: str | None, spark_master: str | None, jobs: int | None, quiet: bool, alone: bool = True,
               **audit_options: Any) -> int:
    """Audit one DATA (`alone`: the command's only one); the remaining options are
    `dataaudit.audit`'s keyword arguments by name."""
    defer_pandas()
    read = audit_options
    inputs = (data, *read["splits"].values(), read["schema"], read["gx_suite"], read["rules"], read["baseline"],
              *read["eval_sets"])
    destinations = checked_destinations(formats, outputs, inputs, summary, tools=(read["tokenizer"],))
    if jobs not in (None, 1) and engine != "spark":  # the workers' imports run beside the audit's own
        from dataaudit.engines.pool import start_worker_server_for

        start_worker_server_for(data)
    # one DATA only: of several, the first file's source, made before the collector freezes what
    # the imports left, would be kept for the whole run; and the later ones find the code loaded
    ahead = parse_input_ahead(data, wanted=alone and engine != "spark", delimiter=read["delimiter"],
                              encoding=read["encoding"], bad_rows=read["bad_rows"], decimal=read["decimal"])
    with ahead:
        with collector.loading():
            from dataaudit.api import audit as run_audit

        report = run_audit(data, engine=_engine(engine, spark_master, jobs, quiet), **audit_options)
    code = deliver(report, destinations, summary)
    if report.baseline is not None and ("console", None) not in destinations:  # the console report says it too
        click.echo(f"dataaudit: gate {report.baseline.summary()}", err=True)
    return code


def _engine(name: str | None, spark_master: str | None, jobs: int | None, quiet: bool) -> Engine:
    from dataaudit.engines import get_engine

    if name == "spark":
        if jobs is not None:
            raise click.UsageError("--jobs applies to the local engine; Spark spreads the work by itself")
        return get_engine("spark", master=spark_master)
    if spark_master is not None:
        raise click.UsageError("--spark-master needs --engine spark")
    return get_engine("local", jobs=jobs, progress=None if quiet else sys.stderr)
