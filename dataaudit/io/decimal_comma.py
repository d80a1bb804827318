"""Numbers written with another decimal mark than a point (`12,5`, as European spreadsheets
write twelve and a half), read as `pandas.read_csv(decimal=",")` reads them, and written back
as they were.

Every column of a CSV file is read as text, and every check reads the numbers of a text column
as they are spelled with a point. With `decimal=","`, a cell pandas would read as a float is a
decimal number with a comma where the point goes: `12,5`, `-0,25`, `,5`, `5,`, `1,5e3`, ASCII
blanks around it allowed. Such a cell is handed on with a point (`12.5`), and the checks read
it as the number it is. A cell spelled with a point (`1.5`) is no number to pandas in such a
file: it is handed on with a comma (`1,5`), text as pandas keeps it. Cells that are both or
neither (`1.200,5`, a thousands separator, which pandas reads only with `thousands=`; `12`,
`1e3`, words) are handed on as they are. The exchange is its own inverse: a clean's writer
applies it again to every text cell, so a cell no step changed is written as it was read, byte
for byte (`12,50` stays `12,50`), and a number a step computed (a fill, a scaled value) is
written with the file's decimal mark.
"""

from __future__ import annotations

import re

import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.errors import InputError, quoted

#: the decimal mark of a number as every reader writes it, and the default
POINT = "."
_BLANKS = r"[\t\n\v\f\r ]*"
#: a mark that would make a number's spelling ambiguous, or could not be in one
_REFUSED = "0123456789+-eE\"' \t\r\n\v\f"


def number_pattern(mark: str) -> str:
    """A decimal number as pandas' CSV parser reads one with `mark` for its decimal point: the
    pattern `dataaudit.profile.text_numbers` reads with a point."""
    m = re.escape(mark)
    return rf"^{_BLANKS}[+-]?(\d+{m}?\d*|{m}\d+)([eE][+-]?\d+)?{_BLANKS}$"


def decimal_mark(decimal: object, delimiter: str | None = None) -> str:
    """`decimal` checked: one character, none a number is spelled with, and not the delimiter."""
    if not isinstance(decimal, str) or len(decimal) != 1:
        raise InputError(f"the decimal mark (--decimal) must be one character, such as ',' or '.'; not "
                         f"{quoted(str(decimal))}")
    if decimal in _REFUSED:
        raise InputError(f"the decimal mark (--decimal) cannot be {quoted(decimal)}, which numbers are spelled with; "
                         "use ',' or '.'")
    if delimiter is not None and decimal == delimiter:
        raise InputError(f"the decimal mark (--decimal) {quoted(decimal)} is the fields' delimiter too, which "
                         "would split every number in two; give the file's own with --delimiter, or another --decimal")
    return decimal


def exchanged(array: pa.Array, mark: str) -> pa.Array:
    """A text column's cells with `mark` and the point exchanged in every cell that is a decimal
    number spelled with either (see the module's note); other cells, nulls and other columns as
    they are. Applied twice, the cells are back as they were."""
    if mark == POINT or not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
        return array
    marked = pc.fill_null(pc.match_substring_regex(array, number_pattern(mark)), False)
    pointed = pc.fill_null(pc.match_substring_regex(array, number_pattern(POINT)), False)
    if not (pc.any(marked).as_py() or pc.any(pointed).as_py()):
        return array
    as_point = pc.replace_substring(array, mark, POINT)
    as_mark = pc.replace_substring(array, POINT, mark)
    return pc.if_else(marked, as_point, pc.if_else(pointed, as_mark, array))


def exchanged_batch(batch: pa.RecordBatch, mark: str) -> pa.RecordBatch:
    """`batch` with every text column `exchanged`."""
    if mark == POINT:
        return batch
    columns = [exchanged(column, mark) for column in batch.columns]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def written_with(batch: pa.RecordBatch, mark: str) -> pa.RecordBatch:
    """A batch a clean writes to a CSV or TSV file read with decimal mark `mark`: text cells
    `exchanged` back as they were read, and a float column (a step's fills or scaled values) as
    its text with `mark`, as the input wrote its numbers."""
    if mark == POINT:
        return batch
    columns, fields = [], []
    for field, column in zip(batch.schema, batch.columns, strict=True):
        if pa.types.is_floating(field.type):
            column, field = pc.cast(column, pa.string()), field.with_type(pa.string())
            column = pc.replace_substring(column, POINT, mark)
        else:
            column = exchanged(column, mark)
        columns.append(column)
        fields.append(field)
    return pa.RecordBatch.from_arrays(columns, schema=pa.schema(fields, metadata=batch.schema.metadata))
