"""A fine-tuning file not in UTF-8, which trainers read it as: a UTF-16 one (a Windows editor's
"Unicode") is refused in one line saying how to convert it, where each of its lines was "not valid
JSON"; a Latin-1 one is audited as the chat file it is, each line holding a non-UTF-8 byte a
`not_utf8` error, where a file of such lines only was read as a table of JSON columns once
`--encoding` was passed as the error suggested."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import RUNNERS, Runner, audit_report

CHATS = [{"messages": [{"role": "user", "content": f"Question {i} about a café?"},
                       {"role": "assistant", "content": f"Answer {i}: the café opens at {i}."}]} for i in range(12)]


def _write(path: Path, encoding: str) -> Path:
    path.write_text("".join(json.dumps(chat, ensure_ascii=False) + "\n" for chat in CHATS), encoding=encoding)
    return path


@pytest.mark.parametrize("runner", RUNNERS)
@pytest.mark.parametrize("encoding", ["utf-16", "utf-32"])
def test_a_wide_unicode_chat_file_is_refused_saying_how_to_convert_it(tmp_path: Path, runner: Runner,
                                                                      encoding: str) -> None:
    data = _write(tmp_path / "chats.jsonl", encoding)
    _, err = runner(["audit", data], 2)
    assert err.strip().endswith(f"chats.jsonl: a chat file in {encoding.upper()} (it starts with its byte-order "
                                "mark); fine-tuning files are read as UTF-8, as trainers read them: convert it first "
                                f"(e.g. `iconv -f {encoding.upper()} -t UTF-8`)")
    assert "Traceback" not in err


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_latin_1_chat_file_is_audited_as_chat_each_line_not_utf8(tmp_path: Path, runner: Runner) -> None:
    data = _write(tmp_path / "chats.jsonl", "latin-1")
    report = audit_report(runner, [data], tmp_path)
    assert report["source"]["format"] == "jsonl" and report["dataset"]["kind"] == "chat"
    [finding] = [f for f in report["findings"] if f["check"] == "text.format_errors"]
    assert finding["details"]["kind"] == "not_utf8" and finding["examples"] == list(range(1, 13))
