"""Markup detection reads code as code: whatever a fenced block or a code span holds is not HTML."""

from __future__ import annotations

import time

from hypothesis import given
from hypothesis import strategies as st

from dataaudit.text.markup import markup_kinds

CODE = st.text(alphabet=st.characters(blacklist_characters="`~", blacklist_categories=("Cs",)))


@given(CODE, st.sampled_from(["```", "~~~", "````"]))
def test_nothing_in_a_fenced_block_is_html(code: str, fence: str) -> None:
    assert markup_kinds(f"Here:\n{fence}html\n{code}\n{fence}\nThat is all.") == []


@given(CODE.filter(lambda s: s.strip() == s and s), st.sampled_from(["`", "``"]))
def test_nothing_in_a_code_span_is_html(code: str, ticks: str) -> None:
    assert markup_kinds(f"Call {ticks}{code}{ticks} here.") == []


def test_markup_outside_code_is_still_found() -> None:
    assert markup_kinds("`<b>` is bold, but this page says Fish &amp; chips<br>") == ["entity", "tag"]


def test_a_long_run_of_backticks_is_read_in_linear_time() -> None:
    """A line of backticks with no line break after it: backtracking into the fence took 8 s
    for 100,000 of them."""
    start = time.perf_counter()
    assert markup_kinds("`" * 100_000 + " <br>") == ["tag"]
    assert time.perf_counter() - start < 1


def test_a_fence_closes_only_on_a_fence_at_least_as_long() -> None:
    """CommonMark: four backticks open a block three do not close (its info string holds no
    backtick, so the fence is the whole run)."""
    assert markup_kinds("````html\n<br>\n```\n&amp;") == []
    assert markup_kinds("````html\n<br>\n````\n&amp;") == ["entity"]
