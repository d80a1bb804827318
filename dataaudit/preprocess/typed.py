"""The API's cleaned frames of a text file typed: numbers as numbers, booleans as booleans.

A CSV, TSV or JSON Lines reader hands every value on as text, which is what the checks and the
steps read; `clean(...)` gives the frames back typed where no text is lost by it, as
`pandas.read_csv` would type them but stricter. A column becomes:

- int64 when every present cell is an integer spelled plainly (`-12`, `0`; no `+`, no leading
  zero, no blanks) that an int64 holds (pandas' nullable `Int64` once it holds a null);
- float64 when every present cell is a decimal number spelled plainly (`1.5`, `40.0`, `-0`,
  `1e5`, no leading zero either) whose float is its value exactly as the text says it (not
  `0.1000000000000000055`, not an integer past 2^53), and no two of its texts are one float
  (`1.5` beside `1.50`, `1` beside `1.0`): a float keeps `-0.0`, and each value's text is
  still known from the column;
- bool when every present cell is `true` or `false`, in one of the spellings `true`, `True`,
  `TRUE` (`boolean` once it holds a null).

Any other column stays text: a code with a leading zero (`01234`, a ZIP code, an id) would
become another number, `+1`, ` 12`, `1,234` and `1.200,5` are spelled in ways a number does not
keep, and dates are text, as `pandas.read_csv` leaves them. A file read with a decimal comma
(`decimal=","`) is typed from its numbers with the point the reader gave them: `12,5` is 12.5.

A JSON Lines column is typed by its JSON types: every present cell a JSON number (its value,
whatever its digits: `2.50` is 2.5, as `pandas.read_json` reads it, but for a number no float
is, such as `0.1000000000000000055`, which keeps the column text as in a CSV file) or every one
a JSON boolean.
A column holding a JSON string (`"1"` beside `1`), an object or an array stays text, as does one
spelling a value two ways (`2.5` beside `2.50`, `1` beside `1.0`): the clean keeps such lines as
two rows, which one float would show as duplicates.
"""

from __future__ import annotations

import decimal
from collections.abc import Mapping

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.jsontext import JSON_NUMBER
from dataaudit.preprocess.base import is_text
from dataaudit.preprocess.json_cells import TypedCells
from dataaudit.profile import values as v

#: an integer as an int64 prints it (`-0` is no int64's)
_INTEGER = r"^(0|-?[1-9][0-9]*)$"
#: a decimal number as a float prints it, in fixed or exponent notation: as JSON spells one
_NUMBER = rf"^{JSON_NUMBER}$"
_BOOLEANS = ({"true": True, "false": False}, {"True": True, "False": False}, {"TRUE": True, "FALSE": False})
_JSON_SCALAR_START = "-0123456789tf"  # a JSON number's first character, or a boolean's


def typed_table(table: pa.Table, json_scalars: Mapping[str, np.ndarray] | None = None,
                text: tuple[str, ...] = ()) -> pa.Table:
    """`table` with each text column typed as the module's note says, but those named `text`
    (`text_columns`: the caller said they hold text, digits or not, as a code or a message does).
    `json_scalars`, for a JSON Lines input: per column, which rows the line wrote as a JSON
    number or boolean, the value unchanged; None for a CSV or TSV file's spelled cells."""
    columns = []
    for name, column in zip(table.column_names, table.columns, strict=True):
        if not is_text(column) or column.null_count == len(column) or name in text:
            columns.append(column)
            continue
        array = column.combine_chunks()
        if json_scalars is None:
            columns.append(_spelled(array))
        else:
            columns.append(_json_typed(array, json_scalars.get(name)))
    return pa.Table.from_arrays(columns, names=table.column_names)


def _spelled(array: pa.Array) -> pa.Array:
    """A CSV cell's column typed from its spellings, or as it is."""
    texts = pc.unique(array.drop_null())
    return _booleans(array, texts) or _integers(array, texts) or _floats(array, texts) or array


def _json_typed(array: pa.Array, scalars: np.ndarray | None) -> pa.Array:
    """A JSON Lines column typed from its JSON types, or as it is."""
    present = to_numpy(array.is_valid())
    if scalars is None or not scalars[present].all():
        return array
    texts = pc.unique(array.drop_null())
    if set(texts.to_pylist()) <= {"true", "false"}:
        return pc.equal(array, "true")
    return _integers(array, texts) or _floats(array, texts) or array


def _booleans(array: pa.Array, texts: pa.Array) -> pa.Array | None:
    """The column as booleans when its texts are one spelling's `true` and `false`."""
    found = set(texts.to_pylist())
    for spelling in _BOOLEANS:
        if found <= spelling.keys():
            return pc.equal(array, next(text for text, value in spelling.items() if value))
    return None


def _integers(array: pa.Array, texts: pa.Array) -> pa.Array | None:
    """The column as int64 when every text is an integer an int64 prints as it is written."""
    if not pc.all(pc.match_substring_regex(texts, _INTEGER)).as_py():
        return None
    try:
        return pc.cast(array, pa.int64())
    except pa.ArrowInvalid:  # past an int64: stays text
        return None


def _floats(array: pa.Array, texts: pa.Array) -> pa.Array | None:
    """The column as float64 when every text is a number whose float is its value exactly (an
    integer past 2^53 would be rounded, `0.1000000000000000055` is another float's, an infinity
    is spelled as a finite number) and no two texts are one float (the rows' identities tell
    them apart)."""
    if not pc.all(pc.match_substring_regex(texts, _NUMBER)).as_py():
        return None
    numbers = to_numpy(pc.cast(texts, pa.float64()))
    whole = ~to_numpy(pc.match_substring_regex(texts, r"[.eE]"))
    if not np.isfinite(numbers).all() or (np.abs(numbers[whole]) > v.EXACT_INTEGERS).any():
        return None
    if not (_distinct_floats(numbers) and _exact(texts, numbers)):
        return None
    return pc.cast(array, pa.float64())


def _distinct_floats(numbers: np.ndarray) -> bool:
    """Whether no two of the distinct texts' `numbers` are one float (`-0.0` is not `0.0`)."""
    return len(np.unique(numbers.view(np.int64))) == len(numbers)


def _exact(texts: pa.Array, numbers: np.ndarray) -> bool:
    """Whether each float is its text's value: a text spelled as its float prints is (the
    profile's test, on the whole column at once); another (`40.0`, `1e5`) is compared as a
    decimal with the float's shortest spelling."""
    printed = v.as_printed(texts, numbers)
    rest = np.flatnonzero(~printed)
    return all(decimal.Decimal(text) == decimal.Decimal(repr(number))
               for text, number in zip(texts.take(pa.array(rest)).to_pylist(), numbers[rest].tolist(), strict=True))


def json_scalar_rows(batches: list[tuple[pa.RecordBatch, list[TypedCells] | None]]) -> dict[str, np.ndarray]:
    """Per column of `batches` (a JSON Lines input's, as the writing pass gave them), which rows
    hold a JSON number or boolean as the line wrote it: a cell a step changed is the step's text,
    and a batch given without its lines' cells has none."""
    if not batches:
        return {}
    names = batches[0][0].schema.names
    return {name: np.concatenate([_scalars(batch, typed, name) for batch, typed in batches]) for name in names}


def _scalars(batch: pa.RecordBatch, typed: list[TypedCells] | None, name: str) -> np.ndarray:
    if typed is None or name not in batch.schema.names:
        return np.zeros(batch.num_rows, dtype=bool)
    values = batch.column(name).to_pylist()
    return np.array([_is_scalar(cells.typed.get(name), value) for cells, value in zip(typed, values, strict=True)],
                    dtype=bool)


def _is_scalar(kept: tuple[str, str] | None, value: object) -> bool:
    return kept is not None and kept[1][:1] in _JSON_SCALAR_START and value == kept[0]
