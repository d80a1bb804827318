"""Per-row identities a split comparison needs beyond the profile: which rows of one split
reappear in another, and which groups (patients, users, documents) they belong to.

The feature key of a row is hashed over the feature columns every split shares, in the
reference split's column order, so a split with an extra, missing or reordered column still
compares row for row on what the splits have in common. Merging concatenates blocks of
consecutive rows, so nothing is approximated and any chunking gives the same arrays.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa

from dataaudit.profile import values as v
from dataaudit.profile.extract import extract
from dataaudit.profile.model import Profile
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.rows import combine
from dataaudit.profile.spec import ProfileSpec


@dataclass(frozen=True)
class KeySpec:
    """What identifies a row across splits: the shared feature columns (reference order), the
    target and the optional group column."""

    features: tuple[str, ...]
    target: str | None = None
    group: str | None = None


@dataclass
class KeyBlock:
    start: int
    features: np.ndarray
    label: np.ndarray
    group: np.ndarray | None


@dataclass(frozen=True)
class RowKeys:
    """Per-row hashes of one split, in row order (row i is data row i of the split)."""

    features: np.ndarray
    label: np.ndarray
    group: np.ndarray | None


@dataclass
class KeysPartial:
    spec: KeySpec
    blocks: list[KeyBlock] = field(default_factory=list)

    def add(self, hashes: dict[str, np.ndarray], offset: int, n: int) -> None:
        spec = self.spec
        features = combine([hashes[c] for c in spec.features], n)
        label = hashes[spec.target] if spec.target in hashes else np.full(n, v.NULL_HASH, dtype=np.uint64)
        group = hashes[spec.group] if spec.group is not None else None
        self.blocks.append(KeyBlock(offset, features, label, group))

    def merged(self, other: KeysPartial) -> KeysPartial:
        return KeysPartial(self.spec, self.blocks + other.blocks)

    def extract(self) -> RowKeys:
        blocks = sorted(self.blocks, key=lambda b: b.start)
        empty = np.zeros(0, dtype=np.uint64)

        def joined(arrays: list[np.ndarray]) -> np.ndarray:
            return np.concatenate(arrays) if arrays else empty

        group = None if self.spec.group is None else joined([b.group for b in blocks])
        return RowKeys(joined([b.features for b in blocks]), joined([b.label for b in blocks]), group)


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
    keys: RowKeys


def extract_split(name: str, partial: SplitPartial, source: dict | None = None) -> SplitProfile:
    return SplitProfile(name, extract(partial.profile, source), partial.keys.extract())
