"""A Hugging Face `datasets.Dataset`, read from its own Arrow table.

The batches come from `Dataset.with_format("arrow").iter(...)`: without an indices mapping
they are slices of the memory-mapped table (no copy); after `select`, `shuffle`, `filter` or
`train_test_split` the dataset is a view through an indices mapping, and each batch is then
gathered (`take`) from the table in the view's order: one batch's copy at a time, never the
whole dataset. A `ClassLabel` column is audited as the integer codes the table stores.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.errors import InputError
from dataaudit.io.source import Source


def is_hf_dataset(data: object) -> bool:
    """A `datasets.Dataset`, told apart without importing `datasets`."""
    return any(cls.__module__.startswith("datasets.") and cls.__name__ == "Dataset" for cls in type(data).__mro__)


def is_hf_dataset_dict(data: object) -> bool:
    """A `datasets.DatasetDict` (a mapping of split names to datasets), told apart likewise."""
    return any(cls.__module__.startswith("datasets.") and cls.__name__ == "DatasetDict"
               for cls in type(data).__mro__)


def open_hf_dataset(data: Any, *, chunk_rows: int) -> Source:
    arrow = data.with_format("arrow")

    def read() -> Iterator[pa.RecordBatch]:
        for table in arrow.iter(batch_size=chunk_rows):
            yield from table.combine_chunks().to_batches()

    dataset_name = getattr(data.info, "dataset_name", None)  # set by load_dataset, not by Dataset(table)
    name = f"<datasets.Dataset {dataset_name}>" if dataset_name else "<datasets.Dataset>"
    source = Source(name, "dataset", list(data.column_names), read, repeatable=True)
    source.info["rows"] = data.num_rows
    return source


def load_saved_dataset(path: Path, name: str) -> Any:
    """The dataset `save_to_disk` wrote to `path` (memory-mapped, not read into memory)."""
    try:
        from datasets import load_from_disk
    except ImportError:
        raise InputError(f"{name}: a folder saved by Hugging Face datasets; reading it needs the datasets package: "
                         "pip install datasets") from None
    return load_from_disk(str(path))
