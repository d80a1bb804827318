"""A Hugging Face `datasets.Dataset`, read from its own Arrow table.

Without an indices mapping the batches are the (memory-mapped) table's own, regrouped into
chunks of `chunk_rows` rows (`datasets` writes them 1,000 rows each), one chunk in memory at a
time. After
`select`, `shuffle`, `filter` or `train_test_split` the dataset is a view through an indices
mapping (`Dataset._indices`), and each batch is gathered (`take`) from the table in the view's
order: one batch's copy at a time, never the whole dataset. `datasets`' own batch iterator does
the same gather row range by row range and took 16 s for a shuffled 100,000-row table where one
`take` per batch takes 0.4 s. A `ClassLabel` column is audited by its names (`neg`, `pos`), as
`features[column].int2str` shows them and a rule pack's `labels.allowed` lists them, not as the
integer ids the table stores; an id of -1 (`datasets`' "no label") is a missing value.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.csv_reader import regroup
from dataaudit.io.source import Source


def is_hf_dataset(data: object) -> bool:
    """A `datasets.Dataset`, told apart without importing `datasets`."""
    return any(cls.__module__.startswith("datasets.") and cls.__name__ == "Dataset" for cls in type(data).__mro__)


def is_hf_dataset_dict(data: object) -> bool:
    """A `datasets.DatasetDict` (a mapping of split names to datasets), told apart likewise."""
    return any(cls.__module__.startswith("datasets.") and cls.__name__ == "DatasetDict"
               for cls in type(data).__mro__)


def open_hf_dataset(data: Any, *, chunk_rows: int) -> Source:
    table: pa.Table = data.data.table
    indices = data._indices  # the view's rows, in its order; None when it is the whole table

    names = _class_label_names(data)

    def stored() -> Iterator[pa.RecordBatch]:
        if indices is None:
            yield from regroup(iter(table.to_batches(max_chunksize=chunk_rows)), chunk_rows)
            return
        order = indices.column(0)
        for start in range(0, len(order), chunk_rows):
            yield from table.take(order.slice(start, chunk_rows)).combine_chunks().to_batches()

    def read() -> Iterator[pa.RecordBatch]:
        for batch in stored():
            yield _with_names(batch, names) if names else batch

    dataset_name = getattr(data.info, "dataset_name", None)  # set by load_dataset, not by Dataset(table)
    name = f"<datasets.Dataset {dataset_name}>" if dataset_name else "<datasets.Dataset>"
    source = Source(name, "dataset", list(data.column_names), read, repeatable=True)
    source.info["rows"] = data.num_rows
    return source


def _class_label_names(data: Any) -> dict[str, pa.Array]:
    """The names of each top-level `ClassLabel` column, by column."""
    return {column: pa.array(feature.names, pa.string()) for column, feature in data.features.items()
            if type(feature).__name__ == "ClassLabel"}


def _with_names(batch: pa.RecordBatch, names: dict[str, pa.Array]) -> pa.RecordBatch:
    """`batch` with each `ClassLabel` column's ids as their names; -1 is a null. An id past the
    names cannot be told from a name, and is refused naming the column."""
    import pyarrow.compute as pc

    columns = []
    for name, column in zip(batch.schema.names, batch.columns, strict=True):
        if name in names:
            ids = pc.if_else(pc.less(column, 0), pa.scalar(None, column.type), column)
            unknown = pc.max(ids).as_py()
            if unknown is not None and unknown >= len(names[name]):
                raise InputError(f"the dataset's ClassLabel column {name!r} holds the id {unknown}, past its "
                                 f"{len(names[name])} names")
            column = names[name].take(ids)
        columns.append(column)
    return pa.RecordBatch.from_arrays(columns, names=batch.schema.names)


def load_saved_dataset(path: Path, name: str) -> Any:
    """The dataset `save_to_disk` wrote to `path` (memory-mapped, not read into memory)."""
    try:
        from datasets import load_from_disk
    except ImportError:
        raise InputError(f"{name}: a folder saved by Hugging Face datasets; reading it needs the datasets package: "
                         "pip install datasets") from None
    return load_from_disk(str(path))
