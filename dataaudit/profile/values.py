"""Turn one chunk of one column into value-level facts: kind, missing-ness, hash.

Everything the profile counts is decided here, once per distinct value, so that a CSV cell
"3.0", a Parquet double 3.0 and a JSON number 3 all hash and count alike, whichever reader
produced them and whichever chunk they fall in. That value-level definition is what makes
per-chunk statistics merge to exactly the whole-file statistics.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.profile.spec import ProfileSpec

KINDS = ("integer", "float", "boolean", "text", "datetime")
TOKEN, INTEGER, FLOAT, BOOLEAN, TEXT, DATETIME = -1, 0, 1, 2, 3, 4

NULL_HASH = np.uint64(0x5BD1E9955BD1E995)
_BOOL_SALT = np.uint64(0x2545F4914F6CDD1D)
_TOKEN_SALT = np.uint64(0x9E3779B97F4A7C15)
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_INTEGER = r"^[+-]?\d+$"
_NUMBER_RE = re.compile(_NUMBER)
_NUMBER_START = pa.array(list("0123456789+-."))
_FOLD_DROP = re.compile(r"[\W_]+")


def fold_label(label: str) -> str:
    """The key under which spellings of one label collide: `Cat`, `cat `, `CAT.` -> `cat`."""
    folded = _FOLD_DROP.sub("", unicodedata.normalize("NFKC", label).casefold())
    return folded or label.strip()


def hash_strings(values: np.ndarray) -> np.ndarray:
    """64-bit hashes of distinct strings (no factorising: callers pass distinct values)."""
    return pd.util.hash_array(values, categorize=False)


def hash_numbers(values: np.ndarray) -> np.ndarray:
    # -0.0 and 0.0 are the same value; make them hash alike
    return pd.util.hash_array(np.asarray(values, dtype=np.float64) + 0.0, categorize=False)


@dataclass
class ValueTable:
    """The distinct values of a chunk with what the profile needs to know about each.

    `codes` maps every row to its value (-1 for a null); the per-value arrays are aligned
    with `raw` (the values as they appear, as Python strings for display and counting).
    `spaced` marks text with inner blanks: free text rather than a code or an id.
    """

    codes: np.ndarray
    kind: np.ndarray
    number: np.ndarray
    hashes: np.ndarray
    raw: np.ndarray
    spaced: np.ndarray

    @property
    def counts(self) -> np.ndarray:
        valid = self.codes[self.codes >= 0]
        return np.bincount(valid, minlength=len(self.kind))


@dataclass
class NumericChunk:
    """A chunk whose every non-null value parsed as a number: no value table needed."""

    values: np.ndarray
    valid: np.ndarray
    is_float: np.ndarray


def _as_numpy_codes(indices: pa.Array) -> np.ndarray:
    return indices.fill_null(-1).to_numpy(zero_copy_only=False).astype(np.int64, copy=False)


def try_numeric(array: pa.Array) -> NumericChunk | None:
    """Fast path for clean numeric columns: no hash table, one cast.

    Falls back (returns None) the moment any value needs a closer look: text, a token, NaN,
    surrounding blanks. The slow path then classifies each distinct value, and both paths
    produce the same hashes and counts for the same values.
    """
    typ = array.type
    if pa.types.is_integer(typ) or pa.types.is_floating(typ) or pa.types.is_decimal(typ):
        values = array.cast(pa.float64()).to_numpy(zero_copy_only=False)
        valid = ~np.isnan(values)
        return NumericChunk(values, valid, valid & (not pa.types.is_integer(typ)))
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ)) or not _starts_numeric(array):
        return None
    try:
        numbers = pc.cast(array, pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values = numbers.to_numpy(zero_copy_only=False)
    valid = numbers.is_valid().to_numpy(zero_copy_only=False)
    if not np.isfinite(values[valid]).all():
        return None  # "nan"/"inf" spelled out: let the value table decide
    return NumericChunk(values, valid, _float_literals(array, values, valid))


def _float_literals(array: pa.Array, values: np.ndarray, valid: np.ndarray) -> np.ndarray:
    """Rows written as a float ("2.5", "3.0", "1e3"); a non-integral value always is one, so
    only the integral values need their text looked at."""
    is_float = valid & (np.floor(values) != values)
    integral = valid & ~is_float
    if not integral.any():
        return is_float
    try:
        pc.cast(array.filter(pa.array(integral)), pa.int64())
        return is_float
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        candidates = array.filter(pa.array(integral))
        literal = pc.or_(pc.match_substring(candidates, "."), pc.match_substring(candidates, "e", ignore_case=True))
        is_float[np.flatnonzero(integral)] = literal.to_numpy(zero_copy_only=False)
        return is_float


def _starts_numeric(array: pa.Array, sample: int = 8) -> bool:
    """A failed cast costs a full scan; peek at the first values before trying one."""
    head = array.slice(0, 64).drop_null().slice(0, sample).to_pylist()
    return all(_NUMBER_RE.match(value) for value in head)


def value_table(array: pa.Array, spec: ProfileSpec) -> ValueTable:
    """Dictionary-encode the chunk and classify each distinct value once."""
    typ = array.type
    if pa.types.is_dictionary(typ):
        array = array.cast(typ.value_type)
        typ = array.type
    if pa.types.is_boolean(typ):
        return _boolean_table(array)
    if pa.types.is_temporal(typ):
        return _temporal_table(array)
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
        array = _to_text(array)
    encoded = pc.dictionary_encode(array)
    codes = _as_numpy_codes(encoded.indices)
    values = encoded.dictionary
    trimmed = pc.utf8_trim_whitespace(values)
    folded = trimmed if spec.case_sensitive else pc.utf8_lower(trimmed)
    token = pc.is_in(folded, value_set=pa.array(spec.folded_tokens, pa.string())).to_numpy(zero_copy_only=False)
    numeric, integer = _numeric_masks(trimmed, token)
    boolean = pc.is_in(pc.utf8_lower(trimmed), value_set=pa.array(["true", "false"])).to_numpy(
        zero_copy_only=False
    ) & ~token
    kind = np.full(len(values), TEXT, dtype=np.int8)
    kind[boolean] = BOOLEAN
    kind[numeric] = FLOAT
    kind[integer] = INTEGER
    kind[token] = TOKEN
    number = np.full(len(values), np.nan)
    if numeric.any():
        number[numeric] = pc.cast(trimmed.filter(pa.array(numeric)), pa.float64()).to_numpy()
    raw = values.to_numpy(zero_copy_only=False)
    hashes = np.empty(len(values), dtype=np.uint64)
    text = ~numeric & ~boolean
    hashes[text] = hash_strings(raw[text])
    hashes[token] ^= _TOKEN_SALT
    hashes[numeric] = hash_numbers(number[numeric])
    if boolean.any():
        truth = pc.equal(pc.utf8_lower(trimmed), "true").to_numpy(zero_copy_only=False)[boolean]
        hashes[boolean] = hash_numbers(truth.astype(np.float64)) ^ _BOOL_SALT
    spaced = (kind == TEXT) & pc.match_substring(trimmed, " ").to_numpy(zero_copy_only=False)
    return ValueTable(codes, kind, number, hashes, raw, spaced)


def _numeric_masks(trimmed: pa.Array, token: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which values are numbers, and which of those integers; the regular expressions only run
    on values whose first character could start a number, so text columns cost little."""
    numeric = np.zeros(len(trimmed), dtype=bool)
    integer = np.zeros(len(trimmed), dtype=bool)
    first = pc.utf8_slice_codeunits(trimmed, 0, 1)
    candidate = pc.is_in(first, value_set=_NUMBER_START).to_numpy(zero_copy_only=False) & ~token
    if candidate.any():
        where = np.flatnonzero(candidate)
        subset = trimmed.take(pa.array(where))
        numeric[where] = pc.match_substring_regex(subset, _NUMBER).to_numpy(zero_copy_only=False)
        integer[where] = pc.match_substring_regex(subset, _INTEGER).to_numpy(zero_copy_only=False)
    return numeric, integer & numeric


def _boolean_table(array: pa.Array) -> ValueTable:
    values = array.to_numpy(zero_copy_only=False)
    valid = array.is_valid().to_numpy(zero_copy_only=False)
    codes = np.where(valid, np.where(valid, values, False).astype(np.int64), -1)
    raw = np.array(["false", "true"], dtype=object)
    hashes = hash_numbers(np.array([0.0, 1.0])) ^ _BOOL_SALT
    kind = np.array([BOOLEAN, BOOLEAN], np.int8)
    return ValueTable(codes, kind, np.full(2, np.nan), hashes, raw, np.zeros(2, dtype=bool))


def _temporal_table(array: pa.Array) -> ValueTable:
    encoded = pc.dictionary_encode(array)
    raw = pc.cast(encoded.dictionary, pa.string()).to_numpy(zero_copy_only=False).astype(object)
    kind = np.full(len(raw), DATETIME, dtype=np.int8)
    n = len(raw)
    return ValueTable(_as_numpy_codes(encoded.indices), kind, np.full(n, np.nan), hash_strings(raw), raw,
                      np.zeros(n, dtype=bool))


def _to_text(array: pa.Array) -> pa.Array:
    """Nested or exotic values as their text, so they can still be counted and hashed."""
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in array.to_pylist()], pa.string())
