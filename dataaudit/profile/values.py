"""Turn one chunk of one column into value-level facts: kind, missing-ness, hash.

Everything the profile counts is decided here, once per distinct value, whichever reader
produced it and whichever chunk it falls in. That value-level definition is what makes
per-chunk statistics merge to exactly the whole-file statistics.

Two kinds of facts, kept apart on purpose. The *kind* and *number* of a value (is `007` an
integer? which float is `1e3`?) feed statistics only: numeric summaries, drift, the schema.
The *hash* is the value's identity, which decides duplicate rows, conflicts and leakage: a
text cell is identified by its text exactly as written, so `007` and `7`, `1e3` and `1000`,
`True` and `TRUE` are different values; a typed cell (Parquet, a DataFrame) by its value, so
a float64 1.0 is one value. The two meet where a text is spelled the way its number prints
(`3`, `2.5`): such a cell hashes as the number, so the cell "3" of a CSV and the int 3 of a
Parquet split are one value.
"""

from __future__ import annotations

import decimal
import functools
import re
import unicodedata
from collections.abc import Callable, Collection
from dataclasses import dataclass

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import python_values, to_numpy
from dataaudit.io.decimal_text import decimal_values
from dataaudit.profile.siphash import hash_floats, hash_objects, hash_texts
from dataaudit.profile.spec import ProfileSpec
from dataaudit.profile.text_bytes import bytes_and_offsets, first_byte_in, may_have_blanks_around, plain_numbers

KINDS = ("integer", "float", "boolean", "text", "datetime")
TOKEN, INTEGER, FLOAT, BOOLEAN, TEXT, DATETIME = -1, 0, 1, 2, 3, 4

NULL_HASH = np.uint64(0x5BD1E9955BD1E995)
# beyond 2**53 a float64 no longer holds every integer: such integers are identified by their digits
EXACT_INTEGERS = 2**53
_BOOLEANS = pa.array(["false", "true"], pa.string())
_NUMBER = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_INTEGER = r"^[+-]?\d+$"
_NUMBER_RE = re.compile(_NUMBER)
# an infinity as pandas' read_csv, pyarrow's CSV reader and float() all read one: `inf` or
# `infinity` in any case, signed or not (`1e999` is one too, through the exponent)
_INFINITY = r"^[+-]?(?i:inf|infinity)$"
_INFINITY_RE = re.compile(_INFINITY)
_INFINITY_LENGTHS = (len("inf"), len("+inf"), len("infinity"), len("+infinity"))
_INFINITY_FIRST = b"+-iI"
_INFINITY_LAST = np.frombuffer(b"fFyY", dtype=np.uint8)
# an integer or a decimal without exponent, sign +, leading or trailing zeros, as
# `plain_numbers` reads it from the bytes
_PLAIN = r"^-?(0|[1-9][0-9]*)(\.[0-9]*[1-9])?$"
_PLAIN_CHARS = 15
_NUMBER_START = b"0123456789+-."
_DIGITS = "0123456789"
_BOOLEAN_TEXTS = pa.array(["true", "false"], pa.string())
# an ISO 8601 date or timestamp as pyarrow's CSV reader infers one (a date32 or a timestamp,
# blanks around it trimmed), and as a typed date or timestamp prints
_DATE_TEXT = (r"^\s*\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])"
              r"([T ]([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?\s*$")
_DATE_RE = re.compile(_DATE_TEXT, re.ASCII)
_DATE_LENGTHS = (len("2019-10-21"), len(" 2019-10-21T08:30:00.123456789+05:00 "))
_DATE_START = b"0123456789 \t"
# a number as a spreadsheet shows it: a decimal comma (`12,5`), thousands separators (`1,200`,
# `1.200,50`, `1\u202f200`), a currency sign before or after (`$12.50`, `12 €`), a percent sign
_CURRENCY = "$€£¥"
_GROUPED = (r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d{1,3}(?:\.\d{3})+(?:,\d+)?"
            r"|\d{1,3}(?:[\x{a0}\x{202f}']\d{3})+(?:[.,]\d+)?")
_FORMATTED_NUMBER = (rf"^\s*[+-]?[{_CURRENCY}]?\s*(?:{_GROUPED}|\d+,\d+|\d+(?:\.\d+)?)"
                     rf"\s*(?:%|[{_CURRENCY}])?\s*$")
_FORMATTED_START = ("0123456789+- \t" + _CURRENCY).encode()
_NO_TOKENS = pa.array([], pa.string())
_DISTINCT_SAMPLE = 1024
#: what joins the words of a label (`not spam`, `not_spam`, `not-spam`), between two letters or digits
_WORD_JOINS = re.compile(r"(?<=[^\W_])[\s_-]+(?=[^\W_])")
_SENTENCE_MARKS = ".,;:!?"
_QUOTES = "\"'`"
#: the largest power of ten a numeric label's key writes out in digits
_PLAIN_EXPONENT = 30


def fold_label(label: str) -> str:
    """The key under which spellings of one label collide: its case (`Cat`, `CAT`), blanks
    around it (`cat `), Unicode's compatibility forms (NFKC), quotes around it and sentence marks
    after it (`"cat"`, `cat.`), and how its words are joined (`not spam`, `Not_Spam`,
    `not-spam`). Every other mark is kept, for it makes another label: a sign (`-1` is no `1`), a
    decimal point (`1.5` is no `15`), `C++` and `C#`, `A+` and `A-`. A label written as a
    number folds by its value (`_number_key`)."""
    text = unicodedata.normalize("NFKC", label).casefold().strip()
    if looks_numeric(text):
        return _number_key(text)
    unquoted = text.strip(_QUOTES).rstrip(_SENTENCE_MARKS).strip(_QUOTES).strip()
    return _WORD_JOINS.sub(" ", unquoted) or label.strip()


def _number_key(text: str) -> str:
    """The key of a label written as a number (`text` casefolded and trimmed): its value, exactly,
    so `1`, `1.0`, `+1`, `1e0` and `1.00` are one class respelled (the float `1.0` beside the
    integer `1` a column gets when some rows passed through a float), while `-1` and `1`, `1.5`
    and `15` stay apart. Whole values key as their digits (`10`), others in plain decimals
    (`1.5`); a zero-padded code (`01`, `007`) keeps its spelling, its zeros meaning something.
    Compared as decimals, not floats: `9007199254740993` is no `9007199254740992`."""
    if _INFINITY_RE.match(text):
        return "-inf" if text.startswith("-") else "inf"
    digits = text.lstrip("+-")
    if len(digits) > 1 and digits[0] == "0" and digits[1].isdigit():
        return text
    value = decimal.Decimal(text)
    if value.is_zero():
        return "0"
    if abs(value.adjusted()) > _PLAIN_EXPONENT:  # no thousand-digit key for `1e999`
        return str(value.normalize())
    if value == value.to_integral_value():
        return str(int(value))
    return format(value.normalize(), "f")


def looks_numeric(text: str) -> bool:
    """Whether `text`, trimmed, is written as a number (the value table's test of one value)."""
    trimmed = text.strip()
    return _NUMBER_RE.match(trimmed) is not None or _INFINITY_RE.match(trimmed) is not None


def hash_strings(values: np.ndarray | pa.Array | pa.ChunkedArray) -> np.ndarray:
    """64-bit hashes of distinct strings (no factorising: callers pass distinct values), an
    object array of them or an Arrow string array without nulls (no Python string made)."""
    return hash_texts(values) if isinstance(values, pa.Array | pa.ChunkedArray) else hash_objects(values)


def hash_numbers(values: np.ndarray) -> np.ndarray:
    # -0.0 and 0.0 are the same value; make them hash alike
    return hash_floats(np.asarray(values, dtype=np.float64) + 0.0)


def printed(numbers: np.ndarray) -> pa.Array:
    """How each number prints: whole numbers up to 2**53 as their digits (`3`, `10000000000`),
    others in the shortest form that reads back as the same float (`2.5`, `1e+20`)."""
    x = np.asarray(numbers, dtype=np.float64) + 0.0
    whole = (np.floor(x) == x) & (np.abs(x) <= EXACT_INTEGERS)
    digits = pc.cast(pa.array(np.where(whole, x, 0).astype(np.int64)), pa.string())
    if whole.all():
        return digits
    return pc.if_else(pa.array(whole), digits, pc.cast(pa.array(x), pa.string()))


def as_printed(text: pa.Array, numbers: np.ndarray) -> np.ndarray:
    """Which texts are spelled exactly as their numbers print (`printed`).

    Printing every float costs more than the rest of a numeric column's profile, so the
    common spellings are recognised from the text alone: a plain integer of at most 15
    characters (below 2**53, it prints as its digits), and a plain decimal of at most 15
    characters between 1e-5 and 1e9 (printed in fixed notation, and with at most 14 digits no
    shorter spelling reads back as the same float). Only the other texts are printed and
    compared; both ways give the same answer (a property test checks it).
    """
    plain = _plain_spellings(text)
    magnitude = np.abs(numbers)
    fixed = (np.floor(numbers) == numbers) | ((magnitude >= 1e-5) & (magnitude < 1e9))
    same = plain & fixed & ~((numbers == 0) & np.signbit(numbers))  # "-0" prints as "0"
    rest = np.flatnonzero(~same)
    if rest.size:
        same[rest] = to_numpy(pc.equal(printed(numbers[rest]), text.take(pa.array(rest))))
    return same


def _plain_spellings(text: pa.Array) -> np.ndarray:
    """Which texts match `_PLAIN` in at most `_PLAIN_CHARS` characters. Digits alone match
    unless a `0` leads others, which a scan of the text and its first byte tell; only the other
    texts (decimals, signs) need their bytes counted (`plain_numbers`), the costlier test."""
    # a plain spelling is ASCII, so its length in bytes is its length in characters
    lengths = to_numpy(pc.binary_length(text))
    digits = to_numpy(pc.ascii_is_decimal(text))
    plain = digits & ((lengths == 1) | ~first_byte_in(text, b"0"))
    plain |= _answered(text, ~digits, lambda texts: plain_numbers(texts, _PLAIN_CHARS))
    return plain & (lengths <= _PLAIN_CHARS)


def spelled_hashes(text: pa.Array, numbers: np.ndarray, is_number: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The identity of each (non-null) text as written, and which numbers are respelled.

    A number spelled as it prints hashes as that number (one hash with the typed value); any
    other text, a respelled number (`007`, `1e3`) included, as its characters. So two texts
    hash alike only when they are the same text.
    """
    canonical = is_number.copy()
    if canonical.all():
        canonical = as_printed(text, numbers)
    elif canonical.any():
        where = np.flatnonzero(canonical)
        canonical[where] = as_printed(text.take(pa.array(where)), numbers[where])
    if canonical.all():  # a column of numbers as they print: no text hashed, no cell moved
        return hash_numbers(numbers), np.zeros(len(text), dtype=bool)
    if not canonical.any():  # words, ids, respelled numbers: every text hashed, none moved
        return hash_strings(text), is_number.copy()
    hashes = np.empty(len(text), dtype=np.uint64)
    hashes[canonical] = hash_numbers(numbers[canonical])
    other = ~canonical
    hashes[other] = hash_strings(text.filter(pa.array(other)))
    return hashes, is_number & ~canonical


def integer_hashes(array: pa.Array) -> np.ndarray:
    """Typed integers by value, exactly: those a float64 holds as the number (one hash with
    the float 3.0 and the text "3"), larger ones (int64 past 2**53, uint64) by their digits."""
    numbers = to_numpy(array.cast(pa.float64(), safe=False))
    hashes = hash_numbers(numbers)
    exact = to_numpy(array)
    # compared as integers: 2**53 + 1 rounds to the float 2**53, the integer must not
    large = exact > EXACT_INTEGERS
    if np.issubdtype(exact.dtype, np.signedinteger):
        large |= exact < -EXACT_INTEGERS
    if large.any():
        digits = to_numpy(pc.cast(array.filter(pa.array(large)), pa.string()))
        hashes[large] = hash_strings(digits)
    return hashes


@dataclass
class ValueTable:
    """The distinct values of a chunk with what the profile needs to know about each.

    `codes` maps every row to its value (-1 for a null); the per-value arrays are aligned
    with `values` (the values as they appear, as text). They stay Arrow strings: a column of
    ids or free text has as many distinct values as rows, and only the few a profile counts
    or shows by name are turned into Python strings (`texts`).
    `spaced` marks text with inner blanks: free text rather than a code or an id;
    `respelled` marks numbers whose text is not how the number prints (`007`, `1.10`, `1e3`):
    turned into numbers, they would be written back differently;
    `padded` marks text that starts or ends with whitespace, which trimming would rewrite.
    """

    codes: np.ndarray
    kind: np.ndarray
    number: np.ndarray
    hashes: np.ndarray
    values: pa.Array
    spaced: np.ndarray
    respelled: np.ndarray
    padded: np.ndarray

    @property
    def raw(self) -> np.ndarray:
        """Every distinct value as a Python string."""
        return to_numpy(self.values)

    def texts(self, mask: np.ndarray) -> list[str]:
        """The values where `mask` holds, as Python strings."""
        return self.values.filter(pa.array(mask)).to_pylist()

    @property
    def counts(self) -> np.ndarray:
        # nulls (-1) counted in a slot of their own, dropped: no pass to set them apart first
        return np.bincount(self.codes + 1, minlength=len(self.kind) + 1)[1:]


@dataclass
class NumericChunk:
    """A chunk whose every non-null value is a number or a missing-value token spelled exactly
    as the rule pack lists it: no value table needed. `hashes` are the cells' identities
    (`spelled_hashes`), `respelled` as in `ValueTable`; `token` marks the token cells and
    `tokens` counts them by their text."""

    values: np.ndarray
    valid: np.ndarray
    is_float: np.ndarray
    hashes: np.ndarray
    respelled: np.ndarray
    token: np.ndarray
    tokens: dict[str, int]

    def per_row(self, codes: np.ndarray) -> NumericChunk:
        """This chunk of distinct texts spread over the rows (`codes`: each row's text, -1 for
        a null, which is missing as a null cell is)."""
        slot = np.where(codes < 0, len(self.values), codes)

        def spread(per_value: np.ndarray, null: object) -> np.ndarray:
            return np.append(per_value, null)[slot]

        return NumericChunk(spread(self.values, np.nan), spread(self.valid, False), spread(self.is_float, False),
                            spread(self.hashes, NULL_HASH), spread(self.respelled, False), spread(self.token, False),
                            self.tokens)


def _as_numpy_codes(indices: pa.Array) -> np.ndarray:
    """Dictionary indices as int64, -1 for a null (filled only where there is one: the fill
    copies the indices through a compute call)."""
    return to_numpy(indices.fill_null(-1) if indices.null_count else indices).astype(np.int64, copy=False)


def try_numeric(array: pa.Array, spec: ProfileSpec | None = None) -> NumericChunk | None:
    """Fast path for clean numeric columns: one cast, no classification of each value.

    Cells spelled exactly as one of `spec`'s missing-value tokens (the `""` of a CSV's
    missing numbers) are set aside first: a column of numbers with a few of them stays on this
    path instead of classifying every distinct number. Falls back (returns None) the moment
    any other value needs a closer look: text, another spelling of a token, NaN, surrounding
    blanks. The slow path then classifies each distinct value, and both paths produce the
    same hashes and counts for the same values.
    """
    typ = array.type
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        # statistics in float64; past 2**53 an integer is rounded there, but not in its hash
        values = to_numpy(array.cast(pa.float64(), safe=False))
        valid = ~np.isnan(values)
        hashes = np.full(len(values), NULL_HASH, dtype=np.uint64)
        typed = integer_hashes(array.filter(pa.array(valid))) if pa.types.is_integer(typ) else hash_numbers(
            values[valid])
        hashes[valid] = typed
        none = np.zeros(len(values), dtype=bool)
        return NumericChunk(values, valid, valid & (not pa.types.is_integer(typ)), hashes, none, none, {})
    if not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
        return None
    tokens = exact_tokens(spec) if spec is not None else _NO_TOKENS
    if not _starts_numeric(array, tokens):
        return None
    if not _few_distinct(array):
        return _numeric_texts(array, tokens, np.ones(len(array), dtype=np.int64))
    # ages, counts, codes: each distinct text is parsed, checked and hashed once, not once a row
    encoded = pc.dictionary_encode(array)
    codes = _as_numpy_codes(encoded.indices)
    texts = encoded.dictionary
    chunk = _numeric_texts(texts, tokens, np.bincount(codes[codes >= 0], minlength=len(texts)))
    return None if chunk is None else chunk.per_row(codes)


def _few_distinct(array: pa.Array) -> bool:
    """Whether the chunk's first cells repeat enough that working per distinct value (a hash
    table over the chunk first) costs less than working per cell."""
    return pc.count_distinct(array.slice(0, _DISTINCT_SAMPLE)).as_py() * 4 <= _DISTINCT_SAMPLE


def _numeric_texts(array: pa.Array, tokens: pa.Array, weights: np.ndarray) -> NumericChunk | None:
    """`try_numeric` of texts that each stand for `weights` rows (the tokens' counts)."""
    typ = array.type
    is_token = _token_cells(array, tokens)
    try:
        numbers = pc.cast(pc.if_else(pa.array(is_token), pa.scalar(None, typ), array) if is_token.any() else array,
                          pa.float64())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return None
    values = to_numpy(numbers)
    valid = to_numpy(numbers.is_valid())
    present_values = values[valid]
    if not np.isfinite(present_values).all():
        return None  # "nan"/"inf" spelled out: let the value table decide
    present = array if valid.all() else array.filter(pa.array(valid))
    hashes = np.full(len(values), NULL_HASH, dtype=np.uint64)
    respelled = np.zeros(len(values), dtype=bool)
    hashes[valid], respelled[valid] = spelled_hashes(present, present_values, np.ones(len(present), dtype=bool))
    counted: dict[str, int] = {}
    if is_token.any():
        encoded = pc.dictionary_encode(array.filter(pa.array(is_token)))
        codes = _as_numpy_codes(encoded.indices)
        texts = to_numpy(encoded.dictionary)
        hashes[is_token] = hash_strings(texts)[codes]  # a token is identified by its text, as in the value table
        counts = np.bincount(codes, weights=weights[is_token], minlength=len(texts)).astype(np.int64)
        counted = dict(zip(texts.tolist(), counts.tolist(), strict=True))
    return NumericChunk(values, valid, _float_literals(array, values, valid), hashes, respelled, is_token, counted)


def _token_cells(array: pa.Array, tokens: pa.Array) -> np.ndarray:
    """Which cells are one of `tokens` exactly; only cells no longer than the longest token and
    starting as one does (with its first byte, or empty as the empty token) are looked up, from
    the offsets and a byte each: in a column of numbers, whose short cells (`7`, `2.5`) start
    with digits no token starts with, that is few cells or none."""
    written = [token.encode() for token in tokens.to_pylist()]
    longest = max(map(len, written), default=-1)
    _, offsets = bytes_and_offsets(array)
    lengths = np.diff(offsets)
    starts_as_token = first_byte_in(array, bytes({token[0] for token in written if token}))
    if b"" in written:
        starts_as_token |= lengths == 0
    short = np.flatnonzero((lengths <= longest) & starts_as_token)
    is_token = np.zeros(len(array), dtype=bool)
    if short.size:
        found = pc.is_in(array.take(pa.array(short)), value_set=tokens)
        is_token[short] = to_numpy(pc.fill_null(found, False))
    return is_token


def exact_tokens(spec: ProfileSpec) -> pa.Array:
    """The texts that are a missing-value token of `spec` exactly as written: each is one the
    value table's own test (trimmed, folded) calls a token, so setting them aside is exact.
    Made once per rule pack's tokens: every numeric chunk of every column asks."""
    return _exact_tokens(spec.tokens, spec.folded_tokens, spec.case_sensitive)


@functools.lru_cache(maxsize=8)
def _exact_tokens(tokens: tuple[str, ...], folded_tokens: tuple[str, ...], case_sensitive: bool) -> pa.Array:
    candidates = pa.array(sorted({*tokens, *folded_tokens}), pa.string())
    trimmed = pc.utf8_trim_whitespace(candidates)
    folded = trimmed if case_sensitive else pc.utf8_lower(trimmed)
    return candidates.filter(pc.is_in(folded, value_set=pa.array(folded_tokens, pa.string())))


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
        is_float[np.flatnonzero(integral)] = to_numpy(literal)
        return is_float


def _starts_numeric(array: pa.Array, tokens: pa.Array, sample: int = 8) -> bool:
    """A failed cast costs a full scan; peek at the first values (tokens aside) before trying one."""
    skipped = set(tokens.to_pylist())
    head = [value for value in array.slice(0, 64).drop_null().to_pylist() if value not in skipped][:sample]
    return all(_NUMBER_RE.match(value) for value in head)


def value_table(array: pa.Array, spec: ProfileSpec, *, per_cell: bool = False) -> ValueTable:
    """Dictionary-encode the chunk and classify each distinct value once.

    `per_cell`: every non-null cell is a value of its own, for a column of ids or free text
    whose values are no longer counted: nearly every cell is distinct, so the hash table
    would find no work to save. Only for text: numbers add up per distinct value, in the
    order they first appear, so a chunk holding one is encoded after all."""
    typ = array.type
    if pa.types.is_dictionary(typ):
        array = array.cast(typ.value_type)
        typ = array.type
    if pa.types.is_boolean(typ):
        return _boolean_table(array)
    if pa.types.is_temporal(typ):
        return _temporal_table(array)
    if pa.types.is_decimal(typ):
        array = decimal_values(array)
    elif not (pa.types.is_string(typ) or pa.types.is_large_string(typ)):
        array = as_text(array)
    if per_cell:
        values = array.drop_null()
        codes = np.full(len(array), -1, dtype=np.int64)
        codes[to_numpy(array.is_valid())] = np.arange(len(values))
    else:
        encoded = pc.dictionary_encode(array)
        codes = _as_numpy_codes(encoded.indices)
        values = encoded.dictionary
    trimmed, kind, number = classify(values, spec)
    numeric = (kind == INTEGER) | (kind == FLOAT)
    if per_cell and numeric.any():
        return value_table(array, spec)
    hashes, respelled = spelled_hashes(values, number, numeric)
    return ValueTable(codes, kind, number, hashes, values, _spaced(trimmed, kind == TEXT), respelled,
                      trimmed_away(values, trimmed))


def trimmed_away(texts: pa.Array, trimmed: pa.Array) -> np.ndarray:
    """Which `texts` lost whitespace in `trimmed` (theirs, trimmed; the same array when no text
    could have any: `classify`'s shortcut). Trimming only removes characters, so a text was
    trimmed exactly when it got shorter."""
    if trimmed is texts:
        return np.zeros(len(texts), dtype=bool)
    return to_numpy(pc.fill_null(pc.not_equal(pc.binary_length(texts), pc.binary_length(trimmed)), False))


def _spaced(trimmed: pa.Array, text: np.ndarray) -> np.ndarray:
    """Which of the `text` values hold a blank."""
    return _answered(trimmed, text, lambda texts: pc.match_substring(texts, " "))


def _answered(texts: pa.Array, mask: np.ndarray, ask: Callable[[pa.Array], pa.Array | np.ndarray]) -> np.ndarray:
    """`ask`'s answer (a boolean array, Arrow's or numpy's) for the texts where `mask` holds, False elsewhere
    (`texts` hold no null: distinct values, or a chunk's cells present). Where they are most
    of the texts every text is asked: copying them out first (`take`) costs more than asking
    the few others. Else only they are, so a few words among a column of numbers do not have
    every number searched."""
    answer = np.zeros(len(texts), dtype=bool)
    count = int(mask.sum())
    if 2 * count >= len(texts):
        answer[:] = _as_mask(ask(texts))
        answer &= mask
    elif count:
        where = np.flatnonzero(mask)
        answer[where] = _as_mask(ask(texts.take(pa.array(where))))
    return answer


def _as_mask(answer: pa.Array | np.ndarray) -> np.ndarray:
    return answer if isinstance(answer, np.ndarray) else to_numpy(answer)


def classify(values: pa.Array, spec: ProfileSpec) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """Each distinct text's kind and number (NaN unless numeric), with the texts trimmed.

    Apart from the hashing, so that a step which only needs to know which values are tokens
    or sentinels (`MissingToNull`) decides exactly as the audit does without paying for it.
    """
    trimmed = pc.utf8_trim_whitespace(values) if may_have_blanks_around(values) else values
    token, boolean = _tokens_and_booleans(trimmed, spec)
    numeric, integer = _numeric_masks(trimmed, token)
    kind = np.full(len(values), TEXT, dtype=np.int8)
    kind[boolean] = BOOLEAN
    kind[numeric] = FLOAT
    kind[integer] = INTEGER
    kind[token] = TOKEN
    number = np.full(len(values), np.nan)
    if numeric.any():
        number[numeric] = to_numpy(pc.cast(trimmed.filter(pa.array(numeric)), pa.float64()))
    return trimmed, kind, number


def _tokens_and_booleans(trimmed: pa.Array, spec: ProfileSpec) -> tuple[np.ndarray, np.ndarray]:
    """Which trimmed texts are missing-value tokens, and which others booleans, once folded.

    Lower-casing keeps a text's number of characters, so only texts no longer than the
    longest token or `false` can be either: the others (every id, every sentence) are never
    folded, which on a column of free text is most of `classify`'s work. Nor are texts that
    start with a digit while no token does: the numbers of a column of numbers and words."""
    token = np.zeros(len(trimmed), dtype=bool)
    boolean = np.zeros(len(trimmed), dtype=bool)
    longest = max([len("false"), *map(len, spec.folded_tokens)])
    # a character takes at most 4 bytes: longer texts are not even counted in characters
    could_be = to_numpy(pc.binary_length(trimmed)) <= 4 * longest
    if not any(folded[:1] in _DIGITS for folded in spec.folded_tokens if folded):
        # folding keeps an ASCII digit: numbers (a column of codes) are then neither tokens nor booleans
        could_be &= ~first_byte_in(trimmed, _DIGITS.encode())
    short = np.flatnonzero(could_be)
    if short.size == 0:
        return token, boolean
    characters = pc.utf8_length(trimmed if short.size == len(trimmed) else trimmed.take(pa.array(short)))
    short = short[to_numpy(characters) <= longest]
    if short.size == 0:
        return token, boolean
    texts = trimmed if short.size == len(trimmed) else trimmed.take(pa.array(short))
    folded = texts if spec.case_sensitive else pc.utf8_lower(texts)
    is_token = to_numpy(pc.is_in(folded, value_set=pa.array(spec.folded_tokens, pa.string())))
    lower = pc.utf8_lower(texts) if spec.case_sensitive else folded
    token[short] = is_token
    boolean[short] = to_numpy(pc.is_in(lower, value_set=_BOOLEAN_TEXTS)) & ~is_token
    return token, boolean


def _numeric_masks(trimmed: pa.Array, token: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Which values are numbers, and which of those integers; the regular expressions only run
    on values whose first character could start a number, so text columns cost little, and
    not on plain digits (the usual integers), which a simple scan recognises. A spelled-out
    infinity is a number (a float), as the readers users load the file with read it."""
    digits = to_numpy(pc.ascii_is_decimal(trimmed)) & ~token
    numeric, integer = digits.copy(), digits.copy()
    candidate = first_byte_in(trimmed, _NUMBER_START) & ~token & ~digits
    if candidate.any():
        where = np.flatnonzero(candidate)
        subset = trimmed.take(pa.array(where))
        numeric[where] = to_numpy(pc.match_substring_regex(subset, _NUMBER))
        integer[where] = to_numpy(pc.match_substring_regex(subset, _INTEGER))
    numeric |= _infinities(trimmed, ~token & ~numeric)
    return numeric, integer & numeric


def _infinities(trimmed: pa.Array, mask: np.ndarray) -> np.ndarray:
    """Which texts where `mask` holds spell an infinity (`_INFINITY`). Only texts of its lengths
    (3, 4, 8 or 9 bytes), starting with a sign or an `i` and ending with an `f` or a `y`, are
    matched: in a column of words, few or none, found from the offsets and two bytes each."""
    data, offsets = bytes_and_offsets(trimmed)
    where = np.flatnonzero(mask & first_byte_in(trimmed, _INFINITY_FIRST))
    starts, ends = offsets[:-1][where], offsets[1:][where]
    where = where[np.isin(ends - starts, _INFINITY_LENGTHS) & np.isin(data[ends - 1], _INFINITY_LAST)]
    found = np.zeros(len(trimmed), dtype=bool)
    if where.size:
        found[where] = to_numpy(pc.match_substring_regex(trimmed.take(pa.array(where)), _INFINITY))
    return found


def spelled_infinities(values: pa.Array, number: np.ndarray) -> np.ndarray:
    """Which of `values` (with their `number`s, as `classify` gives them) are an infinity
    spelled as a word (`inf`, `-Infinity`) rather than as a number (`1e999`). Such a word is a
    number only in a column of numbers: in one of words (positions `sup`, `inf`, `med`) it is
    a word too, which the value alone cannot tell (`ColumnPartial.resolved`)."""
    found = np.isinf(number)
    if found.any():
        where = np.flatnonzero(found)
        written = pc.utf8_trim_whitespace(values.take(pa.array(where)))
        found[where] = ~to_numpy(pc.match_substring_regex(written, _NUMBER))
    return found


def spelled_are_numbers(kinds: Collection[str]) -> bool:
    """Whether spelled infinities are numbers in a column whose other values present are of
    `kinds` (`KINDS` names): numbers alone, one at least, as pandas reads such a column."""
    return bool(kinds) and all(kind in ("integer", "float") for kind in kinds)


def infinite_numbers(values: pa.Array, spec: ProfileSpec) -> np.ndarray:
    """Which of one column's distinct text `values` are infinite numbers, as the audit counts
    them: `1e999` always, a spelled infinity as `spelled_are_numbers` says of the others."""
    _, kind, number = classify(values, spec)
    spelled = spelled_infinities(values, number)
    others = {KINDS[code] for code in kind[(kind >= 0) & ~spelled].tolist()}
    return np.isinf(number) & (~spelled | spelled_are_numbers(others))


def numbers_of(texts: list[str]) -> np.ndarray:
    """The numbers of texts `classify` reads as numbers, read as it reads them."""
    return to_numpy(pc.cast(pc.utf8_trim_whitespace(pa.array(texts, pa.string())), pa.float64()))


def date_texts(texts: pa.Array, mask: np.ndarray) -> np.ndarray:
    """Which `texts` where `mask` holds read as a date or timestamp (`_DATE_TEXT`): a CSV has
    no types, so its dates are text that a reader turns into the dates a typed file holds.
    Only texts of a date's lengths, starting with a digit or a blank, are matched."""
    lengths = to_numpy(pc.binary_length(texts)) if len(texts) else np.zeros(0, dtype=np.int64)
    candidate = mask & (lengths >= _DATE_LENGTHS[0]) & (lengths <= _DATE_LENGTHS[1])
    if not candidate.any():
        return candidate
    candidate &= first_byte_in(texts, _DATE_START)
    return _answered(texts, candidate, lambda found: pc.match_substring_regex(found, _DATE_TEXT))


def is_date_text(text: str) -> bool:
    """Whether one text reads as a date or timestamp, as `date_texts` reads a column's."""
    return _DATE_RE.match(text) is not None


def formatted_numbers(texts: pa.Array, mask: np.ndarray) -> np.ndarray:
    """Which `texts` where `mask` holds are numbers as a spreadsheet or a report formats them
    (`_FORMATTED_NUMBER`): a decimal comma, thousands separators, a currency or percent sign.
    pandas, pyarrow and a training script read them as text, not numbers. Only texts starting
    with a digit, a sign, a currency sign or a blank are matched."""
    candidate = mask & first_byte_in(texts, _FORMATTED_START) if mask.any() else mask
    return _answered(texts, candidate, lambda found: pc.match_substring_regex(found, _FORMATTED_NUMBER))


def _boolean_table(array: pa.Array) -> ValueTable:
    values = to_numpy(array)
    valid = to_numpy(array.is_valid())
    codes = np.where(valid, np.where(valid, values, False).astype(np.int64), -1)
    kind = np.array([BOOLEAN, BOOLEAN], np.int8)
    # a typed boolean is the text it prints as, so it equals a CSV's `true`, not its `True`
    return ValueTable(codes, kind, np.full(2, np.nan), hash_strings(_BOOLEANS), _BOOLEANS,
                      np.zeros(2, dtype=bool), np.zeros(2, dtype=bool), np.zeros(2, dtype=bool))


def _temporal_table(array: pa.Array) -> ValueTable:
    encoded = pc.dictionary_encode(array)
    texts = as_text(encoded.dictionary)  # an interval (months, days, nanoseconds) has no cast to text
    n = len(texts)
    kind = np.full(n, DATETIME, dtype=np.int8)
    return ValueTable(_as_numpy_codes(encoded.indices), kind, np.full(n, np.nan), hash_strings(texts), texts,
                      np.zeros(n, dtype=bool), np.zeros(n, dtype=bool), np.zeros(n, dtype=bool))


def as_text(array: pa.Array) -> pa.Array:
    """Nested or exotic values (bytes that are no UTF-8 too) as their text, so they can still
    be counted, hashed and named as the value table names them."""
    try:
        return pc.cast(array, pa.string())
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        return pa.array([None if v is None else str(v) for v in python_values(array)], pa.string())


#: the spec a cell's identity is hashed with: its text as written, no token a missing value
_RAW = ProfileSpec(tokens=())


def present_hashes(array: pa.Array, spec: ProfileSpec) -> tuple[np.ndarray, bool]:
    """The distinct identities of a chunk's values present, as a column's distinct count hashes
    them (the fast numeric path and the value table give the same), and whether any cell holds
    none (null, or a missing-value token of `spec`)."""
    chunk = try_numeric(array, spec)
    if chunk is not None:
        return np.unique(chunk.hashes[chunk.valid]), not chunk.valid.all()
    table = value_table(array, spec)
    counts = table.counts
    present = (table.kind != TOKEN) & (counts > 0)
    return np.unique(table.hashes[present]), int(counts[present].sum()) < len(array)


def cell_hashes(array: pa.Array) -> np.ndarray:
    """One 64-bit hash per cell, the audit's identity of a value: text as written, typed
    values by value."""
    chunk = try_numeric(array)
    if chunk is not None:
        return chunk.hashes
    table = value_table(array, _RAW)
    return np.append(table.hashes, NULL_HASH)[np.where(table.codes < 0, len(table.hashes), table.codes)]
