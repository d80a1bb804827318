"""Numbers read out of cells that may be text, as `pandas.to_numeric(errors="coerce")` reads them.

The time column's years and epoch seconds and the shortcut baseline's numeric keys read text
cells as numbers, NaN where a cell is none. They did so through pandas, which cost every audit
of a small table the import of pandas (most of its start-up) for a dozen values. pyarrow's cast
parses the same spellings as pandas (`1.5e3`, `.5`, `5.`, `+7`, `inf`, `Infinity`, `nan` in any
case) but refuses a whole array for one stray word, and does not trim: so the cells pandas
would read are picked out first, by pandas' own rules (ASCII blanks around a decimal number,
none around a spelling of infinity or NaN), and only they are cast.
"""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.io.decimal_comma import POINT, number_pattern

#: A decimal number, ASCII blanks around it allowed (RE2's `\d` is ASCII only, like pandas').
_DECIMAL = number_pattern(POINT)
#: Infinity and NaN, spelled in any case, with no blank around.
_SPECIAL = r"^[+-]?(?i:inf|infinity|nan)$"


def numbers_in(array: pa.Array | pa.ChunkedArray) -> np.ndarray:
    """The cells as float64: numbers as they are, text parsed where it spells a number, NaN
    for a null and for anything else (a word, a boolean, an empty cell)."""
    typ = array.type
    if pa.types.is_integer(typ) or pa.types.is_floating(typ):
        return np.asarray(to_numpy(array.cast(pa.float64(), safe=False)), dtype=np.float64)
    if pa.types.is_boolean(typ):  # pandas keeps True/False as 1/0
        return np.asarray(to_numpy(array.cast(pa.float64())), dtype=np.float64)
    text = array.cast(pa.string())
    spelled = pc.or_(pc.match_substring_regex(text, _DECIMAL), pc.match_substring_regex(text, _SPECIAL))
    numbers = pc.cast(pc.if_else(pc.fill_null(spelled, False), pc.ascii_trim_whitespace(text),
                                 pa.scalar(None, pa.string())), pa.float64())
    return np.asarray(to_numpy(numbers), dtype=np.float64)
