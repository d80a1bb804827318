"""A card number written with its expiry date or security code after it (`4111 1111 1111 1111
12/25 123`, as card details are pasted) is found and redacted, the date and code staying as
written; a run of groups of four that goes on (`4111 1111 1111 1111 1111`, a table's row of
numbers) is no card."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke
from tests.pii_helpers import carriers

PLANTED = {
    2: ("my card 4111 1111 1111 1111 12/27 123 was charged twice",
        "my card [CARD] 12/27 123 was charged twice"),
    6: ("use 5500000000000004 04/28 please", "use [CARD] 04/28 please"),
    10: ("amex 3782-822463-10005 01/29 1234 on file", "amex [CARD] 01/29 1234 on file"),
}
DECOYS = {14: "rows 4111 1111 1111 1111 1111 and 2222 read as one number"}
RAW = ("4111 1111 1111 1111 12", "5500000000000004", "3782-822463-10005")


@pytest.mark.parametrize(("text", "value"), [
    ("card 4111 1111 1111 1111 12/25 123", "4111 1111 1111 1111"),
    ("card 4111111111111111 12/25", "4111111111111111"),
    ("card 4111-1111-1111-1111 123", "4111-1111-1111-1111"),
    ("3782 822463 10005 12/27", "3782 822463 10005"),
])
def test_a_card_before_its_expiry_or_code_is_found(text: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in find_pii(text)] == [("card", value)]


@pytest.mark.parametrize("text", ["4111 1111 1111 1111 1111", "4111 1111 1111 1111 2025 99", "3782 822463 10005 1234"])
def test_a_number_going_on_in_groups_of_four_is_no_card(text: str) -> None:
    assert find_pii(text) == []


def test_clean_redacts_a_card_before_its_expiry(tmp_path: Path) -> None:
    data, out = tmp_path / "reviews.csv", tmp_path / "clean.csv"
    speeches, rows = carriers(), [["id", "review", "label"]]
    for i in range(40):
        text = PLANTED[i][0] if i in PLANTED else DECOYS.get(i, speeches[i][:200].strip())
        rows.append([str(i), text, "ab"[i % 2]])
    with data.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)
    invoke(["clean", data, "-t", "label", "--text-column", "review", "-o", out, "--redact", "pii"], 0)
    with out.open(encoding="utf-8", newline="") as handle:
        written = list(csv.reader(handle))
    assert not [value for value in RAW if value in out.read_text(encoding="utf-8")]
    for i, (row, new) in enumerate(zip(rows[1:], written[1:], strict=True)):
        assert new == [row[0], PLANTED[i][1] if i in PLANTED else row[1], row[2]], i
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["redactions"] == {"card": {"review": 3}}
