"""Two splits' value counts of one column as a training run loads them, for drift and unseen
categories to judge what the model sees rather than how a file spells it.

The profile identifies a value by its text (`dataaudit.profile.values`): a typed boolean is
`true`, and a CSV's `True` is another text. That is right for duplicates and leakage, which
keep values byte for byte, but a CSV has no types: pandas and pyarrow load its `True` and a
Parquet `true` as the same boolean. So where both splits' values all read as booleans, they
are compared by their meaning.
"""

from __future__ import annotations

#: the spellings pandas' and pyarrow's CSV readers both load as booleans, by what they mean
#: (pyarrow reads `tRuE` or ` True` as text, so neither is one)
BOOLEANS = {"true": "true", "True": "true", "TRUE": "true", "false": "false", "False": "false", "FALSE": "false"}


def as_loaded(reference: dict[str, int], counts: dict[str, int]) -> tuple[dict[str, int], dict[str, int]]:
    """The two value counts keyed by what a loader makes of them: by boolean meaning when every
    value of both reads as a boolean, else as they are."""
    if reference.keys() <= BOOLEANS.keys() and counts.keys() <= BOOLEANS.keys():
        return _booleans(reference), _booleans(counts)
    return reference, counts


def _booleans(counts: dict[str, int]) -> dict[str, int]:
    folded: dict[str, int] = {}
    for text, n in counts.items():
        folded[BOOLEANS[text]] = folded.get(BOOLEANS[text], 0) + n
    return folded
