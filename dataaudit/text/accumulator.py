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
from typing import TYPE_CHECKING

import pyarrow as pa

from dataaudit.profile.text import TextProfile
from dataaudit.text.conformance import broken_rules
from dataaudit.text.partial import TextPartial, TextSpec
from dataaudit.text.validate import Line, check_parsed, parse_line

if TYPE_CHECKING:
    from dataaudit.rules.model import MissingValues


@dataclass
class TextAccumulator:
    partial: TextPartial

    def merged(self, other: TextAccumulator) -> TextAccumulator:
        return replace(self, partial=self.partial.merged(other.partial))

    def near_texts(self) -> list[TextPartial]:
        """The text sets whose near duplicates an engine may find where the rows live."""
        return [self.partial]

    def extract(self) -> TextProfile:
        from dataaudit.text.extract import extract

        return extract(self.partial)


@dataclass
class FileLines(TextAccumulator):
    @classmethod
    def create(cls, spec: TextSpec) -> FileLines:
        return cls(TextPartial(spec))

    #: the number of a batch's first row at offset 0: lines count from 1, a JSON array's items from 0
    first = 1

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        spec = self.partial.spec
        assert spec.layout is not None
        parsed = [parse_line(line) for line in _as_bytes(batch.column(0)).to_pylist()]
        lines = [check_parsed(p, spec.layout) for p in parsed]
        broken = None if spec.profile is None else [broken_rules(p, spec.profile) for p in parsed]
        start = offset + self.first
        self.partial.add(list(range(start, start + len(lines))), lines, broken=broken)


@dataclass
class ArrayItems(FileLines):
    """The items of a JSON file holding one array, each fed as the line it would be in a JSONL
    file and numbered by its index in the array."""

    first = 0


@dataclass
class ColumnTexts(TextAccumulator):
    """The texts of a table's text column. A cell holding a missing-value token (`NA`, `?`, as
    the rule pack lists them, trimmed, in any case unless it says otherwise) is no text, as a
    null is: counted among the empty ones (`text.empty`), as `missing.column_share` counts it,
    not measured as a two-letter text."""

    target: str | None = None
    #: the rule pack's missing-value tokens as a cell is compared with them (trimmed, folded)
    tokens: frozenset[str] = frozenset()
    case_sensitive: bool = False

    @classmethod
    def create(cls, spec: TextSpec, target: str | None, missing: MissingValues | None = None) -> ColumnTexts:
        if missing is None:
            return cls(TextPartial(spec), target)
        tokens = (token.strip() for token in missing.tokens)
        folded = frozenset(tokens if missing.case_sensitive else (token.lower() for token in tokens))
        return cls(TextPartial(spec), target, folded, missing.case_sensitive)

    def add(self, batch: pa.RecordBatch, offset: int) -> None:
        names = batch.schema.names
        n = batch.num_rows
        labels = batch.column(names.index(self.target)).to_pylist() if self.target in names else None
        name = self.partial.spec.name
        values = batch.column(names.index(name)).to_pylist() if name in names else [None] * n
        lines = [Line([], [("text", self._text(v))], None) for v in values]
        self.partial.add(list(range(offset, offset + n)), lines, labels=labels)

    def _text(self, value: object) -> str:
        if value is None:
            return ""
        text = value if isinstance(value, str) else str(value)
        trimmed = text.strip()
        return "" if (trimmed if self.case_sensitive else trimmed.lower()) in self.tokens else text


def _as_bytes(column: pa.Array) -> pa.Array:
    """Raw lines as bytes: Spark hands them as text whose bytes it never checked, and a line
    that is not UTF-8 must reach `check_line` as it is written to be reported as such."""
    if pa.types.is_string(column.type):
        return column.view(pa.binary())
    if pa.types.is_large_string(column.type):
        return column.view(pa.large_binary())
    return column
