"""The exact counter of a tokenizer folder with a chat template: a `TokenCounter` whose
conversations are counted as the trainer sees them, rendered, tokenized and cut.

A token is the assistant's when it overlaps a `{% generation %}` span of the rendered text,
the rule transformers' `apply_chat_template(..., return_assistant_tokens_mask=True)` applies to
the tokenizer's offsets; truncation keeps the first `max_length` tokens (trainers cut on the
right), so the trainable tokens left are the assistant tokens among those.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from dataaudit.text.chat_template import ChatTemplate, Rendered, TemplateFailure
from dataaudit.text.tokens import TokenCounter

#: One conversation as a line holds it: its messages and its tools (or None).
Chat = tuple[list[Any], list[Any] | None]


@dataclass(frozen=True)
class Measures:
    """Per conversation: `tokens` of the rendered example (-1 where the template failed),
    `assistant` tokens marked for the loss, `trainable` those within the maximum length, and the
    template's error message (None where it rendered)."""

    tokens: np.ndarray
    assistant: np.ndarray
    trainable: np.ndarray
    failures: list[str | None]


@dataclass(frozen=True)
class TemplateCounter(TokenCounter):
    template: ChatTemplate | None = None

    def conversation_tokens(self, messages: list[Any], tools: list[Any] | None = None) -> int:
        """Tokens of the rendered example, the template's own included; raises `TemplateFailure`
        when the template refuses the conversation."""
        rendered = self._template().render(messages, tools)
        return len(self.tokenizer.encode(rendered.text, add_special_tokens=False).ids)

    def measure(self, chats: list[Chat], max_length: int) -> Measures:
        """Every conversation rendered and tokenized in one batch."""
        template = self._template()
        rendered: list[Rendered] = []
        failures: list[str | None] = []
        for messages, tools in chats:
            try:
                rendered.append(template.render(messages, tools))
                failures.append(None)
            except TemplateFailure as exc:
                failures.append(str(exc))
        encodings = self.tokenizer.encode_batch([r.text for r in rendered], add_special_tokens=False)
        ok = np.array([f is None for f in failures], dtype=bool)
        tokens = np.full(len(chats), -1, dtype=np.int64)
        assistant = np.zeros(len(chats), dtype=np.int64)
        trainable = np.zeros(len(chats), dtype=np.int64)
        at = np.flatnonzero(ok)
        for i, example, encoding in zip(at.tolist(), rendered, encodings, strict=True):
            tokens[i] = len(encoding.ids)
            if example.spans:
                mask = assistant_mask(np.asarray(encoding.offsets, dtype=np.int64).reshape(-1, 2), example.spans)
                assistant[i] = int(mask.sum())
                trainable[i] = int(mask[:max_length].sum())
        return Measures(tokens, assistant, trainable, failures)

    def _template(self) -> ChatTemplate:
        assert self.template is not None
        return self.template


def assistant_mask(offsets: np.ndarray, spans: list[tuple[int, int]]) -> np.ndarray:
    """Tokens (character `offsets`, one row each) overlapping any generation span."""
    mask = np.zeros(len(offsets), dtype=bool)
    for start, end in spans:
        mask |= (offsets[:, 1] > start) & (offsets[:, 0] < end)
    return mask
