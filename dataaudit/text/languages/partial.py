"""Languages in the text pass: create, add the examples of a chunk, merge, extract.

Per language it keeps a count and the first example lines, plus the mixed examples' count,
first lines and language pairs: a few hundred bytes whatever the file's size, merged by adding
counts and keeping the smallest lines, so any split of the file into chunks, read in any order,
gives the same profile.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from dataaudit.profile.languages import UNDETERMINED, LanguageProfile
from dataaudit.profile.sketches import first_rows
from dataaudit.text.languages.detector import judge
from dataaudit.text.pairs import Tally


@dataclass(frozen=True)
class LanguageSettings:
    """What the pass detects with, from the rule pack's `languages` section (see `detector`)."""

    expected: tuple[str, ...] = ()
    min_letters: int = 20
    min_confidence: float = 0.7
    mixed_share: float = 0.25
    max_chars: int = 2000


@dataclass
class LanguagePartial:
    settings: LanguageSettings
    counts: Counter[str] = field(default_factory=Counter)
    lines: dict[str, list[int]] = field(default_factory=dict)
    mixed: Tally = field(default_factory=Tally)
    mixes: Counter[str] = field(default_factory=Counter)

    def add(self, numbers: list[int], examples: list[list[str]], k: int) -> None:
        """Judge each example (its messages' texts) numbered `numbers`."""
        s = self.settings
        for number, messages in zip(numbers, examples, strict=True):
            verdict = judge(messages, s.expected, s.min_letters, s.min_confidence, s.mixed_share, s.max_chars)
            language = verdict.language or UNDETERMINED
            self.counts[language] += 1
            self.lines[language] = first_rows(self.lines.get(language, []), [number], k)
            if verdict.second is not None:
                self.mixed.add(number, k)
                self.mixes["+".join(sorted((language, verdict.second)))] += 1

    def merged(self, other: LanguagePartial, k: int) -> LanguagePartial:
        return LanguagePartial(
            self.settings, self.counts + other.counts,
            {name: first_rows(self.lines.get(name, []), other.lines.get(name, []), k)
             for name in self.lines.keys() | other.lines.keys()},
            self.mixed.merged(other.mixed, k), self.mixes + other.mixes)

    def extract(self, k: int) -> LanguageProfile:
        s = self.settings
        outside = [name for name in self.counts if s.expected and name not in (*s.expected, UNDETERMINED)]
        outside_lines: list[int] = []
        for name in outside:
            outside_lines = first_rows(outside_lines, self.lines[name], k)
        return LanguageProfile(
            examples=sum(self.counts.values()), counts=_by_count(self.counts),
            lines={name: sorted(lines) for name, lines in sorted(self.lines.items())},
            mixed=self.mixed.count, mixed_lines=self.mixed.lines, mixes=_by_count(self.mixes),
            expected=list(s.expected), outside=sum(self.counts[name] for name in outside),
            outside_lines=outside_lines, min_letters=s.min_letters, min_confidence=s.min_confidence,
            mixed_share=s.mixed_share)


def _by_count(counts: Counter[str]) -> dict[str, int]:
    """Most first, then by name: the same order whichever worker read which chunk."""
    return dict(sorted(counts.items(), key=lambda kv: (-kv[1], kv[0])))
