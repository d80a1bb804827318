"""Counting tokens: with a tokenizer the user names, or an estimate that says it is one.

dataaudit never downloads a tokenizer: a model's `tokenizer.json` read from disk by the
`tokenizers` package is exact for that model, and a tokenizer folder as model hubs ship it adds
the chat template (`dataaudit.text.template_counter`); without one, tokens are estimated as
ceil(characters / 4), the usual rule of thumb for English text with BPE vocabularies
(GPT-2 to Llama 3 tokenizers give 3.5 to 4.5 characters per token on English prose; code,
numbers and non-Latin scripts take more tokens per character, so the estimate runs low there).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from dataaudit.errors import InputError

CHARS_PER_TOKEN = 4


@dataclass(frozen=True)
class TokenCounter:
    """`name` goes into the report; `estimated` says whether the counts are an estimate."""

    name: str
    estimated: bool
    tokenizer: Any = None

    def counting(self, kind: str, rendered: bool = False) -> str:
        """What the report says counted the tokens of a file of `kind` (chat, preference, ...);
        `rendered`: whether its examples went through a chat template."""
        return self.name

    def count(self, texts: list[str], chars: np.ndarray, known: list[int | None] | None = None) -> np.ndarray:
        """Tokens of each text (`chars` holds their lengths in characters); `known`, counts
        already read elsewhere (None where not), so that only the others are tokenized."""
        if known is not None:
            counts = np.array([-1 if n is None else n for n in known], dtype=np.int64)
            missing = np.flatnonzero(counts < 0)
            if len(missing):
                counts[missing] = self.count([texts[i] for i in missing.tolist()], chars[missing])
            return counts
        if self.tokenizer is None:
            return (chars + (CHARS_PER_TOKEN - 1)) // CHARS_PER_TOKEN
        encodings = self.tokenizer.encode_batch_fast(texts, add_special_tokens=False)  # no offsets: a quarter faster
        return np.fromiter(map(len, encodings), dtype=np.int64, count=len(texts))

    def conversation_tokens(self, messages: list[Any], tools: list[Any] | None = None) -> int:
        """Tokens of one conversation: its messages' texts added up. A counter with a chat
        template counts the rendered example instead, template tokens included."""
        from dataaudit.text.validate import text_of

        texts = [text_of(m.get("content")) or "" for m in messages if isinstance(m, dict)]
        return int(self.count(texts, np.fromiter(map(len, texts), dtype=np.int64, count=len(texts))).sum())


def count_tokens(counter: TokenCounter, item: str | list[Any], tools: list[Any] | None = None) -> int:
    """Tokens of one text, or of one conversation (a list of messages, with its `tools`): what
    sizes and costs are read from, exact and through the chat template when `counter` has them."""
    if isinstance(item, str):
        return int(counter.count([item], np.array([len(item)], dtype=np.int64))[0])
    return counter.conversation_tokens(item, tools)


ESTIMATE = TokenCounter(f"estimate: ceil(characters / {CHARS_PER_TOKEN})", estimated=True)


def token_counter(tokenizer: str | Path | None) -> TokenCounter:
    """The counter for a tokenizer folder or a `tokenizer.json` path, or the estimate when none
    is named."""
    if tokenizer is None:
        return ESTIMATE
    if not isinstance(tokenizer, str | os.PathLike):
        raise InputError(f"tokenizer must be a model's tokenizer folder or its tokenizer.json on disk, not a "
                         f"{type(tokenizer).__name__}{_saving_hint(tokenizer)}")
    path = Path(tokenizer)
    if path.is_dir():
        from dataaudit.text.tokenizer_folder import folder_counter

        return folder_counter(path)
    if not path.is_file():
        raise InputError(f"{path}: no such tokenizer folder or file; give a model's tokenizer folder or its "
                         "tokenizer.json saved on disk (dataaudit never downloads one)")
    return TokenCounter(f"tokenizer {path.name}", estimated=False, tokenizer=load_tokenizer(path))


def _saving_hint(tokenizer: Any) -> str:
    """How a tokenizer object in memory becomes what is read: its saved folder (the chat
    template comes with it) or its tokenizer.json."""
    if callable(getattr(tokenizer, "save_pretrained", None)):
        return " (save it with .save_pretrained(folder) and give the folder)"
    if callable(getattr(tokenizer, "save", None)):
        return " (save it with .save('tokenizer.json') and give the file)"
    return ""


def load_tokenizer(path: Path) -> Any:
    """A `tokenizers.Tokenizer` read from `path`, with the truncation and padding its file may
    carry turned off: lengths are measured whole, as transformers does unless asked to truncate."""
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise InputError(f"{path}: counting tokens with a tokenizer needs the 'tokenizers' package "
                         "(pip install 'dataaudit[llm]'); without --tokenizer, tokens are estimated") from None
    try:
        loaded = Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust side raises its own exception types
        raise InputError(f"{path}: not a tokenizer.json the 'tokenizers' package can read: {exc}") from None
    loaded.no_truncation()
    loaded.no_padding()
    return loaded
