"""The length outliers' fences read off a few order statistics flag exactly the texts that
`numpy.percentile` over every length flags: what lets an engine that cannot hold the lengths
(Spark) decide the same outliers as the local one."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.text.repeats import length_fences, quartile_ranks


def _outside_over_all_lengths(chars: np.ndarray, iqr_factor: float) -> tuple[np.ndarray, tuple[int, int]]:
    """The rule written over all the lengths at once: the percentiles of their logarithms."""
    logs = np.log2(chars + 1.0)
    q1, q3 = np.percentile(logs, [25, 75])
    spread = max(q3 - q1, 1.0)
    low, high = q1 - iqr_factor * spread, q3 + iqr_factor * spread
    return (logs < low) | (logs > high), (max(0, int(np.ceil(2 ** low - 1))), int(np.floor(2 ** high - 1)))


lengths = st.lists(st.one_of(st.integers(0, 40), st.integers(0, 5_000_000)), min_size=4, max_size=300)


@given(lengths, st.sampled_from([0.0, 0.5, 1.5, 3.0]))
def test_fences_from_order_statistics_flag_what_percentiles_of_all_lengths_flag(values: list[int],
                                                                                iqr_factor: float) -> None:
    chars = np.array(values, dtype=np.int64)
    asked: list[list[int]] = []

    def lengths_at(ranks: list[int]) -> list[int]:
        asked.append(ranks)
        return np.sort(chars)[ranks].tolist()

    fences = length_fences(len(chars), lengths_at, iqr_factor)
    assert fences is not None
    outside, bounds = _outside_over_all_lengths(chars, iqr_factor)
    assert ((chars < fences.shortest) | (chars > fences.longest)).tolist() == outside.tolist()
    assert fences.bounds == bounds
    assert asked == [quartile_ranks(len(chars))] and len(asked[0]) <= 4


@given(st.integers(4, 10**12))
def test_the_ranks_asked_for_are_at_most_four_whatever_the_texts(texts: int) -> None:
    ranks = quartile_ranks(texts)
    assert 1 <= len(ranks) <= 4 and all(0 <= rank < texts for rank in ranks)


def test_fewer_than_four_texts_have_no_fences() -> None:
    assert length_fences(3, lambda ranks: [1] * len(ranks), 3.0) is None


def test_fences_a_rule_pack_sets_past_every_length_flag_no_long_text(tmp_path: Path) -> None:
    """`checks.text.length_outlier_iqr: .inf` (or 1.0e+300), a pack's way of never flagging a
    text for its length, ended the audit in an overflow; the upper fence is now every length."""
    from tests.cli_helpers import invoke

    lengths = [5, 40, 41, 42, 44, 45, 46, 900]
    for factor in (float("inf"), 1e300):
        fences = length_fences(len(lengths), lambda ranks: [sorted(lengths)[r] for r in ranks], factor)
        assert fences is not None and fences.longest >= 2**62 and fences.shortest == 0
    data = tmp_path / "chat.jsonl"
    chats = [{"messages": [{"role": "user", "content": "word " * n}, {"role": "assistant", "content": f"ok {n}"}]}
             for n in lengths]
    data.write_text("".join(json.dumps(chat) + "\n" for chat in chats), encoding="utf-8")
    pack = tmp_path / "pack.yaml"
    pack.write_text("checks:\n  text:\n    length_outlier_iqr: .inf\n", encoding="utf-8")
    for rules, flagged in (("default", True), (pack, False)):
        out, _ = invoke(["audit", data, "--rules", rules, "-f", "json", "-q"], 1)  # 8 rows fail size.rows
        assert ("text.length_outliers" in {f["check"] for f in json.loads(out)["findings"]}) is flagged
