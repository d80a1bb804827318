"""Near duplicates: MinHash signatures of word 3-gram shingles, banded LSH, then a check of
each candidate pair's estimated Jaccard similarity against the threshold.

The permutations and the band/row split are `datasketch`'s (its `MinHash` with the
`affine32` scheme, and `MinHashLSH`), so signatures equal datasketch's for the same shingle
hashes, computed here without importing it (it imports SciPy); what is done here
is computing them for a whole chunk of texts at once in numpy (a Python call per text and per
shingle would dominate the audit) and keeping them compact: only the low 16 bits of each
minimum are stored (b-bit minwise hashing, Li and König 2010). Two different minima agree in
16 bits with chance 1/65,536, which shifts an estimated similarity by less than 0.0001; memory
is `num_perm` x 2 bytes per text (128 bytes at the default 64), and the LSH buckets are built
only once, band by band, after the pass.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

import numpy as np

from dataaudit.pii.invisible import INVISIBLE_RUN_RE2
from dataaudit.profile.siphash import hash_texts

if TYPE_CHECKING:
    import pyarrow as pa

SHINGLE_WORDS = 3
SEED = 1
WORD_GAP = r"[^\p{L}\p{N}\p{M}_]+"
_MAX32 = np.uint64((1 << 32) - 1)
_MIX = (np.uint64(0x9E3779B97F4A7C15), np.uint64(0xC2B2AE3D27D4EB4F), np.uint64(0x165667B19E3779F9))
_BATCH_SHINGLES = 8192
_BATCH_TEXTS = 2048
_BATCH_PAIRS = 2048
#: the characters of text shingled at once (`signatures`)
BATCH_CHARS = 1 << 20
#: an ASCII character that separates words: where a long text may be cut into pieces
_CUT = re.compile(r"[\x00-/:-@\[-^`{-\x7f]")


@cache
def permutations(num_perm: int) -> tuple[np.ndarray, np.ndarray]:
    """datasketch's `MinHash(num_perm, seed=SEED, scheme="affine32").permutations`, drawn the
    way it draws them: importing datasketch would import SciPy (for its LSH), about 44 MB of
    memory the text pass has no use for."""
    draw = np.random.RandomState(SEED)
    a = draw.randint(0, 1 << 31, num_perm, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, num_perm, dtype=np.uint32)
    return a, b


@cache
def bands(threshold: float, num_perm: int) -> tuple[int, int]:
    """(bands, rows per band) that datasketch's LSH picks for this threshold, weighting missed
    pairs 9 to 1 over false candidates: every candidate's similarity is checked afterwards, so
    a false candidate costs a comparison, a missed pair is lost (at 64 permutations and 0.8 a
    pair of similarity 0.9 becomes a candidate with chance 0.997 instead of 0.85).

    datasketch integrates the chance of a false candidate and of a missed pair with SciPy's
    `quad`; both are polynomials of degree bands x rows <= `num_perm`, which Gauss-Legendre
    quadrature on `num_perm` // 2 + 1 points integrates exactly, without SciPy."""
    nodes, weights = np.polynomial.legendre.leggauss(num_perm // 2 + 1)

    def integral(b: int, r: int, lo: float, hi: float, missed: bool) -> float:
        s = (hi - lo) / 2 * nodes + (hi + lo) / 2
        caught = 1 - (1 - s ** float(r)) ** float(b)
        return (hi - lo) / 2 * float(weights @ (1 - caught if missed else caught))

    best, chosen = float("inf"), (0, 0)
    for b in range(1, num_perm + 1):
        for r in range(1, num_perm // b + 1):
            error = 0.1 * integral(b, r, 0.0, threshold, False) + 0.9 * integral(b, r, threshold, 1.0, True)
            if error < best:
                best, chosen = error, (b, r)
    return chosen


def plain_forms(texts: pa.Array) -> pa.Array:
    """`texts` with invisible format characters (`pii.invisible`) dropped and compatibility forms
    folded (NFKC: full-width letters, ligatures and a non-breaking space are their plain forms, a
    decomposed `é` the composed one): what a reader sees, whatever bytes spell it."""
    import pyarrow.compute as pc

    if len(texts) and not pc.all(pc.string_is_ascii(texts)).as_py():
        texts = pc.utf8_normalize(pc.replace_substring_regex(texts, INVISIBLE_RUN_RE2, ""), "NFKC")
    return texts


def folded(texts: pa.Array) -> pa.Array:
    """`texts` as their words are read: `plain_forms`, then lower-cased. Two copies that differ
    only in such characters have the same words."""
    import pyarrow.compute as pc

    return pc.utf8_lower(plain_forms(texts))


def shingle_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """32-bit hashes of each text's word 3-grams (runs of letters, digits, marks and '_', as
    Python's `\\w+`, of the `folded` text; a text of one or two words is one shingle), and how
    many shingles each text has. Splitting and hashing run in pyarrow and numpy over the whole chunk."""
    return _shingles(*word_hashes(texts))


def word_hashes(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The 64-bit hash of each word of the `folded` texts, text after text, and how many words
    each text has."""
    import pyarrow as pa
    import pyarrow.compute as pc

    split = pc.split_pattern_regex(folded(pa.array(texts, pa.large_string())), WORD_GAP)
    flat = pc.list_flatten(split)
    present = pc.not_equal(pc.utf8_length(flat), 0)
    owner = pc.filter(pc.list_parent_indices(split), present).to_numpy()
    per_text = np.bincount(owner, minlength=len(texts)).astype(np.int64)
    if not len(owner):
        return np.zeros(0, dtype=np.uint64), per_text
    encoded = pc.dictionary_encode(pc.filter(flat, present))
    return hash_texts(encoded.dictionary)[encoded.indices.to_numpy()], per_text


def _shingles(h: np.ndarray, per_text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The 32-bit hashes of the word 3-grams of texts whose word hashes are `h`, `per_text` of
    them each (a text of one or two words is one shingle), and how many shingles each text has."""
    if not len(h):
        return h, per_text
    ends = np.cumsum(per_text)
    end_of = np.repeat(ends, per_text)
    position = np.arange(len(h))
    combined = h * _MIX[0]
    for k in range(1, SHINGLE_WORDS):
        shifted = np.zeros_like(h)
        shifted[: len(h) - k] = h[k:]
        shifted[position + k >= end_of] = 0
        combined ^= shifted * _MIX[k]
    short = np.repeat(per_text < SHINGLE_WORDS, per_text)
    keep = (position + SHINGLE_WORDS <= end_of) | (short & (position == np.repeat(ends - per_text, per_text)))
    combined = combined[keep]
    combined ^= combined >> np.uint64(31)
    counts = np.maximum(per_text - (SHINGLE_WORDS - 1), np.minimum(per_text, 1))
    return (combined >> np.uint64(32)) ^ (combined & _MAX32), counts


def _fmix32(h: np.ndarray) -> np.ndarray:
    """MurmurHash3's finaliser, which datasketch applies to every input hash."""
    h = h ^ (h >> np.uint32(16))
    h = h * np.uint32(0x85EBCA6B)
    h = h ^ (h >> np.uint32(13))
    h = h * np.uint32(0xC2B2AE35)
    return h ^ (h >> np.uint32(16))


def minima(hashes: np.ndarray, counts: np.ndarray, num_perm: int) -> np.ndarray:
    """32-bit MinHash values, one row per text: datasketch's `affine32` scheme (a * fmix(h) + b
    modulo 2^32); a text without shingles keeps the maximum everywhere, as an empty MinHash."""
    a, b = permutations(num_perm)
    mixed = _fmix32(hashes.astype(np.uint32))
    out = np.full((len(counts), num_perm), np.uint32(0xFFFFFFFF), dtype=np.uint32)
    ends = np.cumsum(counts)
    text = 0
    while text < len(counts):
        if counts[text] > _BATCH_SHINGLES:  # one text longer than a batch: its minima slice by slice
            for start in range(int(ends[text] - counts[text]), int(ends[text]), _BATCH_SHINGLES):
                values = mixed[start:min(start + _BATCH_SHINGLES, int(ends[text])), None] * a + b
                np.minimum(out[text], values.min(axis=0), out=out[text])
            text += 1
            continue
        stop = max(int(np.searchsorted(ends, ends[text] - counts[text] + _BATCH_SHINGLES, side="right")), text + 1)
        lo, hi = int(ends[text] - counts[text]), int(ends[stop - 1])
        if hi > lo:
            values = mixed[lo:hi, None] * a + b
            present = np.flatnonzero(counts[text:stop])
            offsets = (ends[text:stop] - counts[text:stop])[present] - lo
            out[text + present] = np.minimum.reduceat(values, offsets, axis=0)
        text = stop
    return out


def signatures(texts: list[str], num_perm: int, batch_chars: int = BATCH_CHARS) -> np.ndarray:
    """Compact signatures: the low 16 bits of each MinHash value. Texts are taken 2,048 at a
    time and about `batch_chars` characters at a time, and a longer text piece by piece, which
    bounds the word and shingle arrays in flight (some 60 bytes a word) by the characters, not
    by the texts: a 20 MB conversation would otherwise hold ten arrays of its 3 million words at
    once. Each text's signature is the same however the texts are taken."""
    out = np.empty((len(texts), num_perm), dtype=np.uint16)
    for start, stop in _batches(texts, batch_chars):
        if len(texts[start]) > batch_chars:  # alone in its batch
            out[start] = _long_minima(texts[start], num_perm, batch_chars) & np.uint32(0xFFFF)
            continue
        hashes, counts = shingle_hashes(texts[start:stop])
        out[start:stop] = minima(hashes, counts, num_perm) & np.uint32(0xFFFF)
    return out


def _batches(texts: list[str], batch_chars: int) -> Iterator[tuple[int, int]]:
    """(start, stop) of runs of at most `_BATCH_TEXTS` texts and, unless one text is longer
    alone, of at most `batch_chars` characters."""
    start, chars = 0, 0
    for i, text in enumerate(texts):
        if i > start and (i - start == _BATCH_TEXTS or chars + len(text) > batch_chars):
            yield start, i
            start, chars = i, 0
        chars += len(text)
    if start < len(texts):
        yield start, len(texts)


def _long_minima(text: str, num_perm: int, piece_chars: int) -> np.ndarray:
    """The MinHash values of one long text, from its pieces of about `piece_chars` characters:
    each piece's shingles start with the last two words of the piece before, so that every
    shingle of the whole text is taken once, and the minima of all pieces are those of the text."""
    out = np.full(num_perm, np.uint32(0xFFFFFFFF), dtype=np.uint32)
    carry, words = np.zeros(0, dtype=np.uint64), 0
    for piece in _pieces(text, piece_chars):
        h, _ = word_hashes([piece])
        words += len(h)
        h = np.concatenate((carry, h))
        if len(h) >= SHINGLE_WORDS:
            hashes, counts = _shingles(h, np.array([len(h)]))
            np.minimum(out, minima(hashes, counts, num_perm)[0], out=out)
        carry = h[-(SHINGLE_WORDS - 1):]
    if 0 < words < SHINGLE_WORDS:  # a text of one or two words: one shingle of them all
        hashes, counts = _shingles(carry, np.array([words]))
        out = minima(hashes, counts, num_perm)[0]
    return out


def _pieces(text: str, size: int) -> Iterator[str]:
    """`text` in consecutive pieces of at least `size` characters (the last may be shorter),
    each cut just before an ASCII character other than a letter, a digit or '_': such a
    character separates words, is no invisible character, and no character before it combines
    with it under NFKC, so the pieces, folded and split, give the words of the folded text."""
    start = 0
    while start < len(text):
        cut = _CUT.search(text, start + size) if start + size < len(text) else None
        stop = cut.start() if cut else len(text)
        yield text[start:stop]
        start = stop


@dataclass(frozen=True)
class NearDuplicates:
    """`copies` are (index, index of the first member of its cluster) for every member but the
    first; clusters link texts whose estimated similarity reaches the threshold."""

    copies: np.ndarray
    first: np.ndarray
    clusters: int


@dataclass(frozen=True)
class NearSettings:
    """What finding one text set's near duplicates needs to know, small enough to ship to the
    executors that band and check the signatures where they live."""

    threshold: float
    num_perm: int

    def bands_of(self, sigs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(the indices of the texts with words, their band keys): texts without a word take no part."""
        usable = np.flatnonzero(~wordless(sigs))
        return usable, band_keys(sigs[usable], self.threshold)

    def similar(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        return similar(a, b, self.threshold)


def near_duplicates(sigs: np.ndarray, threshold: float, skip: np.ndarray | None = None) -> NearDuplicates:
    """Clusters of near-identical texts among the rows of `sigs`; texts without words, and
    rows where `skip` holds (e.g. exact repeats, counted apart), take no part."""
    candidates = np.flatnonzero(~(wordless(sigs) | skip) if skip is not None else ~wordless(sigs))
    return clusters(_confirmed_pairs(sigs, candidates, threshold))


def _confirmed_pairs(sigs: np.ndarray, candidates: np.ndarray, threshold: float) -> np.ndarray:
    """Each band's candidate pairs among the rows `candidates`, checked band by band and a slice
    at a time, so that only the confirmed pairs are kept (once each): memory follows the near
    copies found, not the candidates of all bands."""
    n_bands, rows = bands(threshold, sigs.shape[1])
    confirmed = np.zeros(0, dtype=np.int64)  # each confirmed pair (i, j) once, as i * len(sigs) + j
    for band in range(n_bands if len(candidates) > 1 else 0):
        key = band_key(sigs, band, rows)[candidates]
        order = np.argsort(key, kind="stable")
        sorted_key = key[order]
        run_start = np.concatenate(([True], sorted_key[1:] != sorted_key[:-1]))
        first_of = order[np.maximum.accumulate(np.where(run_start, np.arange(len(order)), 0))]
        later = ~run_start
        i, j = candidates[order[later]], candidates[first_of[later]]
        found = [confirmed]
        for start in range(0, len(i), _BATCH_PAIRS):
            a, b = i[start:start + _BATCH_PAIRS], j[start:start + _BATCH_PAIRS]
            kept = similar(sigs[a], sigs[b], threshold)
            found.append(a[kept].astype(np.int64) * len(sigs) + b[kept])
        confirmed = np.unique(np.concatenate(found))
    return np.stack(np.divmod(confirmed, len(sigs)), axis=1)


def wordless(sigs: np.ndarray) -> np.ndarray:
    """Which signatures are of texts without a word: the maximum everywhere, as an empty MinHash."""
    return (sigs == np.uint16(0xFFFF)).all(axis=1)


def band_keys(sigs: np.ndarray, threshold: float) -> np.ndarray:
    """Each signature's LSH band keys, one column per band: two texts are a candidate pair when
    they share a key in some band. Each later text of a band's run of equal keys is paired with
    the run's first text (the earliest row): the pairs `near_duplicates` and the Spark engine's
    group-by by (band, key) both check."""
    n_bands, rows = bands(threshold, sigs.shape[1])
    return np.stack([band_key(sigs, band, rows) for band in range(n_bands)], axis=1).reshape(len(sigs), n_bands)


def similar(a: np.ndarray, b: np.ndarray, threshold: float) -> np.ndarray:
    """Which pairs of signatures (row by row of `a` and `b`) reach the estimated similarity
    `threshold`: the check every candidate pair passes, whichever engine found it."""
    return (a == b).mean(axis=1) >= threshold if len(a) else np.zeros(0, dtype=bool)


def clusters(edges: np.ndarray) -> NearDuplicates:
    """Texts linked by the confirmed pairs `edges` ((m, 2), any ids ordered like the rows:
    indices or row numbers) as clusters, each led by its smallest id: only the texts that take
    part in some pair are held, so memory follows the near copies, not the rows."""
    nodes = np.unique(edges) if len(edges) else np.zeros(0, np.int64)
    linked = np.unique(np.searchsorted(nodes, edges), axis=0) if len(edges) else np.zeros((0, 2), dtype=np.int64)
    parent = np.arange(len(nodes))
    for start in range(0, len(linked), _BATCH_PAIRS):  # a slice at a time: Python ints cost 36 bytes each
        block = linked[start:start + _BATCH_PAIRS]
        for i, j in zip(block[:, 0].tolist(), block[:, 1].tolist(), strict=True):
            ri, rj = _root(parent, i), _root(parent, j)
            if ri != rj:
                parent[max(ri, rj)] = min(ri, rj)
    roots = np.array([_root(parent, k) for k in range(len(nodes))], dtype=np.int64)
    copy = roots != np.arange(len(nodes))
    return NearDuplicates(nodes[copy], nodes[roots[copy]], len(np.unique(roots[copy])))


def band_key(sigs: np.ndarray, band: int, rows: int) -> np.ndarray:
    """One 64-bit key per signature for the `rows` values of band `band`: equal keys, a candidate pair."""
    key = np.zeros(len(sigs), dtype=np.uint64)
    for column in range(band * rows, (band + 1) * rows):
        key = key * _MIX[0] ^ sigs[:, column].astype(np.uint64)
    return key


class BandedSignatures:
    """Reference signatures with their LSH band keys sorted once, to find which of them other
    texts are near copies of (an evaluation set's items, queried chunk after chunk of training
    texts): the same bands and similarity check as `near_duplicates`, across two sets."""

    def __init__(self, sigs: np.ndarray, threshold: float) -> None:
        self.sigs = sigs
        self.threshold = threshold
        self.n_bands, self.rows = bands(threshold, sigs.shape[1])
        usable = np.flatnonzero(~wordless(sigs))
        self.keys = []
        for band in range(self.n_bands):
            key = band_key(sigs[usable], band, self.rows)
            order = np.argsort(key, kind="stable")
            self.keys.append((key[order], usable[order]))

    def pairs(self, queries: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(query row, reference row) of every pair whose estimated similarity reaches the threshold."""
        found: list[np.ndarray] = []
        without_words = wordless(queries)
        for band, (sorted_key, rows_of) in enumerate(self.keys):
            key = band_key(queries, band, self.rows)
            lo, hi = np.searchsorted(sorted_key, key, "left"), np.searchsorted(sorted_key, key, "right")
            hits = (hi - lo) * ~without_words
            query = np.repeat(np.arange(len(queries)), hits)
            at = np.repeat(lo, hits) + np.arange(hits.sum()) - np.repeat(np.cumsum(hits) - hits, hits)
            found.append(np.stack([query, rows_of[at]], axis=1))
        candidates = np.unique(np.concatenate(found), axis=0) if found else np.zeros((0, 2), dtype=np.int64)
        i, j = candidates[:, 0], candidates[:, 1]
        kept = similar(queries[i], self.sigs[j], self.threshold)
        return i[kept], j[kept]


def _root(parent: np.ndarray, k: int) -> int:
    while parent[k] != k:
        parent[k] = parent[parent[k]]
        k = int(parent[k])
    return k
