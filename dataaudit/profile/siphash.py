"""Every cell's 64-bit identity, computed with numpy alone, bit for bit what pandas gives.

The hashes decide duplicates, conflicts, leakage and the distinct counts, and are stored in
reports, compared across the Spark engine's executors and reused by the clean, so they are
those pandas' `pd.util` array hashing gives: SipHash-2-4 of a text's UTF-8 bytes
under the key `0123456789123456`, or a float's bits, then the same 64-bit mixing. Computing
them here, straight from Arrow's offsets and data buffers, spares a table audit the import of
pandas and the making of one Python string per value.

SipHash runs over many texts at once: one compression round per 8-byte word for every text
that still has that word. Texts go by blocks small enough for the state to stay in the CPU's
cache, and within a block longest first, so that the texts still running are a prefix of
the block and a long text makes only its own block work longer.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pyarrow as pa

from dataaudit.profile.text_bytes import bytes_and_offsets

_KEY = b"0123456789123456"
# texts hashed together: four state words and a scratch word each stay in L2 (a whole chunk of
# 65,536 texts at once is slower, its 2.5 MiB of state no longer fits; 8,192 makes more calls)
_BLOCK = 1 << 14
#: texts longer than this are hashed one by one by pandas' C SipHash: the rounds here cost about
#: 70 us for each 8-byte word of a block's longest text, however few texts are that long, so one
#: 5 MiB document would take its block some 45 CPU seconds at every pass
LONG_TEXT_BYTES = 4 << 10
_NAN_BITS = np.array(np.nan).view(np.uint64)
_ROWS = (0, 2, 1, 3)  # where v0, v1, v2, v3 are kept


def hash_texts(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The hashes of a `string`, `large_string`, `binary` or `large_binary` array without
    nulls (a slice or a chunked array is fine): what pandas gives the same texts as Python strings."""
    if isinstance(array, pa.ChunkedArray):
        return np.concatenate([hash_texts(chunk) for chunk in array.chunks] or [np.zeros(0, np.uint64)])
    if array.null_count:
        raise ValueError("hash_texts takes an array without nulls")
    return mix(siphash(*bytes_and_offsets(array)))


def hash_objects(values: Sequence[object] | np.ndarray) -> np.ndarray:
    """The hashes of an object array (or a list) of `str` or `bytes`, as pandas gives them.

    As in pandas, a None or a float NaN hashes as its printed form (`None`, `nan`), and an
    array holding any other object (a number, a tuple) hashes every value as its `str`. The
    bytes are joined here rather than by `pyarrow.array`, which imports pandas to look at
    its argument."""
    objects = values.tolist() if isinstance(values, np.ndarray) else list(values)
    try:
        joined = "".join(objects)  # type: ignore[arg-type]
    except TypeError:
        encoded = [_as_bytes(value) for value in objects]
        if any(text is None for text in encoded):
            encoded = [str(value).encode() for value in objects]
        return _hash_encoded(encoded)  # type: ignore[arg-type]
    offsets = _offsets(np.fromiter(map(len, objects), dtype=np.int64, count=len(objects)))
    if not joined.isascii():
        offsets = _utf8_offsets(joined, offsets)
    return mix(siphash(np.frombuffer(joined.encode(), dtype=np.uint8), offsets))


def _hash_encoded(encoded: list[bytes]) -> np.ndarray:
    lengths = np.fromiter(map(len, encoded), dtype=np.int64, count=len(encoded))
    return mix(siphash(np.frombuffer(b"".join(encoded), dtype=np.uint8), _offsets(lengths)))


def _utf8_offsets(joined: str, offsets: np.ndarray) -> np.ndarray:
    """Offsets in characters into `joined` turned into offsets into its UTF-8 bytes: a
    character from U+0080 takes one more byte, from U+0800 two, from U+10000 three."""
    code_points = np.frombuffer(joined.encode("utf-32-le"), dtype=np.uint32)
    wide = np.flatnonzero(code_points >= 0x80)
    extra = 1 + (code_points[wide] >= 0x800).astype(np.int64) + (code_points[wide] >= 0x10000)
    owner = np.searchsorted(offsets, wide, side="right") - 1
    return offsets + _offsets(np.bincount(owner, weights=extra, minlength=len(offsets) - 1).astype(np.int64))


def _offsets(lengths: np.ndarray) -> np.ndarray:
    offsets = np.zeros(len(lengths) + 1, dtype=np.int64)
    np.cumsum(lengths, out=offsets[1:])
    return offsets


def _as_bytes(value: object) -> bytes | None:
    """A value's bytes as pandas takes them, None for a value it hashes only as its `str`."""
    if isinstance(value, str):
        return value.encode()
    if isinstance(value, bytes):
        return value
    if value is None or (isinstance(value, float) and value != value):
        return str(value).encode()
    return None


def hash_floats(values: np.ndarray) -> np.ndarray:
    """The hashes pandas gives float64 values: their bits mixed, with every NaN
    one value and -0.0 the same as 0.0."""
    floats = np.asarray(values, dtype=np.float64)
    bits = floats.view(np.uint64).copy()
    bits[np.isnan(floats)] = _NAN_BITS
    bits[bits == np.uint64(1 << 63)] = 0
    return mix(bits)


def mix(values: np.ndarray) -> np.ndarray:
    """pandas' redistribution of 64-bit values over the whole 64-bit range (in place)."""
    values ^= values >> np.uint64(30)
    values *= np.uint64(0xBF58476D1CE4E5B9)
    values ^= values >> np.uint64(27)
    values *= np.uint64(0x94D049BB133111EB)
    values ^= values >> np.uint64(31)
    return values


def siphash(data: np.ndarray, offsets: np.ndarray, key: bytes = _KEY) -> np.ndarray:
    """SipHash-2-4 under the 16-byte `key` of each byte string `data[offsets[i]:offsets[i + 1]]`."""
    count = len(offsets) - 1
    out = np.empty(count, dtype=np.uint64)
    if count == 0:
        return out
    starts = offsets[:-1].astype(np.int64)
    lengths = np.diff(offsets).astype(np.int64)
    long = np.flatnonzero(lengths > LONG_TEXT_BYTES)
    long_lengths = lengths[long]
    lengths[long] = 0  # run through the rounds as empty texts, then hashed one by one below
    words = _unaligned_words(data)
    state = _initial_state(key)
    for begin in range(0, count, _BLOCK):
        block = slice(begin, min(begin + _BLOCK, count))
        out[block] = _hash_block(words, data, starts[block], lengths[block], state)
    if long.size:
        out[long] = _hash_each(data, starts[long], long_lengths, key)
    return out


def _hash_each(data: np.ndarray, starts: np.ndarray, lengths: np.ndarray, key: bytes) -> np.ndarray:
    """SipHash-2-4 of each text by pandas' C loop (only for long texts: pandas is imported)."""
    from pandas._libs.hashing import hash_object_array

    texts = np.empty(len(starts), dtype=object)
    texts[:] = [data[start:start + length].tobytes() for start, length in zip(starts.tolist(), lengths.tolist(),
                                                                                strict=True)]
    return hash_object_array(texts, key.decode())


def _unaligned_words(data: np.ndarray) -> np.ndarray:
    """`words[p]` is the little-endian 8-byte word starting at byte `p` of `data`, for every
    `p` with 8 bytes left: a byte-strided view, no copy."""
    if len(data) < 8:
        return np.zeros(0, dtype="<u8")
    return np.ndarray(shape=(len(data) - 7,), dtype="<u8", buffer=data, offset=0, strides=(1,))


def _last_words(words: np.ndarray, data: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The 8-byte words at `positions`, zero past the end of `data` (a text's last bytes)."""
    inside = np.minimum(positions, len(words) - 1)
    loaded = words[inside] if len(words) else np.zeros(len(positions), dtype=np.uint64)
    near_end = positions > len(words) - 1
    if near_end.any():
        base = max(len(data) - 8, 0)
        padded = np.zeros(16, dtype=np.uint8)
        padded[:len(data) - base] = data[base:]
        loaded[near_end] = _unaligned_words(padded)[positions[near_end] - base]
    return loaded


def _initial_state(key: bytes) -> tuple[int, int, int, int]:
    """SipHash's constants ("somepseudorandomlygeneratedbytes") xor the key's two words."""
    k0, k1 = int.from_bytes(key[:8], "little"), int.from_bytes(key[8:16], "little")
    return (0x736F6D6570736575 ^ k0, 0x646F72616E646F6D ^ k1, 0x6C7967656E657261 ^ k0, 0x7465646279746573 ^ k1)


def _hash_block(words: np.ndarray, data: np.ndarray, starts: np.ndarray, lengths: np.ndarray,
                state: tuple[int, int, int, int]) -> np.ndarray:
    full = lengths >> 3
    order = None
    if full.min() != full.max():
        order = _longest_first(full)
        starts, lengths, full = starts[order], lengths[order], full[order]
    n = len(starts)
    # rows v0, v2, v1, v3: each half of a SipRound pairs (v0, v2) with (v1, v3), one call for both
    v = np.empty((4, n), dtype=np.uint64)
    for row, word in zip(_ROWS, state, strict=True):
        v[row] = word
    scratch = np.empty((1, n), dtype=np.uint64)
    # how many texts (a prefix, longest first) still have their j-th full word
    running = np.searchsorted(-full, -np.arange(int(full[0])), side="left")
    for j, active in enumerate(running.tolist()):
        _compress(v[:, :active], scratch[:, :active], words[starts[:active] + 8 * j])
    tail = lengths & 7
    last = _last_words(words, data, starts + (full << 3))
    last &= (np.uint64(1) << (tail.astype(np.uint64) << np.uint64(3))) - np.uint64(1)
    last |= lengths.astype(np.uint64) << np.uint64(56)
    _compress(v, scratch, last)
    v[1] ^= np.uint64(0xFF)
    _rounds(v, scratch, 4)
    hashed = np.bitwise_xor.reduce(v, axis=0)
    if order is None:
        return hashed
    out = np.empty(n, dtype=np.uint64)
    out[order] = hashed
    return out


def _longest_first(full: np.ndarray) -> np.ndarray:
    """An order of the texts by decreasing count of full words. Any such order gives the same
    hashes, so ties need no care; on 16-bit keys numpy's stable sort is a radix sort, a pass
    over the block where sorting the 64-bit counts compares (a sixth of the time)."""
    most = int(full.max())
    keys = (most - full).astype(np.uint16) if most < 1 << 16 else -full
    return np.argsort(keys, kind="stable")


def _compress(v: np.ndarray, scratch: np.ndarray, m: np.ndarray) -> None:
    """One message word into the states: two SipRounds between two xors."""
    v[3] ^= m
    _rounds(v, scratch, 2)
    v[0] ^= m


def _rounds(v: np.ndarray, scratch: np.ndarray, times: int) -> None:
    """SipRounds on the rows (v0, v2, v1, v3): the additions and xors of each half's two
    independent chains run as one call on two rows."""
    v0, v2, v1, v3 = v
    v0_v2, v1_v3, v3_v1 = v[0:2], v[2:4], v[3:1:-1]
    t = scratch[0]
    for _ in range(times):
        v0_v2 += v1_v3
        _rotate(v1, 13, t)
        _rotate(v3, 16, t)
        v1_v3 ^= v0_v2
        _rotate(v0, 32, t)
        v0_v2 += v3_v1
        _rotate(v3, 21, t)
        _rotate(v1, 17, t)
        v3_v1 ^= v0_v2
        _rotate(v2, 32, t)


def _rotate(x: np.ndarray, bits: int, scratch: np.ndarray) -> None:
    np.left_shift(x, bits, out=scratch)
    np.right_shift(x, 64 - bits, out=x)
    x |= scratch
