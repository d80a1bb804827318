"""The phone scan skips parts that are a bare run of digits and caches what the matcher's parse
and validation give each candidate; it must find exactly what phonenumbers' matcher, asked
about every part afresh, finds. The oracle below is that plain scan."""

from __future__ import annotations

import ast
import csv
import json
from pathlib import Path

import phonenumbers
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.pii import detect
from dataaudit.pii.detect import _a_service, _dialled, _has_digit, _not_a_phone
from tests.pii_helpers import DATA, corpus

TESTS = Path(__file__).parent
REGIONS = [("US",), ("US", "DE", "FR"), ("GB", "IN"), ("DE",)]


def _plain_phones(text: str, regions: tuple[str, ...]) -> list[tuple[int, int]]:
    """The scan as it read every part with phonenumbers' own matcher, no part skipped, nothing
    cached."""
    if not _has_digit(text) or not detect.PHONE_CANDIDATE.search(text) or detect._glued_to_letters(text):
        return []
    spans: list[tuple[int, int]] = []
    for region in regions:
        readable = _dialled(text)
        ends = [m.end() for m in detect.SENTENCE_END.finditer(text)]
        for start, end in zip([0, *ends], [*ends, len(text)], strict=True):
            part = readable[start:end]
            if not detect.PHONE_CANDIDATE.search(part):
                continue
            for match in phonenumbers.PhoneNumberMatcher(part, region, leniency=phonenumbers.Leniency.VALID):
                at = start + match.start
                at -= readable[at] != text[at]
                if _not_a_phone(text, at, start + match.end) or _a_service(match.number):
                    continue
                if (at, start + match.end) not in spans:
                    spans.append((at, start + match.end))
    return spans


def _same(text: str, regions: tuple[str, ...] = ("US",)) -> None:
    assert list(detect._phones(text, regions)) == _plain_phones(text, regions), (text[:200], regions)


def _literals(path: Path) -> list[str]:
    """The strings a test file writes, each a text some test reads."""
    return [node.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Constant) and isinstance(node.value, str) and _has_digit(node.value)]


def test_every_text_the_pii_tests_write_gives_the_same_phones() -> None:
    texts = [text for path in sorted(TESTS.glob("test_pii_*.py")) for text in _literals(path)]
    assert len(texts) > 500
    for text in texts:
        for regions in REGIONS:
            _same(text, regions)


def test_the_labelled_corpus_gives_the_same_phones() -> None:
    for item in corpus(400, seed=3):
        _same(item.text, ("US", "DE", "FR"))
        _same(item.text)


def _strings(value: object) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return []


def test_real_files_give_the_same_phones() -> None:
    texts = []
    for name in ("hhh_chat_60.jsonl", "chat_code.jsonl", "alpaca.jsonl"):
        with (DATA / "text" / name).open(encoding="utf-8") as handle:
            texts += [s for line in handle if line.strip() for s in _strings(json.loads(line))]
    with (DATA / "text" / "healthtweets_300.csv").open(encoding="utf-8") as handle:
        texts += [row["text"] for row in csv.DictReader(handle)]
    assert texts
    for text in texts:
        _same(text, ("US", "GB"))


def test_tables_of_numbers_give_the_same_phones() -> None:
    """Digits alone on their lines (skipped) next to lines the matcher reads: a word of a phone
    in the line before, `00` dialled, a number with dashes, a letter in the 30 characters before."""
    lines = ["4155552671", "  4155552671  ", "00442079460958", "call", "4155552671", "tel: 4155552671",
             "415-555-2671", "x", "2079460958", "", "12 12 12 12 12", "phone 0044 20 7946 0958",
             "0800 123 4567", "my number", "6502530000", "case 4155552671"]
    for i in range(len(lines)):
        text = "\n".join(lines[i:] + lines[:i])
        for regions in REGIONS:
            _same(text, regions)


def test_a_candidate_repeated_past_the_matchers_tries_gives_the_same_phones() -> None:
    """The matcher gives up on a part after 65,535 candidates that are no number; the cache must
    not change where it does."""
    _same("12 " * 120_000 + "call me at 415-555-2671", ("US",))
    _same("call 415-555-2671 " + "12 " * 3_000 + "415-555-2671 (415) 555-2671", ("US",))


PIECES = st.sampled_from(["4155552671", "415-555-2671", "(415) 555 2671", "+44 20 7946 0958", "0044 20 7946 0958",
                          "030 12345678", "01 42 68 53 00", "1-800-273-8255", "12", "2024", "201.5551234",
                          "call", "tel:", "phone", "my number is", "case", "order #", "in any case:", "DE00 3704",
                          "VISA", "x", "ext. 12", "$", "%", "/", "-", " - ", ".", ". ", ",", ", ", ";", "(", ")",
                          " ", "  ", "\n", "\t", "0", "00", "+", "1", "555", "٤١٥", "４１５", "é", "ſ", "abc", "_"])


@given(st.lists(PIECES, max_size=14), st.sampled_from(REGIONS))
def test_any_text_gives_the_same_phones(pieces: list[str], regions: tuple[str, ...]) -> None:
    _same("".join(pieces), regions)


@given(st.text(alphabet="0123456789 \n-+().,/#xabcel:", max_size=80), st.sampled_from(REGIONS))
def test_any_string_of_digits_and_marks_gives_the_same_phones(text: str, regions: tuple[str, ...]) -> None:
    _same(text, regions)
