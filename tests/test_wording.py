"""Counts and shares read as they are: a share is 0% or 100% only when it is, a count of one is singular."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from dataaudit.wording import pct, plural, shortened


@given(st.integers(min_value=1, max_value=10**9), st.data())
def test_a_share_shows_0_or_100_percent_only_when_it_is(whole: int, data: st.DataObject) -> None:
    part = data.draw(st.integers(min_value=0, max_value=whole))
    shown = float(pct(part, whole).removesuffix("%"))
    assert (shown == 0) == (part == 0)
    assert (shown == 100) == (part == whole)
    assert abs(shown - 100 * part / whole) <= 0.5


def test_shares_near_the_ends_keep_their_digits() -> None:
    assert [pct(998, 1000), pct(4, 10000), pct(19, 100), pct(1, 3), pct(5, 5)] == ["99.8%", "0.040%", "19%", "33%",
                                                                                   "100%"]


def test_one_is_singular() -> None:
    assert [plural(1, "row"), plural(2, "row"), plural(0, "row"), plural(1_035, "class", "classes")] == [
        "1 row", "2 rows", "0 rows", "1,035 classes"]


@given(st.text(), st.integers(min_value=1, max_value=50))
def test_a_shortened_quote_fits_its_limit_and_says_it_goes_on(text: str, limit: int) -> None:
    shown = shortened(text, limit)
    assert len(shown) <= limit
    if len(text) <= limit:
        assert shown == text
    else:
        assert shown.endswith("…") and text.startswith(shown[:-1])
