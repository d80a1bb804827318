"""Tool calls no chat template can print are format errors without a format profile: a
`tool_calls` that is not a list of call objects, and a tool message answering no call. Two
assistant turns in a row are left to the templates and profiles that refuse them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.cli_helpers import invoke
from tests.text_helpers import audit_json, small_pack

CALL = {"id": "c1", "type": "function", "function": {"name": "weather", "arguments": "{\"city\": \"Rome\"}"}}
USER = {"role": "user", "content": "What is the weather in Rome today?"}
ANSWER = {"role": "assistant", "content": "It is sunny in Rome."}
RESULT = {"role": "tool", "tool_call_id": "c1", "content": "sunny"}
LINES: list[dict[str, Any]] = [
    # 1: a good tool flow, two results answering two calls
    {"messages": [USER, {"role": "assistant", "content": None, "tool_calls": [CALL, {**CALL, "id": "c2"}]},
                  RESULT, {**RESULT, "tool_call_id": "c2"}, ANSWER]},
    # 2: calls as a string beside a text, which passed as a plain answer
    {"messages": [USER, {"role": "assistant", "content": "Let me look.", "tool_calls": "notalist"}]},
    # 3: a tool result after the user, no call before it
    {"messages": [USER, RESULT, ANSWER]},
    # 4: two assistant turns in a row
    {"messages": [USER, ANSWER, {"role": "assistant", "content": "Anything else?"}]},
    # 5: null and empty calls, as exports write them on every message
    {"messages": [USER, {**ANSWER, "tool_calls": None}, {"role": "user", "content": "Thanks!"},
                  {"role": "assistant", "content": "You are welcome.", "tool_calls": []}]},
    # 6: one call object instead of a list of them
    {"messages": [USER, {"role": "assistant", "content": "Looking.", "tool_calls": CALL}]},
    # 7: the legacy function call and its result
    {"messages": [USER, {"role": "assistant", "content": None, "function_call": CALL["function"]},
                  {"role": "function", "name": "weather", "content": "sunny"}, ANSWER]},
    # 8: a legacy function_call written as a string
    {"messages": [USER, {"role": "assistant", "content": "Looking.", "function_call": "weather"}]},
    # 9: a second result after the answer, its call already answered
    {"messages": [USER, {"role": "assistant", "content": None, "tool_calls": [CALL]}, RESULT, ANSWER, RESULT,
                  ANSWER]},
]


def _file(folder: Path) -> Path:
    path = folder / "tools.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in LINES), "utf-8")
    return path


def _errors(report: dict[str, Any], check: str = "text.format_errors") -> dict[str, list[int]]:
    return {f["details"]["kind"]: f["examples"] for f in report["findings"] if f["check"] == check}


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_malformed_calls_and_results_answering_nothing_are_format_errors(tmp_path: Path, runner: str) -> None:
    report = audit_json(runner, [_file(tmp_path), "-r", small_pack(tmp_path)], 1, tmp_path)
    assert _errors(report) == {"tool_calls_not_list": [2, 6, 8], "tool_without_call": [3, 9]}


def test_the_console_names_the_kind_and_its_lines(tmp_path: Path) -> None:
    out, _ = invoke(["audit", _file(tmp_path), "-r", small_pack(tmp_path)], 1)
    assert "(tool_calls_not_list); first lines 2, 6, 8." in " ".join(out.split())
    assert "(tool_without_call); first lines 3, 9." in " ".join(out.split())


def test_two_assistant_turns_in_a_row_break_only_a_profile_that_alternates(tmp_path: Path) -> None:
    """ChatML and Llama 3 templates print two assistant turns in a row; Llama 2's, Mistral's and
    Gemma's refuse them, which `text.template_error` reports through the model's template."""
    path = tmp_path / "twice.jsonl"
    path.write_text(json.dumps(LINES[3]) + "\n", "utf-8")
    report = audit_json("invoke", [path, "-r", small_pack(tmp_path)], 0, tmp_path)
    assert _errors(report) == {}
    report = audit_json("invoke", [path, "-r", small_pack(tmp_path), "--format-profile", "bedrock-claude"], 1,
                        tmp_path)
    assert any(f["check"] == "format.rules" and "role_order" in f["message"] for f in report["findings"])


def test_a_profile_allowing_tool_calls_breaks_its_tool_calls_rule_on_them(tmp_path: Path) -> None:
    report = audit_json("invoke", [_file(tmp_path), "-r", small_pack(tmp_path), "--format-profile", "openai-chat"],
                        1, tmp_path)
    found = next(f for f in report["findings"] if f["check"] == "format.rules" and "tool_calls" in f["message"])
    assert found["examples"] == [2, 3, 6, 8, 9], found


def test_clean_quarantines_them_and_keeps_every_other_line(tmp_path: Path) -> None:
    source = _file(tmp_path)
    before = source.read_bytes()
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out, "-r", small_pack(tmp_path)], 0)
    assert source.read_bytes() == before
    kept = out.read_text("utf-8").splitlines()
    quarantined = [json.loads(q) for q in (tmp_path / "clean.quarantine.jsonl").read_text("utf-8").splitlines()]
    assert {q["line"]: q["kinds"] for q in quarantined} == {
        2: ["tool_calls_not_list"], 3: ["tool_without_call"], 6: ["tool_calls_not_list"],
        8: ["tool_calls_not_list"], 9: ["tool_without_call"]}
    assert kept == [json.dumps(LINES[i - 1]) for i in (1, 4, 5, 7)]
