"""A value named by the word before it is found, redacted and masked: an address after `server`
(a word ending in `ver`, not the version word), a card number after `VISA` and a phone number
after `CALL` (words in capitals, not groups of an account or IBAN), a phone number after `In any
case:` or `just in case,` (a phrase, not the label of a case number) or after a year (no group
of an account). The decoys beside them (an
address after `version`, an IBAN failing its checksum, a case number) stay as they are."""

from __future__ import annotations

import csv
import functools
import json
from pathlib import Path

import pytest

from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers

RUNNERS = {"run": functools.partial(run, timeout=300), "invoke": invoke}
PLANTED = {
    3: ("the server 8.8.8.8 kept timing out", "the server [IP] kept timing out", "ip"),
    7: ("paid by VISA 4111 1111 1111 1111 last week", "paid by VISA [CARD] last week", "card"),
    11: ("PLEASE CALL 415-555-2671 AFTER FIVE", "PLEASE CALL [PHONE] AFTER FIVE", "phone"),
    15: ("observer: 1.1.1.1 and AMEX 3782 822463 10005", "observer: [IP] and AMEX [CARD]", None),
    19: ("In any case: 415-555-2672 reaches me", "In any case: [PHONE] reaches me", "phone"),
    23: ("just in case, 415-555-2673", "just in case, [PHONE]", "phone"),
    27: ("open since 2024 415-555-2675 daily", "open since 2024 [PHONE] daily", "phone"),
}
DECOYS = {
    5: "we run version 1.2.3.4 of the firmware",
    9: "IBAN GB00 WEST 1234 5698 7654 32 was refused as wrong",
    13: "case no. 415-555-2674 was closed",
}
RAW = ("8.8.8.8", "4111 1111 1111 1111", "415-555-2671", "1.1.1.1", "3782 822463 10005", "415-555-2672", "415-555-2673",
       "415-555-2675")


def _write(path: Path) -> list[list[str]]:
    rows = [["id", "review", "label"]]
    speeches = carriers()  # real sentences, no two alike, holding none
    for i in range(60):
        text = PLANTED[i][0] if i in PLANTED else DECOYS.get(i, speeches[i])
        rows.append([str(i), text, "pos" if i % 2 else "neg"])
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    return rows


@pytest.mark.parametrize("runner", RUNNERS)
def test_values_named_by_the_word_before_them_are_redacted(tmp_path: Path, runner: str) -> None:
    data, out = tmp_path / "reviews.csv", tmp_path / "clean.csv"
    rows = _write(data)
    RUNNERS[runner](["clean", data, "-t", "label", "--text-column", "review", "-o", out, "--redact", "pii"], 0)
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert len(written) == len(rows)
    for i, (row, new) in enumerate(zip(rows[1:], written[1:], strict=True)):
        expected = PLANTED[i][1] if i in PLANTED else row[1]
        assert new == [row[0], expected, row[2]], i
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["redactions"] == {"ip": {"review": 2}, "card": {"review": 2}, "phone": {"review": 4}}
    assert manifest["rows"]["redacted"] == 7


@pytest.mark.parametrize("runner", RUNNERS)
def test_values_named_by_the_word_before_them_are_masked_in_the_report(tmp_path: Path, runner: str) -> None:
    data, report = tmp_path / "reviews.csv", tmp_path / "report.json"
    _write(data)
    RUNNERS[runner](["audit", data, "-t", "label", "--text-column", "review", "-f", "json", "-o", report], 0)
    text = report.read_text(encoding="utf-8")
    assert not [value for value in RAW if value in text]
    personal = [f for f in json.loads(text)["findings"] if f["check"] == "pii.personal"]
    assert [f["details"]["kinds"][kind]["values"] for f in personal for kind in ("ip", "card", "phone")] == [2, 2, 4]
