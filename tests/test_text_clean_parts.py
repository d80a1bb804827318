"""`clean` trims the text of a message's text parts (`"content": [{"type": "text", "text": " hi "}]`)
as it trims a string content, and nothing else of them; lines written alike are one example
however their blanks were spread over the parts, and every line is written or quarantined."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.text import clean_jsonl
from tests.cli_helpers import invoke, run
from tests.text_helpers import RUNNERS, small_pack

IMAGE = {"type": "image_url", "image_url": {"url": " https://example.org/cat.png "}}


def _parts(*texts: str) -> list[dict[str, Any]]:
    return [{"type": "text", "text": text} for text in texts]


def _write(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), "utf-8")
    return path


@pytest.mark.parametrize("runner", sorted(RUNNERS))
def test_the_text_of_each_part_is_trimmed_and_nothing_else(tmp_path: Path, runner: str) -> None:
    line = {"id": " a1 ", "messages": [
        {"role": "user", "content": [*_parts(" What is in this picture? "), IMAGE, *_parts("\tBe brief.\n")]},
        {"role": "assistant", "content": [{"type": "text", "text": " A cat. ", "cache": " keep "}]}]}
    source = _write(tmp_path / "parts.jsonl", [line])
    before = source.read_bytes()
    out = tmp_path / "clean.jsonl"
    RUNNERS[runner](["clean", source, "-o", out, "-r", small_pack(tmp_path)], 0)
    assert source.read_bytes() == before
    (written,) = [json.loads(text) for text in out.read_text("utf-8").splitlines()]
    assert written == {"id": " a1 ", "messages": [
        {"role": "user", "content": [*_parts("What is in this picture?"), IMAGE, *_parts("Be brief.")]},
        {"role": "assistant", "content": [{"type": "text", "text": "A cat.", "cache": " keep "}]}]}
    manifest = json.loads((tmp_path / "clean.manifest.json").read_text("utf-8"))
    assert manifest["lines"]["trimmed"] == 1, manifest["lines"]


def test_no_trim_copies_the_line_byte_for_byte(tmp_path: Path) -> None:
    source = _write(tmp_path / "parts.jsonl", [{"messages": [{"role": "user", "content": _parts(" hi there ")},
                                                             {"role": "assistant", "content": "hello"}]}])
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out, "-r", small_pack(tmp_path), "--no-trim"], 0)
    assert out.read_bytes() == source.read_bytes()


def test_lines_written_alike_are_one_example_however_the_blanks_were_spread(tmp_path: Path) -> None:
    answer = {"role": "assistant", "content": "It is a question."}
    lines = [{"messages": [{"role": "user", "content": _parts(" a question ", " and more ")}, answer]},
             {"messages": [{"role": "user", "content": _parts("a question", "and more")}, answer]},
             {"messages": [{"role": "user", "content": _parts("a question ", "  and more")}, answer]}]
    source = _write(tmp_path / "parts.jsonl", lines)
    out = tmp_path / "clean.jsonl"
    run(["clean", source, "-o", out, "-r", small_pack(tmp_path)], 0)
    assert out.read_text("utf-8").splitlines() == [json.dumps(lines[1])]
    quarantined = [json.loads(q) for q in (tmp_path / "clean.quarantine.jsonl").read_text("utf-8").splitlines()]
    assert [(q["line"], q["reason"]) for q in quarantined] == [(2, "duplicate of line 1"), (3, "duplicate of line 1")]


def test_a_preference_pair_s_parts_are_trimmed(tmp_path: Path) -> None:
    line = {"input": {"messages": [{"role": "user", "content": _parts(" Name a colour. ")}]},
            "preferred_output": [{"role": "assistant", "content": _parts(" Blue. ")}],
            "non_preferred_output": [{"role": "assistant", "content": " Bluish? "}]}
    source = _write(tmp_path / "prefs.jsonl", [line])
    out = tmp_path / "clean.jsonl"
    invoke(["clean", source, "-o", out, "-r", small_pack(tmp_path)], 0)
    assert json.loads(out.read_text("utf-8")) == {
        "input": {"messages": [{"role": "user", "content": _parts("Name a colour.")}]},
        "preferred_output": [{"role": "assistant", "content": _parts("Blue.")}],
        "non_preferred_output": [{"role": "assistant", "content": "Bluish?"}]}


BLANKS = st.text(" \t\n", max_size=2)
WORDS = st.sampled_from(["hello there", "a cat", "What is this?", "x"])


@settings(max_examples=30, deadline=None)
@given(st.lists(st.lists(st.tuples(BLANKS, WORDS, BLANKS), min_size=1, max_size=3), min_size=1, max_size=6))
def test_parts_are_trimmed_and_every_line_is_written_or_quarantined(tmp_path_factory: pytest.TempPathFactory,
                                                                    conversations: list) -> None:
    folder = tmp_path_factory.mktemp("law")
    lines = [{"messages": [{"role": "user", "content": _parts(*(a + w + b for a, w, b in parts))},
                           {"role": "assistant", "content": "ok"}]} for parts in conversations]
    source = _write(folder / "parts.jsonl", lines)
    summary = clean_jsonl(source, folder / "clean.jsonl", quarantine=folder / "q.jsonl")
    written = [json.loads(text) for text in (folder / "clean.jsonl").read_text("utf-8").splitlines()]
    quarantined = (folder / "q.jsonl").read_text("utf-8").splitlines()
    assert len(written) + len(quarantined) == len(lines) == summary.lines
    expected = []
    for parts in conversations:  # a line written as an earlier one is its duplicate
        line = {"messages": [{"role": "user", "content": _parts(*(w for _, w, _ in parts))},
                             {"role": "assistant", "content": "ok"}]}
        if line not in expected:
            expected.append(line)
    assert written == expected
