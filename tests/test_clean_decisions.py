"""The row decisions of a clean (duplicates, conflicting labels, the fate of each class) held
against a plain reading of their definitions, row by row, on random hashes.

`decide` works on whole columns of 64-bit hashes with numpy; the reference here walks the rows
in order with dictionaries, as a person would: the first of equal rows is kept, a group of
equal features with more than one label goes, or keeps only its most frequent label when one
label is more frequent than every other.
"""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import given
from hypothesis import strategies as st

import dataaudit
from dataaudit.preprocess.base import Tally, count_rewrites
from dataaudit.preprocess.rows import (
    CONFLICT,
    DUPLICATE,
    KEEP,
    MINORITY,
    MISSING_LABEL,
    NOT_A_NUMBER,
    STEP_OF,
    RowHashes,
    decide,
)

ROWS = st.lists(st.tuples(st.integers(0, 4), st.integers(0, 3) | st.none(), st.integers(0, 1), st.booleans()),
                max_size=40)


def hashes(rows: list[tuple[int, int | None, int, bool]]) -> RowHashes:
    """Features, label (None: missing), an ignored column and whether the value is invalid, as
    the deciding pass gathers them; hash values far apart, as real ones are."""
    features = np.array([7919 * f + 2**63 for f, *_ in rows], dtype=np.uint64)
    label = np.array([0 if y is None else 104729 * (y + 1) for _, y, *_ in rows], dtype=np.uint64)
    other = np.array([o for *_, o, _ in rows], dtype=np.uint64)
    found = RowHashes("label", ("id",), whole=[features ^ label ^ other], features=[features], label=[label],
                      unlabelled=[np.array([y is None for _, y, *_ in rows], dtype=bool)],
                      invalid=[np.array([bad for *_, bad in rows], dtype=bool)])
    found.label_names = {104729 * (y + 1): f"class {y}" for y in range(4)}
    return found


def expected(rows: list[tuple[int, int | None, int, bool]], duplicates: str, conflicts: str) -> list[int]:
    """The decisions by their definitions, one row at a time."""
    codes = [NOT_A_NUMBER if bad else MISSING_LABEL if y is None else KEEP for _, y, _, bad in rows]
    seen: set[tuple] = set()
    for row, (f, y, other, _) in enumerate(rows):
        if duplicates == "keep" or codes[row] != KEEP:
            continue
        identity = (f, y, other) if duplicates == "exact" else (f, y)
        if identity in seen:
            codes[row] = DUPLICATE
        seen.add(identity)
    if conflicts == "keep":
        return codes
    groups: dict[int, list[int]] = {}
    for row, (f, *_) in enumerate(rows):
        if codes[row] == KEEP:
            groups.setdefault(f, []).append(row)
    for members in groups.values():
        labels = Counter(rows[row][1] for row in members)
        if len(labels) < 2:
            continue
        (top, n), *rest = labels.most_common()
        winner = top if conflicts == "majority" and n > rest[0][1] else None
        for row in members:
            if winner is None:
                codes[row] = CONFLICT
            elif rows[row][1] != winner:
                codes[row] = MINORITY
    return codes


@given(ROWS, st.sampled_from(["exact", "features", "keep"]), st.sampled_from(["quarantine", "majority", "keep"]))
def test_decisions_follow_their_definitions_row_by_row(rows: list, duplicates: str, conflicts: str) -> None:
    decisions = decide(hashes(rows), "quarantine", duplicates, conflicts)
    assert decisions.codes.tolist() == expected(rows, duplicates, conflicts)


@given(ROWS, st.sampled_from(["exact", "features"]), st.sampled_from(["quarantine", "majority"]))
def test_each_class_counts_its_rows_kept_and_taken_in_the_order_classes_first_appear(
        rows: list, duplicates: str, conflicts: str) -> None:
    codes = expected(rows, duplicates, conflicts)
    fates: dict[str, Counter] = {}
    for (_, y, *_), code in zip(rows, codes, strict=True):
        if y is not None:
            fates.setdefault(f"class {y}", Counter({"kept": 0}))["kept" if code == KEEP else STEP_OF[code]] += 1
    classes = decide(hashes(rows), "quarantine", duplicates, conflicts).classes
    assert list(classes) == list(fates)
    assert {name: dict(fate) for name, fate in classes.items()} == {name: dict(fate) for name, fate in fates.items()}
    assert all(next(iter(fate)) == "kept" for fate in classes.values())


def test_majority_conflicts_with_repeated_rows_kept_cleans_them(tmp_path: Path) -> None:
    """Rows repeated with one label (duplicates: keep) share their features without conflicting."""
    pack = tmp_path / "pack.yaml"
    pack.write_text("preprocess: {duplicates: keep, conflicts: majority}\n", encoding="utf-8")
    frame = pd.DataFrame({"a": [1, 1, 3, 3, 3, 5, 7], "b": [2, 2, 4, 4, 4, 6, 8],
                          "label": ["x", "x", "y", "y", "z", "y", "z"]})
    result = dataaudit.clean(frame, target="label", rules=pack)
    assert result.quarantine["_row"].tolist() == [4]
    assert result.quarantine["_reason"].tolist() == ["minority_label"]
    assert len(result.data) + len(result.quarantine) == len(frame)


CELLS = st.lists(st.sampled_from(["NA", "?", "a", "b ", "", None]), min_size=1, max_size=30)


@given(CELLS, st.data())
def test_the_rewrites_are_counted_pair_by_pair_in_the_order_they_first_appear(cells: list, data: st.DataObject) -> None:
    after = [None if c in ("NA", "?") else c.strip() if c is not None else None for c in cells]
    mask = np.array(data.draw(st.lists(st.booleans(), min_size=len(cells), max_size=len(cells))), dtype=bool)
    tally = Tally()
    count_rewrites(tally, pa.array(cells, pa.string()), pa.array(after, pa.string()), mask)
    pairs = Counter((a, b) for a, b, chosen in zip(cells, after, mask, strict=True) if chosen)
    assert list(tally.rewrites.items()) == [(f"{shown(a)} -> {shown(b)}", n) for (a, b), n in pairs.items()]


def shown(cell: str | None) -> str:
    return "null" if cell is None else repr(cell)
