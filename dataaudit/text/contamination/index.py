"""The evaluation sets' index, built once before the pass and shared with every worker.

It holds, per n-gram of every item, the gram's 64-bit hash, the item and the gram's position
in it, sorted by hash (16 bytes a gram: 16 MB per million eval n-grams), and a bitmap of the
hashes' top bits (2 bytes a gram) that turns away almost every training gram with one lookup
before the binary search; per item, the xxh64 of its normalised text (exact copies) and its
compact MinHash signature (near copies). An item shorter than the n-gram length is one gram:
its whole word sequence.

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
    n-gram length, `min_share` the share of an item's words overlapping n-grams must cover."""

    sets: list[EvalSetInfo]
    ngram: int
    min_share: float
    item_set: np.ndarray
    item_number: np.ndarray
    item_words: np.ndarray
    gram_keys: np.ndarray
    gram_item: np.ndarray
    gram_position: np.ndarray
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
            for part in (self.gram_keys, self.gram_item, self.exact_keys, self.near.sigs, self.item_number):
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
                  self.gram_position, self.exact_keys, self.exact_item, self.near.sigs, self.gram_filter)
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
        keep = np.repeat(found.length, hits) == np.minimum(self.item_words[item], self.ngram)
        return tuple(a[keep] for a in (np.repeat(found.text, hits), np.repeat(found.position, hits), item,
                                       self.gram_position[at].astype(np.int64), np.repeat(found.length, hits)))

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
    """The index of `sets`' items: their n-grams of `ngram` words, normalised texts and MinHash
    signatures of `num_perm` permutations (the text audit's, so training texts' signatures
    compare), near copies judged at `near_threshold`."""
    item_set, item_number, item_words, keys, owners, positions, exact, sigs = [], [], [], [], [], [], [], []
    base = 0
    for s, items in enumerate(sets):
        item_set.append(np.full(len(items.texts), s, dtype=np.int32))
        item_number.append(np.asarray(items.numbers, dtype=np.int64))
        for start in range(0, len(items.texts), _BATCH_ITEMS):
            texts = items.texts[start:start + _BATCH_ITEMS]
            w = words(texts)
            item_words.append(w.per_text.astype(np.int32))
            long = grams(w, (ngram,))
            short = grams(w, {int(n) for n in w.per_text if 0 < n < ngram})
            whole = (short.position == 0) & (short.length == w.per_text[short.text])
            for found, keep in ((long, slice(None)), (short, whole)):
                keys.append(found.hashes[keep])
                owners.append(found.text[keep] + base + start)
                positions.append(found.position[keep])
            exact.append(text_keys(w.normalized))
            sigs.append(signatures(texts, num_perm))
        base += len(items.texts)
    key = np.concatenate(keys) if keys else np.zeros(0, dtype=np.uint64)
    order = np.argsort(key, kind="stable")
    exact_all = np.concatenate(exact) if exact else np.zeros(0, dtype=np.uint64)
    present = np.flatnonzero(exact_all)
    by_text = present[np.argsort(exact_all[present], kind="stable")]
    word_counts = np.concatenate(item_words) if item_words else np.zeros(0, dtype=np.int32)
    return EvalIndex(
        sets=[EvalSetInfo(s.name, s.kind, s.fields, s.unit, len(s.texts)) for s in sets],
        ngram=ngram, min_share=min_share,
        item_set=np.concatenate(item_set), item_number=np.concatenate(item_number), item_words=word_counts,
        gram_keys=key[order], gram_item=np.concatenate(owners)[order].astype(np.uint32),
        gram_position=np.concatenate(positions)[order].astype(np.uint32),
        short_lengths=tuple(sorted({int(n) for n in word_counts if 0 < n < ngram})),
        exact_keys=exact_all[by_text], exact_item=by_text.astype(np.uint32),
        near=BandedSignatures(np.concatenate(sigs) if sigs else np.zeros((0, num_perm), dtype=np.uint16),
                              near_threshold),
    )
