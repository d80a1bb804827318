"""The exact counter of a tokenizer folder with a chat template: a `TokenCounter` whose
conversations are counted as the trainer sees them, rendered, tokenized and cut.

A token is the assistant's when it overlaps a `{% generation %}` span of the rendered text,
the rule transformers' `apply_chat_template(..., return_assistant_tokens_mask=True)` applies to
the tokenizer's offsets; truncation keeps the first `max_length` tokens (trainers cut on the
right), so the trainable tokens left are the assistant tokens among those.
"""

from __future__ import annotations

import bisect
import operator
from dataclasses import dataclass
from typing import Any

import numpy as np

from dataaudit.text.chat_template import ChatTemplate, Rendered, TemplateFailure
from dataaudit.text.formats import CHAT, PREFERENCE, PROMPT_COMPLETION
from dataaudit.text.message_tokens import read_counts
from dataaudit.text.tokens import TokenCounter

#: One conversation as a line holds it: its messages and its tools (or None).
Chat = tuple[list[Any], list[Any] | None]
#: Rendered characters tokenized per batch: enough for the batch API to pay, and a bound on the
#: encodings held at once (some 100 bytes a token), however long a chunk's conversations are.
BATCH_CHARS = 1 << 20
#: What the report says was rendered of a file of each kind whose examples are conversations.
RENDERED = {
    PROMPT_COMPLETION: "each conversational example rendered as one conversation, prompt then completion",
    PREFERENCE: "each conversational pair rendered as two conversations, the prompt with the chosen answer and "
                "with the rejected one, the longer judged",
}


@dataclass(frozen=True)
class Measures:
    """Per conversation: `tokens` of the rendered example (-1 where the template failed),
    `assistant` tokens marked for the loss, `trainable` those within the maximum length, and the
    template's error message (None where it rendered); `messages`, per conversation, the token
    counts of the message texts asked for that could be read off its encoding (None for each
    one that could not; an empty list where the template failed)."""

    tokens: np.ndarray
    assistant: np.ndarray
    trainable: np.ndarray
    failures: list[str | None]
    messages: list[list[int | None]]

    def paired(self) -> Measures:
        """Conversations measured two by two (a pair's prompt with the chosen answer, then with
        the rejected one) as one example each: a trainer reads the two as two sequences, so the
        longer decides whether the pair fits, the side with fewer trainable tokens left whether
        it trains, and the pair fails with the template's first error on either side."""
        tokens = self.tokens.reshape(-1, 2)
        failed = (tokens < 0).any(axis=1)
        failures = [first or second for first, second in zip(self.failures[::2], self.failures[1::2], strict=True)]
        return Measures(np.where(failed, -1, tokens.max(axis=1)), self.assistant.reshape(-1, 2).min(axis=1),
                        self.trainable.reshape(-1, 2).min(axis=1), failures, [[] for _ in failures])


@dataclass(frozen=True)
class TemplateCounter(TokenCounter):
    """`reads_messages`: whether the tokenizer lets message counts be read off the rendered
    encodings (`dataaudit.text.message_tokens`); `added`: the ids of its added tokens."""

    template: ChatTemplate | None = None
    reads_messages: bool = False
    added: frozenset[int] = frozenset()

    def counting(self, kind: str, rendered: bool = False) -> str:
        """A chat file is rendered whole; a prompt/completion or preference file is rendered as
        trainers render its conversations (`rendered`), and a file of plain strings or an
        instruction file is counted as its texts alone, without the template's own tokens: the
        report says which, since the lengths mean different things."""
        if kind == CHAT or self.template is None:
            return self.name
        if rendered and kind in RENDERED:
            return f"{self.name}; {RENDERED[kind]}"
        return f"{self.name}, which renders conversations only: the texts of this {kind} file are counted alone"

    def conversation_tokens(self, messages: list[Any], tools: list[Any] | None = None) -> int:
        """Tokens of the rendered example, the template's own included; raises `TemplateFailure`
        when the template refuses the conversation."""
        rendered = self._template().render(messages, tools)
        return len(self.tokenizer.encode(rendered.text, add_special_tokens=False).ids)

    def measure(self, chats: list[Chat], max_length: int, messages: list[list[str]] | None = None) -> Measures:
        """Every conversation rendered and tokenized, `BATCH_CHARS` of rendered text at a time
        in one call of the tokenizer's Rust batch API; `messages`, per conversation, the texts
        of its messages, whose counts are read off the same encodings where they can be."""
        template = self._template()
        failures: list[str | None] = [None] * len(chats)
        measures = Measures(np.full(len(chats), -1, dtype=np.int64), np.zeros(len(chats), dtype=np.int64),
                            np.zeros(len(chats), dtype=np.int64), failures, [[] for _ in chats])
        batch: list[tuple[int, Rendered]] = []
        chars = 0
        for i, (messages_of, tools) in enumerate(chats):
            try:
                example = template.render(messages_of, tools)
            except TemplateFailure as exc:
                failures[i] = str(exc)
                continue
            batch.append((i, example))
            chars += len(example.text)
            if chars >= BATCH_CHARS:
                self._measure_batch(batch, max_length, messages, measures)
                batch, chars = [], 0
        self._measure_batch(batch, max_length, messages, measures)
        return measures

    def _measure_batch(self, batch: list[tuple[int, Rendered]], max_length: int, messages: list[list[str]] | None,
                       measures: Measures) -> None:
        """Tokenize rendered examples (`(index, rendering)`) and fill in their `measures`.
        Character offsets (which cost the tokenizer a quarter of its time) are asked for only
        where assistant spans or messages read them."""
        marked = self._template().marks_assistant
        reading = messages is not None and self.reads_messages
        encode = self.tokenizer.encode_batch if marked or reading else self.tokenizer.encode_batch_fast
        encodings = encode([example.text for _, example in batch], add_special_tokens=False)
        for (i, example), encoding in zip(batch, encodings, strict=True):
            measures.tokens[i] = len(encoding)
            offsets = encoding.offsets if reading or (marked and example.spans) else []
            if marked and example.spans:
                measures.assistant[i], measures.trainable[i] = assistant_tokens(offsets, example.spans, max_length)
            if reading:
                assert messages is not None
                measures.messages[i] = read_counts(example.text, offsets, encoding, self.added, messages[i])

    def _template(self) -> ChatTemplate:
        assert self.template is not None
        return self.template


def assistant_tokens(offsets: list[tuple[int, int]], spans: list[tuple[int, int]], max_length: int) -> tuple[int, int]:
    """The tokens (their character `offsets`) overlapping any generation span, and those of
    them among the first `max_length`. Offsets and spans both run in text order, as transformers
    also relies on, so the tokens of a span are one run found by bisection: no per-token loop,
    which would cost more than the tokenizing."""
    assistant = trainable = done = 0
    for start, end in spans:
        first = max(bisect.bisect_right(offsets, start, key=_END), done)  # the first token ending after it starts
        stop = bisect.bisect_left(offsets, end, key=_START)  # the first token starting at or after its end
        if stop > first:
            assistant += stop - first
            trainable += max(0, min(stop, max_length) - first)
            done = stop
    return assistant, trainable


_START, _END = operator.itemgetter(0), operator.itemgetter(1)
