"""An evaluation item of fewer than 5 different words (`Paris`, a category) is contaminated only
by a training text or side equal to it: found as a run of words anywhere, it would flag every
example that says the word. An item of 5 different words or more but under the n-gram length
is still found inside a longer text, as a run of whole words."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.text.contamination.eval_sets import EvalItems
from dataaudit.text.contamination.index import build_index
from dataaudit.text.contamination.partial import ContaminationPartial
from dataaudit.text.minhash import signatures
from dataaudit.text.validate import Line
from tests.cli_helpers import invoke
from tests.test_contamination import CORPUS, EVAL, _chat, read_layout
from tests.text_helpers import audit_json

CHATS = [
    ("Where is the Louvre?", "The Louvre is in Paris, France."),
    ("Name a city in France.", "Paris is one."),
    ("What is the capital of France?", "Paris"),
    ("Which river flows through the capital?", "The Seine flows through Paris."),
]


def _files(folder: Path, items: list[dict[str, Any]]) -> tuple[Path, Path]:
    train, evals = folder / "train.jsonl", folder / "eval.jsonl"
    train.write_text("".join(_chat(q, a) + "\n" for q, a in CHATS), "utf-8")
    evals.write_text("".join(json.dumps(item) + "\n" for item in items), "utf-8")
    return train, evals


def _matches(report: dict[str, Any]) -> list[list[Any]]:
    found = [f for f in report["findings"] if f["check"] == "contamination.eval_overlap"]
    return found[0]["details"]["matches"] if found else []


def test_a_one_word_item_is_found_only_in_an_answer_equal_to_it(tmp_path: Path) -> None:
    train, evals = _files(tmp_path, [{"question": "What is the capital of France?", "answer": "Paris"}])
    for runner in ("invoke", "run"):
        report = audit_json(runner, [train, "--eval-set", evals, "--eval-field", "answer"], 1, tmp_path)
        assert _matches(report) == [[3, 1, "exact", "answer", 1.0, "Paris"]]  # not lines 1, 2 and 4
        card = report["dataset"]["contamination"][0]
        assert (card["items_matched"], card["examples_matched"], card["copies_by_side"]) == (1, 1, {"answer": 1})


def test_the_console_quotes_the_answer_that_equals_a_short_item(tmp_path: Path) -> None:
    train, evals = _files(tmp_path, [{"answer": "Paris"}])
    out, _ = invoke(["audit", train, "--eval-set", evals], 1)
    assert 'holds it (by side: answer 1). E.g. line 3 holds item 1: "Paris".' in " ".join(out.split())


def test_a_short_item_of_five_different_words_is_still_found_inside_a_longer_text(tmp_path: Path) -> None:
    question = "What is the capital of France?"
    train, evals = _files(tmp_path, [{"question": question}, {"question": "the capital"}])
    train.write_text(train.read_text("utf-8") + _chat(f"Quiz time! {question} Thanks.", "Lyon?") + "\n", "utf-8")
    report = audit_json("invoke", [train, "--eval-set", evals], 1, tmp_path)
    quoted = question.rstrip("?")  # a quote runs from the first word to the last
    assert _matches(report) == [[3, 1, "exact", "prompt", 1.0, quoted], [5, 1, "ngram", "prompt", 1.0, quoted]]


def test_a_one_word_field_of_the_real_evaluation_set_flags_no_conversation(tmp_path: Path) -> None:
    """TruthfulQA's `category` (`Fiction`, `Misconceptions`) named as the field: 26 items were
    found in 3 of BIG-bench's HHH conversations that say "fiction" or "history", none copied."""
    report = audit_json("invoke", [CORPUS, "--eval-set", EVAL, "--eval-field", "category"], 1, tmp_path)
    card = report["dataset"]["contamination"][0]
    assert (card["items"], card["items_matched"], card["examples_matched"]) == (299, 0, 0)


WORDS = ["paris", "France", "yes", "No.", "the", "capital", "42", "city"]
short_items = st.lists(st.sampled_from(WORDS), min_size=1, max_size=4).filter(lambda w: len(set(w)) < 5)


@settings(max_examples=60, deadline=None)
@given(short_items, st.lists(st.sampled_from(WORDS), max_size=6), st.lists(st.sampled_from(WORDS), max_size=6))
def test_a_short_item_is_found_exactly_when_a_side_equals_it(item: list[str], before: list[str],
                                                              after: list[str]) -> None:
    index = build_index([EvalItems("short", "table", ("text",), "row", [0], [" ".join(item)], [()])], 13, 0.5, 64, 0.8)
    said = " ".join([*before, *item, *after])
    lines = [Line([], [("user", "Tell me."), ("assistant", said)])]
    partial = ContaminationPartial(index)
    partial.add(np.array([1]), lines, read_layout(), signatures([f"Tell me.\n{said}"], 64))
    equal = [w.lower().strip(".") for w in [*before, *item, *after]] == [w.lower().strip(".") for w in item]
    assert [(m.kind, m.side) for m in partial.matches if m.kind != "near"] == ([("exact", "answer")] if equal else [])
