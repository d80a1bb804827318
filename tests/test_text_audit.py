"""The text audit on small real and hand-made files: every error kind with its exact count and
line numbers, the other text checks, format detection, and a clean real file that passes."""

from __future__ import annotations

import json
import math

import pytest

from dataaudit.api import audit
from dataaudit.checks.text import Rules
from dataaudit.errors import InputError
from dataaudit.text.audit import profile_text_file, text_kind
from dataaudit.text.formats import detect_format
from tests.conftest import DATA

TEXT = DATA / "text"
CHAT_ERRORS = TEXT / "chat_errors.jsonl"

#: error kind -> the lines of chat_errors.jsonl showing it (1-based file lines)
EXPECTED_CHAT_ERRORS = {
    "blank_line": [17],
    "not_utf8": [18],
    "not_json": [3],
    "not_object": [4],
    "messages_missing": [5],
    "messages_not_list": [6],
    "message_not_object": [7],
    "message_missing_field": [8],
    "content_not_text": [9],
    "unknown_key": [19],  # a message key (line 10's top-level key is metadata)
    "unknown_role": [11],
    "empty_content": [12],
    "no_assistant": [13],
    "ends_on_user": [14],
    "consecutive_user": [15],
    "system_not_first": [16],
}


def _findings(report, check):
    return [f for f in report.findings if f.check == check]


def test_every_chat_error_kind_is_counted_on_its_lines() -> None:
    text = profile_text_file(CHAT_ERRORS, "chat", Rules())
    assert text.records == 21
    assert text.errors == {kind: len(lines) for kind, lines in EXPECTED_CHAT_ERRORS.items()}
    assert text.error_lines == EXPECTED_CHAT_ERRORS
    assert text.error_records == 16
    assert text.error_keys["unknown_key"] == {"messages[].mood": 1}
    assert text.metadata == {"id": 1, "source": 1}  # lines 5 and 10


def test_chat_error_findings_name_kind_count_and_lines() -> None:
    report = audit(CHAT_ERRORS)
    by_kind = {f.details["kind"]: f for f in _findings(report, "text.format_errors")}
    assert set(by_kind) == set(EXPECTED_CHAT_ERRORS)
    for kind, lines in EXPECTED_CHAT_ERRORS.items():
        assert by_kind[kind].examples == lines
        assert by_kind[kind].details["lines"] == len(lines)
        assert by_kind[kind].severity.value == "fail"  # 1 of 21 lines is past the 1% fail level
    assert report.source.kind == "chat"
    errors_table = next(t for t in report.tables if t.id == "text.errors")
    assert [row[0] for row in errors_table.rows] == list(EXPECTED_CHAT_ERRORS)  # one file: no text column


def test_chat_duplicates_and_conflicting_answers() -> None:
    report = audit(CHAT_ERRORS)
    (dup,) = _findings(report, "text.duplicates")
    assert dup.details["repeats"] == [[20, 1]]
    (conflict,) = _findings(report, "text.conflicts")
    assert conflict.details["groups"] == 1
    assert conflict.details["examples"] == [[1, 20, 21]]


def test_allowed_roles_and_keys_come_from_the_rules() -> None:
    rules = Rules(allowed_roles=["system", "user", "assistant", "human"], allowed_keys=["messages", "id", "source"],
                  allowed_message_keys=["role", "content", "mood"])
    text = profile_text_file(CHAT_ERRORS, "chat", rules)
    assert "unknown_role" not in text.errors
    assert "unknown_key" not in text.errors


def test_a_real_clean_chat_file_passes() -> None:
    report = audit(TEXT / "azure_openai_example.jsonl", rules="finetune-small")
    assert report.passed
    assert [f.check for f in report.findings if f.check.startswith("text.")] == []
    summary = next(t for t in report.tables if t.id == "text.summary")
    assert summary.rows[0][1:4] == [14, 14, 47]
    statuses = {c.check: c.status for c in report.checks}
    assert statuses["text.format_errors"] == "passed"
    assert statuses["duplicates.rows"] == "skipped"  # a table check


def test_prompt_completion_file() -> None:
    text = profile_text_file(TEXT / "prompt_completion.jsonl", "prompt-completion", Rules())
    assert text.errors == {"field_missing": 1, "field_not_text": 1, "empty_content": 1}
    assert text.error_lines == {"field_missing": [5], "field_not_text": [6], "empty_content": [7]}
    assert text.error_keys == {"field_missing": {"completion": 1}, "field_not_text": {"completion": 1}}
    assert text.metadata == {"lang": 1}
    assert text.duplicate_examples == [(4, 2)]
    assert (text.conflict_groups, text.conflict_records, text.conflict_examples) == (1, 2, [[1, 3]])


def test_instruction_file_with_markup_and_conflict() -> None:
    text = profile_text_file(TEXT / "alpaca.jsonl", "instruction", Rules())
    assert text.errors == {"field_missing": 1}
    assert text.error_lines == {"field_missing": [6]}
    assert text.conflict_examples == [[4, 5]]
    assert (text.markup, text.markup_kinds, text.markup_lines) == (1, {"entity": 1}, [3])


@pytest.mark.parametrize(("name", "kind"), [
    ("chat_errors.jsonl", "chat"),
    ("azure_openai_example.jsonl", "chat"),
    ("prompt_completion.jsonl", "prompt-completion"),
    ("alpaca.jsonl", "instruction"),
])
def test_format_is_detected_from_the_first_lines(name: str, kind: str) -> None:
    assert detect_format(TEXT / name) == kind
    assert text_kind(TEXT / name, None) == kind


def test_a_jsonl_table_stays_a_table(tmp_path) -> None:
    path = tmp_path / "table.jsonl"
    path.write_text('{"x": 1, "label": "a"}\n{"x": 2, "label": "b"}\n')
    assert text_kind(path, None) is None
    assert text_kind(TEXT / "alpaca.jsonl", "table") is None
    assert text_kind(TEXT / "reviews.csv", None) is None


def test_format_kind_forced_on_a_table_is_an_input_error() -> None:
    with pytest.raises(InputError, match="needs a JSONL file"):
        text_kind(object(), "chat")


def test_over_long_examples_against_the_token_limit() -> None:
    path = TEXT / "azure_openai_example.jsonl"
    text = profile_text_file(path, "chat", Rules(max_tokens=45))
    assert text.tokens_estimated
    assert text.tokenizer == "estimate: ceil(characters / 4)"

    def estimate(content: str | list) -> int:
        words = content if isinstance(content, str) else "\n".join(p["text"] for p in content if p["type"] == "text")
        return math.ceil(len(words) / 4)

    tokens = [sum(estimate(m["content"]) for m in json.loads(line)["messages"])
              for line in path.read_text(encoding="utf-8").splitlines()]
    expected = [n for n, t in enumerate(tokens, start=1) if t > 45]
    assert expected  # the multi-turn and vision lines
    assert (text.over_limit, text.over_limit_lines) == (len(expected), expected)
    assert text.lengths["text_tokens"].max == max(tokens)
    assert text.lengths["text_tokens"].min == min(tokens)


def test_text_column_checks_on_a_table() -> None:
    report = audit(TEXT / "reviews.csv", target="sentiment", ignore_columns=["id"], text_columns=["review"])
    found = {f.check: f for f in report.findings if f.check.startswith("text.")}
    assert found["text.empty"].examples == [2, 3]
    assert found["text.duplicates"].details["repeats"] == [[6, 1], [9, 8]]
    assert found["text.near_duplicates"].details["copies"] == [[7, 0]]
    assert found["text.conflicts"].details["examples"] == [[8, 9]]
    assert found["text.markup"].examples == [4, 5]
    assert found["text.markup"].details["kinds"] == {"entity": 1, "tag": 1}
    assert found["text.length_outliers"].examples == [12]
    assert all(f.column == "review" for f in found.values())


@pytest.mark.parametrize("case_sensitive", [False, True])
def test_a_missing_value_token_in_a_text_column_is_no_text(tmp_path, case_sensitive: bool) -> None:
    """`NA`, `?` and `None` were measured as texts (length outliers) while `missing.column_share`
    counted them missing: both now count the same five cells."""
    sentences = [f"Review number {i} says the product works, mostly, and arrived on time." for i in range(52)]
    for row, token in {3: "NA", 9: "?", 17: "None", 20: "", 30: "   ", 40: "na"}.items():
        sentences[row] = token
    data = tmp_path / "reviews.csv"
    data.write_text("x,review,label\n" + "".join(f'{i * 0.5},"{t}",{"ab"[i % 2]}\n' for i, t in enumerate(sentences)))
    rules = tmp_path / "rules.yaml"
    rules.write_text(f"missing_values:\n  case_sensitive: {str(case_sensitive).lower()}\n")
    report = audit(data, target="label", text_columns=["review"], rules=rules)
    empty = _findings(report, "text.empty")[0]
    missing = next(f for f in report.findings if f.check == "missing.column_share" and f.column == "review")
    expected = [3, 9, 17, 20, 30] if case_sensitive else [3, 9, 17, 20, 30, 40]
    assert empty.examples == expected == missing.examples
    assert not any(set(f.examples) & {3, 9, 17, *expected} for f in _findings(report, "text.length_outliers"))


def test_text_column_without_target_skips_label_conflicts() -> None:
    report = audit(TEXT / "reviews.csv", text_columns=["review"])
    status = {c.check: c for c in report.checks}
    assert status["text.conflicts"].status == "skipped"
    assert "no target" in status["text.conflicts"].reason


def test_a_table_without_text_skips_the_text_checks() -> None:
    report = audit(DATA / "iris.csv", target="target")
    for check in report.checks:
        if check.check.startswith("text."):
            assert check.status == "skipped"
            assert "--text-column" in check.reason or check.reason == "for a fine-tuning JSONL file, not one table"
    assert report.tables == []


def test_unknown_text_column_names_the_columns() -> None:
    with pytest.raises(InputError, match=r"text column 'reveiw' not found .*did you mean 'review'"):
        audit(TEXT / "reviews.csv", text_columns=["reveiw"])


def test_a_compressed_file_is_audited_like_the_plain_one(tmp_path) -> None:
    import gzip
    from dataclasses import replace

    path = tmp_path / "chat_errors.jsonl.gz"
    path.write_bytes(gzip.compress(CHAT_ERRORS.read_bytes()))
    assert text_kind(path, None) == "chat"
    compressed = profile_text_file(path, "chat", Rules())
    assert replace(compressed, name=str(CHAT_ERRORS)) == profile_text_file(CHAT_ERRORS, "chat", Rules())


def test_text_column_of_a_dataframe_matches_the_csv() -> None:
    import pandas as pd

    frame = pd.read_csv(TEXT / "reviews.csv", dtype=str, keep_default_na=False)
    from_frame = audit(frame, target="sentiment", ignore_columns=["id"], text_columns=["review"])
    from_csv = audit(TEXT / "reviews.csv", target="sentiment", ignore_columns=["id"], text_columns=["review"])
    texts = [(f.check, f.examples) for f in from_frame.findings if f.check.startswith("text.")]
    assert texts == [(f.check, f.examples) for f in from_csv.findings if f.check.startswith("text.")]
    assert from_frame.tables == from_csv.tables


def test_a_json_arrays_errors_are_named_by_item(tmp_path) -> None:
    """Its 0-based items were called "lines" beside the note "1-based lines of the file"."""
    data = tmp_path / "chats.json"
    data.write_text('[{"messages": "bad"},\n{"messages": [{"role": "user", "content": "a"}, '
                    '{"role": "assistant", "content": "b"}]},\n{"messages": 1}]\n')
    report = audit(data)
    (found,) = _findings(report, "text.format_errors")
    assert found.examples == [0, 2] and found.details["examples_are"] == "items"
    assert found.message.startswith("2 of 3 items (67%)") and "first items 0, 2." in found.message
    (errors,) = [t for t in report.tables if t.id == "text.errors"]
    assert errors.note.startswith("Item numbers are 0-based items of the JSON array")


def test_a_line_missing_a_key_names_the_keys_it_carries_instead(tmp_path) -> None:
    """It named the whole file's metadata keys (`source` 2, `id` 1), which lines with every key carry."""
    data = tmp_path / "pairs.jsonl"
    rows = [{"prompt": "a", "completion": "b", "source": "x"}, {"prompt": "c", "completion": "d", "source": "y"},
            {"prompt": "e", "answer": "f"}, {"prompt": "g", "completion": "h", "id": 7}]
    data.write_text("".join(json.dumps(row) + "\n" for row in rows))
    (found,) = _findings(audit(data), "text.format_errors")
    assert found.examples == [3] and "Keys beside the layout's (lines): 'answer' 1:" in found.message
    assert "source" not in found.message and "'id'" not in found.message


def test_tool_calls_stand_for_the_text_only_as_a_list_of_calls(tmp_path) -> None:
    """`"tool_calls": "notalist"` beside a null content passed as a call."""
    call = {"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
    lines = [{"messages": [{"role": "user", "content": "w?"}, {"role": "assistant", "content": None,
                                                              "tool_calls": calls}]}
             for calls in ("notalist", [], [call], {"0": call})]
    data = tmp_path / "calls.jsonl"
    data.write_text("".join(json.dumps(line) + "\n" for line in lines))
    found = {f.details["kind"]: f.examples for f in _findings(audit(data), "text.format_errors")}
    assert found == {"message_missing_field": [1, 2, 4], "tool_calls_not_list": [1, 4]}


def test_a_text_that_is_none_answers_nothing(tmp_path) -> None:
    """An answer `12345` (no text) was read as "" and quoted as a conflicting answer `''`."""
    lines = [{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]},
             {"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": 12345}]}]
    data = tmp_path / "answers.jsonl"
    data.write_text("".join(json.dumps(line) + "\n" for line in lines))
    report = audit(data)
    assert _findings(report, "text.conflicts") == []
    assert [f.details["kind"] for f in _findings(report, "text.format_errors")] == ["content_not_text"]
