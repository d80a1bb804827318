"""Facts read from a string array's bytes are those the texts themselves give."""

from __future__ import annotations

import re

import pyarrow as pa
import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.profile.text_bytes import PLAIN_LONGEST, first_byte_in, plain_numbers
from dataaudit.profile.values import _PLAIN

_CELLS = st.lists(st.one_of(st.none(), st.just(""), st.text(max_size=6),
                            st.sampled_from(["0", "007", "-1", ".5", "é"])), max_size=30)


@settings(max_examples=300, deadline=None)
@given(_CELLS, st.integers(0, 4), st.integers(0, 4), st.sampled_from([b"0", b"0123456789+-.", b"", b"e"]))
@example(["", "0"], 1, 0, b"0")
@example(["x", "", ""], 1, 0, b"0")
def test_first_byte_in_is_the_first_character_among_those_allowed(cells: list[str | None], start: int, cut: int,
                                                                  allowed: bytes) -> None:
    """Nulls and empty texts start with none; a slice's texts are its own, whatever lies before or after."""
    array = pa.array(cells, pa.string())
    part = array.slice(min(start, len(cells)), max(0, len(cells) - start - cut))
    expected = [text is not None and text[:1] != "" and text[0] in allowed.decode() for text in part.to_pylist()]
    assert first_byte_in(part, allowed).tolist() == expected


# texts near a plain number: its characters and the ones a spelling of a number adds or breaks on
_NEAR_NUMBERS = st.text(st.sampled_from(list("0123456789.-+eE x\n٣é")), max_size=18)


@settings(max_examples=500, deadline=None)
@given(st.lists(st.one_of(_NEAR_NUMBERS, st.text(max_size=6), st.sampled_from(["0", "-0", "0.5", "10.25", "-"])),
                max_size=30), st.integers(0, 4), st.integers(0, 4), st.integers(1, PLAIN_LONGEST))
@example(["0", "-0", "00", "0.", "0.50", "-.5", ".5", "1.2.3", "--1", "1-", "-", "", "0.05", "7\n"], 0, 0, 15)
@example(["123456789012345", "1234567890123456", "-12345678901234", "", "1", ""], 1, 1, 15)
def test_plain_numbers_are_the_texts_the_expression_matches(cells: list[str], start: int, cut: int,
                                                           longest: int) -> None:
    """Byte counts and three bytes a text tell what the regular expression does, within the
    length asked; a slice's texts are its own, whatever lies before or after."""
    array = pa.array(cells, pa.string())
    part = array.slice(min(start, len(cells)), max(0, len(cells) - start - cut))
    expected = [len(text.encode()) <= longest and re.fullmatch(_PLAIN[1:-1], text) is not None
                for text in part.to_pylist()]
    assert plain_numbers(part, longest).tolist() == expected


def test_plain_numbers_refuses_texts_too_long_to_count() -> None:
    with pytest.raises(ValueError, match="longest"):
        plain_numbers(pa.array(["1"]), PLAIN_LONGEST + 1)
