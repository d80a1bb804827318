"""A table's free-text columns are audited as text without being named: judged on the file's
first rows, reported in every format, never the target or an ignored column, and switched off
with --no-auto-text. Real files: ParlSpeech speeches, health-news tweets and the clean controls."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dataaudit import audit
from dataaudit.io import open_source
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

SPEECHES = DATA / "parlspeech_200.csv"
TWEETS = DATA / "text" / "healthtweets_300.csv"
TRUTHFULQA = DATA / "text" / "truthfulqa_bigbench.jsonl"
CONTROLS = ["breast_cancer.csv", "penguins.csv", "iris.csv", "cars.csv", "mroz.csv", "wage_panel_800.csv"]
ONE_LINE = ("Audited as text by themselves (long, varied texts in their first rows): 'text'; "
            "--no-auto-text audits only the --text-column columns\n")


def _report(args: list[object], code: int, runner: Callable[..., tuple[str, str]] = run) -> dict:
    out, _ = runner(["audit", *args, "--format", "json"], code)
    return json.loads(out)


def test_the_speeches_are_audited_as_text_and_their_copies_reported() -> None:
    report = _report([SPEECHES, "--target", "party"], 1)
    assert report["dataset"]["auto_text_columns"] == ["text"]  # `agenda` holds headings, not sentences
    assert report["dataset"]["free_text_columns"] == []
    (copies,) = [f for f in report["findings"] if f["check"] == "text.duplicates"]
    assert copies["column"] == "text"
    assert copies["details"]["repeats"] == [[158, 147], [185, 147]]  # "Will the hon. Gentleman give way?"
    # the rows differ in speaker and date: clean, which drops rows repeated whole, keeps them
    assert copies["hint"] == ("Copies over-weight some texts and leak between splits; `dataaudit clean` drops only "
                              "rows that repeat whole (duplicates.rows), not rows that merely share this text: check "
                              "whether they are one example written twice.")


def test_an_answer_many_rows_share_warns_at_most_in_a_column_found_without_a_target() -> None:
    """TruthfulQA's `best_answer` repeats "I have no comment." and a few other stock answers over
    distinct questions: 21 copies in 299 rows, past the fail level, yet with no target nothing
    says the column is the examples' input. Found by its values it warns and says why; named
    with --text-column it is judged by its levels."""
    report = _report([TRUTHFULQA], 0)
    copies = {f["column"]: f for f in report["findings"] if f["check"] == "text.duplicates"}
    assert copies["best_answer"]["severity"] == "warn"
    assert copies["best_answer"]["message"] == (
        "21 of 299 texts in 'best_answer' (7.0%) are exact copies of an earlier one. A warning, not a failure: "
        "'best_answer' was found by its values, not named, and without a target a repeated text may be an answer "
        "many rows share (--text-column best_answer gates on it).")
    assert copies["true_answers"]["severity"] == "warn"  # 2.3%: a warning by its own level, said as before
    assert "A warning, not a failure" not in copies["true_answers"]["message"]
    named = _report([TRUTHFULQA, "--text-column", "best_answer"], 1)
    (gated,) = [f for f in named["findings"] if f["check"] == "text.duplicates" and f["column"] == "best_answer"]
    assert gated["severity"] == "fail" and "A warning, not a failure" not in gated["message"]


def test_a_found_column_with_a_target_is_judged_by_its_levels(tmp_path: Path) -> None:
    """With a target every other column is an input of the model: a text column found by its
    values fails on its copies like a named one."""
    sentences = [f"This is review number {i}, and it says something new about item {i}." for i in range(60)]
    rows = sentences + [sentences[0]] * 10
    table = tmp_path / "reviews.csv"
    table.write_text("review,label\n" + "".join(f'"{r}",{"good" if i % 2 else "bad"}\n'
                                                 for i, r in enumerate(rows)), encoding="utf-8")
    report = _report([table, "--target", "label"], 1)
    assert report["dataset"]["auto_text_columns"] == ["review"]
    (copies,) = [f for f in report["findings"] if f["check"] == "text.duplicates"]
    assert copies["severity"] == "fail" and "A warning, not a failure" not in copies["message"]


def test_the_console_names_the_columns_it_took_for_text_and_the_opt_out_in_one_line() -> None:
    out, _ = invoke(["audit", SPEECHES, "--target", "party"], 1)
    assert ONE_LINE in out
    assert "Free text not audited" not in out


def test_markdown_names_the_columns_it_took_for_text() -> None:
    out, _ = invoke(["audit", TWEETS, "--target", "agency", "--format", "markdown"], 1)
    assert ("\nAudited as text by themselves (long, varied texts in their first rows): `text`; "
            "--no-auto-text audits only the --text-column columns\n") in out


def test_the_tweets_are_audited_as_text() -> None:
    report = _report([TWEETS, "--target", "agency"], 1, invoke)  # the speeches run the installed command
    assert report["dataset"]["auto_text_columns"] == ["text"]
    audited = [t for t in report["tables"] if t["title"] == "Texts audited"]
    assert [row[0] for row in audited[0]["rows"]] == ["text"]
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["text.duplicates"] == "passed"  # the first 300 tweets repeat none


def test_no_auto_text_audits_the_table_as_before() -> None:
    report = _report([SPEECHES, "--target", "party", "--no-auto-text"], 1)
    assert "auto_text_columns" not in report["dataset"]
    assert report["dataset"]["free_text_columns"] == ["text"]
    assert not [f for f in report["findings"] if f["check"].startswith("text.")]
    out, _ = invoke(["audit", SPEECHES, "--target", "party", "--no-auto-text"], 1)
    assert "Audited as text by themselves" not in out
    assert "Free text not audited as text: 'text'; audit it with --text-column text\n" in out


def test_a_named_text_column_is_audited_once_and_not_reported_as_found() -> None:
    named = audit(SPEECHES, "party", text_columns=["text"])
    assert named.dataset.auto_text_columns is None
    assert [t.name for t in named.profile.text] == ["text"]
    found = audit(SPEECHES, "party")
    assert [f.to_dict() for f in found.findings] == [f.to_dict() for f in named.findings]


@pytest.mark.parametrize("role", ["target", "ignored"])
def test_the_target_and_ignored_columns_are_never_taken_for_text(role: str) -> None:
    report = audit(SPEECHES, "text") if role == "target" else audit(SPEECHES, "party", ignore_columns=["text"])
    assert report.dataset.auto_text_columns is None
    assert report.profile.text == []


@pytest.mark.parametrize("name", CONTROLS)
def test_no_column_of_a_clean_control_is_taken_for_text(name: str) -> None:
    found = audit(DATA / name)
    assert found.dataset.auto_text_columns is None
    assert found.profile.text == []
    before = audit(DATA / name, auto_text=False)
    assert (found.passed, found.counts) == (before.passed, before.counts)
    assert [f.to_dict() for f in found.findings] == [f.to_dict() for f in before.findings]


def test_no_auto_text_is_refused_on_a_fine_tuning_file() -> None:
    _, err = run(["audit", DATA / "text" / "hhh_chat_60.jsonl", "--no-auto-text"], 2)
    assert err.strip() == (f"dataaudit: error: {DATA / 'text' / 'hhh_chat_60.jsonl'}: --no-auto-text (auto_text) does "
                           "not apply to a chat JSONL file: it turns off finding the free-text columns of a table")


def test_columns_are_found_whatever_the_chunk_size_and_the_texts_cover_every_row() -> None:
    """The first rows come from the first chunk, which the pass then reads as its own: with
    chunks of 64 rows the column is still found and every row's text is counted once."""
    report = audit(SPEECHES, "party", chunk_rows=64)
    assert report.dataset.auto_text_columns == ["text"]
    (texts,) = report.profile.text
    assert texts.records == 200


@settings(max_examples=60, deadline=None)
@given(rows=st.integers(0, 120), chunk=st.integers(1, 40), head=st.integers(1, 50))
def test_looking_at_the_first_rows_leaves_the_pass_and_a_second_read_unchanged(rows: int, chunk: int,
                                                                              head: int) -> None:
    table = pa.table({"n": list(range(rows)), "s": [f"v{i}" for i in range(rows)]})
    source = open_source(table, chunk_rows=chunk)
    first = source.first_rows(head)
    assert first.column_names == ["n", "s"]
    assert first.column("n").to_pylist() == list(range(min(head, rows)))  # from as many chunks as hold them
    for _ in range(2):  # the pass, then a second look at the data
        read = [value for batch in source.batches() for value in batch.column(0).to_pylist()]
        assert read == list(range(rows))
