"""A table's malformed rows in a clean's quarantine (`--bad-rows quarantine`).

A malformed row (a CSV row of more or fewer fields than the header, a JSON Lines line that is no
JSON object) has no values to put in the columns, so it cannot keep a well-formed row's shape.
As Spark's PERMISSIVE mode keeps such a record's text in a column of its own, the quarantine
holds it as its text, byte for byte (`_text`), with the file line it starts on (`_line`), its
reason `malformed_row` with what is wrong with it and null in every other column; a well-formed
row quarantined beside it keeps its values, with `_line` and `_text` null. Without the option
the quarantine has neither column, and a malformed row stops the clean as it stops the audit.
"""

from __future__ import annotations

from collections.abc import Sequence

import pyarrow as pa

from dataaudit.io import RowProblem
from dataaudit.preprocess.base import Tally

QUARANTINE = "quarantine"  # a clean's `bad_rows` (`CLEAN_BAD_ROWS`) that quarantines malformed rows
STEP = "malformed_rows"
REASON = "malformed_row"
LINE_COLUMN, TEXT_COLUMN = "_line", "_text"
FIELDS = (pa.field(LINE_COLUMN, pa.int64()), pa.field(TEXT_COLUMN, pa.string()))


def fields(bad_rows: str) -> list[pa.Field]:
    """The quarantine's columns after `_row` and `_reason` a clean with `bad_rows` writes."""
    return list(FIELDS) if bad_rows == QUARANTINE else []


def reasons(rows: Sequence[RowProblem]) -> dict[str, int]:
    """The manifest's count of malformed rows by reason: none when there are none."""
    return {REASON: len(rows)} if rows else {}


def tally(rows: Sequence[RowProblem]) -> Tally:
    """The steps table's row of the malformed rows: each quarantined, none changed."""
    return Tally(rows_quarantined=len(rows))


def with_no_origin(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Quarantined well-formed rows with `_line` and `_text` null: their values are their text."""
    for field in FIELDS:
        batch = batch.append_column(field, pa.nulls(batch.num_rows, field.type))
    return batch


def malformed_batch(rows: Sequence[RowProblem], schema: pa.Schema, row_column: str,
                    reason_column: str) -> pa.RecordBatch:
    """`rows` as quarantine rows of `schema`: null but for the reason (with the reader's problem,
    as a suspected label's has its score), the line and the whole text."""
    values = {row_column: pa.nulls(len(rows), pa.int64()),
              reason_column: pa.array([f"{REASON} ({row.problem})" for row in rows], pa.string()),
              LINE_COLUMN: pa.array([row.line for row in rows], pa.int64()),
              TEXT_COLUMN: pa.array([row.raw for row in rows], pa.string())}
    return pa.RecordBatch.from_arrays([values.get(f.name, pa.nulls(len(rows), f.type)) for f in schema],
                                      schema=schema)
