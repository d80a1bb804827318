"""The keys of a JSON Lines table first met past the lines its columns are read from.

The reader takes a JSONL file's columns from its first chunk of lines, and a key first met
later is left out of the audit (its `source.late_keys` finding names it). A clean must not drop its
values: its audit has read the whole file before the writing pass, so the output's columns can
be every key the file has. These keys are written as the reader would have read them (text,
JSON for numbers and nested values), in the order they first appear, after the columns, empty
on the lines without them (read beside the batches by `json_cells.line_cells`). A JSONL output keeps
them itself, with their JSON types and where each line has them.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator, Sequence
from pathlib import Path

import pyarrow as pa

from dataaudit.errors import InputError, quoted
from dataaudit.io.decoding import text_codec


def _objects(path: str | Path, encoding: str | None) -> Iterator[tuple[int, dict | None]]:
    """Each data line (blank lines skipped, as the reader skips them) with its line number and
    its object, None for a line that is not one (the reader has already refused or reported it)."""
    with pa.input_stream(str(path), compression="detect") as stream, \
            io.TextIOWrapper(stream, encoding=text_codec(encoding)) as handle:
        for line_no, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except (json.JSONDecodeError, RecursionError):
                record = None
            yield line_no, record if isinstance(record, dict) else None


def late_keys(path: str | Path, encoding: str | None, columns: Sequence[str]) -> dict[str, int]:
    """Every key of the file that is none of `columns`, in the order of first appearance, with
    the line it first appears on."""
    known = set(columns)
    found: dict[str, int] = {}
    for line_no, record in _objects(path, encoding):
        if record is not None and not known.issuperset(record):
            for key in record:
                if key not in known:
                    found.setdefault(key, line_no)
    return found


def with_late(batch: pa.RecordBatch, keys: Sequence[str], rows: list[list[str | None]]) -> pa.RecordBatch:
    """`batch` with a text column per key of `keys`, from `rows` (one per row of `batch`)."""
    for i, key in enumerate(keys):
        batch = batch.append_column(key, pa.array([row[i] for row in rows], pa.string()))
    return batch


def refuse_taken(keys: dict[str, int], taken: Sequence[str], name: str) -> None:
    """A late key that a column of the output already names (one a step adds, or the quarantine's
    `_row` and `_reason`) cannot be written beside it: refused, not dropped."""
    clash = next((key for key in keys if key in set(taken)), None)
    if clash is not None:
        raise InputError(f"{name}:{keys[clash]}: key {quoted(clash)}, first on this line, is also a column "
                         "the cleaned file or quarantine writes; rename the key to clean this file")
