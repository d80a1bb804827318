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

from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.pii.redact import redact
from dataaudit.preprocess.base import is_text, replace_column
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
            if index < 0 or not is_text(batch.column(index)):
                continue
            array = batch.column(index)
            values = array.to_pylist()
            changed = False
            for row, value in enumerate(values):
                if not value:
                    continue
                cleaned, found = redact(value, self.kinds, self.regions)
                if not found:
                    continue
                values[row], touched[row], changed = cleaned, True, True
                for f in found:
                    self.counts.setdefault(f.kind, Counter())[name] += 1
            if changed:
                batch = replace_column(batch, name, pa.array(values, array.type))
        self.rows += sum(touched)
        return batch

    def manifest(self) -> dict[str, dict[str, int]]:
        """The replacements per kind (in the report's order of kinds) and column."""
        return {kind: dict(sorted(self.counts[kind].items())) for kind in PII_KINDS if kind in self.counts}

    def asked(self) -> list[str]:
        return [kind for kind in PII_KINDS if kind in self.kinds]
