"""An address whose local part or domain is written in letters beyond ASCII (RFC 6531:
`josé@gmail.com`, `用户@例子.广告`) is found and redacted, in a chat line written as UTF-8 and in
one whose JSON escapes it (`jos\\u00e9@...`), as is one ended by a dash of two hyphens
(`jane@gmail.com--or`) or one holding an apostrophe (`o'brien@`, found whole); a name glued to
an `@` in social text, whose tail mixes ASCII letters with others (`gracias@pedro.lópez`), is no
address and stays."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from dataaudit.pii.detect import find_pii
from tests.cli_helpers import invoke
from tests.pii_helpers import carriers, chat_line

PLANTED = {
    4: ("write to josé@gmail.com today", "write to [EMAIL] today"),
    9: ("联系 用户@例子.广告 谢谢", "联系 [EMAIL] 谢谢"),
    14: ("mail josé.garcía@correo.es or Ünal.Öz@firma.de", "mail [EMAIL] or [EMAIL]"),
    21: ("write to zed.quux@corpmail.io--or call", "write to [EMAIL]--or call"),
    25: ("ask sean.o'brien@corpmail.io", "ask [EMAIL]"),
}
KEPT = {19: "gracias@pedro.lópez por todo"}
RAW = ("josé", "jos\\u00e9", "用户", "\\u7528", "garcía", "Ünal", "zed.quux", "o'brien")


@pytest.mark.parametrize(("text", "value"), [
    ("josé@gmail.com", "josé@gmail.com"),
    ("联系 用户@例子.广告。", "用户@例子.广告"),
    ("write to josé.garcía@gmail.com now", "josé.garcía@gmail.com"),
    ("почта: иван@пример.рф", "иван@пример.рф"),
    ("email jane@gmail.com--or call", "jane@gmail.com"),
    ("josé@gmail.com---más tarde", "josé@gmail.com"),
    ("write to o'brien@gmail.com", "o'brien@gmail.com"),
    ("'jane@gmail.com'", "jane@gmail.com"),
])
def test_an_address_is_found_whole(text: str, value: str) -> None:
    assert [(f.kind, text[f.start:f.end]) for f in find_pii(text)] == [("email", value)]


@pytest.mark.parametrize("text", ["gracias@pedro.lópez", "café@home", "jane@mail_server.com", "RT @josé: hola",
                                  "user@host.co-op", "jane@gmail.com-x"])
def test_names_glued_to_an_at_are_no_address(text: str) -> None:
    assert find_pii(text) == []


def _write(path: Path) -> list[str]:
    """Odd lines carry the text as the user's turn (JSON escapes it), even lines as the
    assistant's (written as UTF-8)."""
    speeches, lines = carriers(), []
    for i in range(30):
        text = PLANTED[i][0] if i in PLANTED else KEPT.get(i, speeches[i][:200].strip())
        user, assistant = (text, f"answer {i}") if i % 2 else (f"question {i}", text)
        lines.append(chat_line(user, assistant, f"id-{i}"))
    path.write_text("".join(lines), encoding="utf-8")
    return lines


def test_clean_redacts_addresses_beyond_ascii_and_before_a_dash(tmp_path: Path) -> None:
    data, out = tmp_path / "chat.jsonl", tmp_path / "clean.jsonl"
    lines = _write(data)
    invoke(["clean", data, "-o", out, "--redact", "pii"], 0)
    written = out.read_text(encoding="utf-8")
    assert not [value for value in RAW if value in written]
    for i, line in enumerate(written.splitlines(keepends=True)):
        texts = [m["content"] for m in json.loads(line)["messages"]]
        if i in PLANTED:
            assert PLANTED[i][1] in texts, i
        else:
            assert line == lines[i], i
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text(encoding="utf-8"))
    assert manifest["redactions"] == {"email": {"user": 3, "assistant": 3}}
