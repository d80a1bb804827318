"""The chat template's part of the text accumulator: per rendered example its tokens, the
tokens over the maximum length and the trainable tokens left, and the template's errors.

Counts and first lines merge by adding and by taking the smallest lines, histograms by adding
their fixed bins, error messages by adding counters: partials of any chunking of a file merge
into the same tally.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

import numpy as np

from dataaudit.profile.sketches import first_rows
from dataaudit.profile.text import TemplateProfile
from dataaudit.profile.text_lengths import LengthHistogram
from dataaudit.text.template_counter import Chat, TemplateCounter

#: The token measures of rendered examples, by name.
MEASURES = ("tokens", "trainable", "over_by")


@dataclass
class TemplateTally:
    """`marks_assistant`: whether the template marks assistant tokens, without which no example
    is counted as left with none (every one would be)."""

    max_length: int
    marks_assistant: bool
    examples: int = 20
    rendered: int = 0
    #: the tokens a trainer reads of the rendered examples, both sequences of a pair
    read: int = 0
    lengths: dict[str, LengthHistogram] = field(default_factory=lambda: {m: LengthHistogram() for m in MEASURES})
    roles: dict[str, LengthHistogram] = field(default_factory=dict)
    over: int = 0
    over_lines: list[int] = field(default_factory=list)
    untrained: int = 0
    untrained_lines: list[int] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    error_lines: dict[str, list[int]] = field(default_factory=dict)

    def add(self, numbers: list[int], chats: list[Chat], messages: list[list[str]] | None,
            counter: TemplateCounter, paired: bool = False) -> dict[int, list[int | None]]:
        """Render, tokenize and measure the conversations on lines `numbers`; by line, the token
        counts of its `messages` texts read off the same encoding (None where they could not be).
        `paired`: two conversations a line, a preference pair's sides, measured as one example."""
        if not chats:
            return {}
        k = self.examples
        measured = counter.measure(chats, self.max_length, messages)
        read = measured.tokens
        if paired:
            read = read.reshape(-1, 2).sum(axis=1)
            measured = measured.paired()
        lines = np.asarray(numbers, dtype=np.int64)
        for number, failure in zip(numbers, measured.failures, strict=True):
            if failure is not None:
                self.errors[failure] += 1
                self.error_lines[failure] = first_rows(self.error_lines.get(failure, []), [number], k)
        ok = measured.tokens >= 0
        tokens, trainable = measured.tokens[ok], measured.trainable[ok]
        self.rendered += int(ok.sum())
        self.read += int(read[ok].sum())
        self.lengths["tokens"].add(tokens)
        self.lengths["trainable"].add(trainable)
        limit = min(self.max_length, int(np.iinfo(tokens.dtype).max))  # no count passes it: a larger one means none
        over = tokens > limit
        self.lengths["over_by"].add(tokens[over] - limit)
        self.over += int(over.sum())
        self.over_lines = first_rows(self.over_lines, lines[ok][over][:k].tolist(), k)
        if self.marks_assistant:
            untrained = trainable == 0
            self.untrained += int(untrained.sum())
            self.untrained_lines = first_rows(self.untrained_lines, lines[ok][untrained][:k].tolist(), k)
        return dict(zip(numbers, measured.messages, strict=True))

    def add_roles(self, roles: list[str], tokens: np.ndarray) -> None:
        """Tokens of each message's text, by its role."""
        names = np.asarray(roles, dtype=object)
        for role in dict.fromkeys(roles):
            self.roles.setdefault(role, LengthHistogram()).add(tokens[names == role])

    def merged(self, other: TemplateTally) -> TemplateTally:
        k = self.examples
        empty = LengthHistogram()
        return TemplateTally(
            max_length=self.max_length,
            marks_assistant=self.marks_assistant,
            examples=k,
            rendered=self.rendered + other.rendered,
            read=self.read + other.read,
            lengths={m: self.lengths[m].merged(other.lengths[m]) for m in MEASURES},
            roles={role: self.roles.get(role, empty).merged(other.roles.get(role, empty))
                   for role in sorted(self.roles.keys() | other.roles.keys())},
            over=self.over + other.over,
            over_lines=first_rows(self.over_lines, other.over_lines, k),
            untrained=self.untrained + other.untrained,
            untrained_lines=first_rows(self.untrained_lines, other.untrained_lines, k),
            errors=self.errors + other.errors,
            error_lines={m: first_rows(self.error_lines.get(m, []), other.error_lines.get(m, []), k)
                         for m in sorted(self.error_lines.keys() | other.error_lines.keys())},
        )

    def extract(self) -> TemplateProfile:
        return TemplateProfile(
            marks_assistant=self.marks_assistant,
            max_length=self.max_length,
            rendered=self.rendered,
            read=self.read,
            lengths={m: hist.summary() for m, hist in self.lengths.items()},
            roles={role: self.roles[role].summary() for role in sorted(self.roles)},
            over=self.over,
            over_lines=self.over_lines,
            untrained=self.untrained,
            untrained_lines=self.untrained_lines,
            errors=dict(sorted(self.errors.items(), key=lambda kv: (-kv[1], kv[0]))),
            error_lines={m: self.error_lines[m] for m in sorted(self.error_lines)},
        )
