"""Facts about every text of an Arrow string array read straight from its bytes with numpy.

A compute kernel per question (a regular expression, a slice, a trim) walks every text and
allocates a result array; the questions the value table asks of a chunk's texts are about a
text's first and last bytes or its few characters, which numpy answers from the offsets and
data buffers in a pass or two over bytes that are already in memory, no string made.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa

from dataaudit.arrays import to_numpy

# bytes that may be or begin whitespace: ASCII blanks and controls, and every non-ASCII byte
_PRINTABLE_ASCII = (0x21, 0x7E)


def bytes_and_offsets(array: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """The data bytes and the `len(array) + 1` offsets into them of a string or binary array
    (views of its buffers, no copy); a null's bytes, if any, are not its value."""
    typ = array.type
    if pa.types.is_string(typ) or pa.types.is_binary(typ):
        offset_type = np.int32
    elif pa.types.is_large_string(typ) or pa.types.is_large_binary(typ):
        offset_type = np.int64
    else:
        raise TypeError(f"expects a string or binary array, not {typ}")
    _, offset_buffer, data_buffer = array.buffers()
    if offset_buffer is None:  # an empty array may come without buffers
        return np.zeros(0, dtype=np.uint8), np.zeros(1, dtype=np.int64)
    offsets = np.frombuffer(offset_buffer, dtype=offset_type)[array.offset:array.offset + len(array) + 1]
    data = np.frombuffer(data_buffer, dtype=np.uint8) if data_buffer is not None else np.zeros(0, np.uint8)
    return data, offsets


def may_have_blanks_around(array: pa.Array) -> bool:
    """Whether any text might start or end with whitespace: some first or last byte is not a
    printable ASCII character. False means trimming would leave every text as it is (a null
    counts as a text: its bytes can only make the answer True)."""
    data, offsets = bytes_and_offsets(array)
    starts, ends = offsets[:-1], offsets[1:]
    filled = ends > starts
    if not filled.any():
        return False
    edges = np.concatenate([data[starts[filled]], data[ends[filled] - 1]])
    low, high = _PRINTABLE_ASCII
    return bool(((edges < low) | (edges > high)).any())


def first_byte_in(array: pa.Array, allowed: bytes) -> np.ndarray:
    """Which texts start with one of the ASCII characters `allowed` (never an empty text): a
    UTF-8 text's first character is an ASCII one exactly when its first byte is. Each first
    byte is looked up in a table of the 256 bytes, one pass where `np.isin` takes one per
    allowed byte."""
    data, offsets = bytes_and_offsets(array)
    starts, ends = offsets[:-1], offsets[1:]
    if not len(data):
        return np.zeros(len(array), dtype=bool)
    table = np.zeros(256, dtype=bool)
    table[np.frombuffer(allowed, dtype=np.uint8)] = True
    # an empty text's start may be the end of the data: read within it, the answer then masked
    out = table[data[np.minimum(starts, len(data) - 1)]]
    out &= ends > starts
    if array.null_count:
        out &= to_numpy(array.is_valid())
    return out


#: the longest texts `plain_numbers` reads: each byte's kind is counted in four bits
PLAIN_LONGEST = 15
_DOT, _MINUS, _ZERO = ord("."), ord("-"), ord("0")


def plain_numbers(array: pa.Array, longest: int = PLAIN_LONGEST) -> np.ndarray:
    """Which texts of at most `longest` bytes (at most `PLAIN_LONGEST`) are numbers written
    plainly, `-?(0|[1-9][0-9]*)(\\.[0-9]*[1-9])?`: an integer or a decimal without exponent,
    sign +, leading or trailing zeros (a text without nulls).

    A regular expression runs once per text; this counts each text's bytes that are dots and
    those that are neither digits nor dots in one pass over the data (a byte each: a dot is 1,
    any other non-digit 16, summed per text, which at most 15 bytes long cannot overflow),
    then looks at three bytes of each text: its first, the one after it and its last."""
    if not 0 < longest <= PLAIN_LONGEST:
        raise ValueError(f"longest must be from 1 to {PLAIN_LONGEST}, not {longest}")
    data, offsets = bytes_and_offsets(array)
    if not len(data):
        return np.zeros(len(array), dtype=bool)
    end = int(offsets[-1])
    window = data[:end]
    dot = window == _DOT
    other = (window - np.uint8(_ZERO)) > 9
    other &= ~dot
    kind = np.zeros(end + 1, dtype=np.uint8)  # one byte more: a last empty text starts there
    np.left_shift(other.view(np.uint8), 4, out=kind[:end])
    kind[:end] |= dot.view(np.uint8)
    counts = np.add.reduceat(kind, offsets)[:-1]  # a segment per text, from its offset to the next
    others, dots = counts >> 4, counts & 15
    starts, ends = offsets[:-1], offsets[1:]
    lengths = ends - starts
    last_byte = len(data) - 1  # an empty text's bytes are read within the data, the answer then masked
    sign = data[np.minimum(starts, last_byte)] == _MINUS
    body = starts + sign
    first, second = data[np.minimum(body, last_byte)], data[np.minimum(body + 1, last_byte)]
    last = data[np.maximum(ends - 1, 0)]
    plain = (lengths <= longest) & (lengths > sign) & (others == sign) & (dots <= 1)
    plain &= (first - np.uint8(_ZERO)) <= 9  # a digit opens the number, not its dot
    plain &= ~((first == _ZERO) & (body + 1 < ends) & (second != _DOT))  # a leading zero is the whole integer
    plain &= ~((dots == 1) & ((last == _DOT) | (last == _ZERO)))  # a decimal ends in a digit other than 0
    return plain
