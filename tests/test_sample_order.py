"""The sample keeps the rows its definition names, however its sorts are done: by priority
then row number, by label keeping that order, and the kept rows by row number."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.profile.sample import SamplePartial, SampleSpec, _stable_order, priorities

_LABELS = st.sampled_from([0, 1, 7, 2**63, 2**64 - 1])


def _kept_by_definition(partial: SamplePartial) -> list[int]:
    """The overall bottom-`size` by (priority, row) and each label's bottom-`per_label`, the
    positions listed by row number, ties in the order given."""
    n = len(partial.rows)
    order = sorted(range(n), key=lambda i: (int(partial.priority[i]), int(partial.rows[i])))
    keep = set(order[: partial.spec.size])
    for label in set(partial.label.tolist()):
        keep.update([i for i in order if partial.label[i] == label][: partial.spec.per_label])
    return sorted(keep, key=lambda i: int(partial.rows[i]))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), _LABELS), max_size=60), st.integers(0, 12), st.integers(0, 4),
       st.integers(0, 3))
@example([(3, 0), (3, 1), (5, 0), (5, 0)], 1, 1, 0)
def test_kept_rows_are_those_of_the_definition(offered: list[tuple[int, int]], size: int, per_label: int,
                                               seed: int) -> None:
    """Rows offered twice (equal priorities) included, where the sorts fall back on row numbers
    and positions to break ties."""
    rows = np.array([row for row, _ in offered], dtype=np.int64)
    labels = np.array([label for _, label in offered], dtype=np.uint64)
    partial = SamplePartial(SampleSpec(size=size, per_label=per_label, seed=seed), rows, priorities(rows, seed), labels)
    assert partial._kept().tolist() == _kept_by_definition(partial)


def test_labels_past_16_bit_ranks_sort_as_a_stable_sort() -> None:
    labels = np.random.default_rng(0).integers(0, 2**64 - 1, 70_000, dtype=np.uint64, endpoint=True)
    labels[::7] = labels[0]
    assert _stable_order(labels).tolist() == np.argsort(labels, kind="stable").tolist()
