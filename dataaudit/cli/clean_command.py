"""`dataaudit clean`: the audit's findings fixed, rows quarantined not lost, the data re-audited."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from dataaudit.cli import collector
from dataaudit.cli.common import EXIT_ERROR, EXIT_FAILED, EXIT_PASSED, parse_input_ahead, reports_errors
from dataaudit.cli.group import cli
from dataaudit.cli.options import (
    CLEAN_BAD_ROWS,
    engine_options,
    ignore_columns_option,
    jobs_option,
    keep_columns_option,
    label_model_options,
    layout_options,
    quiet_option,
    reading_options,
    rules_option,
    target_option,
    text_columns_option,
)
from dataaudit.lazy_pandas import defer_pandas
from dataaudit.wording import plural


@cli.command()
@click.argument("data", type=click.Path())
@target_option
@rules_option
@click.option("-o", "--output", required=True, type=click.Path(path_type=Path),
              help="The cleaned data; the format follows the extension: .csv, .tsv, .parquet, .jsonl (.json for a "
                   "JSON array of examples, written as one). CSV, TSV, JSONL and JSON named with .gz, .bz2, .zst or "
                   ".lz4 after it (out.csv.gz) are written compressed, as is their quarantine.")
@click.option("--quarantine", type=click.Path(path_type=Path),
              help="Rows taken out, with `_row` and `_reason`; compressed if its name says so.  [default: OUTPUT's "
                   "name with .quarantine before its suffixes: out.quarantine.csv.gz]")
@click.option("--manifest", type=click.Path(path_type=Path),
              help="Digests, row counts, steps and parameters as JSON.  [default: OUTPUT's name + .manifest.json]")
@click.option("--save-fitted", type=click.Path(path_type=Path),
              help="Save what was learned (label map, fill values, scaling, categories) as JSON.")
@click.option("--fitted", type=click.Path(path_type=Path),
              help="Clean with a saved fitted state (another split's statistics) instead of learning one.")
@ignore_columns_option
@keep_columns_option
@text_columns_option
@click.option("--report", type=click.Path(path_type=Path),
              help="Also write the after report, with its tables clean.steps and clean.before_after, as JSON "
                   "(compressed when named .gz, .bz2, .zst or .lz4).")
@click.option("--dry-run", is_flag=True, help="Show what would change; write nothing.")
@click.option("--force", is_flag=True, help="Overwrite existing output, quarantine and manifest files.")
@click.option("--allow-large-quarantine", is_flag=True,
              help="Allow quarantining more than half of the rows, or every row of a class (refused otherwise).")
@reading_options
@click.option("--bad-rows", type=click.Choice(CLEAN_BAD_ROWS), default="error", show_default=True,
              help="A malformed row of a CSV, TSV or JSONL table (a field too many or too few, a line that is no "
                   "JSON object) stops the clean (error), or goes to the quarantine as its text, with `_line` "
                   "and `_text`, reason malformed_row (quarantine).")
@click.option("--quarantine-suspected-labels", is_flag=True,
              help="Run the label model of `audit --label-noise` and quarantine the rows it suspects "
                   "(reason suspected_label, with the score; on a regression target the regressor's, "
                   "reason suspected_target).")
@label_model_options
@jobs_option
@engine_options
@layout_options
@click.option("--trim/--no-trim", default=None,
              help="Trim leading and trailing whitespace of a fine-tuning file's texts, or keep it (code, whose "
                   "indentation matters).  [default: the rule pack's preprocess.normalize_text, true]")
@click.option("--strip-metadata/--keep-metadata", default=None,
              help="Drop from a fine-tuning file's kept lines the top-level keys its layout does not read (id, "
                   "source, ...), or keep them.  [default: the rule pack's preprocess.strip_metadata, false]")
@quiet_option
@click.option("--redact", multiple=True, metavar="KINDS",
              help="Replace personal data and secrets in a fine-tuning file's texts, or a table's text columns, with "
                   "typed placeholders ([EMAIL], [SECRET], ...): pii (every kind), personal, secrets, or kinds (email, "
                   "phone, card, iban, ssn, ip, url_credentials, private_key, secret); repeatable or a comma list. The "
                   "quarantine keeps rows as read, unredacted.  "
                   "[default: none]")
@reports_errors
def clean(data: str, target: str | None, rules: str, output: Path, quarantine: Path | None, manifest: Path | None,
          save_fitted: Path | None, fitted: Path | None, ignore_columns: tuple[str, ...],
          keep_columns: tuple[str, ...], text_columns: tuple[str, ...], report: Path | None,
          dry_run: bool, force: bool, delimiter: str | None, encoding: str | None, decimal: str,
          quarantine_suspected_labels: bool,
          sample: int | None, folds: int | None, jobs: int | None, format_kind: str | None,
          allow_large_quarantine: bool, prompt_key: str | None, completion_key: str | None, trim: bool | None,
          strip_metadata: bool | None, quiet: bool, redact: tuple[str, ...], engine: str | None,
          spark_master: str | None, bad_rows: str) -> None:
    """Clean DATA into OUTPUT: fix what the audit finds, quarantine rows instead of losing them.

    The rule pack's `preprocess:` section names the steps.
    Disguised missing values become nulls, text features are trimmed, label spellings
    merge, duplicates, conflicting-label groups and unlabelled rows move to the quarantine
    file, constant and empty columns go; every other cell is written as the input spells it
    (numbers stored as text become numbers, and text is NFKC-normalized, only when the
    rules' preprocess section asks). The cleaned data is then audited again and the report
    shows before and after.

    A fine-tuning JSONL file (chat, prompt/completion, instruction) is cleaned line by line:
    broken lines and duplicate conversations go to the quarantine with their line number and
    reason, texts are trimmed, every other line is kept byte for byte (but for Python's
    NaN and Infinity, written as strict JSON's null and 1e999); the output gets the text audit.

    An OUTPUT named out.csv.gz (.bz2, .zst, .lz4; CSV, TSV, JSONL) is written compressed,
    its quarantine too (out.quarantine.csv.gz); the manifest's sizes and SHA-256 are of the
    files as stored, compressed. Parquet compresses itself: out.parquet.gz is refused.

    With --engine spark a table is cleaned on the cluster: OUTPUT and the quarantine are folders
    of Parquet part files the executors write, the manifest one JSON file the driver writes.

    A clean that would quarantine more than half of the rows, or every row of a class, is
    refused before anything is written (a dry run shows the numbers and says so), unless
    --allow-large-quarantine or the rule pack's `preprocess.allow_large_quarantine` allows it.

    Exit codes: 0 the cleaned data passes the gate, 1 it still fails, 2 usage or input error
    (also: OUTPUT is the input, or exists without --force; the clean is refused).

    \b
    Examples:
      dataaudit clean train.csv -t label -o train.clean.csv
      dataaudit clean train.csv -t label -o train.clean.parquet --save-fitted prep.json
      dataaudit clean train.csv.gz -t label -o train.clean.csv.gz
      dataaudit clean big.csv -t label -o big.clean.parquet --engine spark
      dataaudit clean val.csv -t label -o val.clean.csv --fitted prep.json
      dataaudit clean train.csv -t label -o out.csv --dry-run
      dataaudit clean train.csv -t label --quarantine-suspected-labels -o train.clean.csv
      dataaudit clean chats.jsonl -o chats.clean.jsonl
      dataaudit clean chats.jsonl -o chats.clean.jsonl --strip-metadata
      dataaudit clean chats.jsonl -o chats.clean.jsonl --redact pii
      dataaudit clean reviews.csv -t label -o reviews.clean.csv --redact pii
    """
    defer_pandas()  # pyarrow would import it to rule out pandas objects, of which a clean of a file makes none
    from dataaudit.io import KEEP_BAD_ROWS

    # for the first audit, which keeps malformed rows whole to quarantine them
    with parse_input_ahead(data, wanted=engine != "spark", delimiter=delimiter, encoding=encoding,
                           bad_rows=KEEP_BAD_ROWS if bad_rows == "quarantine" else "error", decimal=decimal):
        with collector.loading():
            from dataaudit.planning import CleanOptions, plan_clean
            from dataaudit.preprocess.clean import clean_files
            from dataaudit.report.console import render_console

        plan = plan_clean(CleanOptions(
            data, target=target, rules=rules, output=output, quarantine=quarantine, manifest=manifest, report=report,
            save_fitted=save_fitted, fitted=fitted, ignore_columns=ignore_columns, keep_columns=keep_columns,
            delimiter=delimiter, encoding=encoding, decimal=decimal,
            quarantine_suspected_labels=quarantine_suspected_labels, sample=sample, folds=folds, jobs=jobs,
            allow_large_quarantine=allow_large_quarantine, dry_run=dry_run, force=force, format_kind=format_kind,
            prompt_key=prompt_key, completion_key=completion_key, trim=trim, strip_metadata=strip_metadata, quiet=quiet,
            redact=redact, text_columns=text_columns, engine=engine, spark_master=spark_master, bad_rows=bad_rows))
        if plan.layout is not None:
            sys.exit(_clean_jsonl(data, output, rules, plan.layout, quarantine, manifest, report, dry_run, force,
                                  trim=trim, strip_metadata=strip_metadata, prompt_key=prompt_key,
                                  completion_key=completion_key, redact=redact))

        if engine == "spark":
            from dataaudit.preprocess.spark_clean import clean_on_spark

            run = clean_on_spark(data, output, target=target, rules=rules, quarantine=quarantine, manifest=manifest,
                                 fitted=fitted, save_fitted=save_fitted, report=report, force=force,
                                 ignore_columns=ignore_columns, keep_columns=keep_columns, delimiter=delimiter,
                                 encoding=encoding, allow_large_quarantine=allow_large_quarantine,
                                 text_columns=text_columns, master=spark_master)
        else:
            run = clean_files(data, output, target=target, rules=rules, quarantine=quarantine, manifest=manifest,
                              fitted=fitted, save_fitted=save_fitted, report=report, dry_run=dry_run, force=force,
                              ignore_columns=ignore_columns, keep_columns=keep_columns, delimiter=delimiter,
                              encoding=encoding, decimal=decimal,
                              quarantine_suspected_labels=quarantine_suspected_labels, sample=sample,
                              folds=folds, jobs=jobs, allow_large_quarantine=allow_large_quarantine,
                              progress=None if quiet else sys.stderr, redact=redact, text_columns=text_columns,
                              bad_rows=bad_rows)
    click.echo(render_console(run.report), nl=False)
    if quarantine_suspected_labels:
        click.echo(_label_model_note(run.manifest["parameters"]["label_model"]), err=True)
    rows = run.manifest["rows"]
    if run.written:
        fitted_note = f", fitted state {save_fitted}" if save_fitted else ""
        redacted = f" ({rows['redacted']:,} redacted)" if rows["redacted"] else ""
        click.echo(f"dataaudit: {plural(rows['out'], 'row')} written to {run.output}{redacted}, "
                   f"{rows['quarantined']:,} quarantined to {run.quarantine}; "
                   f"manifest {run.manifest_path}{fitted_note}", err=True)
    else:
        click.echo(f"dataaudit: dry run, nothing written: {plural(rows['out'], 'row')} would be kept, "
                   f"{rows['quarantined']:,} quarantined", err=True)
    if run.refused is not None:
        click.echo(f"dataaudit: a real run would be refused: {run.refused}", err=True)
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_PASSED if run.report.passed else EXIT_FAILED)


def _label_model_note(model: dict[str, Any] | None) -> str:
    if model is not None and model.get("kind") == "regression":
        return _regressor_note(model)
    if model is None or model["skipped"]:
        why = "the target has no classes to model" if model is None else model["skipped"]
        ran = "no label model ran" if model is None or model.get("balanced_accuracy") is None \
            else "the label model lists no suspects"
        return f"dataaudit: {ran} ({why}); no row quarantined as suspected_label"
    return (f"dataaudit: the label model ({model['folds']}-fold {model['model']}, {model['sample_rows']:,} sampled "
            f"rows{_scored(model)}) suspects {model['suspected']:,} rows of a wrong label; they go to the quarantine "
            "unless an earlier step took them")


def _regressor_note(model: dict[str, Any]) -> str:
    if model["skipped"]:
        ran = "no regressor ran" if model["r2"] is None else "the regressor lists no suspects"
        return f"dataaudit: {ran} ({model['skipped']}); no row quarantined as suspected_target"
    return (f"dataaudit: the regressor ({model['folds']}-fold {model['model']}, {model['sample_rows']:,} sampled "
            f"rows, out-of-fold R² {model['r2']:.3f} against the mean's {model['r2_mean']:.3f}) suspects "
            f"{model['suspected']:,} target values more than {model['max_mads']:g} robust standard deviations from "
            "its prediction; they go to the quarantine unless an earlier step took them")


def _scored(model: dict[str, Any]) -> str:
    return f", {model['scored_rows']:,} more scored" if model.get("scored_rows") else ""


def _clean_jsonl(data: str, output: Path, rules: str, kind: str, quarantine: Path | None, manifest: Path | None,
                 report: Path | None, dry_run: bool, force: bool, **text_options: Any) -> int:
    """`text_options` are `clean_jsonl_files`'s trim, strip_metadata, prompt_key, completion_key and redact."""
    from dataaudit.preprocess.text_files import clean_jsonl_files
    from dataaudit.report.console import render_console

    run = clean_jsonl_files(data, output, rules=rules, format_kind=kind, quarantine=quarantine, manifest=manifest,
                            report=report, dry_run=dry_run, force=force, **text_options)
    click.echo(render_console(run.report), nl=False)
    lines, unit = run.manifest["lines"], run.manifest["parameters"]["examples_are"]
    kept = plural(lines["out"], unit.removesuffix("s"), unit)
    reasons = ", ".join(f"{n:,} {reason}" for reason, n in sorted(run.manifest["quarantine_reasons"].items()))
    why = f" ({reasons})" if reasons else ""
    if run.written:
        stripped = f", {lines['stripped']:,} without their metadata" if lines["stripped"] else ""
        stripped += f", {lines['redacted']:,} redacted" if lines.get("redacted") else ""
        click.echo(f"dataaudit: {kept} written to {run.output} ({lines['trimmed']:,} trimmed"
                   f"{stripped}), {lines['quarantined']:,} quarantined to {run.quarantine}{why}; "
                   f"manifest {run.manifest_path}", err=True)
    else:
        click.echo(f"dataaudit: dry run, nothing written: {kept} would be kept, "
                   f"{lines['quarantined']:,} quarantined{why}", err=True)
    return EXIT_PASSED if run.report.passed else EXIT_FAILED
