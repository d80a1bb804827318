"""The extracted language profile of one fine-tuning file or text column: plain counts."""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass

HINT = "pip install 'dataaudit[lang]'"
MISSING = f"lingua-language-detector is not installed ({HINT})"
#: the name under which examples too short, or too unsure, to tell are counted
UNDETERMINED = "undetermined"


@dataclass(frozen=True)
class LanguageProfile:
    """Examples per language (ISO 639-1 code -> examples, most first; `undetermined` among
    them), with the first example lines of each; `mixed` examples hold a second language
    (`mixes`: "en+de" -> examples); `expected` are the languages asked for (`--language`) and
    `outside` the determined examples in another one. `min_letters`, `min_confidence` and
    `mixed_share` are the rules the counts were made under, so a report can state them."""

    examples: int
    counts: dict[str, int]
    lines: dict[str, list[int]]
    mixed: int
    mixed_lines: list[int]
    mixes: dict[str, int]
    expected: list[str]
    outside: int
    outside_lines: list[int]
    min_letters: int
    min_confidence: float
    mixed_share: float

    @property
    def determined(self) -> int:
        return self.examples - self.counts.get(UNDETERMINED, 0)


def detector_installed() -> bool:
    """Whether lingua can be imported, found without importing it (the import is slow)."""
    return importlib.util.find_spec("lingua") is not None
