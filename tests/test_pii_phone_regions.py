"""Phone numbers in a national format are found in the countries the rule pack names
(`checks.pii.phone_regions`, US by default); a number with a `+` country code is found
whatever they are, by the audit's scan and by `clean --redact` alike."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import phonenumbers
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.checks.pii import Rules
from dataaudit.pii.detect import DEFAULT_REGIONS, _glued_to_letters, find_pii
from tests.cli_helpers import invoke, run
from tests.pii_helpers import chat_line

GERMAN = "Ruf mich morgen unter 030 12345678 an, ich bin den ganzen Tag im Büro."
FRENCH = "Appelez-moi demain au 01 42 68 53 00, je serai au bureau toute la journée."
INTERNATIONAL = "Call our Berlin office on +49 30 12345678 during the week."


def _spans(text: str, regions: tuple[str, ...]) -> list[str]:
    return [text[f.start:f.end] for f in find_pii(text, regions) if f.kind == "phone"]


@pytest.mark.parametrize(("text", "number", "region"), [(GERMAN, "030 12345678", "DE"),
                                                         (FRENCH, "01 42 68 53 00", "FR")])
def test_a_national_number_is_found_in_its_region_only(text: str, number: str, region: str) -> None:
    assert _spans(text, ("US",)) == []
    assert _spans(text, (region,)) == _spans(text, ("US", "DE", "FR")) == [number]


def test_an_international_number_is_found_whatever_the_regions() -> None:
    for regions in (("US",), ("FR",), ("DE", "FR")):
        assert _spans(INTERNATIONAL, regions) == ["+49 30 12345678"]


#: words of ASCII letters and digits, a letter first: ids (`r0000063`, `SKU12x4455`, `ext5551234567`)
ID_WORDS = st.builds(lambda first, rest: first + "".join(rest), st.sampled_from("rRxXeEtTabcZ"),
                     st.lists(st.sampled_from(["0", "1", "2", "5", "7", "9", "555", "123", "4567", "2015550123",
                                               "x", "ext", "t", "a", "Z"]), max_size=12))


@settings(max_examples=300, deadline=None)
@given(word=ID_WORDS)
def test_an_id_word_that_skips_the_matcher_is_one_it_reads_no_number_in(word: str) -> None:
    """An id a report quotes is not handed to phonenumbers when it cannot find a number in it:
    its matcher, asked at the leniency the scan uses in every region of the check, agrees."""
    if not _glued_to_letters(word):
        return
    for region in ("US", "GB", "DE", "FR", "IN", "BR", "JP"):
        assert list(phonenumbers.PhoneNumberMatcher(word, region, leniency=phonenumbers.Leniency.VALID)) == []


def test_an_id_word_is_no_phone_but_a_number_in_a_sentence_is() -> None:
    assert _glued_to_letters("r0000063") and _spans("r2015550123", ("US",)) == []
    assert not _glued_to_letters("2015550123") and not _glued_to_letters("r 2015550123")
    assert not _glued_to_letters("r" + "1" * 21)
    assert _spans("phone 201-555-0123", ("US",)) == ["201-555-0123"]


def _pack(tmp_path: Path, regions: str) -> Path:
    pack = tmp_path / "rules.yaml"
    pack.write_text(f"checks:\n  pii:\n    phone_regions: {regions}\n", encoding="utf-8")
    return pack


def _phones(report: Path) -> int:
    findings = json.loads(report.read_text("utf-8"))["findings"]
    return sum(f["details"]["kinds"].get("phone", {}).get("values", 0) for f in findings
               if f["check"] == "pii.personal")


def test_the_audit_reads_the_rule_packs_regions(tmp_path: Path) -> None:
    chats = tmp_path / "chats.jsonl"
    chats.write_text("".join(chat_line(text, "ok", str(i)) for i, text in enumerate([GERMAN, FRENCH, INTERNATIONAL])),
                     encoding="utf-8")
    found = {}
    for name, rules in (("default", "default"), ("de_fr", _pack(tmp_path, "[de, FR]"))):
        out = tmp_path / f"{name}.json"
        invoke(["audit", chats, "--rules", rules, "-f", "json", "-o", out], 1)  # 3 lines are too few
        found[name] = _phones(out)
    assert found == {"default": 1, "de_fr": 3}


def test_clean_redacts_a_tables_national_numbers_with_the_rule_packs_regions(tmp_path: Path) -> None:
    table = tmp_path / "notes.csv"
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["note", "label"], [GERMAN, "a"], [FRENCH, "b"], [INTERNATIONAL, "a"]])
    out = tmp_path / "o.csv"
    run(["clean", table, "-t", "label", "--text-column", "note", "--rules", _pack(tmp_path, "[DE, FR]"),
         "-o", out, "--redact", "phone", "-q"], 1)
    notes = [row["note"] for row in csv.DictReader(out.open(encoding="utf-8"))]
    assert notes == [text.replace(number, "[PHONE]") for text, number in
                     ((GERMAN, "030 12345678"), (FRENCH, "01 42 68 53 00"), (INTERNATIONAL, "+49 30 12345678"))]


def test_an_unknown_region_is_one_line_and_exit_2(tmp_path: Path) -> None:
    chats = tmp_path / "chats.jsonl"
    chats.write_text(chat_line(GERMAN, "ok", "1"), encoding="utf-8")
    _, err = run(["audit", chats, "--rules", _pack(tmp_path, "[DE, XX]")], 2)
    assert err.strip().splitlines() == [err.strip()] and "'XX'" in err and "Traceback" not in err


def test_reports_mask_national_numbers_of_the_rule_packs_regions(tmp_path: Path) -> None:
    """A British number written nationally, in a table's text column, quoted by the column's top
    values, a duplicate and a label conflict: no report format shows it with `phone_regions: [GB]`."""
    table = tmp_path / "calls.csv"
    notes = [f"please ring 020 7946 0{958 + i % 3} after five" for i in range(40)]
    with table.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows([["note", "label"], *[[note, "ab"[i % 2]] for i, note in enumerate(notes)]])
    rules = _pack(tmp_path, "[GB]")
    args: list[str | Path] = ["audit", table, "-t", "label", "--text-column", "note", "--rules", rules]
    formats = ["json", "markdown", "html", "junit", "sarif"]
    for fmt in formats:
        args += ["-f", fmt, "-o", tmp_path / f"report.{fmt}"]
    run(args, 1)
    console, _ = run(["audit", table, "-t", "label", "--text-column", "note", "--rules", rules], 1)
    rendered = {fmt: (tmp_path / f"report.{fmt}").read_text("utf-8") for fmt in formats} | {"console": console}
    assert "[PHONE]" in rendered["json"]
    assert not [fmt for fmt, text in rendered.items() if "7946" in text]


def test_the_default_regions_are_known_to_phonenumbers_and_read_in_any_case() -> None:
    """The rule pack accepts the default regions without loading `phonenumbers`; this is what
    makes that safe."""
    import phonenumbers

    assert set(DEFAULT_REGIONS) <= phonenumbers.SUPPORTED_REGIONS
    assert Rules(phone_regions=tuple(r.lower() for r in DEFAULT_REGIONS)).phone_regions == DEFAULT_REGIONS
    assert Rules(phone_regions=(" gb ", *DEFAULT_REGIONS)).phone_regions == ("GB", *DEFAULT_REGIONS)
