"""Duplicate rows and conflicting labels, from the per-row hashes of the whole dataset."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from dataaudit.arrays import factorize, first_of_each, repeated_and_distinct
from dataaudit.profile.model import ConflictGroup, DuplicateProfile
from dataaudit.profile.rows import combine


def find_duplicates(rows: np.ndarray, features: np.ndarray, labels: np.ndarray, whole: np.ndarray,
                    label_keys: dict[int, str], k: int) -> DuplicateProfile:
    """Count repeats of whole rows and of (features, folded label), and label conflicts.

    `label_keys` maps a row's label hash to its folded label; a row whose hash is absent has a
    missing label and takes part in no conflict.

    Rows that repeat or contradict one another have equal features (the whole row's hash
    folds in the features' hash), so the rows whose features recur, usually a small share,
    are found first, by a sort that needs no order of the rows, and the rest of the search
    runs on them alone, put in row order (examples are first occurrences). The rows may come
    in any order.
    """
    keys = sorted(set(label_keys.values()))
    key_code = {key: i for i, key in enumerate(keys)}
    hashes = np.array(list(label_keys), dtype=np.uint64)
    codes_of_hash = np.array([key_code[label_keys[int(h)]] for h in hashes], dtype=np.int64)
    shared, distinct_features = repeated_and_distinct(features)
    recur = np.flatnonzero(shared)
    recur = recur[np.argsort(rows[recur])]  # row numbers are distinct: any sort orders them alike
    rows, features, labels, whole = rows[recur], features[recur], labels[recur], whole[recur]
    label_code = _lookup(labels, hashes, codes_of_hash)

    whole_seen = FirstSeen.of(whole)
    exact = whole_seen.repeated()
    label_seen = FirstSeen.of(combine([features, label_code.astype(np.uint64)], len(rows)))
    feature = label_seen.repeated()
    groups, involved, examples = _conflicts(rows, features, label_code, keys, k)
    return DuplicateProfile(
        exact_rows=int(exact.sum()),
        exact_examples=whole_seen.pairs(rows, exact, k),
        feature_rows=int(feature.sum()),
        feature_examples=label_seen.pairs(rows, feature & ~exact, k),
        conflict_groups=groups,
        conflict_rows=involved,
        conflict_examples=examples,
        distinct_feature_rows=distinct_features,
    )


def find_duplicates_by_part(parts: Iterable[np.ndarray], label_keys: dict[int, str], k: int) -> DuplicateProfile:
    """`find_duplicates` over parts of the rows (`ROW_HASHES` records, in any order) that no
    repeat or conflict crosses (see `RowsPartial.parts`), one part in memory at a time: counts
    (distinct feature rows too, as equal features share a part) add up, and the examples are the
    first k of all parts in row order, whichever way the rows were cut into parts."""
    found = [find_duplicates(part["row"], part["features"], part["label"], part["whole"], label_keys, k)
             for part in parts]
    return DuplicateProfile(
        exact_rows=sum(f.exact_rows for f in found),
        exact_examples=sorted(e for f in found for e in f.exact_examples)[:k],
        feature_rows=sum(f.feature_rows for f in found),
        feature_examples=sorted(e for f in found for e in f.feature_examples)[:k],
        conflict_groups=sum(f.conflict_groups for f in found),
        conflict_rows=sum(f.conflict_rows for f in found),
        conflict_examples=sorted((g for f in found for g in f.conflict_examples), key=lambda g: g.rows[0])[:k],
        distinct_feature_rows=sum(f.distinct_feature_rows for f in found),
    )


def _lookup(values: np.ndarray, keys: np.ndarray, codes: np.ndarray) -> np.ndarray:
    """codes[i] where values == keys[i], else -1."""
    out = np.full(values.shape, -1, dtype=np.int64)
    if keys.size == 0:
        return out
    order = np.argsort(keys)
    sorted_keys = keys[order]
    pos = np.clip(np.searchsorted(sorted_keys, values), 0, len(keys) - 1)
    hit = sorted_keys[pos] == values
    out[hit] = codes[order][pos[hit]]
    return out


@dataclass(frozen=True)
class FirstSeen:
    """Rows numbered by their hash in order of first appearance (Arrow's hash table: linear,
    no sort). One pass answers which rows repeat an earlier one and which earlier one, where a
    test of repeats and a search per example would each pass over the rows again."""

    #: each row's hash, numbered from 0 in the order the hashes first appear
    codes: np.ndarray
    #: whether the row is the first with its hash
    new: np.ndarray

    @classmethod
    def of(cls, hashes: np.ndarray) -> FirstSeen:
        codes = factorize(hashes)
        return cls(codes, first_of_each(codes))

    def repeated(self) -> np.ndarray:
        """Which rows repeat an earlier row's hash."""
        return ~self.new

    def pairs(self, rows: np.ndarray, repeated: np.ndarray, k: int) -> list[tuple[int, int]]:
        """(row, the earlier row it repeats) for the first k rows where `repeated` holds."""
        later = np.flatnonzero(repeated)[:k]
        earlier = np.flatnonzero(self.new)[self.codes[later]]
        return list(zip(rows[later].tolist(), rows[earlier].tolist(), strict=True))


def repeats(hashes: np.ndarray) -> np.ndarray:
    """Which rows repeat an earlier row's hash (pandas' hash table: linear, no sort; imported
    here because only a text column's checks ask, and a table's audit loads no pandas)."""
    import pandas as pd

    return pd.Series(hashes, copy=False).duplicated(keep="first").to_numpy()


def repeat_pairs(rows: np.ndarray, hashes: np.ndarray, repeated: np.ndarray, k: int) -> list[tuple[int, int]]:
    """(row, the earlier row it repeats) for the first k repeated rows: their earlier rows are
    among the rows up to the last of them, which are numbered once."""
    later = np.flatnonzero(repeated)[:k]
    if not later.size:
        return []
    return FirstSeen.of(hashes[: later[-1] + 1]).pairs(rows, repeated[: later[-1] + 1], k)


def _conflicts(rows: np.ndarray, features: np.ndarray, label_code: np.ndarray, keys: list[str],
               k: int) -> tuple[int, int, list[ConflictGroup]]:
    """Groups of rows with equal feature hashes and more than one label."""
    labelled = label_code >= 0
    f, c, r = features[labelled], label_code[labelled], rows[labelled]
    if f.size == 0:
        return 0, 0, []
    order = np.lexsort((r, c, f))
    f, c, r = f[order], c[order], r[order]
    starts = np.concatenate(([True], f[1:] != f[:-1]))
    group = np.cumsum(starts) - 1
    new_label = np.concatenate(([False], (c[1:] != c[:-1]) & ~starts[1:]))
    distinct = 1 + np.bincount(group[new_label], minlength=group[-1] + 1)
    conflicted = distinct > 1
    in_conflict = conflicted[group]
    sizes = np.bincount(group)
    examples = []
    if conflicted.any():
        first_row = np.full(len(sizes), np.iinfo(np.int64).max)
        np.minimum.at(first_row, group, r)
        for g in sorted(np.flatnonzero(conflicted), key=lambda g: first_row[g])[:k]:
            members = np.flatnonzero(group == g)
            labels, counts = np.unique(c[members], return_counts=True)
            examples.append(ConflictGroup(
                rows=sorted(r[members].tolist())[:k],
                size=int(sizes[g]),
                labels={keys[int(lab)]: int(n) for lab, n in zip(labels, counts, strict=True)},
            ))
    return int(conflicted.sum()), int(in_conflict.sum()), examples
