"""Per-row identities a split comparison needs beyond the profile: which rows of one split
reappear in another, and which groups (patients, users, documents) they belong to.

The feature key of a row of a split is hashed over the feature columns that split shares with
the reference, in the reference's column order, so a split with an extra, missing or reordered
column still compares row for row on what it has in common with the reference. The reference's
pass hashes its rows once for each such set of columns: a validation split that lacks a column
must not narrow the test split's comparison to the columns it keeps. Merging concatenates blocks
of consecutive rows, so nothing is approximated and any chunking gives the same arrays.

The comparison reads the keys through `KeyTable`, a few relational steps (semi and anti joins,
counts, the first rows): `RowKeys` does them on arrays in memory, the Spark engine's key table
as joins on the cluster, so that the comparison is written once and the rows of a split on Spark
never reach the driver.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

import numpy as np
import pyarrow as pa

from dataaudit.profile import values as v
from dataaudit.profile.model import Profile
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.rows import combine
from dataaudit.profile.spec import ProfileSpec


@dataclass(frozen=True)
class KeySpec:
    """What identifies a row across splits: the shared feature columns (reference order) of each
    set a row is hashed over (a split's one, the reference's one for each split's set), the
    target and the optional group column."""

    feature_sets: tuple[tuple[str, ...], ...]
    target: str | None = None
    group: str | None = None


def feature_sets(features: Mapping[str, tuple[str, ...]]) -> tuple[tuple[str, ...], ...]:
    """The different sets of columns the splits share with the reference (`features`: by split,
    as `shared_features` gives them), in the splits' order: the sets the reference's rows are
    hashed over, the first always (a reference alone is hashed over no column)."""
    return tuple(dict.fromkeys(features.values())) or ((),)


@dataclass
class KeyBlock:
    start: int
    features: tuple[np.ndarray, ...]  # one hash array per feature set of the `KeySpec`
    label: np.ndarray
    group: np.ndarray | None


class KeyTable(Protocol):
    """One split's row keys (`row`, `features`, `label`, `group`), wherever its engine holds them.
    Every step returns a new table; only `count`, `distinct`, `first_rows` and
    `first_with_sources` bring anything back, and never more than `k` rows."""

    def keyed(self, feature_set: int) -> KeyTable:
        """The rows with `features` hashed over the `feature_set`-th set of their `KeySpec` (the
        first, of a split's one set, is the table as its pass gave it): the first step taken."""
        ...

    def relabelled(self, folded: Mapping[int, int] | None) -> KeyTable:
        """Labels as their folded hash (`folded`: raw hash -> folded hash, absent: 0, no label);
        `None`: a target too varied to fold keeps its raw hash, 0 where missing."""
        ...

    def labelled(self) -> KeyTable:
        """The rows with a label (after `relabelled`)."""
        ...

    def grouped(self) -> KeyTable:
        """The rows with a group."""
        ...

    def semi(self, other: KeyTable, on: tuple[str, ...]) -> KeyTable:
        """The rows whose `on` columns equal those of some row of `other`."""
        ...

    def anti(self, other: KeyTable, on: tuple[str, ...]) -> KeyTable:
        """The rows whose `on` columns equal those of no row of `other`."""
        ...

    def count(self) -> int: ...

    def distinct(self, column: str) -> int:
        """How many different values `column` holds."""
        ...

    def first_rows(self, k: int) -> np.ndarray:
        """The first `k` row numbers, ascending."""
        ...

    def first_with_sources(self, reference: KeyTable, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The first `k` row numbers, each with the first row of `reference` with equal features."""
        ...


def isin(values: np.ndarray, pool: np.ndarray) -> np.ndarray:
    """Membership through pandas' hash table: linear, where numpy would sort. pandas is imported
    by the functions that compare splits, so that a single table's audit never loads it."""
    import pandas as pd

    return pd.Series(values, copy=False).isin(pd.Series(pool, copy=False)).to_numpy()


@dataclass(frozen=True)
class RowKeys:
    """Per-row hashes of one split in memory, in row order: the local engine's `KeyTable`.
    `row` holds the rows' numbers once steps have left some out (by default row i is data row i)."""

    features: np.ndarray
    label: np.ndarray
    group: np.ndarray | None
    row: np.ndarray | None = None
    other_sets: tuple[np.ndarray, ...] = ()  # the features hashed over the later feature sets

    def keyed(self, feature_set: int) -> RowKeys:
        if not feature_set:
            return self
        assert self.row is None, "keyed before any other step"
        return RowKeys(self.other_sets[feature_set - 1], self.label, self.group)

    def relabelled(self, folded: Mapping[int, int] | None) -> RowKeys:
        raw = self.label
        if folded is None:
            label = np.where(raw == v.NULL_HASH, np.uint64(0), raw)
        elif not folded:
            label = np.zeros(raw.shape, dtype=np.uint64)
        else:
            hashes = np.fromiter(folded.keys(), dtype=np.uint64, count=len(folded))
            values = np.fromiter(folded.values(), dtype=np.uint64, count=len(folded))
            import pandas as pd

            index = pd.Index(hashes).get_indexer(raw)
            label = np.where(index >= 0, values[np.maximum(index, 0)], np.uint64(0))
        return RowKeys(self.features, label, self.group, self.row)

    def labelled(self) -> RowKeys:
        return self._where(self.label != 0)

    def grouped(self) -> RowKeys:
        assert self.group is not None
        return self._where(self.group != v.NULL_HASH)

    def semi(self, other: KeyTable, on: tuple[str, ...]) -> RowKeys:
        return self._where(isin(self._key(on), _in_memory(other)._key(on)))

    def anti(self, other: KeyTable, on: tuple[str, ...]) -> RowKeys:
        return self._where(~isin(self._key(on), _in_memory(other)._key(on)))

    def count(self) -> int:
        return len(self.features)

    def distinct(self, column: str) -> int:
        import pandas as pd

        return len(pd.unique(self._key((column,))))

    def first_rows(self, k: int) -> np.ndarray:
        return self._rows()[:k]

    def first_with_sources(self, reference: KeyTable, k: int) -> tuple[np.ndarray, np.ndarray]:
        import pandas as pd

        ref = _in_memory(reference)
        firsts = pd.Series(ref._rows(), index=ref.features, copy=False)
        firsts = firsts[~firsts.index.duplicated(keep="first")]
        return self.first_rows(k), firsts.reindex(self.features[:k]).to_numpy(dtype=np.int64)

    def _rows(self) -> np.ndarray:
        return np.arange(len(self.features), dtype=np.int64) if self.row is None else self.row

    def _where(self, mask: np.ndarray) -> RowKeys:
        group = None if self.group is None else self.group[mask]
        return RowKeys(self.features[mask], self.label[mask], group, self._rows()[mask])

    def _key(self, on: tuple[str, ...]) -> np.ndarray:
        columns = [getattr(self, name) for name in on]
        return columns[0] if len(columns) == 1 else combine(columns, len(self.features))


def _in_memory(keys: KeyTable) -> RowKeys:
    """Keys of one engine are compared with keys of the same engine only."""
    assert isinstance(keys, RowKeys)
    return keys


@dataclass
class KeysPartial:
    spec: KeySpec
    blocks: list[KeyBlock] = field(default_factory=list)

    def add(self, hashes: dict[str, np.ndarray], offset: int, n: int) -> None:
        spec = self.spec
        features = tuple(combine([hashes[c] for c in columns], n) for columns in spec.feature_sets)
        label = hashes[spec.target] if spec.target in hashes else np.full(n, v.NULL_HASH, dtype=np.uint64)
        group = hashes[spec.group] if spec.group is not None else None
        self.blocks.append(KeyBlock(offset, features, label, group))

    def merged(self, other: KeysPartial) -> KeysPartial:
        return KeysPartial(self.spec, self.blocks + other.blocks)

    def take(self) -> list[KeyBlock]:
        """The blocks, taken out of this value: for an engine that keeps the keys elsewhere
        (Spark leaves them on its executors), so the partial it ships holds none."""
        blocks, self.blocks = self.blocks, []
        return blocks

    def extract(self) -> RowKeys:
        blocks = sorted(self.blocks, key=lambda b: b.start)
        empty = np.zeros(0, dtype=np.uint64)

        def joined(arrays: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(arrays) if arrays else empty

        group = None if self.spec.group is None else joined([b.group for b in blocks])
        first, *others = (joined([b.features[k] for b in blocks]) for k in range(len(self.spec.feature_sets)))
        return RowKeys(first, joined([b.label for b in blocks]), group, other_sets=tuple(others))


@dataclass
class SplitPartial:
    """The accumulator of one split's pass: its profile and its row keys, built side by side
    from the same value hashes."""

    profile: PartialProfile
    keys: KeysPartial

    @classmethod
    def create(cls, spec: ProfileSpec, keys: KeySpec, columns: list[str]) -> SplitPartial:
        return cls(PartialProfile.create(spec, columns), KeysPartial(keys))

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        hashes = self.profile.add(batch, offset)
        self.keys.add(hashes, offset, batch.num_rows)

    def merged(self, other: SplitPartial) -> SplitPartial:
        return SplitPartial(self.profile.merged(other.profile), self.keys.merged(other.keys))


@dataclass(frozen=True)
class SplitProfile:
    """One split as the comparison sees it: its name, profile and row keys."""

    name: str
    profile: Profile
    keys: KeyTable

