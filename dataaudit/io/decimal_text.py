"""Decimals as text: the digits of their scale, never an exponent.

Arrow's cast, its CSV writer and Python's `str` write a decimal with more than six zeros after
the point in scientific notation: a `decimal128(20, 9)` zero is `0E-9`, and -0.000000001 is
`-1E-9`, while 2 of the same column is `2.000000000`. Every text output writes each decimal with
the digits of its scale instead (`0.000000000`), as the docs promise: the number of its own digits.
"""

from __future__ import annotations

from decimal import Decimal

import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.io.column_text import columns_as_text, schema_as_text


def decimal_text(value: Decimal) -> str:
    """`value` written with its digits, without an exponent (`0E-9`: `0.000000000`)."""
    return format(value, "f")


def decimal_values(column: pa.Array) -> pa.Array:
    """Each decimal as the text of its value: its digits (`_texts`) without the zeros its scale
    adds, `25.50` and `25.5000` as `25.5`, `26.00` as `26`. The audit's identity of a typed
    cell is its value: two columns of one value at other scales, or a decimal and the float or
    integer of that value, must hash alike."""
    texts = pc.replace_substring_regex(_texts(column), r"(\.[0-9]*[1-9])0+$", r"\1")
    return pc.replace_substring_regex(texts, r"\.0*$", "")


def decimals_as_text(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` with each column of decimals replaced by their text (`decimal_text`), nulls kept;
    the same object when it has none."""
    return columns_as_text(batch, pa.types.is_decimal, _texts)


def decimals_as_text_schema(schema: pa.Schema) -> pa.Schema:
    """The schema `decimals_as_text` gives batches of `schema`."""
    return schema_as_text(schema, pa.types.is_decimal)


def _texts(column: pa.Array) -> pa.Array:
    """Arrow's text of each decimal, but where it wrote an exponent (few values: those with more
    than six zeros after the point), which is written again in Python."""
    texts = column.cast(pa.string())
    exponent = pc.fill_null(pc.match_substring(texts, "E"), False)
    if not pc.any(exponent).as_py():
        return texts
    rows = exponent.to_numpy(zero_copy_only=False).nonzero()[0]
    plain = pa.array([decimal_text(value) for value in column.take(pa.array(rows)).to_pylist()], pa.string())
    return pc.replace_with_mask(texts, exponent, plain)
