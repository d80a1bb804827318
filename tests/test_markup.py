"""Markup detection reads code as code: whatever a fenced block or a code span holds is not HTML."""

from __future__ import annotations

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
