"""What every reader hands the engine: column names, a stream of record batches, and the
rows it had to set aside."""

from __future__ import annotations

import contextlib
import difflib
import itertools
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pyarrow as pa

from dataaudit.arrays import python_values
from dataaudit.errors import InputError, listed, quoted
from dataaudit.io.strings import narrow_strings, wider_columns

DEFAULT_CHUNK_ROWS = 65_536
SHOWN_COLUMNS = 15  # an unknown column's error lists this many, each cut to 40 characters
#: what a malformed row's error suggests: the audit leaves such rows out, the clean quarantines them
BAD_ROW_HINT = ("`dataaudit audit --bad-rows skip` lists such rows and goes on, `dataaudit clean --bad-rows "
                "quarantine` quarantines them")
#: a reading mode beside "error" and "skip": a malformed row is skipped and its whole text kept
#: (`RowProblem.raw`), for a clean to quarantine; "skip" keeps only the report's cut of it
KEEP_BAD_ROWS = "keep"
SHOWN_TEXT = 200  # the characters of a malformed row a report quotes
#: the name of a column whose header cell is blank, where several are: its place, counted from 1
#: as a spreadsheet counts and as the errors naming columns by place do
BLANK_COLUMN = "(column {})"


def refuse_duplicate_columns(name: str, columns: list[str], where: str) -> None:
    """An `InputError` when two columns share a name (`where`: the header, the schema): a row
    would hold two values under one key, and every step names a column by its name."""
    duplicated = [column for column, count in Counter(columns).items() if count > 1]
    if duplicated:
        more = f", and {len(duplicated) - 1:,} more names" if len(duplicated) > 1 else ""
        raise InputError(f"{name}: duplicate column name in {where}: {quoted(duplicated[0])} "
                         f"({_positions(columns, duplicated[0])}{more})")


def blank_columns_named(columns: list[str]) -> tuple[list[str], dict[str, str]]:
    """`columns` with each blank name given one of its place, and those names mapped to the
    blank each stands for. A spreadsheet exports the empty columns right of its data with blank
    names (`a,b,label,,,`): as several columns named `''` they could not be told apart, named on
    the command line, or read into a row. One blank name is a name like any other and stays."""
    blanks = [i for i, column in enumerate(columns) if column == ""]
    if len(blanks) < 2:
        return columns, {}
    named, taken = list(columns), set(columns)
    for i in blanks:
        name = BLANK_COLUMN.format(i + 1)
        while name in taken:  # a header naming a column so already
            name += "'"
        named[i] = name
        taken.add(name)
    return named, {named[i]: "" for i in blanks}


def _positions(columns: list[str], column: str, shown: int = 5) -> str:
    """Where `column` stands, counted from 1 as a spreadsheet counts: a blank name, as the empty
    columns a spreadsheet leaves at a header's end, is no name to find in a wide header."""
    at = [str(i) for i, name in enumerate(columns, 1) if name == column]
    return "columns " + ", ".join(at[:shown]) + (f" and {len(at) - shown:,} more" if len(at) > shown else "")


@dataclass(frozen=True)
class RowProblem:
    """A row the reader could not use; `line` is the line in the file (1 = header for CSV) it
    starts on. `text` is its first characters, as reports quote it; `raw` its whole text, line end
    left out, kept only when the reader is asked to (`KEEP_BAD_ROWS`): a file of millions of such
    rows (a wrong delimiter) would otherwise be held in memory whole for an audit's sake."""

    line: int | None
    problem: str
    text: str = ""
    raw: str | None = None

    @classmethod
    def of(cls, line: int | None, problem: str, raw: str, keep: bool) -> RowProblem:
        """The problem of a row whose whole text is `raw`, which it keeps when `keep` says so."""
        return cls(line, problem, raw[:SHOWN_TEXT], raw if keep else None)

    def reported(self) -> dict[str, Any]:
        """The row as a report lists it: its line, the problem and the first of its text."""
        return {"line": self.line, "problem": self.problem, "text": self.text}


@dataclass(frozen=True)
class LateKey:
    """A key of a JSON Lines file first met past the rows its columns are read from: its rows are
    read, its values are not (no column holds them). `line` is where it first appears."""

    key: str
    line: int
    columns_from: int  # the rows the columns are the keys of


@dataclass
class Source:
    """A dataset opened for one streaming pass.

    `batches` yields record batches whose memory is bounded by the chunk size, never the file
    size. `problems` fills while batches are read (rows skipped with `bad_rows="skip"`); a
    read from the start begins it afresh, so a file read twice lists each such row once.
    """

    name: str
    format: str
    columns: list[str]
    read: Callable[[], Iterator[pa.RecordBatch]]
    info: dict[str, Any] = field(default_factory=dict)
    problems: list[RowProblem] = field(default_factory=list)
    # the keys met past the rows the columns are read from (JSON Lines), each once, as first met
    late_keys: dict[str, LateKey] = field(default_factory=dict)
    # the rows the columns are the keys of, where the file holds more (JSON Lines): a key first
    # met past them is no column, which an unknown column's error says
    columns_from: int | None = None
    # the columns whose every value present is a JSON number (JSON Lines), known after a whole
    # read: numbers by their type, as a Parquet column's are, whatever digits their text keeps
    json_numbers: set[str] = field(default_factory=set)
    # the columns holding an object or an array (JSON Lines), read as its JSON text: nested
    # values, as a Parquet list or struct is, which no step rewrites as text; known after a whole read
    json_nested: set[str] = field(default_factory=set)
    # the late keys (`late_keys`) holding an object or an array on some line, as `json_nested`
    # holds the columns: a clean's steps leave their nested values as they leave such a column's
    late_nested: set[str] = field(default_factory=set)
    # bytes of the file read so far, where the reader can tell (for progress and its ETA)
    position: Callable[[], int] | None = None
    # the file the reader reads: the input itself, or the copy of a read-once input (stdin, a
    # FIFO); None for an in-memory table. `name` is how reports call it, which may be no path.
    local_path: Path | None = None
    # a second `batches()` gives the same rows again without a file to reopen (a Parquet folder, a
    # `datasets.Dataset`, a Polars frame), so a finding may quote a row read after the pass, as for a file
    repeatable: bool = False
    # the columns read as large or view strings (binaries), with those types: every batch is
    # handed on with them narrowed (`io/strings.py`), and a cleaned file is written with them
    stored_types: dict[str, pa.DataType] = field(default_factory=dict)
    # the columns' types as stored, where the file says them before any row is read (Parquet):
    # what an empty cleaned file is written with
    schema: pa.Schema | None = None
    # the same rows as `read`, in the batches the reader parses them in (a block of the file)
    # rather than gathered into chunks: `row_at` stops after the block holding its row instead
    # of parsing a whole chunk of rows. None where the reader has no smaller batches than `read`'s.
    read_blocks: Callable[[], Iterator[pa.RecordBatch]] | None = None
    # a CSV whose first line names its delimiter (`sep=;`, as Excel writes it) above the header:
    # a clean writes its CSV output with such a line too, naming the output's delimiter
    separator_line: bool = False
    # the names given to columns whose header cell is blank (`blank_columns_named`), each with the
    # header cell it stands for: a clean writes a CSV header back as the input had it
    written_names: dict[str, str] = field(default_factory=dict)

    def batches(self) -> Iterator[pa.RecordBatch]:
        return self._stored(self.read())

    def _stored(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            self.stored_types.update(wider_columns(batch.schema))  # the columns `_narrowed` narrows
            yield from self._narrowed(batch)

    def _narrowed(self, batch: pa.RecordBatch) -> Iterator[pa.RecordBatch]:
        """`batch` with its strings narrowed (`narrow_strings`); a batch holding more text than a
        `string` column can address (2 GiB) is handed on as its two halves, each narrowed the
        same way, the rows in their order."""
        try:
            narrow = narrow_strings(batch)
        except pa.ArrowInvalid as exc:
            if batch.num_rows < 2:
                raise InputError(f"{self.name}: a row holds more text than can be read ({exc})") from None
            half = batch.num_rows // 2
            yield from self._narrowed(batch.slice(0, half))
            yield from self._narrowed(batch.slice(half))
            return
        yield narrow

    def first_rows(self, rows: int) -> pa.Table:
        """Up to `rows` leading rows, to decide something before the pass: from as many batches
        as hold them, so that what is decided does not depend on how the data is cut (a Parquet
        file's row groups, a table's chunks, the chunk size). The batches read here are handed
        to the pass as its first ones, so the pass reads the data once all the same; a later
        read (a second look at the data) starts afresh."""
        read = self.read
        stream = read()
        taken: list[pa.RecordBatch] = []
        held = 0
        for batch in stream:
            taken.append(batch)
            held += batch.num_rows
            if held >= rows:
                break
        if not taken:
            return pa.Table.from_batches([], schema=pa.schema([(c, pa.null()) for c in self.columns]))
        pending = [itertools.chain(taken, stream)]
        self.read = lambda: pending.pop() if pending else read()
        return _leading(list(self._narrowed(taken[0])), [b for later in taken[1:] for b in self._narrowed(later)],
                        rows)

    def row_at(self, number: int) -> dict[str, Any] | None:
        """Row `number` (0 for the first), read again from the start and stopping there (in the
        reader's `read_blocks` where it has them), to quote a row a finding names after the pass;
        None past the last row. The Spark engine's source finds it on the cluster instead, where
        its rows live. The rows the whole pass set aside (`problems`) are kept as the pass left
        them: a read from the start lists them afresh, and this one stops before the end."""
        kept, start = self.problems[:], 0
        try:
            for batch in self._stored((self.read_blocks or self.read)()):
                if number < start + batch.num_rows:
                    return python_values(batch.slice(number - start, 1))[0]
                start += batch.num_rows
            return None
        finally:
            self.problems[:] = kept

    def require(self, column: str, what: str, *, read: bool = False) -> None:
        """Raise `InputError` naming the source, the missing column, a close match and the
        columns there are, so a typo is one line to fix; before the file is `read` through, a
        JSON Lines file's name may be a key its columns were not read from, which it says."""
        if column in self.columns:
            return
        self._refuse_nested(column, what)
        if not self.columns:
            raise InputError(f"{self.name}: {what} {quoted(column)} not found; the file has no columns")
        close = difflib.get_close_matches(column, self.columns, n=1)
        hint = f" (did you mean {quoted(close[0], 60)}?)" if close else ""
        # a name can be as long as a header line: each is cut so the message stays one short line
        shown = ", ".join(listed(c) for c in self.columns[:SHOWN_COLUMNS])
        more = f" ... ({len(self.columns):,} in all)" if len(self.columns) > SHOWN_COLUMNS else ""
        late = (f" (the keys of the first {self.columns_from:,} JSON objects; a key first met past them is no column: "
                "give it to one of them, as null where it has no value)" if self.columns_from and not read else "")
        raise InputError(f"{self.name}: {what} {quoted(column)} not found{hint}; columns are: {shown}{more}{late}")

    def _refuse_nested(self, column: str, what: str) -> None:
        """A dotted name that is no column but starts with one (`data.prompt`, `data` a Parquet
        struct or a JSONL table's objects): a column is named whole, its dots spelled as written
        (CSV headers hold dots), so that a name never means two columns. Flattening the table
        (pyarrow's `Table.flatten`) makes `data.prompt` a column of that name."""
        head = column.split(".")[0]
        if "." in column and head in self.columns:
            raise InputError(f"{self.name}: {what} {quoted(column)} not found; {quoted(head)} is a column, and the "
                             f"fields of a column's nested objects are no columns: flatten it first (its field then "
                             f"a column named {quoted(column)})")


def _leading(first: list[pa.RecordBatch], later: list[pa.RecordBatch], rows: int) -> pa.Table:
    """The first `rows` rows of the batches `first` and `later`. Batches whose types differ (a
    CSV's types are inferred block by block) join as Arrow promotes them (a column of nulls,
    then of text, is text); where they cannot, the first batch's rows are all there is."""
    table = pa.Table.from_batches(first)
    if later:
        with contextlib.suppress(pa.ArrowInvalid, pa.ArrowTypeError):
            parts = [table, *(pa.Table.from_batches([batch]) for batch in later)]
            table = pa.concat_tables(parts, promote_options="permissive")
    return table.slice(0, rows)
