"""The duplicate search numbers each part's hashes once: the rows that repeat, the row each
repeats, the rows sharing a hash and the distinct count are those of their definitions."""

from __future__ import annotations

import random

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.arrays import repeated_and_distinct
from dataaudit.profile.duplicates import FirstSeen, find_duplicates, repeat_pairs
from dataaudit.profile.rows import combine

# few distinct values among many rows, so that repeats happen; the top bit set as well
_HASHES = st.lists(st.sampled_from([0, 1, 7, 2**63, 2**64 - 1, 12345678901234567890]), max_size=80)


def _first_index(hashes: list[int]) -> list[int]:
    return [hashes.index(h) for h in hashes]


@settings(max_examples=300, deadline=None)
@given(_HASHES, st.integers(0, 10))
@example([], 3)
@example([5, 5, 5], 0)
def test_first_seen_matches_the_definitions(hashes: list[int], k: int) -> None:
    array = np.array(hashes, dtype=np.uint64)
    seen = FirstSeen.of(array)
    first = _first_index(hashes)
    assert seen.repeated().tolist() == [first[i] != i for i in range(len(hashes))]
    shared, distinct = repeated_and_distinct(array)
    assert shared.tolist() == [hashes.count(h) > 1 for h in hashes]
    assert distinct == len(set(hashes))
    rows = np.arange(100, 100 + len(hashes))  # row numbers are not positions
    later = [i for i in range(len(hashes)) if first[i] != i][:k]
    assert seen.pairs(rows, seen.repeated(), k) == [(100 + i, 100 + first[i]) for i in later]


@settings(max_examples=300, deadline=None)
@given(_HASHES, st.data(), st.integers(0, 10))
def test_repeat_pairs_name_the_first_row_with_the_same_hash(hashes: list[int], data: st.DataObject, k: int) -> None:
    """Any marked rows (the search marks feature repeats that are no exact repeat) are paired
    with the first row of their hash, whether or not that row is marked itself."""
    marked = data.draw(st.lists(st.booleans(), min_size=len(hashes), max_size=len(hashes)))
    rows = np.arange(len(hashes)) * 3 + 5
    pairs = repeat_pairs(rows, np.array(hashes, dtype=np.uint64), np.array(marked, dtype=bool), k)
    first = _first_index(hashes)
    assert pairs == [(int(rows[i]), int(rows[first[i]])) for i in np.flatnonzero(marked)[:k]]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 4), st.integers(0, 2), st.sampled_from([11, 12, 13, 99])), max_size=60),
       st.integers(1, 6), st.randoms(use_true_random=False))
def test_the_search_over_recurring_features_finds_every_repeat(cells: list[tuple[int, int, int]], k: int,
                                                               shuffler: random.Random) -> None:
    """Exact and feature repeats, their examples and the distinct feature rows, as defined
    over all rows, though only rows whose features recur are searched, whatever order the
    rows are handed over in. Label 99 is missing; labels 12 and 13 fold to one key."""
    features = np.array([hash_of(f) for f, _, _ in cells], dtype=np.uint64)
    other = np.array([hash_of(o) for _, o, _ in cells], dtype=np.uint64)
    labels = np.array([label for _, _, label in cells], dtype=np.uint64)
    whole = combine([features, other], len(cells))
    rows = np.arange(len(cells)) * 2 + 1
    handed = list(range(len(cells)))
    shuffler.shuffle(handed)
    found = find_duplicates(rows[handed], features[handed], labels[handed], whole[handed],
                            {11: "cat", 12: "dog", 13: "dog"}, k)

    folded = [{11: "cat", 12: "dog", 13: "dog"}.get(label) for _, _, label in cells]
    wholes = [(f, o) for f, o, _ in cells]
    keyed = [(f, key) for (f, _, _), key in zip(cells, folded, strict=True)]
    exact = [i for i in range(len(cells)) if wholes.index(wholes[i]) != i]
    feature = [i for i in range(len(cells)) if keyed.index(keyed[i]) != i]
    assert found.exact_rows == len(exact)
    assert found.exact_examples == [(int(rows[i]), int(rows[wholes.index(wholes[i])])) for i in exact[:k]]
    assert found.feature_rows == len(feature)
    assert found.feature_examples == [(int(rows[i]), int(rows[keyed.index(keyed[i])])) for i in feature
                                      if i not in exact][:k]
    assert found.distinct_feature_rows == len({f for f, _, _ in cells})


def hash_of(value: int) -> int:
    """A 64-bit hash of a small number, spread over all bits as a real hash is."""
    return (value * 0x9E3779B97F4A7C15 + 0x632BE59BD9B4E019) % 2**64
