"""In-memory data (a pandas DataFrame or a pyarrow Table) takes the same path as files."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.source import Source


def open_frame(data: Any, *, chunk_rows: int) -> Source:
    table = data if isinstance(data, pa.Table) else _from_pandas(data)
    names = [str(n) for n in table.column_names]
    if len(set(names)) != len(names):
        raise InputError("the DataFrame has duplicate column names")
    table = table.rename_columns(names)
    source = Source("<dataframe>", "dataframe", names, lambda: iter(table.to_batches(max_chunksize=chunk_rows)))
    source.info["rows"] = table.num_rows
    return source


def _from_pandas(frame: Any) -> pa.Table:
    import pandas as pd

    columns = {}
    for name in frame.columns:
        series = frame[name]
        try:
            columns[str(name)] = pa.array(series, from_pandas=True)
        except (pa.ArrowInvalid, pa.ArrowTypeError):
            # an object column holding several Python types: audit it as text
            columns[str(name)] = pa.array(series.map(lambda v: None if pd.isna(v) else str(v)), pa.string())
    return pa.table(columns)
