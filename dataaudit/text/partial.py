"""The accumulator of the text audit: create, add a chunk of lines (or cells), merge, extract.

Like the table profile it follows TFDV's combiner protocol, and merging partials of disjoint
chunks gives the partial of their union whatever the order. Counts, first examples and length
histograms are small; per text it keeps three 64-bit hashes (whole text, prompt, answer), its
line number, its length and a compact MinHash signature: about 160 bytes per line at the
default 64 permutations, whatever the length of the conversations. Exact and near duplicates
and conflicting answers are resolved once, at extract.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import numpy as np

from dataaudit.pii.detect import DEFAULT_REGIONS
from dataaudit.pii.partial import PiiPartial
from dataaudit.pii.tool_calls import tool_call_values
from dataaudit.profile.sketches import first_rows
from dataaudit.profile.text_lengths import LengthHistogram
from dataaudit.text.conformance import Broken, RuleBreaks
from dataaudit.text.contamination.index import EvalIndex
from dataaudit.text.contamination.partial import ContaminationPartial
from dataaudit.text.formats import CHAT
from dataaudit.text.hashing import canonical, hashed, plain
from dataaudit.text.languages.partial import LanguagePartial, LanguageSettings
from dataaudit.text.markup import markup_kinds
from dataaudit.text.minhash import NearSettings
from dataaudit.text.pairs import PairPartial
from dataaudit.text.profiles import FormatProfile
from dataaudit.text.repeats import LengthFences, NearCopies, Repeats, length_fences
from dataaudit.text.template_counter import Chat, TemplateCounter
from dataaudit.text.template_tally import TemplateTally
from dataaudit.text.tokens import ESTIMATE, TokenCounter
from dataaudit.text.validate import Layout, Line

LENGTHS = ("message_chars", "message_tokens", "text_chars", "text_tokens")
#: `messages[3].mood` is counted as `messages[].mood`: one key, whichever message carries it
MESSAGE_INDEX = re.compile(r"\[\d+\]")

#: the error kinds of a line whose texts could not all be read (each such text taken as "")
UNREAD_TEXT = frozenset({"content_not_text", "message_missing_field", "field_not_text"})


@dataclass(frozen=True)
class TextSpec:
    """What the pass must know before it starts, fixed for a whole audit (from the rule pack).

    `layout` is None for a text column of a table; `unit` names what `numbers` count.
    """

    name: str
    kind: str
    unit: str
    layout: Layout | None = None
    max_tokens: int = 4096
    near_threshold: float = 0.8
    num_perm: int = 64
    outlier_iqr: float = 3.0
    examples: int = 20
    labelled: bool = False
    #: a table's text column found by its values, not named with --text-column: it may be an
    #: answer many rows share rather than the examples' input
    found: bool = False
    counter: TokenCounter = field(default=ESTIMATE, compare=False)
    #: the provider's or trainer's rules each line is judged against (`--format-profile`)
    profile: FormatProfile | None = None
    #: the evaluation sets each example is matched against (`--eval-set`)
    eval_index: EvalIndex | None = field(default=None, compare=False)
    #: how to tell each example's language, or None not to (`dataaudit.text.languages`)
    languages: LanguageSettings | None = None
    #: the countries whose national phone format the personal-data scan reads (`checks.pii.phone_regions`)
    phone_regions: tuple[str, ...] = DEFAULT_REGIONS


@dataclass
class TextBlock:
    numbers: np.ndarray
    whole: np.ndarray
    prompt: np.ndarray
    answer: np.ndarray
    chars: np.ndarray
    signatures: np.ndarray


@dataclass
class TextPartial:
    spec: TextSpec
    records: int = 0
    errors: Counter[str] = field(default_factory=Counter)
    error_lines: dict[str, list[int]] = field(default_factory=dict)
    error_records: int = 0
    error_record_lines: list[int] = field(default_factory=list)
    error_keys: dict[str, Counter[str]] = field(default_factory=dict)
    metadata: Counter[str] = field(default_factory=Counter)
    #: the keys beside the layout's that the lines missing one of its keys carry (`field_missing`)
    beside_missing: Counter[str] = field(default_factory=Counter)
    roles: Counter[str] = field(default_factory=Counter)
    lengths: dict[str, LengthHistogram] = field(default_factory=lambda: {k: LengthHistogram() for k in LENGTHS})
    over_limit: int = 0
    over_limit_lines: list[int] = field(default_factory=list)
    #: the tokens of every sequence a trainer reads, a preference pair's prompt with each answer
    trained_tokens: int = 0
    empty: int = 0
    empty_lines: list[int] = field(default_factory=list)
    markup: Counter[str] = field(default_factory=Counter)
    markup_records: int = 0
    markup_lines: list[int] = field(default_factory=list)
    blocks: list[TextBlock] = field(default_factory=list)
    template: TemplateTally | None = None
    rules: RuleBreaks = field(default_factory=RuleBreaks)
    pairs: PairPartial = field(default_factory=PairPartial)
    contamination: ContaminationPartial | None = None
    languages: LanguagePartial | None = None
    pii: PiiPartial = field(default_factory=PiiPartial)
    #: the near duplicates, when found elsewhere (Spark's group-by of the signatures
    #: `take_texts` took out); None: found at extract from the blocks' signatures
    near: NearCopies | None = None
    #: the exact copies, conflicting answers and length outliers, when decided elsewhere from
    #: the per-text values `take_texts` took out; None: decided at extract from the blocks
    repeats: Repeats | None = None

    def __post_init__(self) -> None:
        if self.pii.regions != self.spec.phone_regions:  # a new pass: the scan reads the spec's regions
            self.pii = PiiPartial(self.spec.phone_regions)
        if self.contamination is None and self.spec.eval_index is not None:
            self.contamination = ContaminationPartial(self.spec.eval_index, regions=self.spec.phone_regions)
        if self.languages is None and self.spec.languages is not None:
            self.languages = LanguagePartial(self.spec.languages)
        counter = self.spec.counter
        if (self.template is None and isinstance(counter, TemplateCounter) and counter.template is not None
                and self.spec.kind == CHAT):
            self.template = TemplateTally(self.spec.max_tokens, counter.template.marks_assistant, self.spec.examples)

    def add(self, numbers: list[int], lines: list[Line], labels: list[str | None] | None = None,
            broken: list[Broken] | None = None) -> None:
        """Add checked lines (or cells) numbered `numbers`; `labels`, for a text column of a
        labelled table, stand in for the answers; `broken`, the format profile's rules each
        line breaks."""
        k = self.spec.examples
        self.records += len(lines)
        for number, rules in zip(numbers, broken or (), strict=False):
            self.rules.add(number, rules, k)
        paired = [(number, line.pair) for number, line in zip(numbers, lines, strict=True) if line.pair is not None]
        self.pairs.add([number for number, _ in paired], [pair for _, pair in paired], k)
        column = self.spec.name if self.spec.layout is None else None
        calls = [tool_call_values(line.chat[0], self.spec.layout.role_key) if line.chat and self.spec.layout else ()
                 for line in lines]
        self.pii.add(numbers, [line.segments for line in lines], k, column, calls)
        kept: list[int] = []
        segments: list[tuple[str, str]] = []
        per_text: list[int] = []
        for i, (number, line) in enumerate(zip(numbers, lines, strict=True)):
            self.metadata.update(line.metadata)
            if "field_missing" in line.errors:
                self.beside_missing.update(line.metadata)
            for kind, keys in line.keys.items():
                self.error_keys.setdefault(kind, Counter()).update({MESSAGE_INDEX.sub("[]", key) for key in keys})
            if line.errors:
                self.error_records += 1
                if len(self.error_record_lines) < k:
                    self.error_record_lines.append(number)
                for kind in line.errors:
                    self.errors[kind] += 1
                    examples = self.error_lines.setdefault(kind, [])
                    if len(examples) < k:
                        examples.append(number)
            if not line.segments:  # nothing to measure: no usable text, or an empty message list
                continue
            if not any(text.strip() for _, text in line.segments):
                self.empty += 1
                if len(self.empty_lines) < k:
                    self.empty_lines.append(number)
                if self.spec.layout is None:
                    continue
            kept.append(i)
            segments.extend(line.segments)
            per_text.append(len(line.segments))
        read = self._render(numbers, lines)
        if not kept:
            return
        self.roles.update(role for role, _ in segments)
        contents = [text for _, text in segments]
        message_chars = np.fromiter((len(t) for t in contents), dtype=np.int64, count=len(contents))
        known = [n for i, size in zip(kept, per_text, strict=True) for n in read.get(numbers[i]) or [None] * size]
        message_tokens = self.spec.counter.count(contents, message_chars, known if read else None)
        if self.template is not None:
            rendered = np.repeat(self._rendered([lines[i] for i in kept]), per_text)
            self.template.add_roles([role for (role, _), r in zip(segments, rendered, strict=True) if r],
                                    message_tokens[rendered])
        starts = np.concatenate(([0], np.cumsum(per_text)[:-1]))
        text_chars = np.add.reduceat(message_chars, starts)
        text_tokens = np.add.reduceat(message_tokens, starts)
        for name, values in zip(LENGTHS, (message_chars, message_tokens, text_chars, text_tokens), strict=True):
            self.lengths[name].add(values)
        kept_numbers = np.array([numbers[i] for i in kept], dtype=np.int64)
        paired = [lines[i].pair is not None for i in kept]
        over = _sequence_tokens(text_tokens, message_tokens, starts, per_text, paired) > self.spec.max_tokens
        self.trained_tokens += int(_trained_tokens(text_tokens, message_tokens, starts, per_text, paired).sum())
        self.over_limit += int(over.sum())
        self.over_limit_lines = first_rows(self.over_limit_lines, kept_numbers[over][:k].tolist(), k)
        limit = self.spec.profile.max_tokens_per_example if self.spec.profile else None
        if limit is not None:
            for number, tokens in zip(kept_numbers.tolist(), text_tokens.tolist(), strict=True):
                if tokens > limit:
                    self.rules.add(number, [("example_tokens", f"{tokens:,} tokens")], k)
        texts = ["\n".join(contents[s:s + n]) for s, n in zip(starts.tolist(), per_text, strict=True)]
        self._markup(texts, kept_numbers)
        # a system prompt shared by every example would make all of them look alike: near
        # duplicates compare what the examples say, not the instructions they all carry
        said = ["\n".join(text for role, text in lines[i].segments or () if role != "system") for i in kept]
        if self.languages is not None:  # what the examples say, in their own words: no system prompt, no tool
            self.languages.add(kept_numbers.tolist(), [[text for role, text in lines[i].segments or ()
                                                        if role not in ("system", "tool")] for i in kept], k)
        self._hash(kept, lines, labels, said, kept_numbers, text_chars)
        if self.contamination is not None:
            self.contamination.add(kept_numbers, [lines[i] for i in kept], self.spec.layout, self.blocks[-1].signatures)

    def _render(self, numbers: list[int], lines: list[Line]) -> dict[int, list[int | None]]:
        """Measure the lines' conversations through the chat template; by line, the message
        counts read off the rendering. A chat file's tally starts with the pass; another kind's
        with its first conversational line, so a file of plain strings keeps its text lengths."""
        counter = self.spec.counter
        if not isinstance(counter, TemplateCounter) or counter.template is None:
            return {}
        pairs = _pair_sides(numbers, lines)
        chats = _renderable(numbers, lines)
        if self.template is None and (pairs[0] or chats[0]):
            self.template = TemplateTally(self.spec.max_tokens, counter.template.marks_assistant, self.spec.examples)
        if self.template is None:
            return {}
        if pairs[0]:
            self.template.add(*pairs, None, counter, paired=True)
        return self.template.add(*chats, counter)

    def _rendered(self, lines: list[Line]) -> np.ndarray:
        """Which lines' messages count in the template's per-role tokens: every line of a chat
        file, only the conversational lines of another kind's, so that the tally's roles do not
        depend on which chunk started it."""
        if self.spec.kind == CHAT:
            return np.ones(len(lines), dtype=bool)
        return np.fromiter((line.chat is not None or line.sides is not None for line in lines), dtype=bool,
                           count=len(lines))

    def _markup(self, texts: list[str], numbers: np.ndarray) -> None:
        found = []
        for number, text in zip(numbers.tolist(), texts, strict=True):
            kinds = markup_kinds(text)
            if kinds:
                self.markup.update(kinds)
                found.append(number)
        self.markup_records += len(found)
        self.markup_lines = first_rows(self.markup_lines, found[: self.spec.examples], self.spec.examples)

    def _hash(self, kept: list[int], lines: list[Line], labels: list[str | None] | None, texts: list[str],
              numbers: np.ndarray, chars: np.ndarray) -> None:
        wholes, prompts, answers = [], [], []
        for i in kept:
            line = lines[i]
            assert line.segments is not None
            wholes.append(canonical(line.segments, line.beyond))
            if labels is not None:
                prompts.append(line.segments[0][1])
                answers.append(labels[i])
            elif (line.answer and not UNREAD_TEXT.intersection(line.errors)
                  and any(text.strip() for _, text in line.segments[: line.answer])):
                # a text that is none (`content: 12345`, read as "") answers nothing: no conflict of it;
                # blanks around a text, which the clean trims, make no other prompt or answer
                prompts.append(canonical([(role, text.strip()) for role, text in line.segments[: line.answer]]))
                answers.append(line.segments[line.answer][1].strip())
            else:
                prompts.append(None)
                answers.append(None)
        from dataaudit.text.minhash import signatures

        self.blocks.append(TextBlock(
            numbers=numbers,
            whole=hashed(wholes),
            prompt=hashed(plain(prompts)),  # exact copies (`whole`) stay byte for byte, conflicts do not
            answer=hashed(plain(answers)),
            chars=chars.astype(np.int64),
            signatures=signatures(texts, self.spec.num_perm),
        ))

    @property
    def near_settings(self) -> NearSettings:
        return NearSettings(self.spec.near_threshold, self.spec.num_perm)

    @property
    def examples(self) -> int:
        return self.spec.examples

    def take_texts(self) -> Iterator[TextBlock]:
        """The blocks of per-text values (row numbers, hashes, lengths, MinHash signatures) added
        so far, taken out of the partial, for an engine that decides copies, conflicts, outliers
        and near duplicates where the rows live: the partial it ships then holds nothing per text."""
        blocks, self.blocks = self.blocks, []
        yield from blocks

    def length_fences(self, texts: int, lengths_at: Callable[[list[int]], list[int]]) -> LengthFences | None:
        """The length outliers' fences of `texts` texts from the lengths at a few ranks."""
        return length_fences(texts, lengths_at, self.spec.outlier_iqr)

    def found_repeats(self, **found: object) -> None:
        """The `Repeats` decided elsewhere, given as its fields."""
        self.repeats = Repeats(**found)  # type: ignore[arg-type]

    def found_near(self, **found: object) -> None:
        """The `NearCopies` found elsewhere, given as its fields."""
        self.near = NearCopies(**found)  # type: ignore[arg-type]

    def merged(self, other: TextPartial) -> TextPartial:
        k = self.spec.examples
        kinds = sorted(set(self.error_lines) | set(other.error_lines))
        return TextPartial(
            spec=self.spec,
            records=self.records + other.records,
            errors=self.errors + other.errors,
            error_lines={kind: first_rows(self.error_lines.get(kind, []), other.error_lines.get(kind, []), k)
                         for kind in kinds},
            error_records=self.error_records + other.error_records,
            error_record_lines=first_rows(self.error_record_lines, other.error_record_lines, k),
            error_keys={kind: self.error_keys.get(kind, Counter()) + other.error_keys.get(kind, Counter())
                        for kind in self.error_keys.keys() | other.error_keys.keys()},
            metadata=self.metadata + other.metadata,
            beside_missing=self.beside_missing + other.beside_missing,
            roles=self.roles + other.roles,
            lengths={name: self.lengths[name].merged(other.lengths[name]) for name in LENGTHS},
            over_limit=self.over_limit + other.over_limit,
            trained_tokens=self.trained_tokens + other.trained_tokens,
            over_limit_lines=first_rows(self.over_limit_lines, other.over_limit_lines, k),
            empty=self.empty + other.empty,
            empty_lines=first_rows(self.empty_lines, other.empty_lines, k),
            markup=self.markup + other.markup,
            markup_records=self.markup_records + other.markup_records,
            markup_lines=first_rows(self.markup_lines, other.markup_lines, k),
            blocks=self.blocks + other.blocks,
            template=_merged_tally(self.template, other.template),
            rules=self.rules.merged(other.rules, k),
            pairs=self.pairs.merged(other.pairs, k),
            contamination=None if self.contamination is None or other.contamination is None
            else self.contamination.merged(other.contamination),
            languages=None if self.languages is None or other.languages is None
            else self.languages.merged(other.languages, k),
            pii=self.pii.merged(other.pii, k),
        )


def _sequence_tokens(text_tokens: np.ndarray, message_tokens: np.ndarray, starts: np.ndarray, per_text: list[int],
                     paired: list[bool]) -> np.ndarray:
    """The tokens of the longest sequence a trainer reads of each example: all its messages, but
    for a preference pair (its segments the prompt's, then chosen, then rejected) the prompt with
    the longer answer, since the two sides are read as two sequences, never as one."""
    if not any(paired):
        return text_tokens
    ends = starts + np.asarray(per_text, dtype=np.int64)
    pairs = np.flatnonzero(np.asarray(paired))
    shorter = np.minimum(message_tokens[ends[pairs] - 2], message_tokens[ends[pairs] - 1])
    longest = text_tokens.copy()
    longest[pairs] -= shorter
    return longest


def _trained_tokens(text_tokens: np.ndarray, message_tokens: np.ndarray, starts: np.ndarray, per_text: list[int],
                    paired: list[bool]) -> np.ndarray:
    """The tokens a trainer feeds the model of each example: all its messages, but for a
    preference pair its prompt twice, once with each answer, as DPO trains on both sequences
    (what a chat template's rendering of the pair counts too)."""
    if not any(paired):
        return text_tokens
    ends = starts + np.asarray(per_text, dtype=np.int64)
    pairs = np.flatnonzero(np.asarray(paired))
    trained = text_tokens.copy()
    trained[pairs] += text_tokens[pairs] - message_tokens[ends[pairs] - 2] - message_tokens[ends[pairs] - 1]
    return trained


def _renderable(numbers: list[int], lines: list[Line]) -> tuple[list[int], list[Chat], list[list[str]]]:
    """The lines a chat template can be given: a non-empty list of message objects (a line
    whose messages are not even objects is a format error the template would only repeat),
    with the texts of their segments, whose counts are read off the rendering."""
    kept = [(number, line.chat, line.segments or ()) for number, line in zip(numbers, lines, strict=True)
            if line.chat is not None and line.chat[0] and all(isinstance(m, dict) for m in line.chat[0])]
    return ([number for number, _, _ in kept], [chat for _, chat, _ in kept],
            [[text for _, text in segments] for _, _, segments in kept])


def _pair_sides(numbers: list[int], lines: list[Line]) -> tuple[list[int], list[Chat]]:
    """The lines of conversational preference pairs, and their sides one after the other."""
    kept = [(number, line.sides) for number, line in zip(numbers, lines, strict=True) if line.sides is not None]
    return [number for number, _ in kept], [side for _, sides in kept for side in sides]  # type: ignore[union-attr]


def _merged_tally(one: TemplateTally | None, other: TemplateTally | None) -> TemplateTally | None:
    """A tally merged with none is itself: a chunk of a prompt/completion or preference file
    without conversations started none."""
    if one is None or other is None:
        return one if other is None else other
    return one.merged(other)


def compact(blocks: list[TextBlock], num_perm: int) -> TextBlock:
    """All blocks as one, in line order, emptying `blocks` as it goes: each block is released
    once copied, so memory peaks at the kept texts plus one block, not twice the kept texts."""
    blocks.sort(key=lambda block: int(block.numbers[0]) if len(block.numbers) else -1, reverse=True)
    n = sum(len(block.numbers) for block in blocks)
    width = blocks[0].signatures.shape[1] if blocks else num_perm  # 0: the signatures were taken out
    out = TextBlock(np.empty(n, dtype=np.int64), np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.uint64),
                    np.empty(n, dtype=np.uint64), np.empty(n, dtype=np.int64),
                    np.empty((n, width), dtype=np.uint16))
    at = 0
    while blocks:
        block = blocks.pop()
        size = len(block.numbers)
        for name in ("numbers", "whole", "prompt", "answer", "chars", "signatures"):
            getattr(out, name)[at:at + size] = getattr(block, name)
        at += size
    return out

