"""Values written in forms other than the usual one are found, with their exact span: a card
number in groups split by dots. The look-alikes beside them stay unfound."""

from __future__ import annotations

import pytest

from dataaudit.pii.detect import find_pii

FOUND = [
    ("pay with 4111.1111.1111.1111", "card", "4111.1111.1111.1111"),
    ("card 5500.0000.0000.0004 expires 12/27", "card", "5500.0000.0000.0004"),
]
DECOYS = [
    "card 4111.1111.1111.1112 was declined",  # a failing Luhn sum
    "row 4111.1111.1111.1111.2 of the table",  # one group more: a longer dotted number
    "id 1234.4111.1111.1111.1111",  # a group of four before: the tail of a longer number
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_a_value_in_another_written_form_is_found(text: str, kind: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in find_pii(text)] == [(kind, value)]


@pytest.mark.parametrize("text", DECOYS)
def test_look_alikes_of_those_forms_are_not_found(text: str) -> None:
    assert find_pii(text) == []
