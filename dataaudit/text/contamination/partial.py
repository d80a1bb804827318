"""The contamination accumulator: each chunk of training examples matched against the
evaluation index as it is read, near copies too (by the MinHash signatures the text audit
computes for the chunk anyway).

An example is two sides: its prompt (system and user turns, a prompt or instruction field) and
its answer (assistant turns, a completion or output, a preference pair's answers); a text column
of a table is one side, `text`. The sides are matched as one word sequence, so a copy running
from a question into its answer is found, and each match says on which side its overlap lies:
`prompt`, `answer`, or `both`.

What counts as a copy of an item: the example's normalised text (or either side's, or a
preference pair's prompt with its chosen answer) equals the item's (`exact`), or the n-grams it
shares with the item cover at least `min_share` of the item's words, or of the words of one of
its parts that counts on its own (a question, an answer: see the index), a short part found
whole (`ngram`). Covered words,
not matched n-grams, are counted because a contiguous
copy of half an item of W words holds W/2 - n + 1 of its W - n + 1 n-grams: under half, however
long the item. Every match is kept (a clean file has none, a contaminated one as many as it has
copies), so the counts are exact whoever read which chunk.

A chat template's markup written into a training text (`<s>[INST] ... [/INST] ... </s>`,
`<|im_start|>user`, `<|start_header_id|>assistant<|end_header_id|>`) is blanked out before the
words are cut: its tokens are no words of the item, and left in they would break every n-gram
running from a question into its answer, and every exact copy.

A match quotes the overlapping span as the example spells it, not its normalised words: the
matched word positions are mapped back to the characters of the example's text, and the span
is masked (each personal value or secret in it replaced by its placeholder, `[EMAIL]`) before
it is cut to `EXCERPT_WORDS` words, so an address in the shared passage is shown as
`[EMAIL]` and never as its words. A value the span's edge cuts through is masked whole.
"""

from __future__ import annotations

import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field, replace
from itertools import groupby

import numpy as np

from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.pii.redact import ALL_KINDS, redactions, replaced
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
    #: the countries whose national phone format the excerpts' masking reads
    regions: tuple[str, ...] = DEFAULT_REGIONS

    def add(self, numbers: np.ndarray, lines: list[Line], layout: Layout | None, sigs: np.ndarray) -> None:
        """Match the examples `lines` (numbered `numbers`, their MinHash signatures `sigs`, the
        text audit's) against the index. Near copies are matched here, chunk by chunk, so that
        no signature has to wait for the end of the pass (on Spark, none reaches the driver)."""
        halves = unmarked([part for line in lines for part in sides(line, layout)])
        w = words(halves)
        prompt_words = w.per_text[0::2]
        whole = [" ".join(t for t in pair if t) for pair in zip(w.normalized[0::2], w.normalized[1::2], strict=True)]
        examples = Words(w.hashes, prompt_words + w.per_text[1::2], whole)
        one_side = layout is None
        found: dict[tuple[int, int], EvalMatch] = {}
        where: dict[tuple[int, int], tuple[int, int, int]] = {}  # a match's example and word span
        pairs = words([chosen_pair(line, layout) for line in lines]).normalized if _pairs(layout) else []
        self._exact(numbers, examples, [*w.normalized, *pairs], prompt_words, one_side, found, where)
        self._ngrams(numbers, examples, prompt_words, one_side, found, where)
        quotes = _Quotes(halves, examples, self.regions)
        rows, items = self.index.near.pairs(sigs)
        similarity = (sigs[rows] == self.index.near.sigs[items]).mean(axis=1) if len(rows) else np.zeros(0)
        near = {(int(numbers[r]), i): EvalMatch(int(numbers[r]), i, NEAR, BOTH, round(float(sim), 4), "")
                for r, i, sim in zip(rows.tolist(), items.tolist(), similarity.tolist(), strict=True)}
        self.matches.extend(replace(found[key], excerpt=quotes.excerpt(*where[key])) if key in found else near[key]
                            for key in sorted(found.keys() | near.keys()))

    def _exact(self, numbers: np.ndarray, examples: Words, parts: list[str], prompt_words: np.ndarray,
               one_side: bool, found: dict[tuple[int, int], EvalMatch],
               where: dict[tuple[int, int], tuple[int, int, int]]) -> None:
        """Exact copies: `parts` are the examples' normalised sides (prompt, answer, in turn),
        then, for preference pairs, each pair's prompt with its chosen answer. A side's copy
        quotes that side: a short item equal to an answer is shown as the answer, not the question."""
        n = len(examples.normalized)
        keys = text_keys([*examples.normalized, *parts])
        at, items = self.index.exact_of(keys)
        for position, item in zip(at.tolist(), items.tolist(), strict=True):
            example = position if position < n else (position - n) // 2 if position < 3 * n else position - 3 * n
            side = (TEXT if one_side else BOTH if position < n or position >= 3 * n
                    else (PROMPT, ANSWER)[(position - n) % 2])
            key = (int(numbers[example]), item)
            if key not in found:  # the whole example's match comes first, then either side's
                found[key] = EvalMatch(key[0], item, EXACT, side, 1.0, "")
                boundary, total = int(prompt_words[example]), int(examples.per_text[example])
                where[key] = (example, boundary if side == ANSWER else 0, boundary if side == PROMPT else total)

    def _ngrams(self, numbers: np.ndarray, examples: Words, prompt_words: np.ndarray, one_side: bool,
                found: dict[tuple[int, int], EvalMatch], where: dict[tuple[int, int], tuple[int, int, int]]) -> None:
        text, position, item, item_position, length = self.index.grams_of(examples)
        spans: dict[tuple[int, int], list[tuple[int, int, int]]] = defaultdict(list)
        for t, p, i, ip, n in zip(text.tolist(), position.tolist(), item.tolist(), item_position.tolist(),
                                  length.tolist(), strict=True):
            spans[(t, i)].append((ip, p, n))
        for (example, item), hits in spans.items():
            key = (int(numbers[example]), item)
            if key in found:
                continue
            spans = [(ip, n) for ip, _, n in hits]
            share = _covered(spans) / int(self.index.item_words[item])
            if share < self.index.min_share and not self._part_found(item, spans):
                continue
            start = min(p for _, p, _ in hits)
            end = max(p + n for _, p, n in hits)
            boundary = int(prompt_words[example])
            side = TEXT if one_side else PROMPT if end <= boundary else ANSWER if start >= boundary else BOTH
            found[key] = EvalMatch(key[0], item, NGRAM, side, round(share, 4), "")  # quoted once all are found
            where[key] = (example, start, end)

    def _part_found(self, item: int, spans: list[tuple[int, int]]) -> bool:
        """Whether the (start, length) `spans` in `item` cover `min_share` of a part of it that
        counts on its own (all of a short one, whose one gram is its whole)."""
        return any(_covered(spans, start, start + n) >= self.index.min_share * n
                   for start, n in self.index.parts_of(item))

    def merged(self, other: ContaminationPartial) -> ContaminationPartial:
        return ContaminationPartial(self.index, self.matches + other.matches, self.regions)

    def extract(self, examples: int) -> ContaminationProfile:
        """Counts per evaluation set; `examples` caps the matches each set quotes."""
        every = sorted(self.matches, key=lambda m: (m.example, m.item))
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


#: chat templates' special tokens, with the role a ChatML, Llama 3 or Gemma header names
TEMPLATE_MARKUP = (r"<\|im_start\|>(?:system|user|assistant|tool)?|<\|start_header_id\|>[a-z_]{0,20}<\|end_header_id\|>"
                   r"|<start_of_turn>(?:user|model)?|<end_of_turn>|<\|[a-z_]{1,30}\|>|</?s>|\[/?INST\]|<</?SYS>>")


def unmarked(texts: list[str]) -> list[str]:
    """`texts` with chat templates' markup replaced by a space, so that the words a template
    puts around an item's question and answer do not come between them."""
    import pyarrow as pa
    import pyarrow.compute as pc

    if not texts:
        return texts
    return pc.replace_substring_regex(pa.array(texts, pa.large_string()), TEMPLATE_MARKUP, " ").to_pylist()


def _pairs(layout: Layout | None) -> bool:
    return layout is not None and layout.kind == "preference"


def chosen_pair(line: Line, layout: Layout | None) -> str:
    """A preference pair's prompt and chosen answer, without the rejected one (its last segment):
    the text an evaluation set in the preference layout reads as an item, so that a pair copied
    from it is an exact copy; "" for any other layout."""
    if not _pairs(layout) or not line.segments:
        return ""
    return "\n".join(text for _, text in line.segments[:-1])


def _covered(spans: list[tuple[int, int]], lo: int = 0, hi: int | None = None) -> int:
    """Words covered by the union of (start, length) spans, counting those from `lo` to `hi` only."""
    covered, reach = 0, lo
    for start, length in sorted(spans):
        start, end = max(start, lo), start + length if hi is None else min(start + length, hi)
        if end > reach:
            covered += end - max(start, reach)
            reach = end
    return covered


class _Quotes:
    """The excerpts of a chunk's matches, quoted from the examples' own text."""

    def __init__(self, halves: list[str], examples: Words, regions: tuple[str, ...]) -> None:
        self.halves, self.examples, self.regions = halves, examples, regions

    def excerpt(self, example: int, start: int, end: int) -> str:
        """The excerpt of words `start` to `end` (the prompt's, then the answer's) of the chunk's
        `example`."""
        prompt, answer = self.halves[2 * example], self.halves[2 * example + 1]
        words = [(0, a, b) for a, b in word_spans(prompt)] + [(1, a, b) for a, b in word_spans(answer)]
        if len(words) != int(self.examples.per_text[example]) or not 0 <= start < end <= len(words):
            # the text's words are not the normalised ones (a character whose lower case is no
            # word character): the whole example is quoted, masked, rather than a wrong span
            start, end = 0, len(words)
            if not words:
                return ""
        first, last = words[start], words[end - 1]
        if first[0] == last[0]:
            text, a, b = (prompt, answer)[first[0]], first[1], last[2]
        else:  # the span runs from the prompt into the answer
            text, a, b = prompt + "\n" + answer, first[1], len(prompt) + 1 + last[2]
        return quoted(text, a, b, self.regions)


def word_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of each word of `text`, words cut as the n-grams' are (`WORD_GAP`): runs of
    letters, digits, marks and '_'; an invisible format character (dropped from the n-grams'
    words) belongs to the run it is in, so a zero-width space inside a word does not split it."""
    spans, at, previous = [], 0, False

    def kind(ch: str) -> bool:
        nonlocal previous
        if unicodedata.category(ch) != "Cf":
            previous = _is_word(ch)
        return previous

    for is_word, run in groupby(text, kind):
        n = sum(1 for _ in run)
        if is_word:
            spans.append((at, at + n))
        at += n
    return spans


def _is_word(ch: str) -> bool:
    return ch == "_" or unicodedata.category(ch)[0] in "LNM"


def quoted(text: str, a: int, b: int, regions: tuple[str, ...] = DEFAULT_REGIONS) -> str:
    """`text[a:b]` masked, its spacing collapsed, cut to `EXCERPT_WORDS` words; a personal value
    or secret the span's edges cut through is widened to and masked whole."""
    found = redactions(text, ALL_KINDS, regions)
    for f in found:
        if f.start < b and f.end > a:
            a, b = min(a, f.start), max(b, f.end)
    inside = [replace(f, start=f.start - a, end=f.end - a) for f in found if a <= f.start and f.end <= b]
    masked = " ".join(replaced(text[a:b], inside).split())
    spans = word_spans(masked)
    if len(spans) <= EXCERPT_WORDS:
        return masked
    cut = spans[EXCERPT_WORDS - 1][1]
    if masked[cut:cut + 1] == "]":  # a placeholder's closing bracket stays with it
        cut += 1
    return masked[:cut] + " ..."
