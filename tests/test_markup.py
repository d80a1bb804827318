"""Markup detection reads code as code: whatever a fenced block or a code span holds is not HTML."""

from __future__ import annotations

import json
import time
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from dataaudit.text.markup import markup_kinds
from tests.cli_helpers import run

CODE = st.text(alphabet=st.characters(blacklist_characters="`~", blacklist_categories=("Cs",)))


@given(CODE, st.sampled_from(["```", "~~~", "````"]))
def test_nothing_in_a_fenced_block_is_html(code: str, fence: str) -> None:
    assert markup_kinds(f"Here:\n{fence}html\n{code}\n{fence}\nThat is all.") == []


@given(CODE.filter(lambda s: s.strip() == s and s), st.sampled_from(["`", "``"]))
def test_nothing_in_a_code_span_is_html(code: str, ticks: str) -> None:
    assert markup_kinds(f"Call {ticks}{code}{ticks} here.") == []


def test_markup_outside_code_is_still_found() -> None:
    assert markup_kinds("`<b>` is bold, but this page says Fish &amp; chips<br>") == ["entity", "tag"]


def test_a_long_run_of_backticks_is_read_in_linear_time() -> None:
    """A line of backticks with no line break after it: backtracking into the fence took 8 s
    for 100,000 of them."""
    start = time.perf_counter()
    assert markup_kinds("`" * 100_000 + " <br>") == ["tag"]
    assert time.perf_counter() - start < 1


def test_a_fence_closes_only_on_a_fence_at_least_as_long() -> None:
    """CommonMark: four backticks open a block three do not close (its info string holds no
    backtick, so the fence is the whole run)."""
    assert markup_kinds("````html\n<br>\n```\n&amp;") == []
    assert markup_kinds("````html\n<br>\n````\n&amp;") == ["entity"]


@given(st.sampled_from(["think", "thinking", "reasoning", "answer", "scratchpad", "tools", "String", "T",
                        "MyComponent"]))
def test_a_tag_of_no_html_element_is_no_html(name: str) -> None:
    """Reasoning traces (`<think>...</think>`), a model's own tags and generics name no HTML
    element: they are what the example teaches, not residue of a scraped page."""
    assert markup_kinds(f"<{name}>\nThe sum is 4.\n</{name}>\n\nThe answer is 4.") == []


@given(st.sampled_from(["br", "BR", "p", "div", "span", "a href='x'", "img src=x.png /", "td", "h2", "font color=red"]))
def test_a_tag_of_an_html_element_is_found_whatever_its_case(tag: str) -> None:
    assert markup_kinds(f"Fish and chips<{tag}>today") == ["tag"]


def test_a_reasoning_file_passes_the_strict_gate(tmp_path: Path) -> None:
    """200 clean chats whose answers carry a `<think>` block: the installed command's strict gate
    passed none of them, warning that every one held HTML tags."""
    path = tmp_path / "reasoning.jsonl"
    path.write_text("".join(json.dumps({"messages": [
        {"role": "user", "content": f"What is {i} plus {i + 7}? Show your reasoning, please."},
        {"role": "assistant", "content": f"<think>\nI add {i} and {i + 7}: {2 * i + 7}.\n</think>\n\n"
                                         f"It is {2 * i + 7}."},
    ]}) + "\n" for i in range(200)), encoding="utf-8")
    report = tmp_path / "report.json"
    run(["audit", path, "--strict", "-f", "json", "-o", report], 0)
    assert "text.markup" not in [f["check"] for f in json.loads(report.read_text())["findings"]]
