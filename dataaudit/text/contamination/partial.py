"""The contamination accumulator: each chunk of training examples matched against the
evaluation index as it is read; near copies, which need the MinHash signatures the text audit
keeps anyway, are matched once at extract.

An example is two sides: its prompt (system and user turns, a prompt or instruction field) and
its answer (assistant turns, a completion or output, a preference pair's answers); a text column
of a table is one side, `text`. The sides are matched as one word sequence, so a copy running
from a question into its answer is found, and each match says on which side its overlap lies:
`prompt`, `answer`, or `both`.

What counts as a copy of an item: the example's normalised text (or either side's) equals the
item's (`exact`), or the n-grams it shares with the item cover at least `min_share` of the
item's words (`ngram`). Covered words, not matched n-grams, are counted because a contiguous
copy of half an item of W words holds W/2 - n + 1 of its W - n + 1 n-grams: under half, however
long the item. Every match is kept (a clean file has none, a contaminated one as many as it has
copies), so the counts are exact whoever read which chunk.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field, replace

import numpy as np

from dataaudit.profile.contamination import ContaminationProfile, EvalMatch, EvalSetMatches
from dataaudit.text.contamination.index import EvalIndex, text_keys
from dataaudit.text.contamination.ngrams import Words, words
from dataaudit.text.validate import Layout, Line

EXACT, NGRAM, NEAR = "exact", "ngram", "near"
#: a match's kinds, strongest first: a pair found several ways counts under the first
KINDS = (EXACT, NGRAM, NEAR)
PROMPT, ANSWER, BOTH, TEXT = "prompt", "answer", "both", "text"
#: words of an overlapping span a report quotes
EXCERPT_WORDS = 16
_ANSWER_ROLES = frozenset({"assistant", "chosen", "rejected"})


@dataclass
class ContaminationPartial:
    """The matches found so far; while the pass runs, a match's `item` is its row in the index,
    turned into the item's number in its evaluation set at extract."""

    index: EvalIndex
    matches: list[EvalMatch] = field(default_factory=list)

    def add(self, numbers: np.ndarray, lines: list[Line], layout: Layout | None) -> None:
        """Match the examples `lines` (numbered `numbers`) against the index."""
        halves = [part for line in lines for part in sides(line, layout)]
        w = words(halves)
        prompt_words = w.per_text[0::2]
        whole = [" ".join(t for t in pair if t) for pair in zip(w.normalized[0::2], w.normalized[1::2], strict=True)]
        examples = Words(w.hashes, prompt_words + w.per_text[1::2], whole)
        one_side = layout is None
        found: dict[tuple[int, int], EvalMatch] = {}
        self._exact(numbers, examples, w, one_side, found)
        self._ngrams(numbers, examples, prompt_words, one_side, found)
        self.matches.extend(found[key] for key in sorted(found))

    def _exact(self, numbers: np.ndarray, examples: Words, w: Words, one_side: bool,
               found: dict[tuple[int, int], EvalMatch]) -> None:
        n = len(examples.normalized)
        keys = text_keys([*examples.normalized, *w.normalized])
        at, items = self.index.exact_of(keys)
        for position, item in zip(at.tolist(), items.tolist(), strict=True):
            example = position if position < n else (position - n) // 2
            side = TEXT if one_side else BOTH if position < n else (PROMPT, ANSWER)[(position - n) % 2]
            key = (int(numbers[example]), item)
            if key not in found:  # the whole example's match comes first, then either side's
                found[key] = EvalMatch(key[0], item, EXACT, side, 1.0, _excerpt(examples.normalized[example]))

    def _ngrams(self, numbers: np.ndarray, examples: Words, prompt_words: np.ndarray, one_side: bool,
                found: dict[tuple[int, int], EvalMatch]) -> None:
        text, position, item, item_position, length = self.index.grams_of(examples)
        spans: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
        for t, p, i, ip, n in zip(text.tolist(), position.tolist(), item.tolist(), item_position.tolist(),
                                  length.tolist(), strict=True):
            spans[(t, i)].append((ip, p, n))
        for (example, item), hits in spans.items():
            key = (int(numbers[example]), item)
            if key in found:
                continue
            share = _covered([(ip, n) for ip, _, n in hits]) / int(self.index.item_words[item])
            if share < self.index.min_share:
                continue
            start = min(p for _, p, _ in hits)
            end = max(p + n for _, p, n in hits)
            boundary = int(prompt_words[example])
            side = TEXT if one_side else PROMPT if end <= boundary else ANSWER if start >= boundary else BOTH
            excerpt = _excerpt(" ".join(examples.normalized[example].split(" ")[start:end]))
            found[key] = EvalMatch(key[0], item, NGRAM, side, round(share, 4), excerpt)

    def merged(self, other: ContaminationPartial) -> ContaminationPartial:
        return ContaminationPartial(self.index, self.matches + other.matches)

    def extract(self, numbers: np.ndarray, sigs: np.ndarray, examples: int) -> ContaminationProfile:
        """Counts per evaluation set, with the near copies among the texts kept by the text audit
        (`numbers`, their MinHash signatures `sigs`) that are no copy already."""
        copied = {(m.example, m.item) for m in self.matches}
        rows, items = self.index.near.pairs(sigs)
        similarity = (sigs[rows] == self.index.near.sigs[items]).mean(axis=1) if len(rows) else np.zeros(0)
        near = [EvalMatch(int(numbers[r]), i, NEAR, BOTH, round(float(sim), 4), "")
                for r, i, sim in zip(rows.tolist(), items.tolist(), similarity.tolist(), strict=True)
                if (int(numbers[r]), i) not in copied]
        every = sorted(self.matches + near, key=lambda m: (m.example, m.item))
        return ContaminationProfile(
            ngram=self.index.ngram, min_share=self.index.min_share, near_threshold=self.index.near.threshold,
            sets=[self._set(s, [m for m in every if self.index.item_set[m.item] == s], examples)
                  for s in range(len(self.index.sets))])

    def _set(self, s: int, matches: list[EvalMatch], k: int) -> EvalSetMatches:
        info = self.index.sets[s]
        strongest_item: dict[int, str] = {}
        strongest_example: dict[int, str] = {}
        sides_of: dict[int, set[str]] = defaultdict(set)
        for m in matches:
            strongest_item[m.item] = min(strongest_item.get(m.item, NEAR), m.kind, key=KINDS.index)
            strongest_example[m.example] = min(strongest_example.get(m.example, NEAR), m.kind, key=KINDS.index)
            if m.kind != NEAR:  # a near copy is of the whole example
                sides_of[m.example].add(m.side)
        by_side: dict[str, int] = defaultdict(int)
        for found in sides_of.values():
            by_side[BOTH if {PROMPT, ANSWER} <= found else min(found)] += 1
        return EvalSetMatches(
            name=info.name, kind=info.kind, fields=list(info.fields), unit=info.unit, items=info.items,
            items_matched=len(strongest_item), items_by_kind=_by_kind(strongest_item.values()),
            examples_matched=len(strongest_example), examples_by_kind=_by_kind(strongest_example.values()),
            examples_by_side=dict(sorted(by_side.items())),
            examples=[replace(m, item=int(self.index.item_number[m.item])) for m in matches[:k]],
        )


def _by_kind(kinds: object) -> dict[str, int]:
    counts = {kind: 0 for kind in KINDS}
    for kind in kinds:  # type: ignore[attr-defined]
        counts[kind] += 1
    return counts


def sides(line: Line, layout: Layout | None) -> tuple[str, str]:
    """(prompt, answer) of a checked line; a text column's cell is all prompt."""
    segments = line.segments or []
    if layout is None:
        return "\n".join(text for _, text in segments), ""
    parts = dict(layout.parts)
    fields = layout.kind not in ("chat", "preference")
    answer_from = line.answer if fields and line.answer is not None else len(segments)
    prompt, answer = [], []
    for i, (role, text) in enumerate(segments):
        is_answer = parts.get(role, role) in _ANSWER_ROLES or i >= answer_from
        (answer if is_answer else prompt).append(text)
    return "\n".join(prompt), "\n".join(answer)


def _covered(spans: list[tuple[int, int]]) -> int:
    """Words covered by the union of (start, length) spans."""
    covered, reach = 0, 0
    for start, length in sorted(spans):
        end = start + length
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered


def _excerpt(normalized: str) -> str:
    cut = normalized.split(" ")
    return " ".join(cut[:EXCERPT_WORDS]) + (" ..." if len(cut) > EXCERPT_WORDS else "")
