"""What every reader hands the engine: column names, a stream of record batches, and the
rows it had to set aside."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import pyarrow as pa

DEFAULT_CHUNK_ROWS = 65_536


@dataclass(frozen=True)
class RowProblem:
    """A row the reader could not use; `line` is the line in the file (1 = header for CSV)."""

    line: int | None
    problem: str
    text: str = ""


@dataclass
class Source:
    """A dataset opened for one streaming pass.

    `batches` yields record batches whose memory is bounded by the chunk size, never the file
    size. `problems` fills while batches are read (rows skipped with `bad_rows="skip"`).
    """

    name: str
    format: str
    columns: list[str]
    read: Callable[[], Iterator[pa.RecordBatch]]
    info: dict[str, Any] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    # bytes of the file read so far, where the reader can tell (for progress and its ETA)
    position: Callable[[], int] | None = None

    def batches(self) -> Iterator[pa.RecordBatch]:
        return self.read()
