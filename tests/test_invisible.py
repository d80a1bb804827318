"""The invisible characters are one set for Python's `re` (PII, languages) and Arrow's RE2 (near
duplicates, contamination): a character one drops and the other keeps would let a copy through
one check that another catches."""

from __future__ import annotations

import sys
import unicodedata

import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.pii.detect import find_pii
from dataaudit.pii.invisible import INVISIBLE, INVISIBLE_RUN_RE2, RANGES
from dataaudit.text.minhash import plain_forms

EVERY_CHARACTER = [chr(c) for c in range(sys.maxunicode + 1) if not 0xD800 <= c <= 0xDFFF]


def test_both_engines_drop_the_same_characters() -> None:
    by_re = {c for c in EVERY_CHARACTER if INVISIBLE.fullmatch(c)}
    kept = pc.replace_substring_regex(pa.array(EVERY_CHARACTER), INVISIBLE_RUN_RE2, "")
    by_re2 = {c for c, left in zip(EVERY_CHARACTER, kept.to_pylist(), strict=True) if left == ""}
    assert by_re == by_re2 == {chr(c) for first, last in RANGES for c in range(first, last + 1)}
    assert all(unicodedata.category(c) == "Cf" for c in by_re)  # each a format character
    assert len(by_re) == 126


def test_a_sign_that_shows_is_text_for_both() -> None:
    """U+0600, the Arabic number sign, is a format character that shows: kept, as PII's reading keeps it."""
    assert plain_forms(pa.array(["\u0600123"])).to_pylist() == ["\u0600123"]
    assert not INVISIBLE.search("\u0600")


def test_a_hidden_address_is_found_and_its_copy_is_the_plain_text() -> None:
    hidden = "m\u200b.rossi@\u2060unimib\ufeff.it"
    assert [f.kind for f in find_pii(f"mail {hidden} now")] == ["email"]
    assert plain_forms(pa.array([hidden])).to_pylist() == ["m.rossi@unimib.it"]
