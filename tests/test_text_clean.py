"""`clean_jsonl`: broken and duplicate lines go to quarantine with line and reason; the rest is
copied byte for byte, with texts trimmed only where asked."""

from __future__ import annotations

import base64
import json
import os
from pathlib import Path

import pytest

from dataaudit.api import audit
from dataaudit.errors import InputError, OutputError
from dataaudit.text import clean_jsonl
from dataaudit.text.validate import ERROR_KINDS
from tests.conftest import DATA
from tests.test_text_audit import CHAT_ERRORS, EXPECTED_CHAT_ERRORS


def test_broken_and_duplicate_lines_are_quarantined(tmp_path: Path) -> None:
    out, quarantine = tmp_path / "clean.jsonl", tmp_path / "quarantine.jsonl"
    summary = clean_jsonl(CHAT_ERRORS, out, quarantine)
    raw = CHAT_ERRORS.read_bytes().split(b"\n")
    broken = sorted({line for lines in EXPECTED_CHAT_ERRORS.values() for line in lines})
    kept = [n for n in range(1, 22) if n not in broken and n != 20]  # 20 repeats line 1
    assert out.read_bytes() == b"".join(raw[n - 1] + b"\n" for n in kept)
    entries = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert [e["line"] for e in entries] == sorted([*broken, 20])
    assert {e["line"]: e["kinds"] for e in entries}[20] == ["duplicate"]
    assert {e["line"]: e["reason"] for e in entries}[20] == "duplicate of line 1"
    assert all(set(e["kinds"]) <= set(ERROR_KINDS) for e in entries if e["line"] != 20)
    assert (summary.lines, summary.kept, sum(summary.quarantined.values())) == (21, len(kept), len(broken) + 1)
    assert summary.trimmed == 0


def test_a_clean_file_is_copied_byte_for_byte(tmp_path: Path) -> None:
    source = DATA / "text" / "azure_openai_example.jsonl"
    out = tmp_path / "out.jsonl"
    summary = clean_jsonl(source, out)
    assert out.read_bytes() == source.read_bytes()
    assert (summary.kept, summary.quarantined) == (14, {})


def test_trim_rewrites_only_lines_with_padded_texts(tmp_path: Path) -> None:
    source = tmp_path / "pairs.jsonl"
    source.write_bytes(b'{"prompt": "  Hi ", "completion": "Hello\\n", "id": 1}\r\n'
                       b'{"prompt":"Bye","completion":"See you"}\n'
                       b'{"prompt": "Hi", "completion": "Hello", "id": 2}')
    out = tmp_path / "out.jsonl"
    summary = clean_jsonl(source, out, format_kind="prompt-completion")
    assert out.read_bytes() == (b'{"prompt": "Hi", "completion": "Hello", "id": 1}\r\n'
                                b'{"prompt":"Bye","completion":"See you"}\n')
    assert (summary.trimmed, summary.quarantined) == (1, {"duplicate": 1})  # line 3 repeats line 1 once trimmed
    untrimmed = clean_jsonl(source, tmp_path / "raw.jsonl", format_kind="prompt-completion", trim=False,
                            drop_duplicates=False)
    assert (tmp_path / "raw.jsonl").read_bytes() == source.read_bytes()
    assert untrimmed.trimmed == 0


def test_the_input_is_never_overwritten(tmp_path: Path) -> None:
    source = tmp_path / "chats.jsonl"
    source.write_bytes(CHAT_ERRORS.read_bytes())
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        clean_jsonl(source, source)
    os.link(source, tmp_path / "same.jsonl")
    with pytest.raises(OutputError, match="refusing to overwrite the input"):
        clean_jsonl(source, tmp_path / "out.jsonl", quarantine=tmp_path / "same.jsonl")
    (tmp_path / "same.jsonl").unlink()
    assert source.read_bytes() == CHAT_ERRORS.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["chats.jsonl"]


def test_a_table_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="not a chat, prompt/completion or instruction JSONL"):
        clean_jsonl(DATA / "iris.csv", tmp_path / "out.jsonl")


def test_dry_run_writes_nothing_and_audits_what_it_would_keep(tmp_path: Path) -> None:
    out, quarantine = tmp_path / "clean.jsonl", tmp_path / "quarantine.jsonl"
    summary = clean_jsonl(CHAT_ERRORS, out, quarantine, dry_run=True)
    assert list(tmp_path.iterdir()) == []
    written = clean_jsonl(CHAT_ERRORS, out, quarantine)
    assert (summary.kept, summary.quarantined, summary.bytes_out) == (written.kept, written.quarantined,
                                                                    out.stat().st_size)
    assert summary.report is not None and written.report is not None
    assert summary.report.dataset.rows == written.kept
    assert summary.report.to_dict()["findings"] == written.report.to_dict()["findings"]


def test_a_trimmed_line_keeps_its_numbers_as_written(tmp_path: Path) -> None:
    """A line written again because a text was trimmed keeps every number no step touched with
    its digits (`0.10`, `1E+03`, `-0`, past float precision); only Python's `-Infinity`, which no
    strict parser reads, goes out as JSON's `-1e999`."""
    numbers = '"w": 0.10, "n": 1E+03, "z": -0, "big": 12345678901234567890.50, "low": -Infinity'
    line = ('{"messages": [{"role": "user", "content": " Hi ", "weight": 2.50}, '
            '{"role": "assistant", "content": "Hello"}], ' + numbers + '}')
    data = tmp_path / "chat.jsonl"
    data.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    clean_jsonl(data, out, trim=True)
    assert out.read_text(encoding="utf-8") == line.replace(" Hi ", "Hi").replace("-Infinity", "-1e999") + "\n"


def test_a_trimmed_line_nested_as_deep_as_the_parser_reads_is_written(tmp_path: Path) -> None:
    """The line is written again without recursion: 900 levels pass where Python's limit is 1,000."""
    deep = "[" * 900 + "2.50" + "]" * 900
    line = '{"prompt": " pad ", "completion": "ok", "meta": ' + deep + "}"
    data = tmp_path / "deep.jsonl"
    data.write_text(line + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    clean_jsonl(data, out, trim=True)
    assert out.read_text(encoding="utf-8") == line.replace(" pad ", "pad") + "\n"


def _chat(user: str, answer: object, **assistant: object) -> str:
    return json.dumps({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": answer,
                                                                           **assistant}]})


def _call(city: str) -> dict:
    return {"id": "c1", "type": "function",
            "function": {"name": "get_weather", "arguments": json.dumps({"city": city})}}


def _image(url: str) -> str:
    return json.dumps({"messages": [
        {"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url",
                                                                                "image_url": {"url": url}}]},
        {"role": "assistant", "content": "A cat."}]})


@pytest.mark.parametrize(("lines", "copies"), [
    # a tool called with other arguments, an image of another cat, another weight: other examples
    ([_chat("weather?", None, tool_calls=[_call("Paris")]), _chat("weather?", None, tool_calls=[_call("Tokyo")]),
      _chat("weather?", None, tool_calls=[_call("Tokyo")])], [3]),
    ([_image("http://x/1.png"), _image("http://x/2.png"), _image("http://x/1.png")], [3]),
    ([_chat("hi", "hello", weight=0), _chat("hi", "hello", weight=1), _chat("hi", "hello", weight=1)], [3]),
    # the same conversation, its keys in another order: one example
    ([_chat("hi", "hello"), json.dumps({"messages": [{"content": "hi", "role": "user"},
                                                     {"content": "hello", "role": "assistant"}]})], [2]),
])
def test_a_duplicate_is_the_same_example_whatever_it_calls_or_shows(tmp_path: Path, lines: list[str],
                                                                     copies: list[int]) -> None:
    """Only roles and texts were compared: a conversation calling a tool with other arguments, or
    showing another image, was quarantined as a copy of the first (and counted one by the audit)."""
    data = tmp_path / "chat.jsonl"
    data.write_text("".join(line + "\n" for line in lines))
    quarantine = tmp_path / "held.jsonl"
    clean_jsonl(data, tmp_path / "out.jsonl", quarantine)
    held = [json.loads(line) for line in quarantine.read_text().splitlines()]
    assert [entry["line"] for entry in held] == copies and all(e["kinds"] == ["duplicate"] for e in held)
    report = audit(data)
    found = [f for f in report.findings if f.check == "text.duplicates"]
    assert [copy for copy, _ in found[0].details["repeats"]] == copies


def test_without_trimming_a_text_indented_otherwise_is_another_example(tmp_path: Path) -> None:
    data = tmp_path / "code.jsonl"
    data.write_text(_chat("write f", "def f():\n    return 1") + "\n" + _chat("write f", "    def f():\n    return 1")
                    + "\n")
    untrimmed = clean_jsonl(data, tmp_path / "kept.jsonl", trim=False)
    assert (untrimmed.kept, untrimmed.quarantined) == (2, {})
    trimmed = clean_jsonl(data, tmp_path / "trimmed.jsonl", trim=True)  # written alike once trimmed: one
    assert (trimmed.kept, trimmed.quarantined) == (1, {"duplicate": 1})


def test_a_line_that_is_no_utf8_is_restored_from_the_quarantine(tmp_path: Path) -> None:
    """Its `text` showed `caf\\ufffd`: the byte 0xe9 was gone for good."""
    bad = b'{"messages": [{"role": "user", "content": "caf\xe9"}, {"role": "assistant", "content": "ok"}]}'
    data = tmp_path / "latin.jsonl"
    data.write_bytes(bad + b"\r\n" + _chat("a", "b").encode() + b"\n")
    quarantine = tmp_path / "held.jsonl"
    clean_jsonl(data, tmp_path / "out.jsonl", quarantine)
    (entry,) = [json.loads(line) for line in quarantine.read_text().splitlines()]
    assert entry["kinds"] == ["not_utf8"] and '"caf\ufffd"}' in entry["text"] and entry["text"].endswith("]}")
    assert base64.b64decode(entry["base64"]) == bad
    (good,) = [json.loads(line) for line in (tmp_path / "out.jsonl").read_text().splitlines()]
    assert "base64" not in good


def test_a_conversational_prompt_and_completion_is_trimmed_like_a_chat(tmp_path: Path) -> None:
    """TRL's prompt and completion as lists of messages were left as they were: only string
    values were trimmed."""
    padded = {"prompt": [{"role": "user", "content": "  hi  "}],
              "completion": [{"role": "assistant", "content": "yo \n"}]}
    plain = {"prompt": [{"role": "user", "content": "a"}], "completion": [{"role": "assistant", "content": "b"}]}
    data = tmp_path / "pairs.jsonl"
    data.write_text(json.dumps(padded) + "\n" + json.dumps(plain) + "\n")
    out = tmp_path / "out.jsonl"
    summary = clean_jsonl(data, out, trim=True)
    written = [json.loads(line) for line in out.read_text().splitlines()]
    assert written[0] == {"prompt": [{"role": "user", "content": "hi"}], "completion": [{"role": "assistant",
                                                                                           "content": "yo"}]}
    assert out.read_text().splitlines()[1] == json.dumps(plain) and summary.trimmed == 1
