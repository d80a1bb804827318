"""Redaction of a table's text columns in the clean's writing pass: each personal value or
secret `clean --redact` names, in a cell of a column the audit profiles as text (named with
`--text-column` or found as free text), replaced by its placeholder (`dataaudit.pii.redact`).

Only those columns are read: an `email` column of a customer table is personal data by design,
which the table's own review decides, as the audit's scan decides. A cell without a value, and
every cell of the other columns, is handed on as it was, so the writer spells it as it would
without `--redact`. Redaction changes cells, never rows: nothing is quarantined for it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import pyarrow as pa

from dataaudit.io.strings import is_text_type
from dataaudit.pii.detect import DEFAULT_REGIONS, Found
from dataaudit.pii.redact import redact
from dataaudit.preprocess.base import encoded_as, replace_column
from dataaudit.profile.pii import PII_KINDS


@dataclass
class TableRedaction:
    """The kinds to replace in `columns`, and what was replaced: per kind and column, as the
    fine-tuning clean counts per kind and role; `rows` that had at least one."""

    kinds: frozenset[str]
    columns: tuple[str, ...]
    regions: tuple[str, ...] = DEFAULT_REGIONS
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    rows: int = 0

    def apply(self, batch: pa.RecordBatch) -> pa.RecordBatch:
        """`batch` with the values replaced in its text columns; a column without any is the
        same array."""
        touched = [False] * batch.num_rows
        for name in self.columns:
            index = batch.schema.get_field_index(name)
            if index < 0 or not is_text_type(batch.column(index).type):
                continue
            array = batch.column(index)
            values = array.to_pylist()
            changed = False
            # a dictionary-encoded column repeats its values: each distinct one is read once
            seen: dict[str, tuple[str, list[Found]]] = {}
            for row, value in enumerate(values):
                if not value:
                    continue
                if value not in seen:
                    seen[value] = redact(value, self.kinds, self.regions)
                cleaned, found = seen[value]
                if not found:
                    continue
                values[row], touched[row], changed = cleaned, True, True
                for f in found:
                    self.counts.setdefault(f.kind, Counter())[name] += 1
            if changed:
                batch = replace_column(batch, name, _same_type(values, array.type, name))
        self.rows += sum(touched)
        return batch

    def manifest(self) -> dict[str, dict[str, int]]:
        """The replacements per kind (in the report's order of kinds) and column."""
        return {kind: dict(sorted(self.counts[kind].items())) for kind in PII_KINDS if kind in self.counts}

    def asked(self) -> list[str]:
        return [kind for kind in PII_KINDS if kind in self.kinds]


def _same_type(values: list[str | None], kind: pa.DataType, column: str) -> pa.Array:
    """`values` as an array of the column's own type: a dictionary-encoded column re-encoded with
    its index and value types."""
    return encoded_as(pa.array(values, kind.value_type if pa.types.is_dictionary(kind) else kind), kind, column)
