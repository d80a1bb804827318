"""The accumulator of the one pass: create, add a chunk, merge, extract.

`PartialProfile` follows the combiner protocol of TFDV's statistics generators: a partial is
built from any subset of row chunks, two partials over disjoint rows merge into the partial of
their union, and `extract` turns the final one into the read-only `Profile` the checks use.
Merging is associative and commutative, so chunks may be profiled in any order, by any worker.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from dataaudit.io.json_strings import string_cells
from dataaudit.io.late_cells import late_cells
from dataaudit.profile.column import ColumnPartial
from dataaudit.profile.groups import GroupsPartial
from dataaudit.profile.headers import header_rows
from dataaudit.profile.json_strings import hashed_apart, read_as_other
from dataaudit.profile.late_columns import LateColumns
from dataaudit.profile.late_keys import features_and_whole, late_parts
from dataaudit.profile.periods import PeriodsPartial
from dataaudit.profile.rows import RowsPartial
from dataaudit.profile.sample import SamplePartial
from dataaudit.profile.spec import ProfileSpec, TextColumnAccumulator
from dataaudit.profile.spill import BucketedHashes, SpillPlan

#: threads that profile a chunk's columns side by side; a `--jobs` worker uses one, as its
#: sibling processes keep the other cores busy
COLUMN_THREADS = min(4, os.cpu_count() or 1)


@dataclass
class PartialProfile:
    spec: ProfileSpec
    columns: dict[str, ColumnPartial]
    rows: RowsPartial
    n_rows: int = 0
    sample: SamplePartial | None = None
    texts: list[TextColumnAccumulator] = field(default_factory=list)
    groups: list[GroupsPartial] = field(default_factory=list)
    periods: PeriodsPartial | None = None
    #: per JSON Lines column, its present cells that were JSON strings, and the columns where one
    #: of them reads as another JSON value (`"1"` beside `1`): a column of one text in two types
    #: holds two values (`json_mixed`)
    json_strings: dict[str, int] = field(default_factory=dict)
    read_as_other: set[str] = field(default_factory=set)
    #: a JSON Lines table's late keys, profiled as the columns a clean writes them as
    late: LateColumns = field(default_factory=LateColumns)

    @classmethod
    def create(cls, spec: ProfileSpec, column_names: list[str], spill: SpillPlan | None = None) -> PartialProfile:
        """An empty partial; `spill`: where its row hashes go past `spec.memory_budget` (none: they
        stay in memory)."""
        columns = {
            name: ColumnPartial.for_target(name, spec.max_tracked_labels, spec.examples)
            if spec.role(name) == "target" else
            ColumnPartial(name=name, count_all_values=False, limit=spec.max_tracked_values, examples=spec.examples)
            for name in column_names
        }
        sample = SamplePartial(spec.sample) if spec.sample is not None and spec.target in columns else None
        groups = [GroupsPartial(name) for name in spec.groups if name in columns]
        periods = None if spec.time is None else PeriodsPartial.create(
            spec.time, tuple(c for c in column_names if spec.role(c) == "feature" and c != spec.time.column.name),
            spec.target)
        rows = RowsPartial(examples=spec.examples, hashes=BucketedHashes(spec.memory_budget, spill))
        return cls(spec, columns, rows, sample=sample,
                   texts=[make() for make in spec.texts], groups=groups, periods=periods)

    def add(self, batch: pa.RecordBatch, offset: int) -> dict[str, np.ndarray]:
        """Profile one chunk whose first row is row `offset` of the dataset; return each
        column's per-row value hashes, for accumulators that build on them."""
        n = batch.num_rows
        names = batch.schema.names
        sentinels_before = {name: sum(self.columns[name].sentinels.values()) for name in names}
        outcomes = self._add_columns(batch, offset)
        hashes: dict[str, np.ndarray] = {}
        numbers: dict[str, np.ndarray] = {}
        missing = np.zeros(n, dtype=np.int64)
        labelled = np.zeros(n, dtype=bool)
        absent: dict[str, np.ndarray] = {}
        for name, (column_hashes, is_missing, column_numbers) in zip(names, outcomes, strict=True):
            hashes[name], numbers[name] = column_hashes, column_numbers
            absent[name] = is_missing
            if self.spec.role(name) == "feature":
                missing += is_missing
            elif self.spec.role(name) == "target":
                labelled = ~is_missing
        hashes = self._strings_apart(batch, hashes, absent)
        late = late_cells(batch)
        if late is not None:
            cells = self.late.add(late, offset, self.spec)
            self._strings_apart(late, {name: h for name, (h, _) in cells.items()},
                                {name: m for name, (_, m) in cells.items()})
        identity = [c for c in self.columns if self._in_identity(c)]
        features, whole = features_and_whole(hashes, identity, n, late_parts(batch, self._in_identity))
        target = self.spec.target
        label = hashes[target] if target in hashes else np.zeros(n, dtype=np.uint64)
        sentinel_cells = [((name, value), numbers[name] == value) for name in names
                          if self.spec.role(name) == "feature"
                          and sum(self.columns[name].sentinels.values()) > sentinels_before[name]
                          for value in self.spec.sentinels]
        self.rows.add(offset, features, label, whole, missing, [(cell, rows) for cell, rows in sentinel_cells
                                                                  if rows.any()], header_rows(batch))
        if self.sample is not None:
            kept = [c for c in names if self.spec.sampled(c)]
            self.sample.add(batch.select(kept), offset, label, labelled)
        for texts in self.texts:
            texts.add(batch, offset)
        for groups in self.groups:
            groups.add(hashes[groups.column], ~absent[groups.column], label, labelled, offset)
        if self.periods is not None:
            self.periods.add(batch, hashes, numbers)
        self.n_rows += n
        return hashes

    def _strings_apart(self, batch: pa.RecordBatch, hashes: dict[str, np.ndarray],
                       absent: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
        """`hashes` of `batch`'s columns with their JSON strings that read as another value
        hashed apart; counts each column's strings present and notes those where one reads so."""
        strings = string_cells(batch)
        apart = read_as_other(batch, strings, hashes)
        for name, cells in strings.items():
            self.json_strings[name] = self.json_strings.get(name, 0) + int(np.count_nonzero(cells & ~absent[name]))
            if name in apart and not absent[name][apart[name]].all():
                self.read_as_other.add(name)
        return hashed_apart(hashes, apart)

    def _in_identity(self, column: str) -> bool:
        """Whether `column` (or a late key) is part of a row's features' identity: a feature, or
        a key column (rows of two patients are no duplicate)."""
        return self.spec.role(column) == "feature" or column in self.spec.keys

    def _add_columns(self, batch: pa.RecordBatch, offset: int) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Columns of a chunk are profiled side by side (pyarrow and numpy release the GIL), by
        threads of this call alone: none outlives it, in the process that embeds the audit or
        in a worker, and the partial holds no pool, so it pickles to and from workers."""
        threads = max(1, min(COLUMN_THREADS, batch.num_columns))
        with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="dataaudit-column") as pool:
            return list(pool.map(lambda name, array: self.columns[name].add(array, offset, self.spec),
                                 batch.schema.names, batch.columns))

    def past_limit(self) -> frozenset[str]:
        """The columns past their distinct-value limit: all a later partial needs to `follow`
        this one, so a `--jobs` worker keeps these names rather than its whole previous partial."""
        return frozenset(name for name, column in self.columns.items() if column.value_counts is None)

    def follow(self, past_limit: frozenset[str]) -> None:
        """Start this empty partial, of rows after those of a partial whose `past_limit` this
        is, where that one left off in what holds for any later rows: a column past its
        distinct-value limit there is past it here too, so its values are taken cell by cell
        from this partial's first chunk on. A `--jobs` worker profiles each chunk into a partial
        of its own; without this every chunk built a hash table of such a column's values again
        (ids, free text), most of the workers' extra CPU over one process. The merged profile is
        the same either way: a column's counts merged with a partial past its limit are past it."""
        for name in past_limit:
            self.columns[name].value_counts = None

    def merged(self, other: PartialProfile) -> PartialProfile:
        return PartialProfile(
            spec=self.spec,
            columns={name: col.merged(other.columns[name]) for name, col in self.columns.items()},
            rows=self.rows.merged(other.rows),
            n_rows=self.n_rows + other.n_rows,
            sample=None if self.sample is None else self.sample.merged(other.sample),
            texts=[mine.merged(theirs) for mine, theirs in zip(self.texts, other.texts, strict=True)],
            groups=[mine.merged(theirs) for mine, theirs in zip(self.groups, other.groups, strict=True)],
            periods=None if self.periods is None or other.periods is None else self.periods.merged(other.periods),
            json_strings={name: self.json_strings.get(name, 0) + other.json_strings.get(name, 0)
                          for name in self.json_strings.keys() | other.json_strings.keys()},
            read_as_other=self.read_as_other | other.read_as_other,
            late=self.late.merged(other.late),
        )
