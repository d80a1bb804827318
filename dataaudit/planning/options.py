"""Every option of `dataaudit.audit`, and of `dataaudit.clean` and `dataaudit clean`, in one typed value
each, and which of them the caller asked for."""

from __future__ import annotations

import os
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import TYPE_CHECKING, Any

from dataaudit.errors import InputError
from dataaudit.io import DEFAULT_CHUNK_ROWS
from dataaudit.report.diff import DEFAULT_DELTA

if TYPE_CHECKING:
    from dataaudit.engines import Engine
    from dataaudit.report.model import Report
    from dataaudit.rules.model import RulePack


@dataclass(frozen=True)
class AuditOptions:
    """The arguments of `dataaudit.audit`, with its defaults: an option differs from its default
    exactly when the caller gave it, which is what the planner checks."""

    data: Any
    target: str | None = None
    rules: str | Path | RulePack | None = "default"
    ignore_columns: tuple[str, ...] | list[str] = ()
    keep_columns: tuple[str, ...] | list[str] = ()
    strict: bool = False
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str = "."
    bad_rows: str = "error"
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    splits: dict[str, Any] | None = None
    group_column: str | None = None
    schema: Any = None
    gx_suite: str | Path | None = None
    engine: str | Engine | None = None
    jobs: int | None = None
    format_kind: str | None = None
    prompt_key: str | None = None
    completion_key: str | None = None
    text_columns: tuple[str, ...] | list[str] = ()
    auto_text: bool = True
    tokenizer: str | Path | None = None
    max_length: int | None = None
    format_profile: str | Path | None = None
    epochs: int | None = None
    price_per_million: float | None = None
    label_noise: bool = False
    sample: int | None = None
    folds: int | None = None
    baseline: str | Path | Report | None = None
    baseline_delta: float = DEFAULT_DELTA
    time_column: str | None = None
    period: str | None = None
    date_order: str | None = None
    storage_options: Mapping[str, Any] | None = None
    eval_sets: tuple[str | Path, ...] | list[str | Path] = ()
    eval_fields: tuple[str, ...] | list[str] = ()
    ngram: int | None = None
    language: tuple[str, ...] | list[str] = ()
    memory_budget: int | str | None = None

    def given(self) -> list[str]:
        """The options the caller asked for, in signature order (`data` is the input, no option).

        `jobs` counts as asked for when an engine object carries more than one worker: the
        command line sets `--jobs` on the engine it passes, not as `jobs=`.
        """
        asked = asked_for(self)
        if "jobs" not in asked and getattr(self.engine, "jobs", 1) != 1:
            asked.append("jobs")
        return asked


def column_name(name: Any, option: str = "target") -> str | None:
    """A column named by the caller, as the pipeline names columns: by its text. A DataFrame's
    column `3` (`read_csv(header=None)`) or `("t", "label")` is read as `"3"` or
    `"('t', 'label')"`, so a name given as the frame has it must find it. A column's name is
    hashable, as pandas has it; the column's values (`target=y`, as `fit(X, y)` takes them) are
    not, and are refused under the `option` they were given as rather than quoted whole."""
    if name is None:
        return None
    if not isinstance(name, Hashable) or (isinstance(name, Iterable) and not isinstance(name, str | bytes | tuple)):
        raise InputError(f"{option} names a column (such as 'label', or 3 or ('t', 'label') as the frame names it), "
                         f"not its values: got a {type(name).__name__}")
    return str(name)


def column_names(names: Any) -> tuple[str, ...]:
    """Columns named by the caller (`column_name` each); one name given alone is one column."""
    if names is None:
        return ()
    if isinstance(names, str) or not isinstance(names, Iterable):
        return (str(names),)
    return tuple(str(name) for name in names)


def listed_items(items: Any) -> tuple[Any, ...]:
    """Several things given as a list (evaluation sets, their fields, languages), and one given
    alone as one: a path or a text alone is never taken for its letters, which would read `/` as
    an evaluation set and `en` as the languages `e` and `n`."""
    if items is None:
        return ()
    if isinstance(items, str | os.PathLike) or not isinstance(items, Iterable):
        return (items,)
    return tuple(items)


#: what a clean's `bad_rows` may be: a malformed row stops it (the default), or is quarantined
CLEAN_BAD_ROWS = ("error", "quarantine")


@dataclass(frozen=True)
class CleanOptions:
    """The options of a clean: the arguments of `dataaudit.clean` and the options of `dataaudit
    clean` (which adds its files and the fine-tuning clean's), with `dataaudit.clean`'s defaults,
    so that one table can say where each applies whichever of the two was called."""

    data: Any
    target: str | None = None
    rules: str | Path | RulePack | None = "default"
    output: Path | None = None
    quarantine: Path | None = None
    manifest: Path | None = None
    report: Path | None = None
    save_fitted: Path | None = None
    fitted: Any = None
    ignore_columns: tuple[str, ...] | list[str] = ()
    keep_columns: tuple[str, ...] | list[str] = ()
    quarantine_rows: Mapping[int, Any] | None = None
    delimiter: str | None = None
    encoding: str | None = None
    decimal: str = "."
    chunk_rows: int = DEFAULT_CHUNK_ROWS
    quarantine_suspected_labels: bool = False
    sample: int | None = None
    folds: int | None = None
    jobs: int | None = None
    allow_large_quarantine: bool = False
    dry_run: bool = False
    force: bool = False
    format_kind: str | None = None
    prompt_key: str | None = None
    completion_key: str | None = None
    trim: bool | None = None
    strip_metadata: bool | None = None
    quiet: bool = False
    redact: tuple[str, ...] = ()
    text_columns: tuple[str, ...] | list[str] = ()
    engine: str | None = None
    spark_master: str | None = None
    bad_rows: str = "error"

    def given(self) -> list[str]:
        """The options the caller asked for, in the order of the fields."""
        return asked_for(self)


def asked_for(options: AuditOptions | CleanOptions) -> list[str]:
    """The fields of `options` (but the input, `data`) that differ from their defaults."""
    return [f.name for f in fields(options) if f.name != "data" and _asked(getattr(options, f.name), f.default)]


def _asked(value: Any, default: Any) -> bool:
    """Whether `value` asks for something its default does not; an empty mapping or list asks
    for nothing (the command line passes `splits={}` when no `--split` is given)."""
    if value is None or value is default:
        return False
    if isinstance(value, (Mapping, list, tuple)) and not value:
        return False
    return default is None or bool(value != default)
