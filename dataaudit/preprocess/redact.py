"""Redaction of a table's text columns in the clean's writing pass: each personal value or
secret `clean --redact` names, in a cell of a column the audit profiles as text (named with
`--text-column` or found as free text), replaced by its placeholder (`dataaudit.pii.redact`).

Only those columns are read: an `email` column of a customer table is personal data by design,
which the table's own review decides, as the audit's scan decides. A cell without a value, and
every cell of the other columns, is handed on as it was, so the writer spells it as it would
without `--redact`. Redaction changes cells, never rows: nothing is quarantined for it.

A nested value keeps its type: in a Parquet list, struct or map column each string leaf is
redacted where it is (`leaves.py`), and a JSON Lines object or array, which the reader hands on
as its JSON text, has each value cut out of its strings in that text, and in the line's own
JSON of it for a JSONL output, which writes it back as an object or an array. Keys are kept
whole; a key holding a value, and a layout the walk cannot rebuild, are named in the notes.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from dataaudit.io.strings import is_text_type
from dataaudit.pii.detect import DEFAULT_REGIONS, Found
from dataaudit.pii.json_strings import redact_json
from dataaudit.pii.redact import redact
from dataaudit.preprocess.base import Tally, decoded, encoded_as, replace_column
from dataaudit.preprocess.json_cells import TypedCells
from dataaudit.preprocess.leaves import Unwalkable, rewrite_leaves
from dataaudit.profile.pii import PII_KINDS

STEP = "redact"
_CONTAINER = ("{", "[")  # how the JSON text of an object or an array starts
#: the note naming the columns where a key holds a value found: two keys made one placeholder
#: would be one key, the object's other value lost
KEY_KEPT = "keys holding personal data or secrets left as they are (a key is kept whole)"


@dataclass
class TableRedaction:
    """The kinds to replace in `columns`, and what was replaced: per kind and column, as the
    fine-tuning clean counts per kind and role; `rows` that had at least one; `cells` per
    column that had one. `nested` are the JSON Lines columns that may hold objects or arrays
    as their JSON text (`Source.json_nested`, the late keys)."""

    kinds: frozenset[str]
    columns: tuple[str, ...]
    regions: tuple[str, ...] = DEFAULT_REGIONS
    nested: frozenset[str] = frozenset()
    counts: dict[str, Counter[str]] = field(default_factory=dict)
    rows: int = 0
    cells: Counter[str] = field(default_factory=Counter)
    notes: list[str] = field(default_factory=list)

    def apply(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None, written: bool = False
              ) -> tuple[pa.RecordBatch, list[TypedCells] | None]:
        """`batch` with the values replaced in its text columns (a column without any is the
        same array), and `typed`, a JSONL input's cells of its rows, which tell an object or an
        array from a string, with each redacted object or array as it will be `written` (to a
        JSONL output)."""
        touched = np.zeros(batch.num_rows, dtype=bool)
        for name in self.columns:
            index = batch.schema.get_field_index(name)
            if index < 0:
                continue
            array = batch.column(index)
            if pa.types.is_nested(array.type):
                redacted = self._nested(name, array)
            elif not is_text_type(array.type):
                continue
            elif name in self.nested:
                redacted, typed = self._json_cells(name, array, typed, written)
            else:
                redacted = self._strings(name, array)
            if redacted is None:
                continue
            rewritten, counts = redacted
            changed = counts.any(axis=1)
            if not changed.any():
                continue
            touched |= changed
            self.cells[name] += int(changed.sum())
            for kind, n in zip(self.asked(), counts.sum(axis=0).tolist(), strict=True):
                if n:
                    self.counts.setdefault(kind, Counter())[name] += n
            if rewritten is not array:
                batch = replace_column(batch, name, rewritten)
        self.rows += int(touched.sum())
        return batch, typed

    def _strings(self, name: str, array: pa.Array) -> tuple[pa.Array, np.ndarray]:
        """A text column redacted, with its counts per row and kind."""
        values = decoded(array).to_pylist()
        counts = self._counts(len(values))
        # a dictionary-encoded column repeats its values: each distinct one is read once
        seen: dict[str, tuple[str, list[Found]]] = {}
        changed = False
        for row, value in enumerate(values):
            if not value:
                continue
            if value not in seen:
                seen[value] = redact(value, self.kinds, self.regions)
            cleaned, found = seen[value]
            if not found:
                continue
            values[row], changed = cleaned, True
            self._count(counts, row, found)
        if not changed:
            return array, counts
        return _same_type(values, array.type, name), counts

    def _json_cells(self, name: str, array: pa.Array, typed: list[TypedCells] | None, written: bool
                    ) -> tuple[tuple[pa.Array, np.ndarray], list[TypedCells] | None]:
        """A JSONL column that may hold objects or arrays as their JSON text, redacted, with its
        counts per row and kind: an object or an array inside its strings, keys kept, any other
        value as text, a string that reads as JSON too; the line's own cells (`typed`) tell
        which is which, else (standard input) a text that parses as an object or an array is
        one. For a JSONL output (`written`), an object or an array is redacted and counted in
        the JSON the line wrote it in, which the writer writes back: there a key written twice
        holds both its values, of which the reader's text keeps the last."""
        values = decoded(array).to_pylist()
        counts = self._counts(len(values))
        out = None if typed is None else list(typed)
        changed = False
        for row, value in enumerate(values):
            if not value:
                continue
            kept = None if typed is None else typed[row].typed.get(name)
            if typed is None:
                container = value.startswith(_CONTAINER) and _is_container(value)
            else:
                container = kept is not None and kept[1].startswith(_CONTAINER)
            if not container:
                cleaned, found = redact(value, self.kinds, self.regions)
            else:
                cleaned, found, in_key = redact_json(value, self.kinds, self.regions)
                if written and kept is not None:
                    written, found, in_written_key = redact_json(kept[1], self.kinds, self.regions)
                    in_key = in_key or in_written_key
                    if found:  # the line is no longer written back as read
                        out[row] = typed[row]._replace(typed={**typed[row].typed, name: (cleaned, written)}, line=None)
                if in_key:
                    self._note(KEY_KEPT, name)
            if not found:
                continue
            values[row], changed = cleaned, True
            self._count(counts, row, found)
        return ((_same_type(values, array.type, name) if changed else array), counts), out

    def _counts(self, rows: int) -> np.ndarray:
        """No value found yet: per row, per kind asked for."""
        return np.zeros((rows, len(self.asked())), dtype=np.int64)

    def _count(self, counts: np.ndarray, row: int, found: list[Found]) -> None:
        index = {kind: i for i, kind in enumerate(self.asked())}
        for f in found:
            counts[row, index[f.kind]] += 1

    def _nested(self, name: str, array: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
        """A Parquet nested column with its string leaves redacted, or None, said in the notes,
        where its layout cannot be rebuilt."""
        try:
            walked = rewrite_leaves(array, lambda leaf: self._strings(name, leaf), len(self.asked()))
        except Unwalkable:
            self._note("not redacted, a layout (a union, a list view) that cannot be rebuilt", name)
            return None
        if walked.in_keys:
            self._note(KEY_KEPT, name)
        return walked.array, walked.counts

    def _note(self, what: str, column: str) -> None:
        for i, note in enumerate(self.notes):
            if note.startswith(what + ": "):
                if column not in note[len(what) + 2:].split(", "):
                    self.notes[i] = f"{note}, {column}"
                return
        self.notes.append(f"{what}: {column}")

    def manifest(self) -> dict[str, dict[str, int]]:
        """The replacements per kind (in the report's order of kinds) and column."""
        return {kind: dict(sorted(self.counts[kind].items())) for kind in PII_KINDS if kind in self.counts}

    def asked(self) -> list[str]:
        return [kind for kind in PII_KINDS if kind in self.kinds]

    def tally(self) -> Tally:
        """The redaction as a step of the clean's report: rows and cells changed, and its notes."""
        return Tally(rows_changed=self.rows, cells=Counter(dict(self.cells)), notes=list(self.notes))


def _is_container(text: str) -> bool:
    """Whether `text` is the JSON of an object or an array (not a string that starts alike)."""
    try:
        return isinstance(json.loads(text), (dict, list))
    except ValueError:
        return False


def _same_type(values: list[str | None], kind: pa.DataType, column: str) -> pa.Array:
    """`values` as an array of the column's own type: a dictionary-encoded column re-encoded with
    its index and value types."""
    return encoded_as(pa.array(values, kind.value_type if pa.types.is_dictionary(kind) else kind), kind, column)
