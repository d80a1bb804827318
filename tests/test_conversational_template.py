"""Conversational prompt/completion and preference files through the model's chat template,
checked against transformers.

Trainers render these as conversations: TRL's SFTTrainer renders a prompt/completion example of
message lists as the prompt's messages followed by the completion's, and its DPOTrainer renders
each side of a pair of message lists as the prompt's messages followed by that answer's (with the
prompt implicit in both sides, each side whole; OpenAI's `input.messages` is the prompt). The
oracle: per line, `apply_chat_template(..., tokenize=True)` of those conversations, a pair
judged by its longer side, and the lines whose template raises. dataaudit's rendered lengths,
over-length lines (at the maximum length and one token past it) and template errors must equal
it, through the command line in-process and as a subprocess.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from dataaudit.datasets.tokenizer_folder import write_tokenizer_folder
from tests.text_helpers import audit_json

pytest.importorskip("tokenizers", reason="a tokenizer folder is read with the 'tokenizers' package")

HHH = Path(__file__).parent / "data" / "text" / "hhh_chat_60.jsonl"
STYLES = ("chatml", "headers", "gemma")


def _chats() -> list[list[dict[str, Any]]]:
    """Real conversations ending on an assistant turn."""
    chats = [json.loads(line)["messages"] for line in HHH.read_text(encoding="utf-8").splitlines()]
    return [c for c in chats if c[-1]["role"] == "assistant"][:30]


def _refused() -> list[list[dict[str, Any]]]:
    """Prompts some templates refuse: two user turns in a row (Gemma's alternation), a system
    message after the first turn (the header template, and Gemma's alternation too)."""
    return [[{"role": "user", "content": "Hello?"}, {"role": "user", "content": "Anyone there?"}],
            [{"role": "user", "content": "Hi."}, {"role": "system", "content": "Be terse."}]]


def _pairs() -> list[dict[str, Any]]:
    """The three shapes in turn: TRL's explicit prompt, TRL's implicit prompt, OpenAI's; the
    rejected answer another conversation's, so either side may be the longer."""
    chats = _chats()
    lines = []
    for i, chat in enumerate(chats + _refused()):
        prompt = chat[:-1] if chat[-1]["role"] == "assistant" else chat
        chosen = [chat[-1]] if chat[-1]["role"] == "assistant" else [{"role": "assistant", "content": "Sure."}]
        rejected = [chats[(i + 7) % len(chats)][-1]]
        shape = i % 3
        if shape == 0:
            lines.append({"prompt": prompt, "chosen": chosen, "rejected": rejected})
        elif shape == 1:
            lines.append({"chosen": prompt + chosen, "rejected": prompt + rejected})
        else:
            lines.append({"input": {"messages": prompt}, "preferred_output": chosen,
                          "non_preferred_output": rejected})
    return lines


def _completions() -> list[dict[str, Any]]:
    lines = [{"prompt": chat[:-1], "completion": chat[-1:]} for chat in _chats()]
    return lines + [{"prompt": prompt, "completion": [{"role": "assistant", "content": "Sure."}]}
                    for prompt in _refused()]


def _sides(record: dict[str, Any]) -> list[list[dict[str, Any]]]:
    """The conversations a trainer renders of one line."""
    if "completion" in record:
        return [record["prompt"] + record["completion"]]
    if "input" in record:
        return [record["input"]["messages"] + record[key] for key in ("preferred_output", "non_preferred_output")]
    prompt = record.get("prompt", [])
    return [prompt + record["chosen"], prompt + record["rejected"]]


def _write(path: Path, records: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("conversational")
    return {"preference": _write(root / "pairs.jsonl", _pairs()),
            "prompt-completion": _write(root / "completions.jsonl", _completions())}


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    texts = [m["content"] for chat in _chats() for m in chat]
    root = tmp_path_factory.mktemp("tokenizers")
    return {name: write_tokenizer_folder(root / name, name, texts) for name in STYLES}


def _oracle(folder: Path, path: Path) -> tuple[dict[int, int], list[int]]:
    """Per line, the tokens of its longest rendered conversation as transformers tokenizes it;
    and the lines the template refuses on either side."""
    import jinja2
    from transformers import PreTrainedTokenizerFast

    tokenizer = PreTrainedTokenizerFast(tokenizer_file=str(folder / "tokenizer.json"), bos_token="<s>",
                                        eos_token="</s>", unk_token="<unk>")
    template = json.loads((folder / "tokenizer_config.json").read_text(encoding="utf-8"))["chat_template"]
    tokens: dict[int, int] = {}
    errors = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        try:
            lengths = [len(tokenizer.apply_chat_template(side, chat_template=template, tokenize=True,
                                                         return_dict=True)["input_ids"])
                       for side in _sides(json.loads(line))]
        except jinja2.TemplateError:
            errors.append(number)
            continue
        tokens[number] = max(lengths)
    return tokens, errors


def _finding(report: dict[str, Any], check: str) -> list[dict[str, Any]]:
    return [f for f in report["findings"] if f["check"] == check]


def _rendered(report: dict[str, Any]) -> dict[str, Any]:
    table = next(t for t in report["tables"] if t["id"] == "text.template")
    row = next(r for r in table["rows"] if r[0] == "tokens per example, rendered")
    return dict(zip(table["columns"], row, strict=True))


def _over_lines(report: dict[str, Any]) -> tuple[int, list[int]]:
    found = _finding(report, "text.over_max_length")
    return (found[0]["details"]["lines"], found[0]["examples"]) if found else (0, [])


@pytest.mark.parametrize("kind", ["preference", "prompt-completion"])
@pytest.mark.parametrize("style", STYLES)
def test_rendered_lengths_and_errors_equal_transformers(kind: str, style: str, files: dict[str, Path],
                                                        folders: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="the oracle is transformers' apply_chat_template")
    tokens, errors = _oracle(folders[style], files[kind])
    report = audit_json("invoke", [files[kind], "--tokenizer", folders[style], "--max-length", 4096], 1, tmp_path)
    counts = list(tokens.values())
    row = _rendered(report)
    assert (row["count"], row["min"], row["max"], row["mean"]) == (
        len(counts), min(counts), max(counts), round(sum(counts) / len(counts), 3))
    refused = _finding(report, "text.template_error")
    assert sorted(n for f in refused for n in f["examples"]) == errors
    assert sum(f["details"]["lines"] for f in refused) == len(errors)
    assert (style == "chatml") == (not errors)  # the planted prompts are refused where the template says so
    assert report["dataset"]["tokenizer"].startswith(f"tokenizer {style} with its chat template; each conversational")
    assert {c["check"]: c["status"] for c in report["checks"]}["text.too_long"] == "skipped"


@pytest.mark.parametrize("runner", ["invoke", "run"])
@pytest.mark.parametrize("kind", ["preference", "prompt-completion"])
def test_an_example_of_exactly_the_maximum_length_fits_and_one_token_more_does_not(
        runner: str, kind: str, files: dict[str, Path], folders: dict[str, Path], tmp_path: Path) -> None:
    pytest.importorskip("transformers", reason="the oracle is transformers' apply_chat_template")
    tokens, _ = _oracle(folders["headers"], files[kind])
    number, length = sorted(tokens.items(), key=lambda kv: kv[1])[len(tokens) // 2]  # a line of median length
    for max_length in (length, length - 1):
        report = audit_json(runner, [files[kind], "--tokenizer", folders["headers"], "--max-length", max_length],
                            1, tmp_path)
        over = sorted(n for n, t in tokens.items() if t > max_length)
        assert _over_lines(report) == (len(over), over[:20])
        assert (number in over) == (max_length < length)
    by = _finding(report, "text.over_max_length")[0]["details"]["over_by"]
    assert by["max"] == max(tokens.values()) - (length - 1)


def test_a_pair_is_judged_by_its_longer_side(folders: dict[str, Path], tmp_path: Path) -> None:
    """Either side may be the longer; the pair is over the maximum length when that side is."""
    pytest.importorskip("transformers", reason="the oracle is transformers' apply_chat_template")
    question = [{"role": "user", "content": "What is the capital of France?"}]
    short, long = ({"role": "assistant", "content": text} for text in ("Paris.", "Paris, " * 40))
    path = _write(tmp_path / "two.jsonl", [{"prompt": question, "chosen": [long], "rejected": [short]},
                                           {"prompt": question, "chosen": [short], "rejected": [long]}] * 3)
    tokens, _ = _oracle(folders["chatml"], path)
    longest = max(tokens.values())
    assert set(tokens.values()) == {longest}
    fits = audit_json("invoke", [path, "--tokenizer", folders["chatml"], "--max-length", longest], 1, tmp_path)
    assert _over_lines(fits) == (0, [])
    cut = audit_json("invoke", [path, "--tokenizer", folders["chatml"], "--max-length", longest - 1], 1, tmp_path)
    assert _over_lines(cut) == (6, [1, 2, 3, 4, 5, 6])


@pytest.mark.parametrize("kind", ["preference", "prompt-completion"])
def test_plain_strings_are_counted_alone_and_the_report_says_so(kind: str, folders: dict[str, Path],
                                                                tmp_path: Path) -> None:
    """Trainers join plain strings without a template: their texts are counted as before."""
    second = {"preference": {"chosen": "Yes.", "rejected": "No."}, "prompt-completion": {"completion": "Yes."}}[kind]
    path = _write(tmp_path / "plain.jsonl", [{"prompt": f"Question {i}?", **second} for i in range(20)])
    report = audit_json("invoke", [path, "--tokenizer", folders["chatml"]], 0, tmp_path)
    assert report["dataset"]["tokenizer"] == (f"tokenizer chatml with its chat template, which renders conversations "
                                              f"only: the texts of this {kind} file are counted alone")
    status = {c["check"]: c["status"] for c in report["checks"]}
    assert status["text.too_long"] == "passed"
    assert status["text.over_max_length"] == "skipped"
    assert not any(t["id"] == "text.template" for t in report["tables"])


def test_training_size_counts_both_rendered_sequences_of_a_pair(files: dict[str, Path],
                                                                folders: dict[str, Path]) -> None:
    """A preference trainer reads the prompt with the chosen answer and with the rejected one:
    an epoch's tokens are both rendered sequences of every pair."""
    pytest.importorskip("transformers", reason="the oracle is transformers' apply_chat_template")
    import dataaudit
    from dataaudit.text.tokens import count_tokens, token_counter

    counter = token_counter(folders["chatml"])
    records = [json.loads(line) for line in files["preference"].read_text(encoding="utf-8").splitlines()]
    both = sum(count_tokens(counter, side) for record in records for side in _sides(record))
    report = dataaudit.audit(files["preference"], tokenizer=folders["chatml"])
    (size,) = [f for f in report.findings if f.check == "format.training_size"]
    assert size.details["tokens_per_epoch"] == both
    assert f"{len(records)} rendered examples" in size.message


@pytest.mark.parametrize("kind", ["preference", "prompt-completion"])
def test_chunked_partials_merge_to_the_whole(kind: str, files: dict[str, Path], folders: dict[str, Path]) -> None:
    """A chunk without a conversation starts no tally, and merges as nothing: partials of any
    chunking, pickled as to a worker and merged in any order, give the whole file's tally."""
    import functools
    import itertools
    import pickle

    from dataaudit.checks.text import Rules
    from dataaudit.text.audit import text_spec
    from dataaudit.text.extract import extract
    from dataaudit.text.partial import TextPartial
    from dataaudit.text.tokens import token_counter
    from dataaudit.text.validate import check_line

    plain = {"preference": {"prompt": "Q?", "chosen": "Yes.", "rejected": "No."},
             "prompt-completion": {"prompt": "Q?", "completion": "Yes."}}[kind]
    lines = [json.dumps(plain).encode()] * 3 + files[kind].read_bytes().splitlines()
    spec = text_spec(kind, kind, Rules(max_tokens=128), token_counter(folders["gemma"]), unit="line", examples=3)

    def partial(start: int, stop: int) -> TextPartial:
        made = TextPartial(spec)
        made.add(list(range(start + 1, stop + 1)), [check_line(line, spec.layout) for line in lines[start:stop]])
        return pickle.loads(pickle.dumps(made))

    whole = extract(partial(0, len(lines))).template
    cuts = [0, 3, 10, 11, 25, len(lines)]
    parts = [partial(a, b) for a, b in itertools.pairwise(cuts)]
    assert parts[0].template is None
    assert whole is not None and whole.rendered + sum(whole.errors.values()) == len(lines) - 3
    assert extract(functools.reduce(TextPartial.merged, reversed(parts))).template == whole
