"""The clean's plan: which clean runs (a table's steps, or a fine-tuning file line by line), its
options checked against `CLEAN_CAPABILITIES` before anything is read or written, so the command
line and `dataaudit.clean` refuse an option in the same words as the audit."""

from __future__ import annotations

from dataclasses import dataclass

from dataaudit.errors import InputError
from dataaudit.io.object_store import uri_protocol
from dataaudit.planning.capabilities import CLEAN_CAPABILITIES, LOCAL, TABLE, TEXT_FILE
from dataaudit.planning.options import CLEAN_BAD_ROWS, CleanOptions
from dataaudit.planning.plan import described, file_named_first, refuse_unfit
from dataaudit.rules.load import load_rules
from dataaudit.text.audit import text_layout


@dataclass(frozen=True)
class CleanPlan:
    """`kind` is `TABLE` or `TEXT_FILE`; `layout` the fine-tuning layout of a text file."""

    kind: str
    layout: str | None


def plan_clean(options: CleanOptions) -> CleanPlan:
    """The clean `options` ask for, or `InputError` naming the first option that does not apply
    to the input; a JSONL file's layout is detected from its first lines, as the audit does.
    An object-store URI is refused: the clean reads its input several times and writes beside it
    on this machine, so it cleans a local copy (`aws s3 cp`, `gsutil cp`)."""
    if options.bad_rows not in CLEAN_BAD_ROWS:
        raise InputError(f"bad_rows must be one of {', '.join(CLEAN_BAD_ROWS)}, not {options.bad_rows!r}")
    if uri_protocol(options.data) is not None:
        raise InputError(f"{options.data}: clean reads a local file; download it first (its outputs are local "
                         "files too)")
    layout, _ = text_layout(options.data, options.format_kind, load_rules(options.rules), options.prompt_key,
                            options.completion_key)
    kind = TABLE if layout is None else TEXT_FILE
    engine = options.engine or LOCAL
    with file_named_first(options.data):
        runs = CLEAN_CAPABILITIES["engine"]
        if engine not in runs.runs[kind]:
            raise InputError(f"{runs.flag} {engine} cannot clean {described(kind, layout)}: {runs.engine_note}")
        refuse_unfit(options.given(), CLEAN_CAPABILITIES, kind, engine, described(kind, layout))
    return CleanPlan(kind, layout)
