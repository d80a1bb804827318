"""Numbers read from text cells without pandas read exactly as `pandas.to_numeric(errors="coerce")`.

The time column's years and epoch seconds and the shortcut baseline's numeric keys used pandas
to read them; `numbers_in` reads them through pyarrow so that a small audit does not import
pandas. On any text built from the characters numbers are written with, and on the spellings
pandas treats specially, both give the same floats and the same NaNs.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pyarrow as pa
from hypothesis import example, given
from hypothesis import strategies as st

from dataaudit.profile.text_numbers import numbers_in

#: Digits, signs, points, exponents, blanks (ASCII and not), a separator, letters of inf/nan, a non-ASCII digit.
NUMBERISH = st.text(alphabet="0123456789+-.eE \t\n\r\v\f\u00a0_,xinfatyINFATY\u0663", max_size=12)


def _pandas(texts: list[str | None]) -> np.ndarray:
    return pd.to_numeric(pd.Series(texts, dtype=object), errors="coerce").to_numpy(dtype=np.float64)


@given(st.lists(st.one_of(NUMBERISH, st.none(), st.floats(allow_nan=False).map(repr)), max_size=20))
@example([" 2007 ", "\t2007\n", " inf", "inf", "-Infinity", "nAn", "+nan", "1_999", "1,5", ".5", "5.", "1e", "e5",
          "1e999", "-1e-999", "\u00a02007", "\u0663", "", " ", None])
def test_text_reads_as_pandas_reads_it(texts: list[str | None]) -> None:
    np.testing.assert_array_equal(numbers_in(pa.array(texts, pa.string())), _pandas(texts))


@given(st.lists(st.one_of(st.none(), st.integers(-(2**62), 2**62)), max_size=20))
def test_integer_cells_are_their_numbers(values: list[int | None]) -> None:
    chunked = pa.chunked_array([pa.array(values, pa.int64())])
    expected = np.array([np.nan if v is None else float(v) for v in values], dtype=np.float64)
    np.testing.assert_array_equal(numbers_in(chunked), expected)
