"""A key, an address or a card number written with invisible characters inside (a zero-width
space, a soft hyphen, U+FEFF), in full-width letters or with non-breaking spaces is still that
value: a model trained on it learns it all the same. It is found and redacted whole."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke, run

VALUES = {
    "secret": "ghp_aBcDeFgHiJkLmNoPqRsTuVwXyZ0123456789",
    "email": "jane.doe@gmail.com",
    "card": "4111 1111 1111 1111",
    "iban": "DE89 3704 0044 0532 0130 00",
}
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e", "\U000e0041"]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


GITHUB = "ghp_aBcDeFgHiJkLmN\u200boPqRsTuVwXyZ0123456789"
OPENAI = "sk-proj-4f8Kd9sLq2X\u200bw7Zb3Nc6Vm1Rt5Yh0Ju8Gp4Ea"


@pytest.mark.parametrize(("text", "kind", "value"), [
    (f"token {GITHUB} ok", "secret", GITHUB),
    (f"key {OPENAI}", "secret", OPENAI),
    ("pass\u200bword=Xk29$mPq7Lz", "secret", "Xk29$mPq7Lz"),
    ("mail jane\u200b.doe@gma\ufeffil.com now", "email", "jane\u200b.doe@gma\ufeffil.com"),
    ("mail jane.doe@gmail\u00ad.com now", "email", "jane.doe@gmail\u00ad.com"),
    (f"mail {_full_width('jane.doe@gmail.com')} now", "email", _full_width("jane.doe@gmail.com")),
    ("card 4111 1111 1111 11\u200b11 thanks", "card", "4111 1111 1111 11\u200b11"),
    ("card 4111\u00a01111\u00a01111\u00a01111 thanks", "card", "4111\u00a01111\u00a01111\u00a01111"),
    (f"card {_full_width('4111 1111 1111 1111')} thanks", "card", _full_width("4111 1111 1111 1111")),
])
def test_a_value_hidden_by_unicode_is_found_whole(text: str, kind: str, value: str) -> None:
    found = find_pii(text)
    assert [(f.kind, text[f.start:f.end]) for f in found] == [(kind, value)]


@settings(max_examples=80, deadline=None)
@given(st.sampled_from(sorted(VALUES)), st.data())
def test_inserting_invisible_characters_never_hides_a_value(kind: str, data: st.DataObject) -> None:
    value = VALUES[kind]
    where = data.draw(st.lists(st.tuples(st.integers(1, len(value) - 1), st.sampled_from(INVISIBLE)), max_size=6))
    hidden = value
    for at, ch in sorted(where, reverse=True):
        hidden = hidden[:at] + ch + hidden[at:]
    text = f"here it is: {hidden} thanks"
    found = find_pii(text)
    assert [(f.kind, text[f.start:f.end]) for f in found] == [(kind, hidden)]


def test_clean_redacts_a_key_split_by_a_zero_width_space_whole(tmp_path: Path) -> None:
    key = "ghp_aBcDeFgHiJkLmN\u200boPqRsTuVwXyZ0123456789"
    rows = [[f"Question {i}?", f"Answer {i}."] for i in range(20)] + [["My token?", f"It is {key} keep it"]]
    source = tmp_path / "chat.jsonl"
    source.write_text("".join(json.dumps({"messages": [{"role": "user", "content": u},
                                                       {"role": "assistant", "content": a}]}) + "\n"
                              for u, a in rows), "utf-8")
    report = tmp_path / "r.json"
    run(["audit", source, "-f", "json", "-o", report], 1)
    statuses = {c["check"]: c["status"] for c in json.loads(report.read_text("utf-8"))["checks"]}
    assert statuses["pii.secrets"] == "fail"
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out, "--redact", "pii"], 0)
    last = json.loads(out.read_text("utf-8").splitlines()[-1])
    assert last["messages"][1]["content"] == "It is [SECRET] keep it"
