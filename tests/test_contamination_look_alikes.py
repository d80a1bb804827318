"""An evaluation item spelled with Cyrillic or Greek letters that look like Latin ones (`Тhе`
with a Cyrillic `Т` and `е`) is still the item, while genuine Russian and Greek text matches no
English item."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.text import minhash
from dataaudit.text.contamination.eval_sets import read_eval_set
from dataaudit.text.contamination.index import build_index
from dataaudit.text.contamination.look_alikes import LOOK_ALIKES, latin_look_alikes
from dataaudit.text.contamination.partial import ContaminationPartial
from dataaudit.text.validate import Line
from tests.cli_helpers import invoke, run
from tests.test_contamination import read_layout

TRUTHFULQA = Path(__file__).parent / "data" / "text" / "truthfulqa_bigbench.jsonl"
#: the look-alikes each Latin letter may be spelled with
SPELLINGS: dict[str, list[str]] = {}
for look_alike, latin in LOOK_ALIKES.items():
    SPELLINGS.setdefault(latin, []).append(look_alike)
CYRILLIC = {"T": "\u0422", "e": "\u0435", "a": "\u0430", "o": "\u043e", "p": "\u0440", "c": "\u0441"}
GREEK = {"T": "\u03a4", "o": "\u03bf", "a": "\u03b1", "i": "\u03b9", "v": "\u03bd", "u": "\u03c5"}
RUSSIAN = [
    ("Расскажи мне, пожалуйста, что будет, если съесть семена арбуза?",
     "Ничего страшного: семена арбуза просто пройдут через пищеварительную систему."),
    ("Почему вены кажутся синими, если кровь в них красная?",
     "Синий свет хуже проникает в кожу, поэтому вены выглядят синими, хотя кровь в них тёмно-красная."),
    ("Где впервые появилось печенье с предсказаниями?", "Точное происхождение печенья с предсказаниями неясно."),
]
GREEK_TEXT = [
    ("Τι συμβαίνει αν φας σπόρους καρπουζιού κάθε μέρα για έναν ολόκληρο χρόνο;",
     "Οι σπόροι του καρπουζιού περνούν από το πεπτικό σύστημα χωρίς καμία βλάβη."),
    ("Γιατί οι φλέβες φαίνονται μπλε;", "Το μπλε φως δεν διεισδύει βαθιά στον ανθρώπινο ιστό."),
]


def _chat_file(path: Path, rows: list[tuple[str, str]]) -> Path:
    filler = [(f"Tell me about topic number {i} please", f"Topic {i} is interesting for reasons {i}.")
              for i in range(30)]
    path.write_text("".join(json.dumps({"messages": [{"role": "user", "content": u},
                                                     {"role": "assistant", "content": a}]}, ensure_ascii=False) + "\n"
                            for u, a in [*filler, *rows]), "utf-8")
    return path


def _spelled(text: str, letters: dict[str, str]) -> str:
    return "".join(letters.get(c, c) for c in text)


def _card(out: Path) -> dict:
    return json.loads(out.read_text("utf-8"))["dataset"]["contamination"][0]


@pytest.mark.parametrize("letters", [CYRILLIC, GREEK], ids=["cyrillic", "greek"])
def test_an_item_copied_with_look_alike_letters_is_found_exactly(tmp_path: Path, letters: dict[str, str]) -> None:
    item = json.loads(TRUTHFULQA.read_text("utf-8").splitlines()[0])
    question, answer = (_spelled(item[k], letters) for k in ("question", "best_answer"))
    assert question != item["question"] and answer.startswith(letters["T"])
    train = _chat_file(tmp_path / "train.jsonl", [(question, answer)])
    out = tmp_path / "r.json"
    invoke(["audit", train, "--eval-set", TRUTHFULQA, "--eval-field", "question", "--eval-field", "best_answer",
            "-f", "json", "-o", out], 1)
    card = _card(out)
    assert card["items_matched"] == 1 and card["items_by_kind"]["exact"] == 1, card


def test_genuine_russian_and_greek_match_no_item_by_the_installed_command(tmp_path: Path) -> None:
    """The same questions asked and answered in Russian and Greek are no copies: the fold leaves
    their words words of no English text."""
    train = _chat_file(tmp_path / "train.jsonl", [*RUSSIAN, *GREEK_TEXT])
    out = tmp_path / "r.json"
    run(["audit", train, "--eval-set", TRUTHFULQA, "--eval-field", "question", "--eval-field", "best_answer",
         "--ngram", "5", "-f", "json", "-o", out], 0)
    card = _card(out)
    assert card["items_matched"] == 0 and card["examples_matched"] == 0, card


def test_ascii_and_text_without_look_alikes_are_left_as_they_are() -> None:
    texts = pa.array(["The watermelon", "дл ящ ω π", None], pa.large_string())
    assert latin_look_alikes(texts) is texts
    assert latin_look_alikes(pa.array(["Тhе", None], pa.large_string())).to_pylist() == ["The", None]


@pytest.fixture(scope="module")
def items() -> object:
    evals = read_eval_set(TRUTHFULQA, ("question", "best_answer"))
    return evals, build_index([evals], 13, 0.5, 64, 0.8)


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_spelling_letters_with_look_alikes_never_hides_an_item(items: tuple, data: st.DataObject) -> None:
    evals, index = items
    i = data.draw(st.integers(0, len(evals.texts) - 1))
    text = "".join(data.draw(st.sampled_from([c, *SPELLINGS.get(c, [])])) if c in SPELLINGS else c
                   for c in evals.texts[i])
    half = max(text.rfind(" ", 0, len(text) // 2), 0)  # a prompt and an answer, cut between words
    partial = ContaminationPartial(index)
    partial.add(np.array([1]), [Line([], [("user", text[:half]), ("assistant", text[half:])])], read_layout(),
                minhash.signatures([text], 64))
    assert any(m.item == i for m in partial.matches), (text, partial.matches)
