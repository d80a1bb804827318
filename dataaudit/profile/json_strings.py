"""A JSON string is no other JSON value that reads as the same text.

A JSON Lines reader hands the profile each value as text, so `1` and `"1"`, `2.0` and
`"2.0"`, `true` and `"true"`, `[1]` and `"[1]"` are one text each. A cell is identified by its
text as written, and in a JSON file the quotes are written too: the string cells whose text a
number, a boolean, an object or an array would read as (`io.json_strings` notes which cells were
strings) get a hash of their own, derived from their text's. Every other cell keeps the hash it
has, so a JSON number is the same value as the CSV cell or the Parquet number it spells, a
string such as `"cat"` the same as the CSV cell `cat`; CSV, TSV and Parquet cells have no such
note and their hashes are as they were. A null and a missing key are both no value: one cell.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.io.strings import is_text_type
from dataaudit.jsontext import JSON_NUMBER
from dataaudit.profile.siphash import mix

#: the texts the reader makes of a value that is no string: a JSON number as written (`-0`,
#: `1E+03`, `1e999` for an infinity), `true`, `false`, or an object or an array as its JSON
READ_AS_OTHER = rf"(?s)^(?:{JSON_NUMBER}|true|false|\{{.*\}}|\[.*\])$"
#: the texts among those that could be an object's or an array's JSON, which only a parse tells
#: from a text in brackets (`[citation needed]`, `{draft}`) no JSON value reads as
_BRACKETED = r"^[\[{]"
#: what a string's hash is changed by: any odd constant, fixed so that hashes compare across runs
_STRING = np.uint64(0x9E3779B97F4A7C15)


def strings_kept_apart(hashes: Mapping[str, np.ndarray], batch: pa.RecordBatch | pa.Table,
                       strings: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`hashes` (column -> a hash per cell of `batch`) with the `strings` cells (column -> which
    cells were JSON strings) whose text another JSON value reads as hashed apart; the arrays
    given are not changed. A column a step made other than text (`coerce_numeric`, an ordinal
    encoding) holds no string any more: its cells are the step's values, hashed by value."""
    return hashed_apart(hashes, read_as_other(batch, strings, hashes))


def read_as_other(batch: pa.RecordBatch | pa.Table, strings: Mapping[str, np.ndarray],
                  columns: Collection[str]) -> dict[str, np.ndarray]:
    """Per column of `columns` holding any, the positions of the `strings` cells whose text
    another JSON value reads as (`"1"`, `"true"`): the cells a hash tells from that value's."""
    found = {}
    for name, cells in strings.items():
        if name in columns and cells.any() and is_text_type(batch.schema.field(name).type):
            rows = np.flatnonzero(cells)
            texts = batch.column(name)
            held = texts if len(rows) == len(texts) else texts.take(pa.array(rows))  # a column of strings: no copy
            ambiguous = _other_values(held)
            if ambiguous.any():
                found[name] = rows[ambiguous]
    return found


def _other_values(texts: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """Which `texts` another JSON value reads as: by the pattern, and for a text in brackets by
    a parse, as only a parse tells an object's or an array's JSON from words in brackets."""
    ambiguous = to_numpy(pc.match_substring_regex(texts, READ_AS_OTHER).fill_null(False))
    bracketed = np.flatnonzero(ambiguous & to_numpy(pc.match_substring_regex(texts, _BRACKETED).fill_null(False)))
    if bracketed.size:
        ambiguous = ambiguous.copy()
        ambiguous[bracketed] = [_is_json(text) for text in texts.take(pa.array(bracketed)).to_pylist()]
    return ambiguous


def hashed_apart(hashes: Mapping[str, np.ndarray], cells: Mapping[str, np.ndarray]) -> dict[str, np.ndarray]:
    """`hashes` with the `cells` (column -> positions, `read_as_other`) hashed apart."""
    out = dict(hashes)
    for name, moved in cells.items():
        out[name] = out[name].copy()
        out[name][moved] = as_strings(out[name][moved])
    return out


def as_strings(hashes: np.ndarray) -> np.ndarray:
    """The hashes of JSON strings that another JSON value reads as (`"1"`), apart from that
    value's hashes (`1`): a new array."""
    return mix(hashes ^ _STRING)


def _is_json(text: str) -> bool:
    """Whether `text` parses as JSON: an object's or an array's text, not words in brackets."""
    try:
        json.loads(text)
    except ValueError:
        return False
    return True
