"""An evaluation item disguised by Unicode (zero-width characters, a soft hyphen, full-width
letters, a decomposed accent) is still the item: contamination and near duplicates read words
through those forms, while exact duplicates stay byte for byte."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.text import minhash
from dataaudit.text.contamination.eval_sets import read_eval_set
from dataaudit.text.contamination.index import build_index
from dataaudit.text.contamination.partial import ContaminationPartial, word_spans
from dataaudit.text.validate import Line
from tests.cli_helpers import invoke, run
from tests.test_contamination import read_layout

QUESTION = "What happens to you if you eat watermelon seeds every single day for a whole year"
ANSWER = "The watermelon seeds pass through your digestive system without any harm at all"
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e", "\u202e"]


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


DISGUISES = {
    "zero-width space": lambda s: s.replace("e", "e\u200b"),
    "zero-width joiner": lambda s: s.replace("a", "a\u200d"),
    "byte order mark": lambda s: s.replace("o", "o\ufeff"),
    "soft hyphen": lambda s: s.replace("a", "a\u00ad"),
    "word joiner": lambda s: s.replace("t", "t\u2060"),
    "full-width letters": _full_width,
    "non-breaking spaces": lambda s: s.replace(" ", "\u00a0"),
}


def _files(folder: Path, disguise: Callable[[str], str], accent: bool = False) -> tuple[Path, Path]:
    q, a = (QUESTION.replace("e", "é"), ANSWER.replace("e", "é")) if accent else (QUESTION, ANSWER)
    evals = folder / "eval.jsonl"
    evals.write_text(json.dumps({"question": q, "best_answer": a}) + "\n", "utf-8")
    train = folder / "train.jsonl"
    filler = [[f"Tell me about topic number {i} please", f"Topic {i} is interesting for reasons {i}."]
              for i in range(30)]
    rows = [*filler, [disguise(q), disguise(a)]]
    train.write_text("".join(json.dumps({"messages": [{"role": "user", "content": u},
                                                      {"role": "assistant", "content": v}]}) + "\n"
                             for u, v in rows), "utf-8")
    return train, evals


def _card(report_path: Path) -> dict:
    report = json.loads(report_path.read_text("utf-8"))
    return report["dataset"]["contamination"][0]


@pytest.mark.parametrize("name", DISGUISES)
def test_an_item_disguised_by_unicode_is_found_exactly(tmp_path: Path, name: str) -> None:
    train, evals = _files(tmp_path, DISGUISES[name])
    out = tmp_path / "r.json"
    invoke(["audit", train, "--eval-set", evals, "-f", "json", "-o", out], 1)
    card = _card(out)
    assert card["items_matched"] == 1 and card["items_by_kind"]["exact"] == 1, card


def test_an_item_in_decomposed_accents_is_found_in_composed_ones_by_the_installed_command(tmp_path: Path) -> None:
    train, evals = _files(tmp_path, lambda s: unicodedata.normalize("NFD", s), accent=True)
    assert "\\u0301" in train.read_text("utf-8")  # combining acute accents, escaped in the JSON
    out = tmp_path / "r.json"
    run(["audit", train, "--eval-set", evals, "-f", "json", "-o", out], 1)
    card = _card(out)
    assert card["items_matched"] == 1 and card["items_by_kind"]["exact"] == 1, card


def test_a_zero_width_space_inside_a_word_does_not_split_it_in_the_excerpt() -> None:
    text = "wat\u200bermelon seeds, \u200b and more"
    assert [text[a:b] for a, b in word_spans(text)] == ["wat\u200bermelon", "seeds", "and", "more"]


@pytest.fixture(scope="module")
def one_item() -> object:
    return build_index([read_eval_set(_item_file(), ("question", "best_answer"))], 13, 0.5, 64, 0.8)


def _item_file() -> Path:
    return Path(__file__).parent / "data" / "text" / "truthfulqa_head.jsonl"


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_inserting_invisible_characters_never_hides_an_item(one_item: object, data: st.DataObject) -> None:
    items = read_eval_set(_item_file(), ("question", "best_answer")).texts
    i = data.draw(st.integers(0, len(items) - 1))
    text = items[i]
    where = data.draw(st.lists(st.tuples(st.integers(0, len(text)), st.sampled_from(INVISIBLE)), max_size=30))
    for at, ch in sorted(where, reverse=True):
        text = text[:at] + ch + text[at:]
    half = len(text) // 2
    lines = [Line([], [("user", text[:half]), ("assistant", text[half:])])]
    partial = ContaminationPartial(one_item)
    partial.add(np.array([1]), lines, read_layout(), minhash.signatures([text], 64))
    assert any(m.item == i for m in partial.matches), (text, partial.matches)


def test_near_duplicates_read_through_unicode_forms() -> None:
    base = ("Le café était fermé, alors nous sommes allés à la boulangerie près de l'église "
            "pour acheter du pain frais et des croissants pour le petit déjeuner")
    texts = [unicodedata.normalize("NFC", base), unicodedata.normalize("NFD", base),
             base.replace("a", "a\u200b"), _full_width(base), "Something else entirely, about trains and tracks."]
    sigs = minhash.signatures(texts, 64)
    assert (sigs[1] == sigs[0]).all() and (sigs[2] == sigs[0]).all() and (sigs[3] == sigs[0]).all()
    assert not (sigs[4] == sigs[0]).all()


def test_exact_duplicates_stay_byte_for_byte(tmp_path: Path) -> None:
    """An exact duplicate is the same text; one in another Unicode form is a near duplicate, and
    no conflicting answer to its prompt: the same answer, spelled otherwise."""
    base = "Le café était fermé, alors nous sommes allés à la boulangerie près de l'église ce matin"
    rows = [base, unicodedata.normalize("NFD", base), *(f"Unrelated line {i} about something" for i in range(20))]
    path = tmp_path / "t.jsonl"
    prompts = ["Describe your morning."] * 2 + [f"Question {i}?" for i in range(20)]
    path.write_text("".join(json.dumps({"messages": [{"role": "user", "content": p},
                                                     {"role": "assistant", "content": r}]}) + "\n"
                            for p, r in zip(prompts, rows, strict=True)), "utf-8")
    out = tmp_path / "r.json"
    invoke(["audit", path, "-f", "json", "-o", out], 0)
    report = json.loads(out.read_text("utf-8"))
    status = {c["check"]: c["status"] for c in report["checks"]}
    assert status["text.duplicates"] == status["text.conflicts"] == "passed"
    assert status["text.near_duplicates"] != "passed"
