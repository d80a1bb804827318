"""A password given to its keyword is found however short a person chose it (`password: hunter2`,
`pwd hunter2`, `"passwd": "P@ss1"`), while what only looks like one stays: placeholders
(`***`, `<password>`, `${PASSWORD}`, `changeme`), words, numbers, versions, a command's option
and a variable passed to a call (`password=pwd1)`)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke, run
from tests.pii_helpers import carriers, chat_line


def _secrets(text: str) -> list[str]:
    return [text[f.start:f.end] for f in find_pii(text) if f.kind == "secret"]


@pytest.mark.parametrize(("text", "value"), [
    ("password: hunter2", "hunter2"),
    ("passwd: abc123", "abc123"),
    ('"password": "hunter2"', "hunter2"),
    ("PASSWORD=P@ss1", "P@ss1"),
    ("pwd hunter2 && ls", "hunter2"),
    ("login admin password s3cret!", "s3cret!"),
    ("my password is abc123 lol", "abc123"),
    ("the password hunter2 is weak", "hunter2"),
    ("password: hunter2, thanks", "hunter2"),
    ('{\\"password\\": \\"n0pe42\\"}', "n0pe42"),
])
def test_a_short_password_is_found(text: str, value: str) -> None:
    assert _secrets(text) == [value]


@pytest.mark.parametrize("text", [
    # placeholders, words, numbers, versions, options
    "password: ****", "password: <password>", "password=${PASSWORD}", "password: changeme", "password: xxxx1",
    "password: {{pw1}}", "password: %(pw)s", "password: $PW1", "password: none", "password: required",
    "password protected", "reset password 3 times", "password: 1234", "pwd -P", "pwd v2.1", "pwd && ls",
    # code: a variable passed to a call
    "login(user, password=pass1)", "db.connect(host=h, password=pwd1, port=5432)", "f(token=tok2x9abc, n=1)",
])
def test_what_only_looks_like_a_password_stays(text: str) -> None:
    assert _secrets(text) == []


PLANTED = {
    3: ("my password: hunter2 (do not share)", "my password: [SECRET] (do not share)"),
    6: ('set "passwd": "P@ss1" in the file', 'set "passwd": "[SECRET]" in the file'),
}
KEPT = {2: "password: ****", 5: "login(user, password=pass1)", 7: "connect(password=pwd1)", 8: "pwd v2.1"}


def _write(path: Path, planted: bool) -> list[str]:
    speeches, lines = carriers(), []
    for i in range(len(speeches)):
        text = PLANTED[i][0] if planted and i in PLANTED else KEPT.get(i, speeches[i][:200].strip())
        lines.append(chat_line(f"question {i}", text, f"id-{i}"))
    path.write_text("".join(lines), encoding="utf-8")
    return lines


def test_audit_fails_on_a_short_password_and_passes_its_look_alikes(tmp_path: Path) -> None:
    data, out = tmp_path / "chat.jsonl", tmp_path / "report.json"
    _write(data, planted=False)
    run(["audit", data, "-f", "json", "-o", out], 0)
    assert not [f for f in json.loads(out.read_text("utf-8"))["findings"] if f["check"] == "pii.secrets"]
    _write(data, planted=True)
    run(["audit", data, "-f", "json", "-o", out], 1)
    written = out.read_text("utf-8")
    (secrets,) = [f for f in json.loads(written)["findings"] if f["check"] == "pii.secrets"]
    assert secrets["severity"] == "fail" and secrets["details"]["kinds"]["secret"]["first"] == [4, 7]
    assert "hunter2" not in written and "P@ss1" not in written


def test_clean_redacts_a_short_password_and_keeps_every_other_byte(tmp_path: Path) -> None:
    data, out = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl"
    lines = _write(data, planted=True)
    invoke(["clean", data, "-o", out, "--redact", "secrets"], 0)
    for i, line in enumerate(out.read_text(encoding="utf-8").splitlines(keepends=True)):
        before, after = (json.dumps(text)[1:-1] for text in PLANTED[i]) if i in PLANTED else ("", "")
        expected = lines[i].replace(before, after) if i in PLANTED else lines[i]
        assert line == expected, i
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["redactions"] == {"secret": {"assistant": 2}}
