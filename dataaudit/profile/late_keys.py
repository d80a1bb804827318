"""A JSON Lines line's late keys are part of its row's identity.

A key first met past the lines the columns are read from is no column of the audit, but a
clean writes it as one: two lines that differ only in its value are two rows there, as they
are in the file. The reader notes a batch's late keys' cells (`io.late_cells`); each present
cell (neither null nor missing: both are no value, as in a column) makes a pair of its key and
its value's hash, the hash a column of that key would give it (JSON strings kept apart where the
identities keep them). A row's pairs are summed, so the sum depends on which pairs the row holds,
not on the order the keys were met in, and folded into the row's identity: a row without a late
key keeps the identity it has, and a file without any costs nothing. Two rows then share an
identity exactly when a table holding the late keys as columns holds them alike.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from dataaudit.io.json_strings import string_cells
from dataaudit.io.late_cells import late_cells
from dataaudit.profile.json_strings import strings_kept_apart
from dataaudit.profile.rows import combine
from dataaudit.profile.siphash import hash_texts, mix
from dataaudit.profile.values import NULL_HASH, cell_hashes


@dataclass(frozen=True)
class LateParts:
    """Per row of a batch, the sum of its late pairs: of the keys in the features' identity
    (`features`), and of the others (`rest`, ignored keys, in the whole row's identity only);
    0 where a row holds none."""

    features: np.ndarray
    rest: np.ndarray

    def take(self, rows: np.ndarray) -> LateParts:
        return LateParts(self.features[rows], self.rest[rows])

    @staticmethod
    def joined(parts: list[LateParts | None], sizes: list[int]) -> LateParts | None:
        """The parts of consecutive rows, `sizes` rows each, joined; None where none holds a pair."""
        if all(part is None for part in parts):
            return None
        held = [part or _none(size) for part, size in zip(parts, sizes, strict=True)]
        return LateParts(np.concatenate([p.features for p in held]), np.concatenate([p.rest for p in held]))


def _none(rows: int) -> LateParts:
    return LateParts(np.zeros(rows, dtype=np.uint64), np.zeros(rows, dtype=np.uint64))


def late_parts(batch: pa.RecordBatch, in_features: Callable[[str], bool], typed: bool = True) -> LateParts | None:
    """The late pairs of `batch`'s rows (None: its lines hold no late key). `in_features` tells
    a key of the features' identity from an ignored one; `typed`: whether a JSON string is kept
    apart from the number or literal of the same text, as the identities of the columns are."""
    late = late_cells(batch)
    if late is None:
        return None
    hashes = {name: cell_hashes(late.column(name)) for name in late.schema.names}
    if typed:
        hashes = strings_kept_apart(hashes, late, string_cells(late))
    return summed_pairs(hashes, in_features, batch.num_rows)


def summed_pairs(hashes: Mapping[str, np.ndarray], in_features: Callable[[str], bool], n: int) -> LateParts:
    """The late pairs of `n` rows from each late key's cell `hashes` (a column's hashes of its
    cells, `cell_hashes`): a clean that holds the late keys as columns, cleaned, folds them as
    the audit folds the keys' cells as read."""
    parts = _none(n)
    for name, cells in hashes.items():
        present = cells != NULL_HASH
        pairs = mix(cells[present] ^ hash_texts(pa.array([name], pa.string()))[0])
        into = parts.features if in_features(name) else parts.rest
        into[present] += pairs
    return parts


def features_and_whole(hashes: Mapping[str, np.ndarray], identity: list[str], n: int,
                       late: LateParts | None) -> tuple[np.ndarray, np.ndarray]:
    """The features' and the whole row's identities of `n` rows from each column's cell
    `hashes`, those of the `identity` columns making the features', with the `late` pairs folded
    in: the audit's fold, which a clean's must match for its identities to compare."""
    features = combine([hashes[c] for c in identity], n)
    if late is not None:
        features = folded(features, late.features)
    # the whole row folds in the features' hash and the other columns', not every column again
    whole = combine([features, *(h for c, h in hashes.items() if c not in identity)], n)
    return features, whole if late is None else folded(whole, late.rest)


def folded(identity: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """`identity` (a hash per row) with the rows holding late `pairs` folded with them; the
    other rows keep theirs."""
    rows = np.flatnonzero(pairs)
    if not rows.size:
        return identity
    out = identity.copy()
    out[rows] = combine([identity[rows], pairs[rows]], rows.size)
    return out
