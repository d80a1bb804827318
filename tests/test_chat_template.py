"""A chat file through the model's own chat template, checked against transformers.

The oracle: on the real conversations of `tests/data/text/hhh_chat_60.jsonl` plus planted
lines (a system prompt, a prompt so long the assistant's turn lies wholly past the maximum
length, an over-long answer, two user turns in a row, a system message after the first turn,
tool calls with their tools), dataaudit's token counts, over-length examples, examples left with
no trainable token and template errors equal what
`PreTrainedTokenizerFast.apply_chat_template(..., return_assistant_tokens_mask=True)` gives on
each line, for tokenizers trained here and chat templates in the common styles.
"""

from __future__ import annotations

import contextlib
import functools
import itertools
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets.tokenizer_folder import TEMPLATES, write_tokenizer_folder
from dataaudit.text.chat_template import TemplateFailure
from dataaudit.text.tokens import count_tokens, token_counter
from tests.cli_helpers import invoke, run
from tests.text_helpers import RUNNERS, audit_json, comparable

pytest.importorskip("tokenizers", reason="a tokenizer folder is read with the 'tokenizers' package")

HHH = Path(__file__).parent / "data" / "text" / "hhh_chat_60.jsonl"
MAX_LENGTH = 256
TOOLS = [{"type": "function", "function": {"name": "weather", "description": "The weather in a city",
                                           "parameters": {"type": "object",
                                                          "properties": {"city": {"type": "string"}}}}}]


def _conversations() -> list[dict[str, Any]]:
    real = [json.loads(line) for line in HHH.read_text(encoding="utf-8").splitlines()]
    long_prompt = " ".join(m["content"] for r in real[:6] for m in r["messages"])
    long_answer = " ".join(m["content"] for r in real[10:16] for m in r["messages"])
    planted = [
        {"messages": [{"role": "system", "content": "You answer briefly."},
                      {"role": "user", "content": "What is the capital of France?"},
                      {"role": "assistant", "content": "Paris."}]},
        {"messages": [{"role": "user", "content": long_prompt}, {"role": "assistant", "content": "No."}]},
        {"messages": [{"role": "user", "content": "Tell me everything."},
                      {"role": "assistant", "content": long_answer}]},
        {"messages": [{"role": "user", "content": "Hello?"}, {"role": "user", "content": "Anyone there?"},
                      {"role": "assistant", "content": "Yes, here."}]},
        {"messages": [{"role": "user", "content": "Hi."}, {"role": "system", "content": "Be terse."},
                      {"role": "assistant", "content": "Hi."}]},
        {"tools": TOOLS,
         "messages": [{"role": "user", "content": "Weather in Paris?"},
                      {"role": "assistant", "content": None,
                       "tool_calls": [{"type": "function", "function": {"name": "weather",
                                                                        "arguments": {"city": "Paris"}}}]},
                      {"role": "tool", "content": "18 degrees, sunny", "tool_call_id": "call_1"},
                      {"role": "assistant", "content": "It is 18 degrees and sunny in Paris."}]},
    ]
    return real + planted


@pytest.fixture(scope="module")
def chats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chats") / "chats.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in _conversations()), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    texts = [m["content"] for c in _conversations() for m in c["messages"] if m["content"]]
    root = tmp_path_factory.mktemp("tokenizers")
    return {name: write_tokenizer_folder(root / name, name, texts) for name in TEMPLATES}


def _oracle(folder: Path, path: Path, max_length: int) -> dict[str, Any]:
    """What transformers makes of every line: its tokens, whether it is over the maximum
    length, whether its assistant mask cut at that length is all zero, and the lines the
    template refuses."""
    import jinja2
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"), bos_token="<s>",
                                        eos_token="</s>", unk_token="<unk>")
    template = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))["chat_template"]
    out: dict[str, Any] = {"tokens": {}, "over": [], "untrained": [], "errors": []}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        options = {"tools": record.get("tools"), "chat_template": template, "tokenize": True, "return_dict": True,
                   "return_assistant_tokens_mask": True}
        try:
            whole = tokenizer.apply_chat_template(record["messages"], **options)
        except jinja2.TemplateError:
            out["errors"].append(number)
            continue
        cut = tokenizer.apply_chat_template(record["messages"], truncation=True, max_length=max_length, **options)
        out["tokens"][number] = len(whole["input_ids"])
        if len(whole["input_ids"]) > max_length:
            out["over"].append(number)
        if not any(cut["assistant_masks"]):
            out["untrained"].append(number)
    return out


def _findings(report: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == check]


def _status(report: dict[str, Any], check: str) -> str:
    return next(c["status"] for c in report["checks"] if c["check"] == check)


def _rendered_tokens(report: dict[str, Any]) -> dict[str, Any]:
    table = next(t for t in report["tables"] if t["id"] == "text.template")
    row = next(r for r in table["rows"] if r[0] == "tokens per example, rendered")
    return dict(zip(table["columns"], row, strict=True))


@pytest.mark.parametrize("style", list(TEMPLATES))
def test_counts_equal_transformers_apply_chat_template(style: str, chats: Path, folders: dict[str, Path],
                                                       tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="the oracle is transformers' apply_chat_template")
    truth = _oracle(folders[style], chats, MAX_LENGTH)
    report = audit_json("invoke", [chats, "--tokenizer", folders[style], "--max-length", MAX_LENGTH], 1, tmp_path)
    tokens = list(truth["tokens"].values())
    row = _rendered_tokens(report)
    assert (row["count"], row["min"], row["max"], row["mean"], row["max length"]) == (
        len(tokens), min(tokens), max(tokens), round(sum(tokens) / len(tokens), 3), MAX_LENGTH)
    over = _findings(report, "text.over_max_length")[0]
    assert over["details"]["lines"] == len(truth["over"]) > 0
    assert over["examples"] == truth["over"][:20]
    errors = _findings(report, "text.template_error")
    assert sum(f["details"]["lines"] for f in errors) == len(truth["errors"])
    assert sorted(n for f in errors for n in f["examples"]) == truth["errors"]
    if TEMPLATES[style].count("{% generation %}"):
        untrained = _findings(report, "text.no_trainable_tokens")[0]
        assert untrained["details"]["lines"] == len(truth["untrained"]) > 0
        assert untrained["examples"] == truth["untrained"][:20]
        assert _status(report, "text.assistant_mask") == "passed"
    else:  # transformers' masks are all zero: the assistant-only loss trains on nothing at all
        assert len(truth["untrained"]) == len(tokens)
        assert _status(report, "text.no_trainable_tokens") == "skipped"
        assert "masks come out all zero" in _findings(report, "text.assistant_mask")[0]["message"]


@pytest.mark.parametrize("style", list(TEMPLATES))
def test_each_conversation_counts_as_transformers_tokenizes_it(style: str, chats: Path,
                                                               folders: dict[str, Path]) -> None:
    pytest.importorskip("transformers", reason="the oracle is transformers' apply_chat_template")
    from dataaudit.text.chat_template import TemplateFailure
    from dataaudit.text.tokens import count_tokens, token_counter

    counter = token_counter(folders[style])
    truth = _oracle(folders[style], chats, MAX_LENGTH)
    mine: dict[int, int] = {}
    refused = []
    for number, line in enumerate(chats.read_text(encoding="utf-8").splitlines(), start=1):
        record = json.loads(line)
        try:
            mine[number] = count_tokens(counter, record["messages"], record.get("tools"))
        except TemplateFailure:
            refused.append(number)
    assert mine == truth["tokens"]
    assert refused == truth["errors"]


def test_the_planted_cases_are_what_each_style_makes_of_them(chats: Path, folders: dict[str, Path],
                                                             tmp_path: Path) -> None:
    """The long prompt leaves its answer past the cut in every style; the header template
    refuses the late system message, Gemma's alternation refuses two user turns in a row, the
    late system message and the tool turn, each error named with its template line; ChatML takes
    them all."""
    system, long_prompt, _, two_users, late_system, tools = range(len(_conversations()) - 5, len(_conversations()) + 1)
    refused = {}
    for style in ("chatml", "headers", "gemma"):
        report = audit_json("run", [chats, "--tokenizer", folders[style], "--max-length", MAX_LENGTH], 1, tmp_path)
        refused[style] = {f["details"]["message"]: f["examples"] for f in _findings(report, "text.template_error")}
        assert _findings(report, "text.no_trainable_tokens")[0]["examples"] == [long_prompt]
        assert system not in _findings(report, "text.over_max_length")[0]["examples"]
    assert refused == {
        "chatml": {},
        "headers": {"line 3 of the chat template: The system message must come first": [late_system]},
        "gemma": {"line 6 of the chat template: Conversation roles must alternate user/assistant/user/assistant/...":
                  [two_users, late_system, tools]},
    }


@pytest.mark.parametrize("runner", list(RUNNERS))
def test_a_missing_or_broken_tokenizer_folder_is_one_line_and_exit_2(runner: str, chats: Path,
                                                                     folders: dict[str, Path], tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    _, err = RUNNERS[runner](["audit", chats, "--tokenizer", empty], 2)
    assert err.strip() == (f"dataaudit: error: {empty}: no tokenizer.json in this tokenizer folder (a model's folder "
                           "holds tokenizer.json and tokenizer_config.json; dataaudit never downloads one)")
    broken = tmp_path / "broken"
    broken.mkdir()
    (broken / "tokenizer.json").write_bytes((folders["chatml"] / "tokenizer.json").read_bytes())
    (broken / "tokenizer_config.json").write_text('{"chat_template": "{% for m in messages %}",\n', encoding="utf-8")
    _, err = RUNNERS[runner](["audit", chats, "--tokenizer", broken], 2)
    assert err.count("\n") == 1 and "tokenizer_config.json: line 2, column 1: not valid JSON" in err
    (broken / "tokenizer_config.json").write_text('{"chat_template": "{% for m in messages %}{{ m }}"}',
                                                  encoding="utf-8")
    _, err = RUNNERS[runner](["audit", chats, "--tokenizer", broken], 2)
    assert err.count("\n") == 1 and "tokenizer_config.json: line 1 of the chat template: Unexpected end of template" \
        in err
    _, err = RUNNERS[runner](["audit", chats, "--tokenizer", tmp_path / "nowhere"], 2)
    assert "no such tokenizer folder or file" in err and "Traceback" not in err
    (broken / "tokenizer_config.json").write_text("{}", encoding="utf-8")
    (broken / "chat_template.jinja").write_bytes(b"\xff\xfe{{ messages }}")
    _, err = RUNNERS[runner](["audit", chats, "--tokenizer", broken], 2)
    assert err.count("\n") == 1 and "chat_template.jinja: cannot be read" in err


def test_a_template_that_refuses_every_conversation_judges_no_length_and_no_mask(chats: Path, folders: dict[str, Path],
                                                                                 tmp_path: Path) -> None:
    refusing = tmp_path / "refusing"
    refusing.mkdir()
    (refusing / "tokenizer.json").write_bytes((folders["chatml"] / "tokenizer.json").read_bytes())
    (refusing / "tokenizer_config.json").write_text(
        '{"chat_template": "{{ raise_exception(\'no conversation is welcome\') }}"}', encoding="utf-8")
    report = dataaudit.audit(chats, tokenizer=refusing)
    status = {c.check: (c.status, c.reason) for c in report.checks}
    assert status["text.template_error"][0] == "fail"
    for check in ("text.over_max_length", "text.no_trainable_tokens", "text.assistant_mask"):
        assert status[check] == ("skipped", "the chat template rendered no conversation")


def test_max_length_must_be_positive(chats: Path) -> None:
    _, err = invoke(["audit", chats, "--max-length", "0"], 2)
    assert "--max-length" in err


def test_a_max_length_past_every_count_finds_no_example_over_it(chats: Path, folders: dict[str, Path],
                                                                tmp_path: Path) -> None:
    """2**63 tokens, one past the largest count a tokenizer's int64 holds: no example is over it
    (numpy refused to compare the counts with it, an internal error)."""
    style = next(iter(TEMPLATES))
    report = audit_json("invoke", [chats, "--tokenizer", folders[style], "--max-length", 2**63], 1, tmp_path)
    assert _findings(report, "text.over_max_length") == []
    assert _rendered_tokens(report)["max length"] == 2**63


def test_a_folder_without_a_chat_template_counts_messages_exactly(chats: Path, folders: dict[str, Path],
                                                                  tmp_path: Path) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "tokenizer.json").write_bytes((folders["chatml"] / "tokenizer.json").read_bytes())
    report = audit_json("run", [chats, "--tokenizer", plain], 1, tmp_path)
    assert report["dataset"]["tokenizer"] == "tokenizer plain (no chat template)"
    assert report["dataset"]["tokens_estimated"] is False
    assert _status(report, "text.over_max_length") == "skipped"
    assert _status(report, "text.too_long") != "skipped"


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(data=st.data())
def test_chunked_template_partials_merge_to_the_whole(data: st.DataObject, chats: Path,
                                                      folders: dict[str, Path]) -> None:
    """Lines rendered chunk by chunk, each partial pickled as to a worker and back, merged in
    any order: the same template profile (counts, first lines, distributions, errors) as all
    lines at once."""
    import pickle

    from dataaudit.checks.text import Rules
    from dataaudit.text.audit import text_spec
    from dataaudit.text.extract import extract
    from dataaudit.text.partial import TextPartial
    from dataaudit.text.tokens import token_counter
    from dataaudit.text.validate import check_line

    pool = [*chats.read_bytes().splitlines(), b"not json", b'{"messages": []}', b'{"messages": ["x"]}']
    style = data.draw(st.sampled_from(sorted(TEMPLATES)))
    spec = text_spec("chats.jsonl", "chat", Rules(max_tokens=data.draw(st.sampled_from([16, 64, 256, 100_000]))),
                     token_counter(folders[style]), unit="line", examples=3)
    lines = data.draw(st.lists(st.sampled_from(pool), min_size=1, max_size=30))
    cuts = sorted(data.draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=5)) - {len(lines)})
    whole = TextPartial(spec)
    whole.add(list(range(1, len(lines) + 1)), [check_line(line, spec.layout) for line in lines])
    partials = []
    for start, stop in itertools.pairwise([0, *cuts, len(lines)]):
        partial = TextPartial(spec)
        partial.add(list(range(start + 1, stop + 1)), [check_line(line, spec.layout) for line in lines[start:stop]])
        partials.append(pickle.loads(pickle.dumps(partial)))
    order = data.draw(st.permutations(partials))
    merged = functools.reduce(TextPartial.merged, order)
    expected = extract(whole)
    assert expected.template is not None
    assert extract(merged).template == expected.template
    assert expected.template.rendered + sum(expected.template.errors.values()) == sum(
        line.startswith(b'{"') and b'"messages": [{' in line for line in lines)


def test_jobs_2_gives_the_report_of_jobs_1(chats: Path, folders: dict[str, Path], tmp_path: Path) -> None:
    from dataaudit.engines.local import LocalEngine

    options = {"tokenizer": folders["gemma"], "max_length": MAX_LENGTH, "chunk_rows": 7}
    one = dataaudit.audit(chats, **options).to_dict()
    two = dataaudit.audit(chats, engine=LocalEngine(jobs=2), **options).to_dict()
    assert comparable(two) == comparable(one)
    assert {"text.template_error", "text.over_max_length", "text.no_trainable_tokens"} <= {
        f["check"] for f in one["findings"]}


def test_the_html_report_draws_the_tokens_against_the_maximum_length(chats: Path, folders: dict[str, Path],
                                                                     tmp_path: Path) -> None:
    import re

    from dataaudit.report.formats import Format, render
    from dataaudit.report.model import Report

    report = dataaudit.audit(chats, tokenizer=folders["chatml"], max_length=MAX_LENGTH)
    html = render(report, Format.HTML)
    figure = html[html.index('<figure id="chart-template-tokens">'):]
    figure = figure[:figure.index("</figure>")]
    assert re.search(rf"<text[^>]*>max length {MAX_LENGTH}</text>", figure)
    for measure in ("tokens per example, rendered", "trainable tokens per example", "tokens per user message"):
        assert re.search(rf"<text[^>]*>{measure}</text>", figure)
    assert "tokens past the maximum length</text>" not in figure  # an excess, not a length: the table has it
    saved = Report.from_dict(json.loads(render(report, Format.JSON)))
    for fmt in Format:
        assert render(saved, fmt) == render(report, fmt), fmt
    assert "Tokens through the chat template" in render(report, Format.MARKDOWN)


def test_without_a_tokenizer_every_format_labels_the_tokens_an_estimate(chats: Path, tmp_path: Path) -> None:
    outputs = {fmt: tmp_path / f"report.{fmt}" for fmt in ("console", "markdown", "html", "json")}
    pairs = [arg for fmt, out in outputs.items() for arg in ("-f", fmt, "-o", out)]
    run(["audit", chats, "--max-length", MAX_LENGTH, *pairs], 1)  # one audit renders its report in every format
    for fmt, out in outputs.items():
        text = out.read_text(encoding="utf-8").replace("\\", "")  # Markdown escapes its parentheses
        assert "estimated tokens per message" in text and "estimated tokens per example" in text, fmt
        assert "estimate: ceil(characters / 4)" in text, fmt
        assert f"longer than {MAX_LENGTH} estimated tokens" in text, fmt
    assert json.loads(outputs["json"].read_text(encoding="utf-8"))["dataset"]["tokens_estimated"] is True


def test_max_length_applies_to_fine_tuning_files_only() -> None:
    from tests.conftest import DATA

    _, err = invoke(["audit", DATA / "iris.csv", "--target", "target", "--max-length", "512"], 2)
    assert err == (f"dataaudit: error: {DATA / 'iris.csv'}: --max-length (max_length) does not apply to a single "
                   "table: it is the sequence length a fine-tuning file's examples train at\n")


def test_without_the_tokenizers_package_the_folder_is_one_line_with_the_extra_to_install(
        chats: Path, folders: dict[str, Path], monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "tokenizers", None)  # what an install without the llm extra looks like
    _, err = invoke(["audit", chats, "--tokenizer", folders["chatml"]], 2)
    assert err == (f"dataaudit: error: {folders['chatml'] / 'tokenizer.json'}: counting tokens with a tokenizer needs "
                   "the 'tokenizers' package (pip install 'dataaudit[llm]'); without --tokenizer, tokens are "
                   "estimated\n")


def test_training_size_counts_what_the_template_renders(chats: Path, folders: dict[str, Path]) -> None:
    """A trainer trains on the template's own tokens too: the size and its price count them."""
    counter = token_counter(folders["chatml"])
    rendered = []
    for line in chats.read_text(encoding="utf-8").splitlines():
        record = json.loads(line)
        with contextlib.suppress(TemplateFailure):
            rendered.append(count_tokens(counter, record["messages"], record.get("tools")))
    report = dataaudit.audit(chats, tokenizer=folders["chatml"], epochs=2)
    (size,) = [f for f in report.findings if f.check == "format.training_size"]
    assert size.details["tokens_per_epoch"] == sum(rendered)
    assert size.details["tokens"] == 2 * sum(rendered)
    assert f"{len(rendered)} rendered examples" in size.message


@pytest.mark.parametrize("runner", list(RUNNERS))
def test_a_preference_file_of_plain_strings_says_its_texts_were_counted_without_the_template(
        runner: str, tmp_path: Path) -> None:
    """The template renders conversations only: a preference file of plain strings has its texts
    counted alone, and the report must not claim otherwise."""
    pairs = tmp_path / "pairs.jsonl"
    pairs.write_text("".join(json.dumps({"prompt": f"Question {i}?", "chosen": f"Answer {i}.",
                                         "rejected": f"No {i}."}) + "\n" for i in range(20)), encoding="utf-8")
    folder = write_tokenizer_folder(tmp_path / "chatml", "chatml", ["Question Answer No"] * 20)
    report = audit_json(runner, [pairs, "--tokenizer", folder], 0, tmp_path)
    assert report["dataset"]["tokenizer"] == (
        "tokenizer chatml with its chat template, which renders conversations only: the texts of this preference "
        "file are counted alone")
