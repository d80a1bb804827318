"""Facts read from a string array's bytes are those the texts themselves give."""

from __future__ import annotations

import pyarrow as pa
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.profile.text_bytes import first_byte_in

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
