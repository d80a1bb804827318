"""Values written in forms other than the usual one are found, with their exact span: a phone
number dialled with `00` before its country code or a bare run of digits after `my number`, a
card number in groups split by dots, an IBAN in lower case or split by dashes, an address after
a word of prose and its colon (`Quick update: 8.8.8.8`), an IPv6 address of two groups
(`2a01::1`). The look-alikes beside them stay unfound, and so does a service's number (toll-free,
premium-rate), which is nobody's personal data."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.pii.detect import find_pii
from dataaudit.profile.pii import PII_KINDS
from tests.cli_helpers import invoke
from tests.pii_helpers import chat_line

FOUND = [
    ("call 0044 20 7946 0958", "phone", "0044 20 7946 0958"),
    ("ring 0033 1 42 68 53 00 today", "phone", "0033 1 42 68 53 00"),
    ("from abroad (0044) 20 7946 0958", "phone", "(0044) 20 7946 0958"),
    ("call me on 00442079460958", "phone", "00442079460958"),
    ("my number is 4155552671", "phone", "4155552671"),
    ("Our number: 4155552671, any time", "phone", "4155552671"),
    ("pay with 4111.1111.1111.1111", "card", "4111.1111.1111.1111"),
    ("card 5500.0000.0000.0004 expires 12/27", "card", "5500.0000.0000.0004"),
    ("iban gb82 west 1234 5698 7654 32 please", "iban", "gb82 west 1234 5698 7654 32"),
    ("IBAN: GB82-WEST-1234-5698-7654-32", "iban", "GB82-WEST-1234-5698-7654-32"),
    ("to de89-3704-0044-0532-0130-00.", "iban", "de89-3704-0044-0532-0130-00"),
    ("pay gb82west12345698765432 now", "iban", "gb82west12345698765432"),
    ("Quick update: 8.8.8.8", "ip", "8.8.8.8"),
    ("step: 8.8.8.8 answered", "ip", "8.8.8.8"),
    ("Rule: 8.8.8.8", "ip", "8.8.8.8"),
    ("item: 1.1.1.1 blocked", "ip", "1.1.1.1"),
    ("server at 2a01::1 is up", "ip", "2a01::1"),
    ("from 2c0f::53", "ip", "2c0f::53"),
]
DECOYS = [
    "id 00442079460958",  # a bare run of digits with no word of a phone near
    "order 0044 20 7946 0958",  # an order number
    "a share of 0.0044 20 7946 0958",  # inside a decimal number
    "the number is 4155552671", "my order number is 4155552671",  # nobody's number, an order's
    "card 4111.1111.1111.1112 was declined",  # a failing Luhn sum
    "row 4111.1111.1111.1111.2 of the table",  # one group more: a longer dotted number
    "id 1234.4111.1111.1111.1111",  # a group of four before: the tail of a longer number
    "iban gb82 west 1234 5698 7654 33 is wrong",  # a failing checksum
    "Gb82 West 1234 5698 7654 32",  # cases mixed: words, not an IBAN
    "GB82-WEST-1234-5698-7654-32-99",  # one group more: a longer code
    "gb82 west12 345698 765432",  # lower case not in groups of four
    "see step 1.2.3.4", "rule 2.1.3.4 applies", "item #1.2.3.4", "update 10.0.1.2 installed",  # sections
    "version: 1.2.3.4",  # a version's word keeps its colon
    "x[1::2]", "a[2024::10]", "beef::1 and cafe::2", "fe80::1",  # slices, words, a link-local address
    # a service's line, not a person's: toll-free (a crisis line), premium-rate
    "I really recommend calling this number 800-273-8255.", "call 1-800-273-8255 now",
    "freephone +44 800 123 4567", "call 1-900-555-0199 for tips",
]


@pytest.mark.parametrize(("text", "kind", "value"), FOUND)
def test_a_value_in_another_written_form_is_found(text: str, kind: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in find_pii(text)] == [(kind, value)]


@pytest.mark.parametrize("text", DECOYS)
def test_look_alikes_of_those_forms_are_not_found(text: str) -> None:
    assert find_pii(text) == []


def test_clean_redacts_each_form_in_a_chat_file(tmp_path: Path) -> None:
    """`clean --redact pii` replaces each of these forms in the messages it writes, and the
    decoys beside them stay as they are."""
    planted = [(text, text.replace(value, PII_KINDS[kind][1])) for text, kind, value in FOUND]
    data, out = tmp_path / "chats.jsonl", tmp_path / "clean.jsonl"
    lines = [chat_line(text, f"noted, reply {i}", f"row-{i}") for i, (text, _) in enumerate(planted)]
    lines += [chat_line(text, f"noted, decoy {i}", f"decoy-{i}") for i, text in enumerate(DECOYS)]
    data.write_text("".join(lines), encoding="utf-8")
    invoke(["clean", data, "-o", out, "--redact", "pii"], 0)
    users = [json.loads(line)["messages"][0]["content"] for line in out.read_text(encoding="utf-8").splitlines()]
    assert users == [redacted for _, redacted in planted] + DECOYS
