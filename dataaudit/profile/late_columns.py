"""A JSON Lines table's late keys profiled as the columns a clean writes them as.

A key first met past the lines the columns are read from (`io.late_cells`) is no column of
the batches, but a clean writes it as one, and its output's audit profiles that column. So its
cells, which the reader notes anyway for the rows' identities, are profiled here as a column's
are, by the same `ColumnPartial`: from the chunk holding its first line on, every chunk whose
lines hold it adds its cells (null on the lines without it). The rows of the chunks that hold
none of its lines (the first lines' chunk at least) miss it: they are counted as missing cells
when the profile is extracted (`filled`), once the rows in all are known, which depends on the
rows read alone, not on how they were chunked or which worker profiled them. A file without
late keys costs nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa

from dataaudit.profile.column import ColumnPartial
from dataaudit.profile.sketches import first_rows
from dataaudit.profile.spec import ProfileSpec


@dataclass
class LateColumns:
    """Per late key, its cells' statistics over the chunks that hold it (`columns`), the rows
    of those chunks (`spans`, as (first row, rows)), and where it was first met, (first row of
    that chunk, place among that chunk's late keys), which orders the keys as they were met."""

    columns: dict[str, ColumnPartial] = field(default_factory=dict)
    spans: dict[str, list[tuple[int, int]]] = field(default_factory=dict)
    first: dict[str, tuple[int, int]] = field(default_factory=dict)

    def add(self, late: pa.RecordBatch, offset: int, spec: ProfileSpec) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """Profile a chunk's late cells (`io.late_cells`), its first row `offset`; return each
        key's per-row value hashes and missing cells, as `ColumnPartial.add` gives them."""
        out = {}
        for place, (name, array) in enumerate(zip(late.schema.names, late.columns, strict=True)):
            column = self.columns.get(name)
            if column is None:
                column = self.columns[name] = ColumnPartial(name=name, count_all_values=False,
                                                            limit=spec.max_tracked_values, examples=spec.examples)
            hashes, missing, _ = column.add(array, offset, spec)
            self.spans.setdefault(name, []).append((offset, len(array)))
            self.first[name] = min(self.first.get(name, (offset, place)), (offset, place))
            out[name] = (hashes, missing)
        return out

    def merged(self, other: LateColumns) -> LateColumns:
        """The late keys of both partials' rows (disjoint): a key one of them never met is
        missing in its rows, which `filled` counts."""
        names = self.columns.keys() | other.columns.keys()
        return LateColumns(
            columns={name: self.columns[name].merged(other.columns[name])
                     if name in self.columns and name in other.columns
                     else self.columns.get(name) or other.columns[name] for name in names},
            spans={name: self.spans.get(name, []) + other.spans.get(name, []) for name in names},
            first={name: min(place, other.first.get(name, place))
                   for name, place in {**other.first, **self.first}.items()},
        )

    def filled(self, rows: int) -> list[ColumnPartial]:
        """Each key's column over all `rows` rows of the table, in the order the keys were met:
        the rows outside its chunks are missing cells, their first rows its first null rows."""
        out = []
        for name in sorted(self.columns, key=self.first.__getitem__):
            column = self.columns[name]
            spans = sorted(self.spans[name])
            absent = rows - sum(n for _, n in spans)
            if absent:
                column = replace(column, rows=column.rows + absent, nulls=column.nulls + absent,
                                 null_rows=first_rows(column.null_rows, _rows_outside(spans, rows, column.examples),
                                                      column.examples))
            out.append(column)
        return out


def _rows_outside(spans: list[tuple[int, int]], rows: int, k: int) -> list[int]:
    """The first `k` of the rows 0 to `rows` that none of the sorted `spans` holds."""
    found: list[int] = []
    start = 0
    for first, n in [*spans, (rows, 0)]:
        found.extend(range(start, min(first, start + k - len(found))))
        if len(found) >= k:
            break
        start = first + n
    return found
