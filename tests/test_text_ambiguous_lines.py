"""JSON lines whose meaning depends on who reads them, or that train the wrong turn: a key given
twice in one JSON object, and a preference side that ends on the user's words. In a fine-tuning
file both are format errors the audit names and a clean quarantines, the lines beside them kept
byte for byte; in a table a row holding a key twice is a malformed row, as pyarrow's reader
refuses it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.io.json_keys import repeated_keys
from dataaudit.text import clean_jsonl
from tests.cli_helpers import RUNNERS, audit_report, invoke

USER, ASSISTANT = {"role": "user", "content": "What is 2+2?"}, {"role": "assistant", "content": "4"}
CHAT = [json.dumps({"messages": [{"role": "user", "content": f"Question {i}?"},
                                 {"role": "assistant", "content": f"Answer {i}."}]}) for i in range(10)]


def _format_errors(report: dict) -> dict[str, tuple[list[int], dict]]:
    return {f["details"]["kind"]: (f["examples"], f["details"].get("keys", {}))
            for f in report["findings"] if f["check"] == "text.format_errors"}


def _lines(path: Path, lines: list[str]) -> Path:
    path.write_text("".join(line + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_key_given_twice_is_a_format_error_naming_the_key(runner, tmp_path: Path) -> None:
    """`{"messages": [...], "messages": [...]}` was read last-wins without a word (and called a
    conversation without an assistant message, which the line plainly has); a message's `content`
    given twice was read as its second value."""
    twice = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello"}], ' \
            '"messages": [{"role": "user", "content": "Bye"}]}'
    inner = '{"messages": [{"role": "user", "content": "Hey"}, {"role": "assistant", "content": "Yo", "content": ""}]}'
    # a colon after a quote inside a text is no key: the quick count must not call it one
    quoted = json.dumps({"messages": [USER, {"role": "assistant", "content": 'He said "stop": then "go" :'}]})
    data = _lines(tmp_path / "chat.jsonl", [*CHAT[:4], twice, inner, quoted, *CHAT[4:]])
    report = audit_report(runner, [data], tmp_path)
    assert _format_errors(report) == {"duplicate_key": ([5, 6], {"messages": 1, "content": 1})}


def test_a_clean_quarantines_a_line_with_a_key_given_twice(tmp_path: Path) -> None:
    twice = '{"prompt": "2+2?", "completion": "4", "completion": "5"}'
    lines = [json.dumps({"prompt": f"Q{i}?", "completion": f"A{i}."}) for i in range(4)]
    source = _lines(tmp_path / "pairs.jsonl", [*lines[:2], twice, *lines[2:]])
    out, quarantine = tmp_path / "out.jsonl", tmp_path / "quarantine.jsonl"
    summary = clean_jsonl(source, out, quarantine)
    assert out.read_text(encoding="utf-8") == "".join(line + "\n" for line in lines)
    [entry] = [json.loads(line) for line in quarantine.read_text(encoding="utf-8").splitlines()]
    assert (entry["line"], entry["kinds"], entry["reason"]) == (3, ["duplicate_key"], "duplicate_key (completion)")
    assert summary.quarantined == {"duplicate_key": 1}


def _object(draw: st.DrawFn, depth: int) -> str:
    """A JSON object as text, its keys drawn from a few names so that some repeat, and nested."""
    keys = draw(st.lists(st.sampled_from(["a", "b", "role", "content", 'q"', "x:y"]), max_size=5))
    values = [draw(st.one_of(st.integers(), st.text(alphabet='ab":, \\', max_size=6).map(json.dumps),
                             st.just("[]") if depth > 1 else st.deferred(lambda: _nested(depth + 1))))
              for _ in keys]
    space = draw(st.sampled_from(["", " ", "\n\t "]))
    return "{" + ",".join(f"{json.dumps(k)}{space}:{space}{v}" for k, v in zip(keys, values, strict=True)) + "}"


def _nested(depth: int) -> st.SearchStrategy[str]:
    return st.composite(lambda draw: draw(st.sampled_from(["{}", "[]"])) if depth > 2 else
                        _object(draw, depth))()


@settings(max_examples=300, deadline=None)
@given(st.composite(lambda draw: _object(draw, 0))())
def test_the_quick_count_never_misses_a_repeated_key(text: str) -> None:
    """Law: the keys found repeated are those a pair-by-pair parse sees repeated in some object
    (in the outermost one, asked for its alone), whether or not the quick count of key ends let
    the line through unparsed a second time."""
    expected: dict[str, None] = {}
    outermost: list[set[str]] = []  # each object's repeats, the outermost parsed last

    def pairs(items: list[tuple[str, object]]) -> dict:
        keys = [key for key, _ in items]
        expected.update((key, None) for key in keys if keys.count(key) > 1)
        outermost.append({key for key in keys if keys.count(key) > 1})
        return dict(items)

    json.loads(text, object_pairs_hook=pairs)
    assert sorted(repeated_keys(text, json.loads(text))) == sorted(expected)
    assert set(repeated_keys(text, json.loads(text), nested=False)) == outermost[-1]


def test_a_preference_side_ending_on_a_user_turn_is_a_format_error(tmp_path: Path) -> None:
    """A chosen answer written as a user turn trains the model to prefer a user's words; it passed.
    Plain string sides, sides of assistant messages, and an implicit prompt whose sides hold the
    whole conversation ending on the assistant are examples."""
    given_prompt = [{"prompt": [USER], "chosen": [ASSISTANT], "rejected": [{"role": "assistant", "content": "5"}]}]
    strings = [{"prompt": "2+2?", "chosen": "4", "rejected": "5"}]
    implicit = [{"chosen": [USER, ASSISTANT], "rejected": [USER, {"role": "assistant", "content": "22"}]}]
    openai = [{"input": {"messages": [USER]}, "preferred_output": [ASSISTANT],
               "non_preferred_output": [{"role": "assistant", "content": "5"}]}]
    for name, good in (("given", given_prompt), ("strings", strings), ("implicit", implicit), ("openai", openai)):
        data = _lines(tmp_path / f"{name}.jsonl", [json.dumps(good[0] | {"id": i}) for i in range(6)])
        assert _format_errors(audit_report(invoke, [data], tmp_path)) == {}, name
    user_chosen = {"prompt": [USER], "chosen": [{"role": "user", "content": "4"}], "rejected": [ASSISTANT]}
    user_rejected = {"chosen": [USER, ASSISTANT], "rejected": [USER, ASSISTANT, {"role": "user", "content": "ok"}]}
    lines = [json.dumps({"prompt": [{"role": "user", "content": f"What is {i}+{i}?"}],
                         "chosen": [{"role": "assistant", "content": str(2 * i)}], "rejected": [ASSISTANT]})
             for i in range(6)]
    broken = [json.dumps(user_chosen), json.dumps(user_rejected)]
    data = _lines(tmp_path / "pairs.jsonl", [*lines[:2], *broken, *lines[2:]])
    assert _format_errors(audit_report(invoke, [data], tmp_path)) == {
        "side_not_assistant": ([3, 4], {"chosen": 1, "rejected": 1})}
    out, quarantine = tmp_path / "out.jsonl", tmp_path / "q.jsonl"
    summary = clean_jsonl(data, out, quarantine)
    assert out.read_text(encoding="utf-8") == "".join(line + "\n" for line in lines)
    assert summary.quarantined == {"side_not_assistant": 2}


@pytest.mark.parametrize("runner", RUNNERS)
def test_a_table_row_holding_a_key_twice_is_a_malformed_row(runner, tmp_path: Path) -> None:
    """A JSON Lines table read `{"a": 3, "a": 4}` as a = 4 without a word."""
    rows = [json.dumps({"a": i, "b": i * 2, "time": f"12:{i:02}", "label": "xy"[i % 2]}) for i in range(8)]
    data = _lines(tmp_path / "table.jsonl", [*rows[:3], '{"a": 3, "b": 5, "a": 4, "time": "1:2", "label": "x"}',
                                             *rows[3:]])
    _, err = runner(["audit", data, "-t", "label"], 2)
    assert "table.jsonl:4: the key 'a' given twice in one object" in err
    out = tmp_path / "out.jsonl"
    runner(["clean", data, "-t", "label", "-o", out, "--bad-rows", "quarantine"], 1)
    quarantined = (tmp_path / "out.quarantine.jsonl").read_text(encoding="utf-8")
    [entry] = [json.loads(line) for line in quarantined.splitlines()]
    assert (entry["_line"], entry["_text"]) == (4, '{"a": 3, "b": 5, "a": 4, "time": "1:2", "label": "x"}')
    assert out.read_text(encoding="utf-8") == "".join(row + "\n" for row in rows)
