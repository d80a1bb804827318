"""Data as notebooks and pipelines hold it reaches the audit, or is refused in one line saying
what to give instead. Before:

- a pandas object column of Python integers past int64 or uint64 (`2**70`) ended in Arrow's
  `OverflowError` in `audit` and `clean`;
- a pyarrow `RecordBatch` ended in an `AttributeError` (`no attribute 'iloc'`);
- a Polars frame with an `Int128` or `UInt128` column ended in Arrow's `ArrowInvalid`
  (`unsupported format string: '_pli128'`), and so did one inside a struct, a list or an array
  once a top-level one was read;
- a streaming `datasets.IterableDataset` ended in an `AttributeError` (`no attribute 'columns'`),
  and a pyarrow Table with two columns of one name was refused without naming it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.errors import InputError

ROWS = 40
WIDE = 2**64  # past int64 and uint64 alike


def _frame(**columns: Any) -> pd.DataFrame:
    return pd.DataFrame({"x": np.arange(ROWS) * 1.5 + 0.25, **columns, "label": ["cat", "dog"] * (ROWS // 2)})


def _findings(report: dataaudit.Report) -> list[dict[str, Any]]:
    return [finding.to_dict() for finding in report.findings]


def _columns(report: dataaudit.Report) -> list[str]:
    return [card.name for card in report.dataset.column_profiles]


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.one_of(st.integers(min_value=WIDE, max_value=2**200), st.integers(max_value=-(2**63) - 1),
                          st.integers(min_value=-5, max_value=5), st.none()),
                min_size=ROWS, max_size=ROWS).filter(lambda values: any(v is not None and abs(v) >= 2**63
                                                                        for v in values)))
def test_python_integers_past_64_bits_are_audited_and_cleaned_as_the_frame_holds_them(values: list) -> None:
    frame = _frame(big=pd.Series(values, dtype=object))
    before = frame.copy(deep=True)
    report = dataaudit.audit(frame, target="label")
    assert "big" in _columns(report)
    pd.testing.assert_frame_equal(frame, before)  # the caller's frame as it was
    data = dataaudit.clean(frame, target="label", allow_large_quarantine=True).data
    if len({v for v in values if v is not None}) < 2:  # one value or none: a constant column, dropped
        assert "big" not in data
        return
    kept = frame.loc[data.index, "big"]
    assert data["big"].isna().tolist() == kept.isna().tolist()
    assert data["big"].dropna().tolist() == kept.dropna().tolist()  # Python's integers, not their text


def test_a_record_batch_audits_as_its_table() -> None:
    table = pa.Table.from_pandas(_frame(code=[i % 3 for i in range(ROWS)]), preserve_index=False)
    batch = table.combine_chunks().to_batches()[0]
    report = dataaudit.audit(batch, target="label")
    assert _findings(report) == _findings(dataaudit.audit(table, target="label"))
    assert report.dataset.rows == ROWS
    assert dataaudit.clean(batch, target="label").data.shape == (ROWS, 3)


@pytest.mark.parametrize("dtype", ["Int128", "UInt128"])
@pytest.mark.parametrize("lazy", [False, True])
def test_a_polars_128_bit_integer_column_audits_as_the_same_integers_in_a_pandas_frame(dtype: str, lazy: bool) -> None:
    pl = pytest.importorskip("polars")
    if not hasattr(pl, dtype):
        pytest.skip(f"this polars has no {dtype}")
    values = [WIDE + i * 7 for i in range(ROWS)]
    values[5] = values[4]  # a repeated value, so that the findings name it
    frame = _frame(big=pd.Series(values, dtype=object))
    polars = pl.from_pandas(frame.drop(columns="big")).with_columns(pl.Series("big", values, dtype=getattr(pl, dtype)))
    polars = polars.select(frame.columns.tolist())
    report = dataaudit.audit(polars.lazy() if lazy else polars, target="label")
    assert _findings(report) == _findings(dataaudit.audit(frame, target="label"))
    assert "big" in _columns(report)


@pytest.mark.parametrize("dtype", ["Int128", "UInt128"])
@pytest.mark.parametrize("lazy", [False, True])
def test_a_polars_128_bit_integer_inside_a_struct_a_list_or_an_array_is_read_as_its_text(dtype: str,
                                                                                        lazy: bool) -> None:
    pl = pytest.importorskip("polars")
    if not hasattr(pl, dtype):
        pytest.skip(f"this polars has no {dtype}")
    values = [WIDE + i * 7 for i in range(ROWS)]
    values[5] = values[4]

    def nested(kind: Any) -> Any:
        column = pl.Series("n", values, dtype=getattr(pl, dtype)).cast(kind)
        return pl.from_pandas(_frame()).with_columns(column).with_columns(
            record=pl.struct(pl.col("n"), tag=pl.lit("t")), items=pl.concat_list("n", "n"),
            grid=pl.concat_list(pl.concat_list("n", "n").list.to_array(2)).list.to_array(1),
        ).drop("n")

    wide, text = nested(getattr(pl, dtype)), nested(pl.String)
    assert wide.schema["grid"] == pl.Array(getattr(pl, dtype), (1, 2))
    report = dataaudit.audit(wide.lazy() if lazy else wide, target="label")
    assert _findings(report) == _findings(dataaudit.audit(text, target="label"))
    assert {"record", "items", "grid"} <= set(_columns(report))
    cleaned = dataaudit.clean(wide, target="label").data
    pd.testing.assert_frame_equal(cleaned, dataaudit.clean(text, target="label").data)
    assert cleaned["record"].iloc[4] == {"n": str(values[4]), "tag": "t"}


@pytest.mark.parametrize(("data", "says"), [
    (pd.Series(["cat", "dog"] * 20, name="label"), r"a Series: .* give series\.to_frame\(\)"),
    (np.arange(80).reshape(40, 2), r"a numpy array: .* pandas\.DataFrame\(array, columns=\[\.\.\.\]\)"),
    ([{"x": 1, "label": "cat"}], r"a list: .* pandas\.DataFrame\(records\)"),
    ({"x": [1, 2], "label": ["cat", "dog"]}, r"a list: .* a mapping is a dataset in splits"),
])
def test_what_is_no_table_is_refused_saying_how_to_make_one(data: Any, says: str) -> None:
    with pytest.raises(InputError, match=rf"cannot audit {says}"):
        dataaudit.audit(data, target="label")


def test_a_streaming_dataset_is_refused_in_one_line() -> None:
    datasets = pytest.importorskip("datasets")
    streamed = datasets.Dataset.from_pandas(_frame(), preserve_index=False).to_iterable_dataset()
    with pytest.raises(InputError, match=r"cannot audit an IterableDataset: .* without streaming=True"):
        dataaudit.audit(streamed, target="label")


def test_a_table_with_two_columns_of_one_name_is_refused_naming_it() -> None:
    table = pa.table([pa.array([1.5, 2.5]), pa.array([1, 2]), pa.array(["cat", "dog"])], names=["x", "code", "x"])
    with pytest.raises(InputError, match=r"two columns named 'x'; rename one"):
        dataaudit.audit(table, target="label")
