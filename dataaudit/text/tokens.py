"""Counting tokens: with a tokenizer file the user names, or an estimate that says it is one.

dataaudit never downloads a tokenizer: a model's `tokenizer.json` read from disk by the
`tokenizers` package is exact for that model; without one, tokens are estimated as
ceil(characters / 4), the usual rule of thumb for English text with BPE vocabularies
(GPT-2 to Llama 3 tokenizers give 3.5 to 4.5 characters per token on English prose; code,
numbers and non-Latin scripts take more tokens per character, so the estimate runs low there).
"""

from __future__ import annotations

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

    def count(self, texts: list[str], chars: np.ndarray) -> np.ndarray:
        """Tokens of each text (`chars` holds their lengths in characters)."""
        if self.tokenizer is None:
            return (chars + (CHARS_PER_TOKEN - 1)) // CHARS_PER_TOKEN
        encodings = self.tokenizer.encode_batch(texts, add_special_tokens=False)
        return np.fromiter((len(e.ids) for e in encodings), dtype=np.int64, count=len(texts))


ESTIMATE = TokenCounter(f"estimate: ceil(characters / {CHARS_PER_TOKEN})", estimated=True)


def token_counter(tokenizer: str | Path | None) -> TokenCounter:
    """The counter for a `tokenizer.json` path, or the estimate when none is named."""
    if tokenizer is None:
        return ESTIMATE
    path = Path(tokenizer)
    if not path.is_file():
        raise InputError(f"{path}: no such tokenizer file; give a tokenizer.json saved on disk "
                         "(dataaudit never downloads one)")
    try:
        from tokenizers import Tokenizer
    except ImportError:
        raise InputError(f"{path}: counting tokens with a tokenizer file needs the 'tokenizers' package "
                         "(pip install tokenizers); without --tokenizer, tokens are estimated") from None
    try:
        loaded = Tokenizer.from_file(str(path))
    except Exception as exc:  # the Rust side raises its own exception types
        raise InputError(f"{path}: not a tokenizer.json the 'tokenizers' package can read: {exc}") from None
    return TokenCounter(f"tokenizer {path.name}", estimated=False, tokenizer=loaded)
