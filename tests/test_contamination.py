"""Evaluation items planted into a real chat corpus (BIG-bench's HHH alignment conversations,
against TruthfulQA's questions and best answers) are found, and nothing else is: verbatim,
half an item inside a longer example on either side, and lightly edited."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from unittest.mock import MagicMock

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.text.contamination.eval_sets import read_eval_set
from dataaudit.text.contamination.index import build_index
from dataaudit.text.contamination.ngrams import grams, words
from dataaudit.text.contamination.partial import ContaminationPartial
from dataaudit.text.minhash import signatures
from dataaudit.text.validate import Line
from tests.cli_helpers import invoke, run
from tests.conftest import line_chunks_of
from tests.text_helpers import audit_json, comparable

DATA = Path(__file__).parent / "data" / "text"
CORPUS = DATA / "hhh_alignment_chat.jsonl"
EVAL = DATA / "truthfulqa_bigbench.jsonl"
FIELDS = ["--eval-field", "question", "--eval-field", "best_answer"]


def _chat(user: str, assistant: str) -> str:
    return json.dumps({"messages": [{"role": "user", "content": user}, {"role": "assistant", "content": assistant}]})


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text.lower()))


def _half(text: str) -> str:
    """The fewest leading whitespace-separated tokens of `text` holding half its words."""
    tokens = text.split()
    k = next(k for k in range(1, len(tokens) + 1) if 2 * _words(" ".join(tokens[:k])) >= _words(text))
    return " ".join(tokens[:k])


def _edited(text: str) -> str:
    """Two words of `text` changed: its 5th and its 20th."""
    tokens = text.split()
    tokens[4], tokens[19] = "banana", "umbrella"
    return " ".join(tokens)


def planted(folder: Path) -> tuple[Path, dict[str, dict[int, int]]]:
    """The corpus with eval items planted between its lines; per kind of plant, the training
    line of each planted item -> its line in the evaluation set."""
    items = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()]
    texts = [f"{r['question']} {r['best_answer']}" for r in items]
    long = [i for i, t in enumerate(texts) if _words(t) >= 26]  # half of it still holds a 13-gram
    plants: list[tuple[str, int, str]] = []
    for i in range(8):  # verbatim: the question asked, the best answer given
        plants.append(("verbatim", i, _chat(items[i]["question"], items[i]["best_answer"])))
    for n, i in enumerate(long[:8]):  # half the item inside a longer turn: a prompt, then an answer
        if n % 2:
            plants.append(("answer half", i, _chat("Tell me something true.", f"Sure. {_half(texts[i])} That is all.")))
        else:
            asked = f"My homework asks: {_half(texts[i])} Please help."
            plants.append(("prompt half", i, _chat(asked, "Here is how.")))
    for i in long[8:12]:
        plants.append(("edited", i, _chat(_edited(texts[i]), "I see.")))
    corpus = CORPUS.read_text("utf-8").splitlines()
    out, where = [], {kind: {} for kind, _, _ in plants}
    for n, line in enumerate(corpus):
        out.append(line)
        if n % 10 == 5 and plants:
            kind, item, text = plants.pop(0)
            out.append(text)
            where[kind][len(out)] = item + 1  # both 1-based lines
    path = folder / "train.jsonl"
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return path, where


@pytest.fixture(scope="module")
def contaminated(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], dict[str, dict[int, int]]]:
    folder = tmp_path_factory.mktemp("planted")
    path, where = planted(folder)
    return audit_json("run", [path, "--eval-set", EVAL, *FIELDS], 1, folder), where


def _matches(report: dict[str, Any]) -> dict[int, list[Any]]:
    """Training line -> [item, kind, side] of every example the findings name."""
    out = {}
    for finding in report["findings"]:
        if finding["check"] == "contamination.eval_overlap":
            for match in finding["details"]["matches"]:
                out[match[0]] = [match[1], match[2], match[3] if len(match) > 3 else "near"]
    return out


def test_every_verbatim_and_half_copy_is_found_and_no_corpus_example(contaminated: Any) -> None:
    report, where = contaminated
    found = _matches(report)
    assert {line: found[line][:2] for line in where["verbatim"]} == {
        line: [item, "exact"] for line, item in where["verbatim"].items()}
    assert {line: found[line] for line in where["prompt half"]} == {
        line: [item, "ngram", "prompt"] for line, item in where["prompt half"].items()}
    assert {line: found[line] for line in where["answer half"]} == {
        line: [item, "ngram", "answer"] for line, item in where["answer half"].items()}
    planted_lines = {line for lines in where.values() for line in lines}
    assert set(found) <= planted_lines  # none of the corpus's own 221 conversations
    card = report["dataset"]["contamination"][0]
    assert card["examples_matched"] == len(found)
    assert card["fields"] == ["question", "best_answer"]


def test_lightly_edited_items_are_found_as_copies_or_near_copies(contaminated: Any) -> None:
    """Two changed words in an item of 26 to 30 words can leave less than half of it in
    unbroken 13-grams and under 0.8 similarity, but a question or an answer they leave whole
    is found on its own: all 4 edited items are found, as themselves."""
    report, where = contaminated
    found = _matches(report)
    caught = {line: found[line][0] for line in where["edited"] if line in found}
    assert len(caught) == 4
    assert caught.items() <= where["edited"].items()


def test_the_counts_and_the_gate(contaminated: Any) -> None:
    report, _ = contaminated
    card = report["dataset"]["contamination"][0]
    assert card["items"] == 299
    assert card["items_by_kind"]["exact"] == 8
    assert card["items_by_kind"]["exact"] + card["items_by_kind"]["ngram"] >= 16
    assert card["copies_by_side"]["prompt"] >= 4 and card["copies_by_side"]["answer"] >= 4
    assert not report["passed"]
    statuses = {c["check"]: c["status"] for c in report["checks"]}
    assert statuses["contamination.eval_overlap"] == "fail"


def test_the_console_names_the_item_and_shows_the_shared_words(tmp_path: Path) -> None:
    path, where = planted(tmp_path)
    out, _ = invoke(["audit", path, "--eval-set", EVAL, *FIELDS], 1)
    line, item = next(iter(where["prompt half"].items()))
    assert "Training examples holding an evaluation item" in out
    row = next(r for r in out.splitlines() if re.match(rf"\s*\S+truthfulqa_bigbench.jsonl\s+{line}\s+{item}\s", r))
    assert "ngram" in row and "prompt" in row
    assert "contamination.eval_overlap" in out


def test_a_clean_corpus_passes_against_the_evaluation_set(tmp_path: Path) -> None:
    report = audit_json("invoke", [CORPUS, "--eval-set", EVAL, *FIELDS], 1, tmp_path)  # its duplicates fail
    card = report["dataset"]["contamination"][0]
    assert (card["items_matched"], card["examples_matched"]) == (0, 0)
    assert {c["check"]: c["status"] for c in report["checks"]}["contamination.eval_overlap"] == "passed"


def test_fields_are_detected_from_the_layout_or_the_text_like_columns() -> None:
    assert read_eval_set(EVAL).fields == ("question", "best_answer")  # not the 22 categories, not the lists
    assert read_eval_set(CORPUS).fields == ("messages",)
    assert read_eval_set(DATA / "humaneval_head.jsonl", ("prompt", "canonical_solution")).numbers[:2] == [1, 2]


@pytest.mark.parametrize(("content", "message"), [
    ("", "no text field in the evaluation set (name one with --eval-field)"),
    ('{"n": 1}\n{"n": 2}\n', "no text field in the evaluation set (name one with --eval-field)"),
    ('{"question": "a"}\nnot json\n', "line 2 is not valid JSON"),
])
def test_an_unusable_evaluation_set_is_one_line_and_exit_2(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "eval.jsonl"
    bad.write_text(content, encoding="utf-8")
    _, err = run(["audit", CORPUS, "--eval-set", bad], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {bad}: {message}"]


@pytest.mark.parametrize(("name", "content", "message"), [
    ("eval.jsonl", b'{"question": "a"}\n{"question": "why \\ud800 so"}\n', "line 2 holds a lone surrogate (\\ud800)"),
    ("eval.jsonl", b'{"question": "why \xed\xa0\x80 so"}\n', "line 1 holds a lone surrogate (\\ud800)"),
    ("eval.json", b'[{"question": "a"}, {"question": "why \\udc00 so"}]', "item 1 holds a lone surrogate (\\udc00)"),
])
def test_an_evaluation_item_holding_half_a_utf16_pair_is_one_line_and_exit_2(tmp_path: Path, name: str,
                                                                            content: bytes, message: str) -> None:
    bad = tmp_path / name
    bad.write_bytes(content)
    _, err = run(["audit", CORPUS, "--eval-set", bad], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {bad}: {message}: JSON text no UTF-8 holds"]


@pytest.mark.parametrize("suffix", [".jsonl", ".json"])
def test_an_eval_item_with_an_integer_of_more_digits_than_python_reads_is_read(tmp_path: Path, suffix: str) -> None:
    """Such an id is a number, as a short one is: the item is read, its text from its text fields."""
    questions = [f"what is {i} plus {i}" for i in range(3)]
    ids = ["9" * 5_000, "1", "2"]
    items = [f'{{"id": {n}, "question": {json.dumps(q)}}}' for n, q in zip(ids, questions, strict=True)]
    path = tmp_path / f"eval{suffix}"
    path.write_text("\n".join(items) + "\n" if suffix == ".jsonl" else f"[{', '.join(items)}]", encoding="utf-8")
    read = read_eval_set(path)
    assert read.fields == ("question",)
    assert read.texts == questions


def test_a_missing_eval_field_and_a_missing_file_name_the_file(tmp_path: Path) -> None:
    _, err = invoke(["audit", CORPUS, "--eval-set", EVAL, "--eval-field", "answer"], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {EVAL}: no field 'answer' in the evaluation set"]
    _, err = invoke(["audit", CORPUS, "--eval-set", tmp_path / "gone.jsonl"], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {tmp_path / 'gone.jsonl'}: no such evaluation set"]


def test_an_eval_field_holding_no_text_is_named_as_given(tmp_path: Path) -> None:
    """A field holding an object is no text: the message names the field given rather than
    asking for one, and says how to name a field inside it."""
    nested = tmp_path / "eval.jsonl"
    nested.write_text('{"data": {"question": "why is the sky blue", "answer": "light"}}\n', encoding="utf-8")
    _, err = invoke(["audit", CORPUS, "--eval-set", nested, "--eval-field", "data"], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {nested}: --eval-field 'data' holds no text in any item "
                                        "(a string, a list of strings or of messages; a nested object's field is "
                                        "named by its dotted path, data.question)"]


def test_a_split_is_an_evaluation_set_for_a_table_s_text_columns(tmp_path: Path) -> None:
    import pandas as pd

    tweets = pd.read_csv(DATA / "healthtweets_300.csv")
    train, test = tweets.iloc[:200].copy(), tweets.iloc[200:].reset_index(drop=True)
    train.loc[17, "text"] = f"Worth a read: {test.loc[40, 'text']}"  # a test tweet inside a training one
    train.to_csv(tmp_path / "train.csv", index=False)
    test.to_csv(tmp_path / "test.csv", index=False)
    report = dataaudit.audit(tmp_path / "train.csv", text_columns=["text"], splits={"test": tmp_path / "test.csv"})
    card = next(c for c in report.dataset.contamination or [] if c.text == "text")
    assert card.eval_set == str(tmp_path / "test.csv") and card.fields == ["text"]
    finding = next(f for f in report.findings if f.check == "contamination.eval_overlap" and f.column == "text")
    assert finding.details["matches"][0][:4] == [17, 40, "ngram", "text"]  # then the shop's repeated offers


@pytest.mark.slow
def test_jobs_2_gives_the_report_of_jobs_1(tmp_path: Path, workers: MagicMock) -> None:
    """Over four chunks of lines: the index goes to each worker once, the matches of every
    copy of the planted items come back."""
    path, _ = planted(tmp_path)
    lines = path.read_text("utf-8").splitlines()
    big = tmp_path / "big.jsonl"
    big.write_text("\n".join(lines * 4) + "\n", encoding="utf-8")  # 964 lines
    reports = []
    with line_chunks_of(256):
        for jobs in ("1", "2"):
            out = tmp_path / f"jobs{jobs}.json"
            invoke(["audit", big, "--eval-set", EVAL, *FIELDS, "--jobs", jobs, "-f", "json", "-o", out], 1)
            reports.append(json.loads(out.read_text("utf-8")))
    assert workers.called
    assert comparable(reports[1]) == comparable(reports[0])
    assert reports[0]["dataset"]["contamination"][0]["examples_matched"] >= 4 * 16


texts = st.lists(st.text(st.sampled_from("ab cd, ef. GH\n"), max_size=60), min_size=1, max_size=12)


@settings(max_examples=60, deadline=None)
@given(texts, st.data())
def test_a_text_s_grams_do_not_depend_on_the_chunk_it_is_read_in(chunk: list[str], data: st.DataObject) -> None:
    cut = data.draw(st.integers(0, len(chunk)))
    lengths = (3, 1, 5)

    def keyed(found: Any, offset: int) -> set[tuple[int, int, int, int]]:
        return set(zip((found.text + offset).tolist(), found.position.tolist(), found.length.tolist(),
                       found.hashes.tolist(), strict=True))

    whole = keyed(grams(words(chunk), lengths), 0)
    parts = keyed(grams(words(chunk[:cut]), lengths), 0) | keyed(grams(words(chunk[cut:]), lengths), cut)
    assert parts == whole


@pytest.fixture(scope="module")
def small_index() -> Any:
    return build_index([read_eval_set(DATA / "truthfulqa_head.jsonl", ("question", "best_answer"))], 4, 0.5, 64, 0.8)


@settings(max_examples=40, deadline=None)
@given(st.data())
def test_the_matches_do_not_depend_on_where_the_chunks_are_cut(small_index: Any, data: st.DataObject) -> None:
    items = read_eval_set(DATA / "truthfulqa_head.jsonl", ("question", "best_answer")).texts
    filler = ["I like tea with milk.", "The weather is fine today, thanks for asking.", ""]
    pieces = data.draw(st.lists(st.sampled_from(items + filler), min_size=1, max_size=10))
    lines = [Line([], [("user", p[: len(p) // 2]), ("assistant", p[len(p) // 2:])]) for p in pieces]
    numbers = np.arange(1, len(lines) + 1)
    cut = data.draw(st.integers(0, len(lines)))
    layout = read_layout()
    sigs = signatures(pieces, 64)
    one = ContaminationPartial(small_index)
    one.add(numbers, lines, layout, sigs)
    left, right = ContaminationPartial(small_index), ContaminationPartial(small_index)
    left.add(numbers[:cut], lines[:cut], layout, sigs[:cut])
    right.add(numbers[cut:], lines[cut:], layout, sigs[cut:])
    assert left.merged(right).matches == one.matches
    assert {m.example for m in one.matches} >= {int(n) for n, p in zip(numbers, pieces, strict=True) if p in items}


def read_layout() -> Any:
    from dataaudit.checks.text import Rules
    from dataaudit.text.audit import layout_of

    return layout_of("chat", Rules())


def test_a_shorter_ngram_finds_half_of_a_short_item(tmp_path: Path) -> None:
    """Half of an item of 14 to 25 words, inside its question, holds no 13-gram and not the
    whole question; with --ngram 6 it does."""
    items = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()]
    i = next(i for i, r in enumerate(items) if 14 <= _words(f"{r['question']} {r['best_answer']}") <= 25
             and _words(_half(f"{r['question']} {r['best_answer']}")) < _words(r["question"]))
    half = _half(f"{items[i]['question']} {items[i]['best_answer']}")
    train = tmp_path / "train.jsonl"
    train.write_text(CORPUS.read_text("utf-8") + _chat(f"Quick one: {half}", "No idea.") + "\n", encoding="utf-8")
    planted_line = len(CORPUS.read_text("utf-8").splitlines()) + 1
    default = audit_json("invoke", [train, "--eval-set", EVAL, *FIELDS], 1, tmp_path)
    shorter = audit_json("invoke", [train, "--eval-set", EVAL, *FIELDS, "--ngram", "6"], 1, tmp_path)
    assert planted_line not in _matches(default)
    assert _matches(shorter)[planted_line] == [i + 1, "ngram", "prompt"]
    assert shorter["dataset"]["contamination"][0]["ngram"] == 6


@pytest.mark.parametrize("runner", [invoke, run])
def test_eval_fields_without_an_evaluation_set_are_refused(runner: Any) -> None:
    _, err = runner(["audit", CORPUS, "--eval-field", "question"], 2)
    assert err.strip().splitlines() == [
        f"dataaudit: error: {CORPUS}: --eval-field (eval_fields) needs --eval-set (eval_sets) on a chat JSONL file: "
        "it names the text fields of the evaluation sets"]


@pytest.mark.parametrize("runner", [invoke, run])
def test_an_ngram_length_without_an_evaluation_set_or_a_split_is_refused(runner: Any) -> None:
    """An n-gram length with nothing to compare by it would change nothing, and say nothing."""
    purpose = "it sets the n-gram length texts are compared with evaluation sets by"
    _, err = runner(["audit", CORPUS, "--ngram", "6"], 2)
    assert err.strip().splitlines() == [
        f"dataaudit: error: {CORPUS}: --ngram (ngram) needs --eval-set (eval_sets) on a chat JSONL file: {purpose}"]
    tweets = DATA / "healthtweets_300.csv"
    _, err = runner(["audit", tweets, "--text-column", "text", "--ngram", "6"], 2)
    assert err.strip().splitlines() == [f"dataaudit: error: {tweets}: --ngram (ngram) needs --eval-set (eval_sets) "
                                        f"or --split (splits) on a single table: {purpose}"]
    runner(["audit", tweets, "--text-column", "text", "--ngram", "6", "--split", f"test={tweets}", "-f", "json"], 1)


def test_preference_and_instruction_files_are_matched_by_side(tmp_path: Path) -> None:
    """A preference pair's answers are its answer side (both of them: a chosen answer equal to
    the item is an n-gram copy of all its words); an instruction file's output is."""
    item = json.loads(EVAL.read_text("utf-8").splitlines()[2])
    copied = f"{item['question']} {item['best_answer']}"
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text((DATA / "hhh_pairs_40.jsonl").read_text("utf-8") + json.dumps(
        {"prompt": "Tell me a fact.", "chosen": copied, "rejected": "I would rather not."}) + "\n", encoding="utf-8")
    instructions = tmp_path / "alpaca.jsonl"
    instructions.write_text((DATA / "alpaca.jsonl").read_text("utf-8") + json.dumps(
        {"instruction": "Answer the question.", "input": "", "output": copied}) + "\n", encoding="utf-8")
    for path, kind in ((pairs, "ngram"), (instructions, "exact")):
        report = dataaudit.audit(path, eval_sets=[EVAL], eval_fields=["question", "best_answer"])
        last = len(path.read_text("utf-8").splitlines())
        finding = next(f for f in report.findings if f.check == "contamination.eval_overlap")
        assert finding.details["matches"] == [[last, 3, kind, "answer", 1.0, finding.details["matches"][0][5]]]


@pytest.mark.parametrize(("hive", "runner"), [(False, "invoke"), (True, "run")])
def test_a_parquet_folder_evaluation_set_finds_what_the_same_rows_in_one_file_find(tmp_path: Path, hive: bool,
                                                                                   runner: str) -> None:
    """A folder of Parquet files (flat, or hive-partitioned) is read as the one table it is,
    its rows numbered in the order the folder is read, as a split's are."""
    import pandas as pd

    path, where = planted(tmp_path)
    records = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()]
    items = pd.DataFrame([{"question": r["question"], "best_answer": r["best_answer"]} for r in records])
    one = tmp_path / "eval.parquet"
    items.to_parquet(one, index=False)
    folder = tmp_path / "eval"
    for part, rows in enumerate((items.iloc[:150], items.iloc[150:])):
        place = folder / f"half={part}" if hive else folder
        place.mkdir(parents=True, exist_ok=True)
        rows.to_parquet(place / f"part-{part}.parquet", index=False)
    as_file = audit_json("invoke", [path, "--eval-set", one, *FIELDS], 1, tmp_path)
    as_folder = audit_json(runner, [path, "--eval-set", folder, *FIELDS], 1, tmp_path)
    card = as_folder["dataset"]["contamination"][0]
    assert (card["eval_set"], card["items"]) == (str(folder), len(records))
    assert card["items_matched"] >= len(where["verbatim"]) + len(where["prompt half"]) + len(where["answer half"])
    # the same findings but for the evaluation set's name, which their fingerprints hold too
    named_alike = json.dumps(_unprinted(as_folder["findings"])).replace(str(folder), str(one))
    assert named_alike == json.dumps(_unprinted(as_file["findings"]))


def _unprinted(findings: list[dict]) -> list[dict]:
    return [{key: value for key, value in finding.items() if key != "fingerprint"} for finding in findings]


def test_json_array_parquet_and_csv_evaluation_sets_number_their_items(tmp_path: Path) -> None:
    import pandas as pd

    records = [json.loads(line) for line in (DATA / "truthfulqa_head.jsonl").read_text("utf-8").splitlines()]
    (tmp_path / "eval.json").write_text(json.dumps(records), encoding="utf-8")
    frame = pd.DataFrame([{"question": r["question"], "category": r["category"]} for r in records])
    frame.to_parquet(tmp_path / "eval.parquet")
    frame.to_csv(tmp_path / "eval.csv", index=False)
    as_array = read_eval_set(tmp_path / "eval.json")
    assert (as_array.unit, as_array.numbers[:3], as_array.fields) == ("item", [0, 1, 2], ("question", "best_answer"))
    for name in ("eval.parquet", "eval.csv"):
        table = read_eval_set(tmp_path / name)
        assert (table.unit, table.numbers[:3], table.fields) == ("row", [0, 1, 2], ("question",)), name
        assert table.texts[0] == records[0]["question"]


def test_a_preference_evaluation_set_copied_whole_is_copied_exactly(tmp_path: Path) -> None:
    """A preference evaluation set's item is its prompt and chosen answer; a training pair that
    holds both (with any rejected answer) is an exact copy of it, not an n-gram one."""
    pairs = (DATA / "hhh_pairs_40.jsonl").read_text("utf-8").splitlines()[:12]
    evaluation = tmp_path / "pairs_eval.jsonl"
    evaluation.write_text("\n".join(pairs) + "\n", encoding="utf-8")
    report = audit_json("run", [evaluation, "--eval-set", evaluation], 1, tmp_path)
    (found,) = report["dataset"]["contamination"]
    assert found["items_by_kind"] == {"exact": 12, "ngram": 0, "near": 0}
    assert found["examples_by_kind"] == {"exact": 12, "ngram": 0, "near": 0}


def test_an_example_holding_several_items_is_named_once(tmp_path: Path) -> None:
    """The finding's examples are lines to look at: a line holding two items is one of them."""
    items = [json.loads(line) for line in EVAL.read_text("utf-8").splitlines()[:2]]
    both = " ".join(f"{item['question']} {item['best_answer']}" for item in items)
    train = tmp_path / "train.jsonl"
    train.write_text((DATA / "hhh_alignment_chat.jsonl").read_text("utf-8") + json.dumps(
        {"messages": [{"role": "user", "content": "Two facts."}, {"role": "assistant", "content": both}]}) + "\n",
        encoding="utf-8")
    report = audit_json("invoke", [train, "--eval-set", EVAL, *FIELDS], 1, tmp_path)
    (finding,) = [f for f in report["findings"] if f["check"] == "contamination.eval_overlap"]
    assert [m[:2] for m in finding["details"]["matches"]] == [[222, 1], [222, 2]]
    assert finding["examples"] == [222]
    assert "truthfulqa_bigbench.jsonl (0.7%) are copied" in finding["message"]
    assert "; 1 training example holds them (by side:" in finding["message"]


def test_one_item_copied_once_is_worded_as_one(tmp_path: Path) -> None:
    item = json.loads(EVAL.read_text("utf-8").splitlines()[0])
    train = tmp_path / "train.jsonl"
    train.write_text(CORPUS.read_text("utf-8") + _chat(item["question"], item["best_answer"]) + "\n", encoding="utf-8")
    report = audit_json("invoke", [train, "--eval-set", EVAL, *FIELDS], 1, tmp_path)
    (finding,) = [f for f in report["findings"] if f["check"] == "contamination.eval_overlap"]
    assert "truthfulqa_bigbench.jsonl (0.3%) is copied" in finding["message"]
    assert "; 1 training example holds it (by side:" in finding["message"]
