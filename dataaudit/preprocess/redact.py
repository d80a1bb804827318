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

    def apply(self, batch: pa.RecordBatch, typed: list[TypedCells] | None = None
              ) -> tuple[pa.RecordBatch, list[TypedCells] | None]:
        """`batch` with the values replaced in its text columns (a column without any is the
        same array), and `typed`, a JSONL input's cells of its rows, with each redacted object
        or array as it will be written."""
        touched = np.zeros(batch.num_rows, dtype=bool)
        for name in self.columns:
            index = batch.schema.get_field_index(name)
            if index < 0:
                continue
            array = batch.column(index)
            if pa.types.is_nested(array.type):
                redacted = self._nested(name, array)
            elif is_text_type(array.type):
                redacted = self._strings(name, array, name in self.nested)
            else:
                continue
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
                if typed is not None and name in self.nested:
                    typed = self._as_written(name, rewritten, changed, typed)
        self.rows += int(touched.sum())
        return batch, typed

    def _strings(self, name: str, array: pa.Array, json_cells: bool) -> tuple[pa.Array, np.ndarray]:
        """A text column redacted, with its counts per row and kind; in `json_cells`, a cell
        holding an object's or an array's JSON is redacted inside its strings."""
        values = decoded(array).to_pylist()
        counts = np.zeros((len(values), len(self.asked())), dtype=np.int64)
        index = {kind: i for i, kind in enumerate(self.asked())}
        # a dictionary-encoded column repeats its values: each distinct one is read once
        seen: dict[str, tuple[str, list[Found]]] = {}
        changed = False
        for row, value in enumerate(values):
            if not value:
                continue
            if value not in seen:
                seen[value] = self._redacted(name, value, json_cells)
            cleaned, found = seen[value]
            if not found:
                continue
            values[row], changed = cleaned, True
            for f in found:
                counts[row, index[f.kind]] += 1
        if not changed:
            return array, counts
        return _same_type(values, array.type, name), counts

    def _redacted(self, name: str, value: str, json_cells: bool) -> tuple[str, list[Found]]:
        if json_cells and value.startswith(_CONTAINER) and _is_container(value):
            cleaned, found, in_key = redact_json(value, self.kinds, self.regions)
            if in_key:
                self._note("keys holding personal data or secrets left as they are (a key is kept whole)", name)
            return cleaned, found
        return redact(value, self.kinds, self.regions)

    def _nested(self, name: str, array: pa.Array) -> tuple[pa.Array, np.ndarray] | None:
        """A Parquet nested column with its string leaves redacted, or None, said in the notes,
        where its layout cannot be rebuilt."""
        try:
            walked = rewrite_leaves(array, lambda leaf: self._strings(name, leaf, False), len(self.asked()))
        except Unwalkable:
            self._note("not redacted, a layout (a union, a list view) that cannot be rebuilt", name)
            return None
        if walked.in_keys:
            self._note("keys holding personal data or secrets left as they are (a key is kept whole)", name)
        return walked.array, walked.counts

    def _as_written(self, name: str, texts: pa.Array, changed: np.ndarray,
                    typed: list[TypedCells]) -> list[TypedCells]:
        """`typed` with each changed object or array of column `name` redacted in the JSON the
        line writes it in, so the writer writes it back as that value, redacted, not as a string."""
        out = list(typed)
        for row in np.flatnonzero(changed).tolist():
            cells = out[row]
            kept = cells.typed.get(name)
            if kept is None or not kept[1].startswith(_CONTAINER):
                continue  # a string that reads as JSON: written as the string it is
            written = redact_json(kept[1], self.kinds, self.regions)[0]
            out[row] = cells._replace(typed={**cells.typed, name: (texts[row].as_py(), written)})
        return out

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
