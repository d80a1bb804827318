"""The sample keeps the rows its definition names, however its sorts are done: by priority
then row number, by label keeping that order, and the kept rows by row number."""

from __future__ import annotations

import numpy as np
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.profile.sample import SamplePartial, SampleSpec, _stable_order, priorities

_LABELS = st.sampled_from([0, 1, 7, 2**63, 2**64 - 1])


def _kept_by_definition(partial: SamplePartial) -> list[int]:
    """The overall bottom-`size` by (priority, row) and, unless there are more than `max_labels`
    labels, each label's bottom-`per_label`; the positions listed by row number, a row offered
    twice in the order given."""
    n = len(partial.rows)
    order = sorted(range(n), key=lambda i: (int(partial.priority[i]), int(partial.rows[i])))
    keep = set(order[: partial.spec.size])
    labels = set(partial.label.tolist())
    for label in labels if len(labels) <= partial.spec.max_labels else ():
        keep.update([i for i in order if partial.label[i] == label][: partial.spec.per_label])
    return sorted(keep, key=lambda i: (int(partial.rows[i]), i))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), _LABELS), max_size=60), st.integers(0, 12), st.integers(0, 4),
       st.integers(0, 3), st.integers(1, 6))
@example([(3, 0), (3, 1), (5, 0), (5, 0)], 1, 1, 0, 6)
@example([(0, 0)] * 9, 0, 4, 0, 6)
@example([(0, 0), (1, 1), (2, 7)], 1, 2, 0, 2)
def test_kept_rows_are_those_of_the_definition(offered: list[tuple[int, int]], size: int, per_label: int,
                                               seed: int, max_labels: int) -> None:
    """Rows offered twice (equal priorities) included, where the sorts fall back on row numbers
    and positions to break ties."""
    rows = np.array([row for row, _ in offered], dtype=np.int64)
    labels = np.array([label for _, label in offered], dtype=np.uint64)
    spec = SampleSpec(size=size, per_label=per_label, seed=seed, max_labels=max_labels)
    partial = SamplePartial(spec, rows, priorities(rows, seed), labels)
    kept, uniform = partial._kept()
    assert kept.tolist() == _kept_by_definition(partial)
    assert uniform == (per_label == 0 or len(set(labels.tolist())) > max_labels)


def test_labels_past_16_bit_ranks_sort_as_a_stable_sort() -> None:
    labels = np.random.default_rng(0).integers(0, 2**64 - 1, 70_000, dtype=np.uint64, endpoint=True)
    labels[::7] = labels[0]
    assert _stable_order(labels).tolist() == np.argsort(labels, kind="stable").tolist()


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), _LABELS), max_size=60),
       st.lists(st.tuples(st.integers(0, 80), _LABELS), max_size=30), st.integers(1, 12), st.integers(0, 4))
def test_rows_admitted_are_those_under_the_sample_bounds(held: list[tuple[int, int]], offered: list[tuple[int, int]],
                                                         size: int, per_label: int) -> None:
    """An offered row is admitted when its priority is at most the `size`-th held one, or its
    label's `per_label`-th, or either set is not full."""
    rows = np.array([row for row, _ in held], dtype=np.int64)
    labels = np.array([label for _, label in held], dtype=np.uint64)
    partial = SamplePartial(SampleSpec(size=size, per_label=per_label), rows, priorities(rows, 0), labels)
    offered_rows = np.array([row for row, _ in offered], dtype=np.int64)
    offered_labels = np.array([label for _, label in offered], dtype=np.uint64)
    admitted = partial._admits(priorities(offered_rows, 0), offered_labels)
    held_priorities = sorted(partial.priority.tolist())
    expected = []
    for priority, label in zip(priorities(offered_rows, 0).tolist(), offered_labels.tolist(), strict=True):
        overall = len(held_priorities) < size or priority <= held_priorities[size - 1]
        same = sorted(p for p, lab in zip(partial.priority.tolist(), labels.tolist(), strict=True) if lab == label)
        by_label = per_label > 0 and (len(same) < per_label or priority <= same[per_label - 1])
        expected.append(overall or by_label)
    assert admitted.tolist() == expected
