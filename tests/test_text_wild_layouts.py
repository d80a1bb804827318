"""Fine-tuning files laid out as providers and trainers document them, through the audit and the
clean: what the documentation shows as a valid example is no format error, and a clean keeps it."""

from __future__ import annotations

import json
from pathlib import Path

from tests.cli_helpers import audit_report, invoke, run

#: OpenAI's tool-calling example (fine-tuning guide): the assistant's call has no `content` key
TOOL_CALLING = {
    "messages": [
        {"role": "user", "content": "What is the weather in San Francisco?"},
        {"role": "assistant", "tool_calls": [{"id": "call_id", "type": "function", "function": {
            "name": "get_current_weather", "arguments": "{\"location\": \"San Francisco, USA\"}"}}]},
        {"role": "tool", "tool_call_id": "call_id", "content": "21.0"},
        {"role": "assistant", "content": "It is 21 degrees in San Francisco."}],
    "tools": [{"type": "function", "function": {"name": "get_current_weather", "parameters": {}}}],
}
#: the legacy form of the same example: `functions`, a `function_call` without content, a `function` turn
FUNCTION_CALLING = {
    "messages": [
        {"role": "user", "content": "What is the weather in Paris?"},
        {"role": "assistant", "function_call": {"name": "get_current_weather",
                                                "arguments": "{\"location\": \"Paris, France\"}"}},
        {"role": "function", "name": "get_current_weather", "content": "18.0"},
        {"role": "assistant", "content": "It is 18 degrees in Paris."}],
    "functions": [{"name": "get_current_weather", "parameters": {}}],
}


def _write(path: Path, records: list[dict]) -> Path:
    path.write_text("".join(json.dumps(record) + "\n" for record in records), encoding="utf-8")
    return path


def _format_errors(report: dict) -> dict[str, list[int]]:
    return {f["details"]["kind"]: f["examples"] for f in report["findings"] if f["check"] == "text.format_errors"}


def test_a_tool_call_without_content_is_an_example(tmp_path: Path) -> None:
    """An assistant message of `tool_calls` and no `content` key, as OpenAI's guide writes it, was
    a `message_missing_field` on every line, and a clean quarantined every tool-calling example."""
    data = _write(tmp_path / "tools.jsonl", [TOOL_CALLING, FUNCTION_CALLING,
                                             {"messages": [{"role": "user", "content": "Hi"},
                                                           {"role": "assistant"}]}])
    report = audit_report(run, [data], tmp_path)
    assert _format_errors(report) == {"message_missing_field": [3], "no_assistant": [3]}  # no call, no text
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-o", out], 1)
    raw = data.read_bytes().splitlines(keepends=True)
    assert out.read_bytes() == b"".join(raw[:2])
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(entry["line"], entry["kinds"]) for entry in quarantined] == [(3, ["message_missing_field",
                                                                               "no_assistant"])]
