"""Id-like columns: values that name a row or a thing (a row number, a UUID, a patient id)
rather than describe it. Left among the features, a unique id makes every row distinct and
hides duplicate rows and conflicting labels; so the audit leaves such columns out of the
duplicate and conflict judgement, saying which and why.

The rule, judged on a file's first rows (the pass must know its feature columns before it
starts), for a column of text or integers with at least `MIN_PRESENT` values there (missing
tokens left out). The column is id-like when

1. every value is a UUID (`8-4-4-4-12` hex digits, braces allowed), or
2. every value is a hex digest of 32, 40 or 64 digits (MD5, SHA-1, SHA-256), or
3. every value is a file name: one token ending in a known file extension (`img_001.jpg`,
   `scans/17.dcm`), or
4. the values are distinct integers forming one run without gaps (max - min + 1 equals their
   number): a row number, in file order or shuffled, or
5. its name's last word (split at `_`, `.`, `-`, blanks and lower-to-upper case changes) is
   `id`, `uuid`, `guid`, `key`, `nr`, `idx`, `index` or `row`, every value is one token
   (an integer or a code such as `P-0017`, no blanks, none a number with a fraction or an
   exponent: `body_mass_index`, `price_index` and `uv_index` hold measurements), and at least
   `MIN_DISTINCT_NAMED` values are distinct.

Uniqueness alone is not the test: a measurement can be unique (a price, a weight), and an id
need not be (a patient id repeats over a patient's visits, a 92%-unique patient id is an id
all the same). Shape (1-4) or name and shape together (5) decide. A code named like an id
with few values is a category (`party.facts.id` with 8 parties), and a repeated name with
blanks is a value (cars' `Name`, a model name repeated over model years), so neither is one.

An id-like column whose values repeat in the first rows is a candidate group (rows of one
patient, user or product): `IdColumn.repeats`.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass

import pyarrow as pa

MIN_PRESENT = 20
MIN_DISTINCT_NAMED = 20
ID_WORDS = frozenset({"id", "uuid", "guid", "key", "nr", "idx", "index", "row"})
FILE_EXTENSIONS = frozenset({
    "jpg", "jpeg", "png", "gif", "bmp", "tif", "tiff", "webp", "svg", "dcm", "nii", "wav", "mp3", "flac", "ogg",
    "m4a", "mp4", "avi", "mov", "mkv", "txt", "json", "xml", "html", "pdf", "csv", "npy", "npz", "pt", "h5",
})
_UUID = re.compile(r"\{?[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}\}?")
_DIGEST = re.compile(r"[0-9a-fA-F]{32}|[0-9a-fA-F]{40}|[0-9a-fA-F]{64}")
_FILE = re.compile(r"\S*\.([A-Za-z][A-Za-z0-9]{0,4})")
_INTEGER = re.compile(r"[+-]?\d+")
_TOKEN = re.compile(r"\S+")
#: a number that is no integer: a fraction (`27.5`, `.5`, `3.`) or an exponent (`1e3`)
_MEASURE = re.compile(r"[+-]?(\d+\.\d*|\.\d+|\d+(?=[eE]))([eE][+-]?\d+)?")
_WORD_BREAK = re.compile(r"[_.\-\s]+|(?<=[a-z])(?=[A-Z])")


@dataclass(frozen=True)
class IdColumn:
    """An id-like column: `reason` as the report gives it; `repeats`: some value occurs more
    than once in the first rows, which makes the column a candidate group."""

    reason: str
    repeats: bool


def id_like_columns(rows: pa.Table, skip: Collection[str], missing: Collection[str] = ()) -> dict[str, IdColumn]:
    """The id-like columns of `rows` (a file's first rows), in column order; `skip` names the
    columns that are no candidates (the target, ignored and kept columns), `missing` the folded
    missing-value tokens whose cells count as empty."""
    found = {}
    for name, column in zip(rows.column_names, rows.columns, strict=True):
        if name in skip or not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
                                or pa.types.is_integer(column.type)):
            continue
        values = [text for text in (str(v).strip() for v in column.to_pylist() if v is not None)
                  if text and text.lower() not in missing]
        reason = id_shape(name, values, rows.num_rows)
        if reason is not None:
            found[name] = IdColumn(reason, len(set(values)) < len(values))
    return found


def id_shape(name: str, values: list[str], first_rows: int) -> str | None:
    """Why a column called `name` with these present `values` among `first_rows` rows is
    id-like (the rule of the module's docstring), or None when it is not."""
    if len(values) < MIN_PRESENT:
        return None
    distinct = len(set(values))
    counted = f"{distinct:,} distinct in the first {first_rows:,} rows"
    if all(_UUID.fullmatch(v) for v in values):
        return f"id-like: UUIDs ({counted})"
    if all(_DIGEST.fullmatch(v) for v in values):
        return f"id-like: hex digests ({counted})"
    if all((m := _FILE.fullmatch(v)) and m.group(1).lower() in FILE_EXTENSIONS for v in values):
        return f"id-like: file names ({counted})"
    integers = all(_INTEGER.fullmatch(v) for v in values)
    if integers and distinct == len(values):
        numbers = [int(v) for v in values]
        if max(numbers) - min(numbers) + 1 == distinct:
            return f"id-like: {distinct:,} distinct sequential integers (the first {first_rows:,} rows)"
    words = [w.lower() for w in _WORD_BREAK.split(name.strip()) if w]
    if words and words[-1] in ID_WORDS and distinct >= MIN_DISTINCT_NAMED and all(
            _TOKEN.fullmatch(v) and not _MEASURE.fullmatch(v) for v in values):
        kind = "integers" if integers else "codes"
        return f"id-like: named like an id, {distinct:,} distinct {kind} in the first {first_rows:,} rows"
    return None
