"""The text audit's accumulators, fed record batches like the table profile's, so the engines
run them: in this process, in worker processes (`--jobs`) or over Spark partitions.

`FileLines` reads the `line` column of a fine-tuning file opened as lines (see
`dataaudit.io.lines`): a batch's first row is line `offset + 1`, blank lines counted, so line
numbers are the file's whoever reads the chunk. `ColumnTexts` reads one text column of a table
(and the target, whose labels stand in for the answers) in the table's own pass: a row's number
is its offset in the table. Both wrap a `TextPartial`, whose merge keeps examples in file order,
and are pickled as they are to workers and back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import pyarrow as pa

from dataaudit.profile.text import TextProfile
from dataaudit.text.partial import TextPartial, TextSpec
from dataaudit.text.validate import Line, check_line


@dataclass
class TextAccumulator:
    partial: TextPartial

    def merged(self, other: TextAccumulator) -> TextAccumulator:
        return replace(self, partial=self.partial.merged(other.partial))

    def extract(self) -> TextProfile:
        from dataaudit.text.extract import extract

        return extract(self.partial)


@dataclass
class FileLines(TextAccumulator):
    @classmethod
    def create(cls, spec: TextSpec) -> FileLines:
        return cls(TextPartial(spec))

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        layout = self.partial.spec.layout
        assert layout is not None
        lines = _as_bytes(batch.column(0)).to_pylist()
        self.partial.add(list(range(offset + 1, offset + 1 + len(lines))), [check_line(line, layout) for line in lines])


@dataclass
class ColumnTexts(TextAccumulator):
    target: str | None = None

    @classmethod
    def create(cls, spec: TextSpec, target: str | None) -> ColumnTexts:
        return cls(TextPartial(spec), target)

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        names = batch.schema.names
        n = batch.num_rows
        labels = batch.column(names.index(self.target)).to_pylist() if self.target in names else None
        name = self.partial.spec.name
        values = batch.column(names.index(name)).to_pylist() if name in names else [None] * n
        lines = [Line([], [("text", v if isinstance(v, str) else "" if v is None else str(v))], None) for v in values]
        self.partial.add(list(range(offset, offset + n)), lines, labels=labels)


def _as_bytes(column: pa.Array) -> pa.Array:
    """Raw lines as bytes: Spark hands them as text whose bytes it never checked, and a line
    that is not UTF-8 must reach `check_line` as it is written to be reported as such."""
    if pa.types.is_string(column.type):
        return column.view(pa.binary())
    if pa.types.is_large_string(column.type):
        return column.view(pa.large_binary())
    return column
