"""Message token counts read off the rendered examples' encodings equal each message's text
tokenized alone, and through a chat template the tokenizer reads every example once.

A message's count is its text's tokens without the template's own (`encode(text,
add_special_tokens=False)`): what the per-role distributions report. The audit reads it off the
encoding of the rendered example where it is provably the same (`dataaudit.text.message_tokens`)
and tokenizes only the other messages on their own.
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.datasets.tokenizer_folder import TEMPLATES, write_tokenizer_folder
from dataaudit.profile.text_lengths import LengthHistogram
from dataaudit.text.message_tokens import reads_messages
from dataaudit.text.tokens import token_counter
from tests.cli_helpers import run

HHH = Path(__file__).parent / "data" / "text" / "hhh_chat_60.jsonl"
TRAINING_TEXTS = [m["content"] for line in HHH.read_text(encoding="utf-8").splitlines()
                  for m in json.loads(line)["messages"]]
#: the planted texts: leading and trailing blanks and line breaks, numbers, an added token
#: inside a message, a message that is a role name, accents written as combining marks, nothing
PLANTED = [
    [{"role": "system", "content": "  Be terse. "}, {"role": "user", "content": "\n\nWhat is 12345 + 1?"},
     {"role": "assistant", "content": "12346  \n"}],
    [{"role": "user", "content": "user"}, {"role": "assistant", "content": "<|im_end|> it's done"}],
    [{"role": "user", "content": "Cafe\u0301?"}, {"role": "assistant", "content": ""}],
]


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    root = tmp_path_factory.mktemp("tokenizers")
    return {name: write_tokenizer_folder(root / name, name, TRAINING_TEXTS) for name in TEMPLATES}


@pytest.fixture(scope="module")
def chats(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("chats") / "chats.jsonl"
    lines = HHH.read_text(encoding="utf-8").splitlines() + [json.dumps({"messages": m}) for m in PLANTED]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _direct_by_role(folder: Path, path: Path) -> dict[str, list[int]]:
    """Every message's text tokenized on its own, by role: what a role's count means."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    by_role: dict[str, list[int]] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        for message in json.loads(line)["messages"]:
            tokens = len(tokenizer.encode(message["content"], add_special_tokens=False).ids)
            by_role.setdefault(message["role"], []).append(tokens)
    return by_role


def _assert_role_rows(table: dict[str, Any], direct: dict[str, list[int]]) -> None:
    """The report's `tokens per ROLE message` rows: as many messages, the same min, max and mean."""
    rows = [dict(zip(table["columns"], row, strict=True)) for row in table["rows"]]
    rows = {row["measure"]: row for row in rows}
    for role, counts in direct.items():
        row = rows[f"tokens per {role} message"]
        assert (row["count"], row["min"], row["max"]) == (len(counts), min(counts), max(counts)), role
        assert row["mean"] == pytest.approx(sum(counts) / len(counts), abs=0.01), role


@pytest.mark.parametrize("style", list(TEMPLATES))
def test_each_roles_tokens_are_its_messages_texts_tokenized_alone(style: str, folders: dict[str, Path],
                                                                  chats: Path, tmp_path: Path) -> None:
    """The per-role distributions of the report (and their histograms, bin by bin) are those of
    every message's text tokenized on its own, the template's tokens left out."""
    from dataaudit.checks.text import Rules
    from dataaudit.text.audit import text_spec
    from dataaudit.text.partial import TextPartial
    from dataaudit.text.validate import check_line

    direct = _direct_by_role(folders[style], chats)
    spec = text_spec("chats.jsonl", "chat", Rules(), token_counter(folders[style]), unit="line")
    partial = TextPartial(spec)
    raw = chats.read_bytes().splitlines()
    partial.add(list(range(1, len(raw) + 1)), [check_line(line, spec.layout) for line in raw])
    assert partial.template is not None
    assert sorted(partial.template.roles) == sorted(direct)
    for role, counts in direct.items():
        expected = LengthHistogram()
        expected.add(np.array(counts, dtype=np.int64))
        got = partial.template.roles[role]
        assert (got.total, got.low, got.high, got.counts.tolist()) == (
            expected.total, expected.low, expected.high, expected.counts.tolist()), role

    report_path = tmp_path / "report.json"
    run(["audit", chats, "--tokenizer", folders[style], "-f", "json", "-o", report_path], 1)  # planted lines fail
    table = next(t for t in json.loads(report_path.read_text("utf-8"))["tables"] if t["id"] == "text.template")
    _assert_role_rows(table, direct)


class _Recording:
    """A tokenizer that notes every text it is asked to encode."""

    def __init__(self, tokenizer: Any) -> None:
        self.tokenizer = tokenizer
        self.texts: list[str] = []

    def __getattr__(self, name: str) -> Any:
        return getattr(self.tokenizer, name)

    def encode_batch(self, texts: list[str], **options: Any) -> Any:
        self.texts += texts
        return self.tokenizer.encode_batch(texts, **options)

    def encode_batch_fast(self, texts: list[str], **options: Any) -> Any:
        self.texts += texts
        return self.tokenizer.encode_batch_fast(texts, **options)


@pytest.mark.parametrize("style", ["chatml", "chatml-unmarked", "headers"])
def test_the_tokenizer_reads_each_example_once_through_the_template(style: str, folders: dict[str, Path],
                                                                    chats: Path) -> None:
    """Through a template that writes each message's text as it is, before an added token, the
    tokenizer is given the rendered examples and nothing else; the few messages whose text the
    template changes or surrounds otherwise (`| trim`, leading line breaks) alone besides."""
    from dataaudit.checks.text import Rules
    from dataaudit.text.audit import text_spec
    from dataaudit.text.partial import TextPartial
    from dataaudit.text.validate import check_line

    counter = token_counter(folders[style])
    recording = _Recording(counter.tokenizer)
    spec = text_spec("chats.jsonl", "chat", Rules(), dataclasses.replace(counter, tokenizer=recording), unit="line")
    raw = chats.read_bytes().splitlines()[:60]  # the real conversations
    TextPartial(spec).add(list(range(1, len(raw) + 1)), [check_line(line, spec.layout) for line in raw])
    rendered, alone = recording.texts[:len(raw)], recording.texts[len(raw):]
    assert all(text.startswith(("<|im_start|>", "<s><|start_header_id|>")) for text in rendered)
    texts = [m["content"] for line in raw for m in json.loads(line)["messages"]]
    assert alone == [text for text in texts if style == "headers" and text != text.strip()]  # `| trim`
    assert len(alone) < len(texts) / 5


@pytest.mark.parametrize("style", list(TEMPLATES))
@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(texts=st.lists(st.text(st.sampled_from("ab Paris?!.,'s 12\n\t\u00e9\u0301<|im_end|>"), max_size=24),
                      min_size=2, max_size=6))
def test_a_count_read_off_the_rendering_is_the_texts_own(style: str, folders: dict[str, Path],
                                                         texts: list[str]) -> None:
    """For any message texts (blanks, line breaks, digits, combining marks, added tokens at
    either edge), every count read off the rendered example equals the text tokenized alone."""
    counter = token_counter(folders[style])
    messages = [{"role": ("user", "assistant")[i % 2], "content": text} for i, text in enumerate(texts)]
    measured = counter.measure([(messages, None)], 10_000, [texts])
    for text, count in zip(texts, measured.messages[0] or [None] * len(texts), strict=True):
        if count is not None:
            assert count == len(counter.tokenizer.encode(text, add_special_tokens=False).ids), text


def test_a_tokenizer_that_normalizes_has_every_message_tokenized_alone(tmp_path: Path, chats: Path) -> None:
    """A normalizer may join characters across a message's edge in the rendered text: its
    counts are not read off the rendering, and the per-role counts are still the texts' own."""
    from tokenizers import Tokenizer, normalizers

    folder = write_tokenizer_folder(tmp_path / "nfc", "chatml", TRAINING_TEXTS)
    tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
    tokenizer.normalizer = normalizers.NFC()
    tokenizer.save(str(folder / "tokenizer.json"))
    counter = token_counter(folder)
    assert reads_messages(counter.tokenizer) is False
    assert reads_messages(token_counter(write_tokenizer_folder(tmp_path / "plain", "chatml", TRAINING_TEXTS))
                          .tokenizer) is True
    report_path = tmp_path / "report.json"
    run(["audit", chats, "--tokenizer", folder, "-f", "json", "-o", report_path], 1)  # planted lines fail
    table = next(t for t in json.loads(report_path.read_text("utf-8"))["tables"] if t["id"] == "text.template")
    _assert_role_rows(table, _direct_by_role(folder, chats))


@pytest.mark.parametrize("batch_chars", [1, 2_000])
def test_examples_tokenized_in_bounded_batches_measure_as_in_one(batch_chars: int, folders: dict[str, Path],
                                                                 chats: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The encodings held at once are bounded by `BATCH_CHARS` of rendered text; however the
    examples are batched, every measure is the same."""
    from dataaudit.text import template_counter

    records = [json.loads(line) for line in chats.read_text(encoding="utf-8").splitlines()]
    conversations = [(r["messages"], r.get("tools")) for r in records]
    refused = [{"role": "user", "content": "Hello?"}, {"role": "user", "content": "Anyone?"}]
    conversations[5:5] = [(refused, None)] * 3  # refused between the batches
    texts = [[m["content"] for m in messages] for messages, _ in conversations]
    counter = token_counter(folders["gemma"])
    whole = counter.measure(conversations, 64, texts)
    monkeypatch.setattr(template_counter, "BATCH_CHARS", batch_chars)
    batched = counter.measure(conversations, 64, texts)
    assert any(failure is not None for failure in whole.failures)
    for name in ("tokens", "assistant", "trainable"):
        assert np.array_equal(getattr(batched, name), getattr(whole, name)), name
    assert (batched.failures, batched.messages) == (whole.failures, whole.messages)
