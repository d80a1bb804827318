"""Column-level fixes: numbers stored as text become numbers; constant and all-empty feature
columns are dropped. Both decide from the audit profile, with the audit's own definitions.

A column becomes numbers only if every number in it is written as it prints: a ZIP code
`00123`, an amount `1.10`, `1e3` or an id past 2**53 would come out as `123`, `1.1`, `1000`
or a rounded float, so such a column stays text. A JSON Lines column of float type whose every
value is a JSON number (`2.50`) is a number by its type, as a Parquet column is: it becomes
numbers whatever its digits, which a JSONL output writes back as the input wrote them."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.arrays import to_numpy
from dataaudit.checks.columns import is_constant
from dataaudit.io.json_strings import string_cells
from dataaudit.preprocess.base import FromProfile, Tally, decoded, is_text, replace_column
from dataaudit.profile import values as v
from dataaudit.profile.json_strings import as_strings, read_as_other
from dataaudit.profile.model import ColumnProfile, Profile
from dataaudit.profile.sketches import hll_most
from dataaudit.profile.spec import ProfileSpec

NUMERIC_TYPES = {"integer": pa.int64(), "float": pa.float64()}
# no tokens: a disguised token left in a numeric column is not a number
_AS_WRITTEN = ProfileSpec(tokens=())


class CoerceNumeric(FromProfile):
    """Cast text feature columns whose every present value is a number written as it prints
    (the audit's `respelled` count is 0), or a JSON number in a float column, to int64 or float64.

    Learns `columns_`: column -> "integer" or "float", from the audit's column types. A value
    of another split that is not a number is one of `invalid_rows`: `dataaudit clean`
    quarantines such rows before casting; `transform` alone makes the value null and counts it.

    `model_input`: a later step makes the table a model's input, `scale` rewriting every number
    of the numeric features and `encode` every text of the others into categories, so a float
    column spelled otherwise than its floats print (`18.0`, `1.10`, `1e3`, as pandas and
    spreadsheets write floats) becomes numbers too, or the scaling would pass over it and the
    encoding make a category of each number. An integer column so spelled (`00123`, an id past
    2**53) stays text: a code, not an amount.
    """

    name = "coerce_numeric"
    state = ("columns_",)

    def __init__(self, model_input: bool = False) -> None:
        self.model_input = model_input

    def _learn(self, profile: Profile) -> None:
        typed = set(profile.json_numbers)
        self.columns_ = {c.name: c.type for c in profile.columns
                         if c.role == "feature" and c.type in NUMERIC_TYPES
                         and (not c.respelled or (self.model_input and c.type == "float")
                              or (c.name in typed and (c.type == "float" or _only_minus_zero(c))))}

    def invalid_rows(self, batch: pa.RecordBatch) -> dict[str, np.ndarray]:
        """Per coerced column, the rows whose value cannot become its type."""
        out = {}
        for name, array in self._text_columns(batch):
            _, invalid = _parse(array, self.columns_[name])
            if invalid.any():
                out[name] = invalid
        return out

    def rows_changed(self, batch: pa.RecordBatch) -> np.ndarray:
        """Every row where a column of `batch` is cast: its type changes."""
        self.check_fitted()
        return np.full(batch.num_rows, bool(self._text_columns(batch)))

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        touched = np.zeros(batch.num_rows, dtype=bool)
        for name, array in self._text_columns(batch):
            numbers, invalid = _parse(array, self.columns_[name])
            present = to_numpy(array.is_valid())
            tally.cells[name] += int(present.sum())
            touched |= present
            if invalid.any():
                for value, n in zip(*np.unique(np.asarray(array.filter(pa.array(invalid)).to_pylist(), dtype=object),
                                                return_counts=True), strict=True):
                    tally.rewrites[f"{value!r} -> null (not a number)"] += int(n)
            if self.columns_[name] == "integer" and pc.any(pc.equal(array, "-0")).as_py():
                tally.notes.append(f"{name}: -0 made the integer 0 (an int64 has no negative zero)")
            batch = replace_column(batch, name, numbers)
        if tally.cells:
            tally.notes.append("to numbers: " + ", ".join(f"{n} ({self.columns_[n]})" for n in tally.cells))
        tally.rows_changed = int(touched.sum())
        return batch, tally

    def _text_columns(self, batch: pa.RecordBatch) -> list[tuple[str, pa.Array]]:
        check = [(name, decoded(batch.column(name))) for name in self.columns_ if name in batch.schema.names]
        return [(name, array) for name, array in check if is_text(array)]


def _only_minus_zero(column: ColumnProfile) -> bool:
    """Whether a column of JSON integers is respelled only by `-0` (the int 0 prints `0`): the
    other integers a JSON line writes print as written, up to 2^53, past which they stay text."""
    numbers = column.numeric
    return numbers is not None and max(abs(numbers.min), abs(numbers.max)) <= v.EXACT_INTEGERS


def _parse(array: pa.Array, kind: str) -> tuple[pa.Array, np.ndarray]:
    """The column as `kind`, and the rows whose value is not one (null in the result)."""
    trimmed = pc.utf8_trim_whitespace(array)
    try:
        return pc.cast(trimmed, NUMERIC_TYPES[kind]), np.zeros(len(array), dtype=bool)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        pass
    table = v.value_table(array, _AS_WRITTEN)
    ok = (table.kind == v.INTEGER) | (table.kind == v.FLOAT)
    if kind == "integer":
        ok &= np.floor(table.number) == table.number
    slot = np.where(table.codes < 0, len(ok), table.codes)
    row_ok = np.append(ok, False)[slot]
    numbers = np.append(table.number, np.nan)[slot]
    invalid = ~row_ok & (table.codes >= 0)
    if kind == "integer":
        return pa.array(np.where(row_ok, numbers, 0).astype(np.int64), mask=~row_ok), invalid
    return pa.array(numbers, mask=~row_ok), invalid


@dataclass
class LeftValues:
    """Per column of the rows a clean keeps, up to two of its distinct values present, as the
    audit's distinct count tells values apart (`values.present_hashes`), and whether a cell
    holds none (null, or a missing-value token). Spark's partitions hand theirs on as `rows`,
    merged on the cluster."""

    values: dict[str, np.ndarray] = field(default_factory=dict)
    missing: dict[str, bool] = field(default_factory=dict)

    def left(self, name: str) -> int:
        """0 where no cell holds a value, 1 where every cell holds the same one, 2 otherwise."""
        found = len(self.values[name])
        return 2 if found == 1 and self.missing[name] else found

    def add(self, batches: Iterable[pa.RecordBatch], spec: ProfileSpec) -> LeftValues:
        """`batches` counted, read only until every column is a 2. A JSON string noted on a
        batch (`io.json_strings`) that another JSON value reads as (`"1"`, `"true"`) is a value
        apart from that value's, as the audit of a JSONL output keeps it."""
        for batch in batches:
            names = [name for name in batch.schema.names if name not in self.values or self.left(name) < 2]
            apart = read_as_other(batch, string_cells(batch), names) if names else {}
            for name in names:
                column = batch.column(name)
                if name in apart:
                    strings = np.zeros(len(column), dtype=bool)
                    strings[apart[name]] = True
                    hashes, absent = v.present_hashes(column.filter(pa.array(strings)), spec)
                    self._note(name, as_strings(hashes), absent)
                    column = column.filter(pa.array(~strings))
                hashes, absent = v.present_hashes(column, spec)
                self._note(name, hashes, absent)
            if all(self.left(name) == 2 for name in self.values):
                break
        return self

    def counts(self) -> dict[str, int]:
        return {name: self.left(name) for name in self.values}

    def rows(self) -> list[tuple[str, int | None, bool]]:
        """As rows of (column, a value's hash as a signed 64-bit integer or None, missing): what
        a Spark partition hands on."""
        return [(name, value, self.missing[name])
                for name, hashes in self.values.items() for value in hashes.view(np.int64).tolist() or [None]]

    @classmethod
    def from_rows(cls, rows: Iterable[tuple[str, list[int], bool]]) -> LeftValues:
        """The partials' `rows` merged on the cluster: a column, up to two of its values, missing."""
        left = cls()
        for name, values, missing in rows:
            left._note(name, np.array(values, np.int64).view(np.uint64), missing)
        return left

    def _note(self, name: str, hashes: np.ndarray, absent: bool) -> None:
        self.values[name] = np.union1d(self.values.get(name, hashes), hashes)[:2]
        self.missing[name] = self.missing.get(name, False) or absent


class DropColumns(FromProfile):
    """Drop feature columns that hold one value (`columns.constant`) or none
    (`missing.empty_column`). Learns `columns_`: column -> why.

    A table whose every column is so (a file of one row, say) keeps them all: a table of no
    columns holds no rows, so its rows would be lost, though counted as written."""

    name = "drop_columns"
    state = ("columns_",)

    def __init__(self, constant: bool = True, empty: bool = True) -> None:
        self.constant = constant
        self.empty = empty

    def _learn(self, profile: Profile) -> None:
        self.columns_ = {}
        for column in profile.columns:
            if column.role != "feature" or not column.rows:
                continue
            if self.empty and column.present == 0:
                self.columns_[column.name] = "empty"
            elif self.constant and column.present and is_constant(profile, column):
                self.columns_[column.name] = "constant"
        if len(self.columns_) == len(profile.columns):
            self.columns_ = {}

    def left_by_cleaning(self, profile: Profile, quarantined: int, rewrites_any: bool = False,
                         strings_noted: bool = False) -> list[str]:
        """The feature columns kept that the clean could leave with one value, or none, though
        the input holds more: their other values must all be in the `quarantined` rows or in
        cells a step before this one rewrites (a sentinel nulled, blanks trimmed, `1.0` made the
        number 1; any text where `rewrites_any`, NFKC). Only these are read again (`LeftValues`).
        The distinct count is an estimate (`sketches.hll_most`): 2,000 values may count 2,012,
        two values 1, so a column is read where its count could be of few enough values, and
        wherever the audit did not find it constant (a column it did is dropped, or kept with
        every other, `_learn`).
        A JSONL column holding a number and its text as a string (`1`, `"1"`, `Profile.json_mixed`)
        is read too where the rows read note their JSON strings (`strings_noted`), which keep
        them apart: the rows quarantined may hold all of one, and an output of text all of both."""
        def budget(column: ColumnProfile) -> int:
            rewritten = column.present if rewrites_any else column.padded + column.respelled
            return quarantined + rewritten + sum(column.sentinels.values())

        return [c.name for c in profile.columns
                if c.role == "feature" and c.name not in self.columns_
                and (strings_noted or c.name not in profile.json_mixed)
                and c.present and ((self.constant and not is_constant(profile, c)
                                    and c.distinct <= hll_most(budget(c) + 1))
                                   or (self.empty and c.present <= budget(c)))]

    def learn_kept(self, values: Mapping[str, int], total: int) -> None:
        """Also drop the columns that hold one value, or none, in the rows the clean writes, as
        the steps before this one write them (`values`: `LeftValues.counts` of the columns
        `left_by_cleaning` names): the output's audit would find them constant or empty, and a
        second clean drop them. `total`: the input's columns, which may not all go."""
        why = {}
        if self.empty:
            why[0] = "empty once cleaned"
        if self.constant:
            why[1] = "constant once cleaned"
        left = {name: why[count] for name, count in values.items() if count in why}
        if len(self.columns_) + len(left) < total:
            self.columns_.update(left)

    def _apply(self, batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        tally = Tally()
        dropped = [name for name in self.columns_ if name in batch.schema.names]
        if not dropped:
            return batch, tally
        tally.notes.append("dropped " + ", ".join(f"{name} ({self.columns_[name]})" for name in dropped))
        tally.rows_changed = batch.num_rows
        for name in dropped:  # every cell of a dropped column is a changed cell
            tally.cells[name] += batch.num_rows
        # selected, not rebuilt: the schema's metadata (a pandas index, a writer's keys) stays
        return batch.select([name for name in batch.schema.names if name not in dropped]), tally
