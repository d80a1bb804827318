"""Word n-grams of texts as 64-bit hashes, computed for a whole chunk of texts at once.

A text is folded (invisible format characters such as a zero-width space dropped, NFKC
compatibility forms folded, Cyrillic and Greek letters drawn like Latin ones read as those,
lower-cased) and cut into words at every run of characters that are not letters, digits, marks
or '_' (the near-duplicate shingles' words), so punctuation, case, spacing, Unicode forms,
look-alike letters and hidden characters never tell two copies apart. Each distinct word of
a chunk is hashed once with xxhash (xxh64); an n-gram's hash folds its words' hashes in order (a
polynomial over 2^64) and is finished with splitmix64's mixer, its length mixed in, so an 8-word
sequence never collides with a 13-gram made of the same prefix. A gram's hash depends on its own
words only, never on the other texts of the chunk: however a file is cut into chunks, every text
gets the same grams.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.text.contamination.look_alikes import latin_look_alikes
from dataaudit.text.minhash import WORD_GAP, plain_forms

_FOLD = np.uint64(0x100000001B3)  # FNV-1a's 64-bit prime: odd, so folding is a bijection per step
_LENGTH = np.uint64(0x9E3779B97F4A7C15)


@dataclass(frozen=True)
class Words:
    """The words of a chunk of texts, flattened: `hashes` in text order, `per_text` how many each
    text has, `normalized` each text as its words joined by single spaces (what "equal after
    normalising" compares, and what excerpts quote)."""

    hashes: np.ndarray
    per_text: np.ndarray
    normalized: list[str]

    @property
    def starts(self) -> np.ndarray:
        return np.cumsum(self.per_text) - self.per_text


def words(texts: list[str]) -> Words:
    """The words of `texts`: in their plain forms (`plain_forms`), Cyrillic and Greek look-alikes
    read as the Latin letters they pass for (`latin_look_alikes`), lower-cased, cut at punctuation
    and spacing, hashed with xxh64."""
    import xxhash

    lowered = pc.utf8_lower(latin_look_alikes(plain_forms(pa.array(texts, pa.large_string()))))
    normalized = pc.utf8_trim(pc.replace_substring_regex(lowered, WORD_GAP, " "), " ")
    split = pc.split_pattern(normalized, " ")
    flat = pc.list_flatten(split)
    present = pc.not_equal(pc.utf8_length(flat), 0)
    owner = pc.filter(pc.list_parent_indices(split), present).to_numpy()
    per_text = np.bincount(owner, minlength=len(texts)).astype(np.int64)
    encoded = pc.dictionary_encode(pc.filter(flat, present)) if len(owner) else None
    if encoded is None:
        return Words(np.zeros(0, dtype=np.uint64), per_text, normalized.to_pylist())
    spelled = encoded.dictionary.cast(pa.large_binary()).to_pylist()
    vocabulary = np.fromiter(map(xxhash.xxh64_intdigest, spelled), dtype=np.uint64, count=len(spelled))
    return Words(vocabulary[encoded.indices.to_numpy()], per_text, normalized.to_pylist())


def _mixed(h: np.ndarray, length: int) -> np.ndarray:
    """splitmix64's finaliser over the folded hash, its length mixed in first."""
    h = h ^ (np.uint64(length) * _LENGTH)
    h = (h ^ (h >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    h = (h ^ (h >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return h ^ (h >> np.uint64(31))


@dataclass(frozen=True)
class Grams:
    """Every gram of the lengths asked for: its hash, the text it is in, the position of its
    first word there and its length in words."""

    hashes: np.ndarray
    text: np.ndarray
    position: np.ndarray
    length: np.ndarray


def grams(w: Words, lengths: Iterable[int]) -> Grams:
    """The hashes of every word n-gram of each length in `lengths` in each text."""
    wanted = sorted(set(lengths))
    n_words = len(w.hashes)
    if not wanted or not n_words:
        empty = np.zeros(0, dtype=np.int64)
        return Grams(np.zeros(0, dtype=np.uint64), empty, empty, empty)
    text_of = np.repeat(np.arange(len(w.per_text)), w.per_text)
    room = np.repeat(np.cumsum(w.per_text), w.per_text) - np.arange(n_words)  # words from here to its text's end
    folded = np.zeros(n_words, dtype=np.uint64)
    out_hashes, out_text, out_position, out_length = [], [], [], []
    with np.errstate(over="ignore"):
        for length in range(1, min(wanted[-1], n_words) + 1):  # no gram is longer than all the words
            shifted = np.zeros(n_words, dtype=np.uint64)
            shifted[: n_words - length + 1] = w.hashes[length - 1:]
            folded = folded * _FOLD + shifted
            if length in wanted:
                at = np.flatnonzero(room >= length)
                out_hashes.append(_mixed(folded[at], length))
                out_text.append(text_of[at])
                out_position.append(at - w.starts[text_of[at]])
                out_length.append(np.full(len(at), length, dtype=np.int64))
    if not out_hashes:
        return grams(w, ())
    return Grams(*(np.concatenate(parts) for parts in (out_hashes, out_text, out_position, out_length)))
