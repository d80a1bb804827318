"""Fine-tuning files laid out as providers and trainers document them, through the audit and the
clean: what the documentation shows as a valid example is no format error, and a clean keeps it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli_helpers import RUNNERS, audit_report, invoke, run

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


def _sharegpt(human: str, gpt: str) -> dict:
    return {"conversations": [{"from": "human", "value": human}, {"from": "gpt", "value": gpt}]}


def test_clean_reads_the_layout_of_the_rule_packs_format_profile(tmp_path: Path) -> None:
    """Under a rule pack naming the sharegpt profile, the audit read `conversations` and the clean
    read `messages`: every line of a valid ShareGPT file was quarantined as messages_missing."""
    pack = tmp_path / "sharegpt.yaml"
    pack.write_text("checks:\n  format:\n    profile: sharegpt\n", encoding="utf-8")
    records = [_sharegpt(f"Question {i}?", f"Answer {i}.") for i in range(12)]
    records[4] = records[2]
    records[7] = {"conversations": [{"from": "human", "value": "Nobody answers."}]}
    records[9] = _sharegpt("  Padded question?  ", "Padded answer. ")
    data = _write(tmp_path / "sharegpt.jsonl", records)
    out = tmp_path / "out.jsonl"
    invoke(["clean", data, "-o", out, "-r", pack], 1)  # twelve lines are too few for the size gate
    raw = data.read_bytes().splitlines(keepends=True)
    kept = [raw[n] for n in range(12) if n not in (4, 7)]  # line 10 (index 7 of those kept) is trimmed
    written = out.read_bytes().splitlines(keepends=True)
    assert len(written) == len(kept) and written[:7] == kept[:7] and written[8:] == kept[8:]
    assert json.loads(written[7]) == _sharegpt("Padded question?", "Padded answer.")
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(entry["line"], entry["kinds"]) for entry in quarantined] == [(5, ["duplicate"]), (8, ["no_assistant"])]


def _conversations(count: int) -> list[dict]:
    """ShareGPT lines with the faults a trainer meets: a gpt turn first, no gpt answer, a copy."""
    records = [_sharegpt(f"Question {i} about cats?", f"Answer {i} about cats and dogs.") for i in range(count)]
    records[3] = {"conversations": [{"from": "gpt", "value": "Hello."}, *records[3]["conversations"]]}
    records[7] = {"conversations": records[7]["conversations"][:1]}
    records[9] = records[0]
    return records


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_sharegpt_file_is_known_by_its_keys_and_read_through_its_profile(tmp_path: Path, runner) -> None:
    """Without a named profile a ShareGPT file was a one-column table: it passed, its conversations
    unchecked (a gpt turn first, no answer). Its keys now call the sharegpt profile, as if named."""
    data = _write(tmp_path / "conversations.jsonl", _conversations(24))
    detected = audit_report(runner, [data], tmp_path, code=1)
    named = audit_report(runner, [data, "--format-profile", "sharegpt"], tmp_path, code=1)
    assert detected["source"]["kind"] == "chat" and detected["dataset"]["roles"] == {"gpt": 24, "human": 24}
    rules = {f["details"]["rule"]: f["examples"] for f in detected["findings"] if f["check"] == "format.rules"}
    assert rules == {"first_role": [4], "last_role": [8]}
    assert [(f["check"], f["message"]) for f in detected["findings"]] == [(f["check"], f["message"])
                                                                         for f in named["findings"]]
    forced = audit_report(runner, [data, "--format-kind", "chat"], tmp_path, code=1)
    assert [f["message"] for f in forced["findings"]] == [f["message"] for f in detected["findings"]]
    # a profile named is the one read, ShareGPT's keys or not
    openai = audit_report(runner, [data, "--format-profile", "openai-chat"], tmp_path, code=1)
    assert any("openai-chat" in f["message"] for f in openai["findings"] if f["check"] == "format.rules")


def test_clean_reads_a_detected_sharegpt_file_as_its_audit_does(tmp_path: Path) -> None:
    """What the audit fails under the profile, a gpt turn first, the clean quarantines with the
    rule it breaks: its output audits clean of format findings."""
    data = _write(tmp_path / "conversations.jsonl", _conversations(24))
    out = tmp_path / "out.jsonl"
    run(["clean", data, "-o", out], 0)
    raw = data.read_bytes().splitlines(keepends=True)
    assert out.read_bytes().splitlines(keepends=True) == [raw[n] for n in range(24) if n not in (3, 7, 9)]
    quarantined = [json.loads(line) for line in (tmp_path / "out.quarantine.jsonl").read_text().splitlines()]
    assert [(entry["line"], entry["kinds"]) for entry in quarantined] == [
        (4, ["first_role"]), (8, ["no_assistant"]), (10, ["duplicate"])]
    assert quarantined[0]["reason"] == "breaks the sharegpt rule 'the first turn after a system prompt is human'"
    again = audit_report(invoke, [out], tmp_path, code=0)
    assert not [f for f in again["findings"] if f["check"] in ("format.rules", "text.format_errors")]


def test_a_table_with_a_conversations_column_of_other_keys_stays_a_table(tmp_path: Path) -> None:
    """Only turns written with `from` make ShareGPT: a `conversations` list of ids is a table's column."""
    data = _write(tmp_path / "rows.jsonl", [{"conversations": [i, i + 1], "label": "ab"[i % 2]} for i in range(30)])
    report = audit_report(invoke, [data], tmp_path, code=0)
    assert report["source"].get("kind") in (None, "table")


def test_a_null_content_is_named_as_such_not_as_a_missing_key(tmp_path: Path) -> None:
    """`{"role": "user", "content": null}` was "a message without 'role' or 'content'", though both
    keys are there."""
    data = _write(tmp_path / "null.jsonl", [{"messages": [{"role": "user", "content": None},
                                                           {"role": "assistant", "content": "Hello."}]}] * 3)
    report = audit_report(invoke, [data], tmp_path, code=1)
    [finding] = [f for f in report["findings"] if f["check"] == "text.format_errors"]
    assert "whose 'content' is missing or null" in finding["message"]


def test_an_empty_prompt_of_a_preference_pair_is_empty_content_as_a_prompt_completion_ones_is(tmp_path: Path) -> None:
    """A prompt/completion line with an empty prompt was an `empty_content` error; a preference
    pair's passed. A pair whose prompt is implicit in its sides has none to be empty."""
    pairs = [{"prompt": "" if i == 2 else f"Question {i}?", "chosen": f"Good answer {i}.", "rejected": f"Bad {i}."}
             for i in range(12)]
    implicit = [{"chosen": [{"role": "user", "content": f"Q{i}?"}, {"role": "assistant", "content": "Yes."}],
                 "rejected": [{"role": "user", "content": f"Q{i}?"}, {"role": "assistant", "content": "No."}]}
                for i in range(12)]
    report = audit_report(invoke, [_write(tmp_path / "pairs.jsonl", pairs)], tmp_path, code=1)
    assert _format_errors(report) == {"empty_content": [3]}
    report = audit_report(invoke, [_write(tmp_path / "implicit.jsonl", implicit)], tmp_path, code=1)
    assert _format_errors(report) == {}
