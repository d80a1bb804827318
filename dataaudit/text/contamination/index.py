"""The evaluation sets' index, built once before the pass and shared with every worker.

It holds, per n-gram of every item, the gram's 64-bit hash, the item and the gram's position
in it, sorted by hash (16 bytes a gram: 16 MB per million eval n-grams), and a bitmap of the
hashes' top bits (2 bytes a gram) that turns away almost every training gram with one lookup
before the binary search; per item, the xxh64 of its normalised text (exact copies) and its
compact MinHash signature (near copies). An item shorter than the n-gram length is one gram:
its whole word sequence, if it has `MIN_PART_WORDS` different words; a shorter one is matched
only as an exact copy, whole text or side.

An item's parts (its fields, a chat's messages) are matched on their own as well, because a copy
often has words between them ("Question: ... Answer: ..."), which break every n-gram running from
one into the next: a part of at least n words by its n-grams, a shorter one whole, as one gram.
A part alone is evidence only if it says something no other item says: one of fewer than
`MIN_PART_WORDS` different words ("Yes.", "I have no comment.", the commonest words over and
over) or one that several items share is found only as a piece of its whole item.

Sharing: `--jobs` workers get the index once each (with the accumulator factory they start
with), Spark executors with the pickled task (which PySpark broadcasts when it is large). The
partials that come back must not carry it home again, chunk after chunk: an index pickles in
full from the process that built it, and as its digest from a process that received it, which
the building process looks up among the indexes it holds.
"""

from __future__ import annotations

import hashlib
import weakref
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from dataaudit.errors import DataAuditError
from dataaudit.text.contamination.eval_sets import EvalItems
from dataaudit.text.contamination.ngrams import Grams, Words, grams, words
from dataaudit.text.minhash import BandedSignatures, signatures

#: items hashed at a time while the index is built: bounds the word and gram arrays in flight
_BATCH_ITEMS = 8192
_HELD: weakref.WeakValueDictionary[str, EvalIndex] = weakref.WeakValueDictionary()
#: bits of the prefilter per gram: about one training gram in 16 gets past it to the binary search
_FILTER_BITS_PER_GRAM = 16
#: different words a part needs to count as a copy of its item on its own
MIN_PART_WORDS = 5


@dataclass(frozen=True)
class EvalSetInfo:
    """One evaluation set as reports name it: its path, layout, the fields read, its unit and items."""

    name: str
    kind: str
    fields: tuple[str, ...]
    unit: str
    items: int


@dataclass(eq=False)
class EvalIndex:
    """What the pass matches training texts against (see the module docstring). `ngram` is the
    n-gram length, `min_share` the share of an item's words overlapping n-grams must cover.
    `gram_length` is the length in words a training gram must have to match each gram (n, or
    a short item's or part's whole length); `part_item`, `part_start` and `part_words` are the
    parts that count on their own, sorted by item: their item, first word and length."""

    sets: list[EvalSetInfo]
    ngram: int
    min_share: float
    item_set: np.ndarray
    item_number: np.ndarray
    item_words: np.ndarray
    gram_keys: np.ndarray
    gram_item: np.ndarray
    gram_position: np.ndarray
    gram_length: np.ndarray
    part_item: np.ndarray
    part_start: np.ndarray
    part_words: np.ndarray
    short_lengths: tuple[int, ...]
    exact_keys: np.ndarray
    exact_item: np.ndarray
    near: BandedSignatures
    gram_filter: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.uint8), repr=False)
    digest: str = ""
    received: bool = field(default=False, repr=False)

    def __post_init__(self) -> None:
        if not self.digest:
            self.gram_filter = _bitmap(self.gram_keys)
            h = hashlib.sha256()
            for part in (self.gram_keys, self.gram_item, self.gram_length, self.part_item, self.part_start,
                         self.exact_keys, self.near.sigs, self.item_number):
                h.update(np.ascontiguousarray(part).tobytes())
            h.update(repr((self.sets, self.ngram, self.min_share, self.near.threshold)).encode())
            self.digest = h.hexdigest()
        _HELD.setdefault(self.digest, self)

    @property
    def gram_count(self) -> int:
        return len(self.gram_keys)

    @property
    def nbytes(self) -> int:
        arrays = (self.item_set, self.item_number, self.item_words, self.gram_keys, self.gram_item,
                  self.gram_position, self.gram_length, self.part_item, self.part_start, self.part_words,
                  self.exact_keys, self.exact_item, self.near.sigs, self.gram_filter)
        return sum(a.nbytes for a in arrays) + sum(k.nbytes + r.nbytes for k, r in self.near.keys)

    def __reduce__(self) -> tuple[Any, ...]:
        if self.received:
            return _held, (self.digest,)
        state = {name: getattr(self, name) for name in self.__dataclass_fields__ if name != "received"}
        return _arrived, (state,)

    def grams_of(self, w: Words) -> tuple[np.ndarray, ...]:
        """Every gram of the texts `w` found in the index: (text, position in the text, item,
        position in the item, gram length) per hit."""
        found = grams(w, (self.ngram, *self.short_lengths))
        found = Grams(*(a[_may_hold(self.gram_filter, found.hashes)] for a in (found.hashes, found.text,
                                                                               found.position, found.length)))
        lo = np.searchsorted(self.gram_keys, found.hashes, "left")
        hi = np.searchsorted(self.gram_keys, found.hashes, "right")
        hits = hi - lo
        at = np.repeat(lo, hits) + np.arange(hits.sum()) - np.repeat(np.cumsum(hits) - hits, hits)
        item = self.gram_item[at].astype(np.int64)
        keep = np.repeat(found.length, hits) == self.gram_length[at]
        return tuple(a[keep] for a in (np.repeat(found.text, hits), np.repeat(found.position, hits), item,
                                       self.gram_position[at].astype(np.int64), np.repeat(found.length, hits)))

    def parts_of(self, item: int) -> list[tuple[int, int]]:
        """(first word, length) of each part of `item` that counts on its own."""
        lo, hi = np.searchsorted(self.part_item, [item, item + 1])
        return list(zip(self.part_start[lo:hi].tolist(), self.part_words[lo:hi].tolist(), strict=True))

    def exact_of(self, keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(position in `keys`, item) for every key equal to an item's normalised text."""
        lo = np.searchsorted(self.exact_keys, keys, "left")
        hits = np.searchsorted(self.exact_keys, keys, "right") - lo
        at = np.repeat(lo, hits) + np.arange(hits.sum()) - np.repeat(np.cumsum(hits) - hits, hits)
        return np.repeat(np.arange(len(keys)), hits), self.exact_item[at].astype(np.int64)


def _bitmap(keys: np.ndarray) -> np.ndarray:
    """A bit per value of the keys' top bits, set for every key's."""
    bits = max(3, int(np.ceil(np.log2(max(len(keys), 1) * _FILTER_BITS_PER_GRAM))))
    at = keys >> np.uint64(64 - bits)
    out = np.zeros(1 << (bits - 3), dtype=np.uint8)
    np.bitwise_or.at(out, (at >> np.uint64(3)).astype(np.int64), (1 << (at & np.uint64(7))).astype(np.uint8))
    return out


def _may_hold(bitmap: np.ndarray, hashes: np.ndarray) -> np.ndarray:
    """Which `hashes` the bitmap does not rule out."""
    bits = int(np.log2(len(bitmap))) + 3
    at = hashes >> np.uint64(64 - bits)
    return ((bitmap[(at >> np.uint64(3)).astype(np.int64)] >> (at & np.uint64(7)).astype(np.uint8)) & 1).astype(bool)


def _arrived(state: dict[str, Any]) -> EvalIndex:
    held = _HELD.get(state["digest"])
    if held is not None:
        return held
    index = EvalIndex(**state, received=True)
    _HELD[index.digest] = index
    return index


def _held(digest: str) -> EvalIndex:
    held = _HELD.get(digest)
    if held is None:
        raise DataAuditError("an evaluation index came back to a process that no longer holds it")
    return held


def text_keys(normalized: list[str]) -> np.ndarray:
    """xxh64 of each normalised text (0 for an empty one, which matches nothing)."""
    import xxhash

    return np.fromiter((xxhash.xxh64_intdigest(t.encode()) if t else 0 for t in normalized), dtype=np.uint64,
                       count=len(normalized))


def build_index(sets: list[EvalItems], ngram: int, min_share: float, num_perm: int,
                near_threshold: float) -> EvalIndex:
    """The index of `sets`' items: their n-grams of `ngram` words, their parts', normalised texts
    and MinHash signatures of `num_perm` permutations (the text audit's, so training texts'
    signatures compare), near copies judged at `near_threshold`."""
    item_set, item_number, item_words, found, exact, sigs, parts = [], [], [], [], [], [], []
    base = 0
    for s, items in enumerate(sets):
        item_set.append(np.full(len(items.texts), s, dtype=np.int32))
        item_number.append(np.asarray(items.numbers, dtype=np.int64))
        for start in range(0, len(items.texts), _BATCH_ITEMS):
            texts = items.texts[start:start + _BATCH_ITEMS]
            w = words(texts)
            item_words.append(w.per_text.astype(np.int32))
            found.extend(_item_grams(w, ngram, base + start))
            parts.append(_parts(w, items.parts[start:start + _BATCH_ITEMS], ngram, base + start))
            exact.append(text_keys(w.normalized))
            sigs.append(signatures(texts, num_perm))
        base += len(items.texts)
    alone = _Parts.alone(parts, ngram)
    found.append(alone.grams)
    key, owner, position, length = (np.concatenate([f[k] for f in found]) for k in range(4))
    order = np.argsort(key, kind="stable")
    exact_all = np.concatenate(exact) if exact else np.zeros(0, dtype=np.uint64)
    present = np.flatnonzero(exact_all)
    by_text = present[np.argsort(exact_all[present], kind="stable")]
    word_counts = np.concatenate(item_words) if item_words else np.zeros(0, dtype=np.int32)
    return EvalIndex(
        sets=[EvalSetInfo(s.name, s.kind, s.fields, s.unit, len(s.texts)) for s in sets],
        ngram=ngram, min_share=min_share,
        item_set=np.concatenate(item_set), item_number=np.concatenate(item_number), item_words=word_counts,
        gram_keys=key[order].astype(np.uint64), gram_item=owner[order].astype(np.uint32),
        gram_position=position[order].astype(np.uint32), gram_length=length[order].astype(np.uint32),
        part_item=alone.item, part_start=alone.start, part_words=alone.words,
        short_lengths=tuple(sorted({int(n) for n in np.unique(length) if n < ngram})),
        exact_keys=exact_all[by_text], exact_item=by_text.astype(np.uint32),
        near=BandedSignatures(np.concatenate(sigs) if sigs else np.zeros((0, num_perm), dtype=np.uint16),
                              near_threshold),
    )


Found = tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]  # hash, item, position in the item, length


def _item_grams(w: Words, ngram: int, first: int) -> list[Found]:
    """The n-grams of the items `w` (numbered from `first`), and each short item whole when it
    has `MIN_PART_WORDS` different words: a shorter one ("Paris", "Yes.") is in countless texts
    that never saw the item, so only a training text or side equal to it (an exact copy) counts."""
    long = grams(w, (ngram,))
    short = grams(w, {int(n) for n in w.per_text if 0 < n < ngram})
    telling = _distinct(w) >= MIN_PART_WORDS
    whole = (short.position == 0) & (short.length == w.per_text[short.text]) & telling[short.text]
    return [(g.hashes[keep], g.text[keep] + first, g.position[keep], g.length[keep])
            for g, keep in ((long, slice(None)), (short, whole))]


@dataclass(frozen=True)
class _Parts:
    """Parts of items: their item, first word in it, length, different words, normalised text's
    hash, and the hash of each short one whole (its gram)."""

    item: np.ndarray
    start: np.ndarray
    words: np.ndarray
    distinct: np.ndarray
    key: np.ndarray
    whole: np.ndarray

    @staticmethod
    def alone(batches: list[_Parts], ngram: int) -> _Alone:
        """The parts that count on their own: of `MIN_PART_WORDS` different words or more, and
        said by one item only (the same short answer to many questions tells none of them); the
        grams of the short ones."""
        p = _Parts(*(np.concatenate([getattr(b, f) for b in batches]) if batches else np.zeros(0, dtype=np.int64)
                     for f in ("item", "start", "words", "distinct", "key", "whole")))
        keep = (p.distinct >= MIN_PART_WORDS) & ~np.isin(p.key, _shared(p.key, p.item))
        short = keep & (p.words < ngram)
        return _Alone(p.item[keep].astype(np.int64), p.start[keep].astype(np.int64), p.words[keep].astype(np.int64),
                      (p.whole[short].astype(np.uint64), p.item[short], p.start[short], p.words[short]))


@dataclass(frozen=True)
class _Alone:
    """The parts that count on their own (item, first word, length) and the short ones' grams."""

    item: np.ndarray
    start: np.ndarray
    words: np.ndarray
    grams: Found


def _shared(keys: np.ndarray, items: np.ndarray) -> np.ndarray:
    """The keys that more than one item holds."""
    if not len(keys):
        return keys
    distinct = np.unique(np.stack([keys.astype(np.uint64), items.astype(np.uint64)]), axis=1)
    values, counts = np.unique(distinct[0], return_counts=True)
    return values[counts > 1]


def _parts(w: Words, parts: list[tuple[str, ...]], ngram: int, first: int) -> _Parts:
    """The parts of the items `w` (numbered from `first`) that have others beside them, where
    each begins in its item; none of an item whose parts' words are not its words."""
    pw = words([p for ps in parts for p in ps])
    count = np.asarray([len(ps) for ps in parts], dtype=np.int64)
    item = np.repeat(np.arange(len(parts)), count)
    inside = np.bincount(item, weights=pw.per_text, minlength=len(parts)).astype(np.int64) == w.per_text
    keep = (inside & (count > 1))[item]
    whole = grams(pw, {int(n) for n in pw.per_text if 0 < n < ngram})
    hashes = np.zeros(len(item), dtype=np.uint64)
    at = (whole.position == 0) & (whole.length == pw.per_text[whole.text])
    hashes[whole.text[at]] = whole.hashes[at]
    start = pw.starts - np.repeat(w.starts, count)
    distinct = _distinct(pw)
    return _Parts(item[keep] + first, start[keep], pw.per_text[keep], distinct[keep], text_keys(pw.normalized)[keep],
                  hashes[keep])


def _distinct(w: Words) -> np.ndarray:
    """How many different words each text of `w` has."""
    owner = np.repeat(np.arange(len(w.per_text), dtype=np.uint64), w.per_text)
    pairs = np.unique(np.stack([owner, w.hashes]), axis=1) if len(owner) else np.zeros((2, 0), dtype=np.uint64)
    return np.bincount(pairs[0].astype(np.int64), minlength=len(w.per_text))
