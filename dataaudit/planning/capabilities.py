"""The one table of where each option of `dataaudit.audit` applies and which engines run it.

An input is one of three kinds: a single table (a CSV/TSV/Parquet/JSONL table, a DataFrame, an
Arrow table), a dataset in splits (a reference table and others compared with it), or a
fine-tuning text file (chat, prompt/completion or instruction JSONL). For each option the table
lists the kinds it applies to and, per kind, the engines that can run it; the planner refuses
anything else with one line naming the option. Teaching an engine a new input is one entry:
the `engine` row says which engines can read each kind at all.

`CLEAN_CAPABILITIES` is the same table for the clean, which reads a single table or a
fine-tuning file on this machine: the options it shares with the audit are the audit's entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace

from dataaudit.checks.registry import EVERY_KIND, SPLITS, TABLE, TABLES, TEXT_FILE
from dataaudit.engines import ENGINES

LOCAL, SPARK = "local", "spark"
EVERY_ENGINE = frozenset(ENGINES)


def on(kinds: Iterable[str], engines: Iterable[str] = EVERY_ENGINE) -> Mapping[str, frozenset[str]]:
    """The same engines for each of `kinds`."""
    return {kind: frozenset(engines) for kind in kinds}


@dataclass(frozen=True)
class Capability:
    """Where one option applies. `flag` is how the command line spells it ("" for an option of
    the Python API only); `purpose` finishes "does not apply to ...: "; `runs` maps each input
    kind it applies to onto the engines that can run it, and `engine_note` says why the others
    cannot; `needs` names an option it does nothing without, wherever that one applies (or several,
    any one of which it works with)."""

    flag: str
    purpose: str
    runs: Mapping[str, frozenset[str]]
    engine_note: str = ""
    needs: str | tuple[str, ...] | None = None

    @property
    def needed(self) -> tuple[str, ...]:
        """The options `needs` names, none, one or several."""
        return (self.needs,) if isinstance(self.needs, str) else self.needs or ()

    def spelled(self, name: str) -> str:
        """The option as the command line and Python spell it: `--group-column (group_column)`."""
        return f"{self.flag} ({name})" if self.flag else name


_VALIDATORS_NOTE = "the validators see every batch in this process; use --engine local"

CAPABILITIES: dict[str, Capability] = {
    "target": Capability("--target", "it names the label column of a table", on(TABLES)),
    "rules": Capability("--rules", "it is the rule pack", on(EVERY_KIND)),
    "ignore_columns": Capability("--ignore-column", "it names columns of a table that are no features", on(TABLES)),
    "keep_columns": Capability("--keep-column", "it keeps columns of a table among the features however id-like "
                                                "they look", on(TABLES)),
    "strict": Capability("--strict", "it makes warnings fail the gate", on(EVERY_KIND)),
    "delimiter": Capability("--delimiter", "it splits the fields of a CSV file", on(TABLES)),
    "encoding": Capability("--encoding", "it decodes a table's text; a fine-tuning file is read as UTF-8",
                           on(TABLES)),
    "decimal": Capability("--decimal", "it is the decimal mark of a CSV file's numbers", on(TABLES, [LOCAL]),
                          "Spark's CSV reader would read such numbers as text"),
    "bad_rows": Capability("--bad-rows", "it says what a malformed row of a table does; a broken line of a "
                                         "fine-tuning file is a text.format_errors finding", on(TABLES)),
    "chunk_rows": Capability("", "it sizes the chunks the data is read in", on(EVERY_KIND)),
    "splits": Capability("--split", "it adds splits of a table to compare with it", on(TABLES)),
    "group_column": Capability("--group-column", "it names the groups (patients, users) of a table's rows",
                               on(TABLES)),
    "schema": Capability("--schema", "it validates the columns of a table", on(TABLES, [LOCAL]), _VALIDATORS_NOTE),
    "gx_suite": Capability("--gx-suite", "it validates the columns of a table", on(TABLES, [LOCAL]),
                           _VALIDATORS_NOTE),
    "engine": Capability("--engine", "it chooses where the pass runs",
                         {TABLE: EVERY_ENGINE, SPLITS: EVERY_ENGINE, TEXT_FILE: EVERY_ENGINE}),
    "jobs": Capability("--jobs", "it spreads the pass over worker processes", on(EVERY_KIND, [LOCAL]),
                       "Spark spreads the work by itself"),
    "format_kind": Capability("--format-kind", "it says how to read a JSONL file", on(EVERY_KIND)),
    "prompt_key": Capability("--prompt-key", "it names a key of a prompt/completion file", on([TEXT_FILE])),
    "completion_key": Capability("--completion-key", "it names a key of a prompt/completion file", on([TEXT_FILE])),
    "text_columns": Capability("--text-column", "it names free-text columns of a table; a fine-tuning file's "
                                                "texts are checked already", on(TABLES)),
    "auto_text": Capability("--no-auto-text", "it turns off finding the free-text columns of a table",
                            on(TABLES)),
    "tokenizer": Capability("--tokenizer", "it counts the tokens of texts", on(EVERY_KIND), needs="text_columns"),
    "max_length": Capability("--max-length", "it is the sequence length a fine-tuning file's examples train at",
                             on([TEXT_FILE])),
    "format_profile": Capability("--format-profile", "it judges a fine-tuning file by a provider's or trainer's "
                                                     "format", on([TEXT_FILE])),
    "epochs": Capability("--epochs", "it multiplies a fine-tuning file's training tokens", on([TEXT_FILE])),
    "price_per_million": Capability("--price-per-million", "it prices a fine-tuning file's training tokens",
                                    on([TEXT_FILE])),
    "label_noise": Capability("--label-noise", "it fits a model to a table's label column", on(TABLES)),
    "sample": Capability("--sample", "it sizes the label model's sample", on(TABLES), needs="label_noise"),
    "folds": Capability("--folds", "it sets the label model's cross-validation folds", on(TABLES),
                        needs="label_noise"),
    "baseline": Capability("--baseline", "it gates on what got worse since a saved report", on(EVERY_KIND)),
    "baseline_delta": Capability("--baseline-delta", "it says how far a number may move before it is worse",
                                 on(EVERY_KIND), needs="baseline"),
    "time_column": Capability("--time-column", "it names the time column of one table, read period by period",
                              on([TABLE])),
    "period": Capability("--period", "it sets the periods of one table's time column", on([TABLE])),
    "date_order": Capability("--date-order", "it says how one table's slashed dates are written", on([TABLE])),
    "storage_options": Capability("--storage-option", "it configures the filesystem an s3:// (fsspec) URI is read "
                                                      "through", on(EVERY_KIND, [LOCAL]),
                                  "Spark reads object stores through its own Hadoop configuration"),
    "eval_sets": Capability("--eval-set", "it compares the texts with evaluation sets", on(EVERY_KIND)),
    "eval_fields": Capability("--eval-field", "it names the text fields of the evaluation sets", on(EVERY_KIND),
                              needs="eval_sets"),
    "ngram": Capability("--ngram", "it sets the n-gram length texts are compared with evaluation sets by",
                        on(EVERY_KIND), needs=("eval_sets", "splits")),
    "language": Capability("--language", "it names the languages a text's examples must be in", on(EVERY_KIND)),
    "memory_budget": Capability("--memory-budget", "it bounds the memory of a single table's duplicate and "
                                                   "conflict search", on([TABLE], [LOCAL]),
                                "Spark keeps the rows' hashes and a split's keys on its executors, spilled to disk"),
}

_BOTH = on([TABLE, TEXT_FILE])
_TABLE = on([TABLE])
_TABLE_HERE = on([TABLE], [LOCAL])
_ON_THIS_MACHINE = "clean on Spark does not run it yet; use --engine local"

CLEAN_CAPABILITIES: dict[str, Capability] = {
    **{name: CAPABILITIES[name] for name in ("target", "rules", "ignore_columns", "keep_columns", "delimiter",
                                             "encoding", "decimal", "chunk_rows", "format_kind", "prompt_key",
                                             "completion_key")},
    "engine": Capability("--engine", "it chooses where a table's clean runs",
                         {TABLE: EVERY_ENGINE, TEXT_FILE: frozenset([LOCAL])},
                         "a fine-tuning file is cleaned line by line on this machine"),
    "spark_master": Capability("--spark-master", "it names the Spark master of a table's clean", on([TABLE], [SPARK]),
                               "it is the master of --engine spark"),
    "output": Capability("--output", "it is where the cleaned data goes", _BOTH),
    "quarantine": Capability("--quarantine", "it is where the quarantined rows go", _BOTH),
    "manifest": Capability("--manifest", "it is where the manifest goes", _BOTH),
    "report": Capability("--report", "it is where the after report goes", _BOTH),
    "dry_run": Capability("--dry-run", "it shows what would change", on([TABLE, TEXT_FILE], [LOCAL]),
                          _ON_THIS_MACHINE),
    "force": Capability("--force", "it overwrites existing files", _BOTH),
    "save_fitted": Capability("--save-fitted", "it saves what a table's steps learned", _TABLE),
    "fitted": Capability("--fitted", "it cleans a table with what another split's steps learned", _TABLE),
    "quarantine_rows": Capability("", "it names rows of a table to quarantine", _TABLE_HERE, _ON_THIS_MACHINE),
    "quarantine_suspected_labels": Capability("--quarantine-suspected-labels",
                                              "it fits a model to a table's label column", _TABLE_HERE,
                                              _ON_THIS_MACHINE),
    **{name: replace(CAPABILITIES[name], runs=_TABLE_HERE, needs="quarantine_suspected_labels",
                     engine_note=_ON_THIS_MACHINE)
       for name in ("sample", "folds")},
    "jobs": Capability("--jobs", "it spreads a table's audit and label model over worker processes; a fine-tuning "
                                 "file is cleaned line by line in one process", _TABLE_HERE,
                       "Spark spreads the work by itself"),
    "allow_large_quarantine": Capability("--allow-large-quarantine", "it lets a table's clean quarantine more than "
                                                                     "half of the rows, or every row of a class",
                                         _TABLE),
    "trim": Capability("--trim/--no-trim", "it trims or keeps the texts of a fine-tuning file; a table's are "
                                           "trimmed by the rule pack's preprocess.normalize_text", on([TEXT_FILE])),
    "strip_metadata": Capability("--strip-metadata/--keep-metadata", "it drops or keeps the metadata keys of a "
                                                                     "fine-tuning file's lines", on([TEXT_FILE])),
    "quiet": Capability("--quiet", "it silences the progress line of a table's passes", _BOTH),
    "redact": Capability("--redact", "it replaces personal data and secrets in texts",
                         on([TABLE, TEXT_FILE], [LOCAL]), _ON_THIS_MACHINE),
    "text_columns": replace(CAPABILITIES["text_columns"], runs=_TABLE),
    "bad_rows": Capability("--bad-rows", "it says what a malformed row of a table does; a broken line of a "
                                         "fine-tuning file is quarantined by its kind (not_json, ...)", _TABLE_HERE,
                           _ON_THIS_MACHINE),
}
