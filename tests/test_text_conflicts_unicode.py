"""The conflicts check reads prompts and answers in their plain forms (invisible format characters
dropped, NFKC) and without the blanks around them, which the clean trims: one prompt spelled with
a decomposed accent, full-width letters, a zero-width space or a trailing line break and answered
differently is a conflict, and two answers differing only so are one answer. Exact duplicates
stay byte for byte."""

from __future__ import annotations

import json
import tempfile
import unicodedata
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit.checks.text import Rules
from dataaudit.text.audit import profile_text_file
from tests.test_contamination import _chat
from tests.text_helpers import RUNNERS, audit_json, small_pack

QUESTION = "What are the café's opening hours?"


def _full_width(text: str) -> str:
    return "".join(chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in text)


SPELLINGS = {
    "decomposed accent": lambda s: unicodedata.normalize("NFD", s),
    "full-width letters": _full_width,
    "zero-width space": lambda s: s.replace("open", "op\u200ben"),
    "soft hyphen": lambda s: s.replace("hours", "hou\u00adrs"),
    "blanks around": lambda s: f"  {s}\n",
}


def _write(folder: Path, chats: list[tuple[str, str]]) -> Path:
    path = folder / "chats.jsonl"
    path.write_text("".join(_chat(q, a) + "\n" for q, a in chats), "utf-8")
    return path


@pytest.mark.parametrize("runner", ["invoke", "run"])
@pytest.mark.parametrize("spelling", SPELLINGS)
def test_one_prompt_in_another_unicode_spelling_answered_otherwise_is_a_conflict(tmp_path: Path, runner: str,
                                                                                   spelling: str) -> None:
    path = _write(tmp_path, [(QUESTION, "Nine to five."), ("Is it raining?", "No."),
                             (SPELLINGS[spelling](QUESTION), "Eight to four.")])
    report = audit_json(runner, [path, "--rules", small_pack(tmp_path)], 1, tmp_path)
    (conflict,) = [f for f in report["findings"] if f["check"] == "text.conflicts"]
    assert (conflict["details"]["groups"], conflict["details"]["examples"]) == (1, [[1, 3]])
    assert not [f for f in report["findings"] if f["check"] == "text.duplicates"]


@pytest.mark.parametrize("spelling", SPELLINGS)
def test_answers_differing_only_in_unicode_spelling_are_one_answer(tmp_path: Path, spelling: str) -> None:
    answer = "The café opens at nine, for eight hours."
    path = _write(tmp_path, [("When does it open?", answer), ("When does it open?", SPELLINGS[spelling](answer))])
    text = profile_text_file(path, "chat", Rules())
    assert (text.conflict_groups, text.conflict_records) == (0, 0)
    assert text.duplicates == 0  # exact duplicates compare the bytes: a near duplicate at most


@settings(max_examples=40, deadline=None)
@given(st.lists(st.sampled_from(["\u200b", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u200e"]), min_size=1,
                max_size=4), st.data())
def test_invisible_characters_never_hide_a_conflict(hidden: list[str], data: st.DataObject) -> None:
    at = sorted(data.draw(st.lists(st.integers(0, len(QUESTION)), min_size=len(hidden), max_size=len(hidden))))
    pieces = zip([0, *at[:-1]], at, hidden, strict=True)
    disguised = "".join(QUESTION[a:b] + h for a, b, h in pieces) + QUESTION[at[-1]:]
    with tempfile.TemporaryDirectory() as folder:
        path = _write(Path(folder), [(QUESTION, "Nine to five."), (disguised, "Nine\u200b to five."),
                                     (disguised, "Eight to four.")])
        text = profile_text_file(path, "chat", Rules())
    assert (text.conflict_groups, text.conflict_records, text.conflict_examples) == (1, 3, [[1, 2, 3]])


def test_a_text_column_with_labels_of_numbers_is_compared_in_plain_forms(tmp_path: Path) -> None:
    """A table's text column is judged against its labels, which a typed column gives as numbers:
    folding the texts left the labels as they were (the fold read them as texts, and stopped)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    import dataaudit

    texts = [QUESTION, unicodedata.normalize("NFD", QUESTION), *(f"Another question, number {i}?" for i in range(30))]
    path = tmp_path / "texts.parquet"
    pq.write_table(pa.table({"text": texts, "label": pa.array([1, 2, *(i % 2 for i in range(30))], pa.int64())}),
                   path)
    report = dataaudit.audit(path, target="label", text_columns=["text"])
    (conflict,) = [f for f in report.findings if f.check == "text.conflicts"]
    assert conflict.message == "1 text of 'text' occurs with different labels: 2 rows (6.2%)."


@pytest.mark.parametrize("runner", ["invoke", "run"])
def test_answers_differing_only_in_blanks_around_them_are_no_conflict_before_or_after_the_clean(
        tmp_path: Path, runner: str) -> None:
    """The clean trims both answers to one and quarantines the second as a copy: the audit before it
    must not fail the gate on a conflict the clean's own reading says is none."""
    path = _write(tmp_path, [("When does it open?", "At nine."), ("When does it open?", " At nine.\n"),
                             ("Is it raining?", "No.")])
    report = audit_json(runner, [path, "--rules", small_pack(tmp_path)], 1, tmp_path)
    assert [f["check"] for f in report["findings"] if f["severity"] != "info"] == ["text.near_duplicates"]
    RUNNERS[runner](["clean", path, "-o", tmp_path / "clean.jsonl", "--rules", small_pack(tmp_path)], 0)
    quarantined = [json.loads(line) for line in (tmp_path / "clean.quarantine.jsonl").read_text().splitlines()]
    assert [(q["line"], q["reason"]) for q in quarantined] == [(2, "duplicate of line 1")]
