"""US Social Security numbers: found written `123-45-6789`, or as nine digits after a word naming
them, when the numbering rules allow them (no area 000, 666 or 9xx, no group 00, no serial 0000,
not a printed example); audited as personal data and redacted to `[SSN]` with every other byte
of the file kept."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from dataaudit.pii.detect import find_pii
from dataaudit.pii.ssn import issuable
from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers, chat_line


def _found(text: str) -> list[tuple[str, str]]:
    return [(f.kind, text[f.start:f.end]) for f in find_pii(text)]


@pytest.mark.parametrize(("text", "value"), [
    ("my ssn is 536-22-1234", "536-22-1234"),
    ("please verify 536-22-1234 before payroll", "536-22-1234"),
    ("SSN: 536221234", "536221234"),
    ("Social Security Number 536 22 1234", "536 22 1234"),
    ("her social-security no. is 536221234.", "536221234"),
    ("SS# 536-22-1234", "536-22-1234"),
    ("phone 415-555-2671, ssn 536 22 1234", "536 22 1234"),
])
def test_a_social_security_number_is_found(text: str, value: str) -> None:
    assert ("ssn", value) in _found(text)


@pytest.mark.parametrize("text", [
    "ssn 000-12-3456", "ssn 666-12-3456", "ssn 912-34-5678", "ssn 536-00-4567", "ssn 536-45-0000",
    "ssn 555-55-5555",  # one digit repeated
    "SSN 078-05-1120", "ssn 219-09-9999", "my ssn is 123-45-6789",  # printed examples
    "536 22 1234", "ref 536221234",  # nine digits with no word naming them
    "order 536-22-1234 shipped", "case #536-22-1234", "see https://x.org/536-22-1234/",  # ids and links
    "zip 12345-6789", "range 1536-22-1234", "v536-22-1234", "part 536-22-1234-5", "536-22-1234.5",
    "request id 550e8400-e29b-41d4-a716-446655440000", "ISBN 978-0-306-40615-7", "on 2023-10-12",
])
def test_a_number_the_rules_never_allow_or_nothing_names_is_no_ssn(text: str) -> None:
    assert not [kind for kind, _ in _found(text) if kind == "ssn"]


@given(area=st.integers(0, 999), group=st.integers(0, 99), serial=st.integers(0, 9999))
def test_a_dashed_number_is_found_exactly_when_the_rules_allow_it(area: int, group: int, serial: int) -> None:
    value = f"{area:03d}-{group:02d}-{serial:04d}"
    allowed = issuable(f"{area:03d}", f"{group:02d}", f"{serial:04d}")
    assert allowed == (area not in (0, 666) and area < 900 and group and serial
                       and value not in ("078-05-1120", "219-09-9999", "123-45-6789")
                       and len(set(value.replace("-", ""))) > 1)
    assert _found(f"the applicant's number: {value} (verified)") == ([("ssn", value)] if allowed else [])


PLANTED = {
    1: ("my SSN is 536-22-1234, thanks", "my SSN is [SSN], thanks"),
    4: ("Social security: 601 44 9012 on file", "Social security: [SSN] on file"),
}
KEPT = {2: "order 536-22-1234 shipped", 3: "SSN 666-12-3456 was rejected", 5: "ref 601449012"}


def _write(path: Path) -> list[str]:
    """Real sentences, enough lines for the size check, with the numbers planted in a few."""
    speeches, lines = carriers(), []
    for i in range(len(speeches)):
        text = PLANTED[i][0] if i in PLANTED else KEPT.get(i, speeches[i][:200].strip())
        lines.append(chat_line(f"question {i}", text, f"id-{i}"))
    path.write_text("".join(lines), encoding="utf-8")
    return lines


def test_audit_reports_the_numbers_as_personal_data_masked(tmp_path: Path) -> None:
    data, out = tmp_path / "chat.jsonl", tmp_path / "report.json"
    _write(data)
    run(["audit", data, "-f", "json", "-o", out], 0)
    written = out.read_text(encoding="utf-8")
    report = json.loads(written)
    (personal,) = [f for f in report["findings"] if f["check"] == "pii.personal"]
    assert personal["severity"] == "warn"
    assert {kind: tally["values"] for kind, tally in personal["details"]["kinds"].items()} == {"ssn": 2}
    assert personal["details"]["kinds"]["ssn"]["first"] == [2, 5]
    assert "536-22-1234" not in written.replace("order 536", "") and "601 44 9012" not in written


def test_clean_redacts_the_numbers_and_keeps_every_other_byte(tmp_path: Path) -> None:
    data, out = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl"
    lines = _write(data)
    invoke(["clean", data, "-o", out, "--redact", "ssn"], 0)
    for i, line in enumerate(out.read_text(encoding="utf-8").splitlines(keepends=True)):
        if i in PLANTED:
            assert line == lines[i].replace(PLANTED[i][0], PLANTED[i][1]), i
        else:
            assert line == lines[i], i
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["redactions"] == {"ssn": {"assistant": 2}}
