"""In-memory data (a pandas DataFrame, a pyarrow Table or RecordBatch, a Hugging Face
`datasets.Dataset`, a Polars DataFrame or LazyFrame) takes the same path as files."""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.source import Source


def open_frame(data: Any, *, chunk_rows: int) -> Source:
    """A source of `data`'s record batches; the libraries' own types are recognised by their
    module, so that auditing a pandas frame imports neither polars nor datasets."""
    from dataaudit.io.hf_reader import is_hf_dataset, open_hf_dataset
    from dataaudit.io.polars_reader import is_polars_frame, open_polars

    if is_hf_dataset(data):
        return open_hf_dataset(data, chunk_rows=chunk_rows)
    if is_polars_frame(data):
        return open_polars(data, chunk_rows=chunk_rows)
    if isinstance(data, pa.RecordBatch):
        data = pa.Table.from_batches([data])
    if isinstance(data, pa.Table):
        table = data
    elif hasattr(data, "columns") and hasattr(data, "iloc"):  # pandas' DataFrame, or a subclass of it
        table = _from_pandas(data)
    else:
        raise InputError(f"cannot audit {_a(type(data).__name__)}: give a file path, a folder, a pandas or Polars "
                         f"DataFrame, a pyarrow Table or a datasets.Dataset{_hint(data)}")
    names = [str(n) for n in table.column_names]
    twice = sorted({n for n in names if names.count(n) > 1})
    if twice:
        raise InputError(f"the table has two columns named {twice[0]!r}; rename one")
    table = table.rename_columns(names)
    source = Source("<dataframe>", "dataframe", names, lambda: iter(table.to_batches(max_chunksize=chunk_rows)),
                    schema=table.schema)
    source.info["rows"] = table.num_rows
    return source


def _a(name: str) -> str:
    """`a Series`, `an IterableDataset`, `a numpy array`."""
    name = "numpy array" if name == "ndarray" else name
    return f"{'an' if name[:1].lower() in 'aeiou' else 'a'} {name}"


def _hint(data: Any) -> str:
    """How to make a table of what notebooks hold that is not one: the columns need names, and
    the target a column beside the features."""
    kind = type(data).__name__
    if kind == "Series":
        return " (a Series is one column: give series.to_frame(), or the features' DataFrame with it as a column)"
    if kind == "ndarray":
        return " (an array's columns have no names: give pandas.DataFrame(array, columns=[...]))"
    if isinstance(data, list):
        return (" (a list of records: give pandas.DataFrame(records); a mapping is a dataset in splits, "
                "each value one split's data)")
    if kind == "IterableDataset":
        return " (a streaming dataset: load it without streaming=True, or give Dataset.from_list(list(dataset)))"
    return ""


def refuse_repeated_names(frame: Any) -> None:
    """Refuse a pandas frame with two columns whose names are one as text (`0` and `"0"`, a name
    given twice): columns are read by their names as text, so one would be read, cleaned and
    written as the other."""
    seen: dict[str, Any] = {}
    for name in frame.columns:
        text = str(name)
        if text in seen:
            same = "" if seen[text] == name else f" ({seen[text]!r} and {name!r} are one name as text)"
            raise InputError(f"the DataFrame has two columns named {text!r}{same}; rename one")
        seen[text] = name


def _from_pandas(frame: Any) -> pa.Table:
    """The frame's named index levels (`index_columns`), then its columns by position, named as
    text: two names that are one as text (`0` and `"0"`, a name given twice, an index level
    named as a column) are refused, as one would be lost under the other's name."""
    levels = index_columns(frame)
    names = [str(name) for name in frame.columns]
    both = [text for text in names if text in levels]
    if both:
        raise InputError(f"the DataFrame's index and a column are both named {both[0]!r}; rename one "
                         "(frame.rename_axis(...)), or give frame.reset_index(drop=True) to leave the index out")
    refuse_repeated_names(frame)
    arrays = [*(column_array(level.to_series()) for level in levels.values()),
              *(column_array(frame.iloc[:, i]) for i in range(len(names)))]
    return pa.table(arrays, names=[*levels, *names])


def index_columns(frame: Any) -> dict[str, Any]:
    """The levels of a pandas frame's index that hold data, by name as text: each named one, as
    `frame.reset_index()` makes a column of it and pandas' `to_parquet` writes it, so that an id,
    a group or a time kept in the index is audited as it is once written. A RangeIndex (row
    numbers, kept as such by `to_parquet` too) and an unnamed level are no column."""
    import pandas as pd

    index = frame.index
    if isinstance(index, pd.RangeIndex):
        return {}
    return {str(name): index.get_level_values(i) for i, name in enumerate(index.names) if name is not None}


def column_array(series: Any) -> pa.Array:
    """A pandas column as the audit reads it: Arrow's array of it, or its values' text where
    Arrow has no type for them (an object column holding several Python types, complex numbers,
    a sparse column, Python integers past int64 or uint64) or only a nested one of pandas' own
    (intervals, a struct of their ends)."""
    import pandas as pd

    try:
        array = pa.array(series, from_pandas=True)
    except (pa.ArrowInvalid, pa.ArrowTypeError, pa.ArrowNotImplementedError, OverflowError):
        pass
    else:
        if not (isinstance(array.type, pa.ExtensionType) and pa.types.is_nested(array.type.storage_type)):
            return array
    # as text, each value whole (`pd.isna` of a list or a dict answers per element)
    return pa.array([None if pd.api.types.is_scalar(v) and pd.isna(v) else str(v) for v in series.astype(object)],
                    pa.string())
