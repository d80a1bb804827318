"""The mergeable statistics of one column: counts, kinds, missing values, moments, distincts."""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field, replace

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from dataaudit.profile import values as v
from dataaudit.profile.exact_sum import EXACT, exact_sum
from dataaudit.profile.placeholders import PlaceholderPartial
from dataaudit.profile.quantiles import QuantileSketch, seed_of
from dataaudit.profile.runs import RunsPartial
from dataaudit.profile.sketches import first_rows, hll_add, hll_empty, rows_where
from dataaudit.profile.spec import ProfileSpec

#: numbers up to this size have squares whose sums, times any two row counts, stay finite (below
#: 2**1024): their moments are taken as they are; larger ones are divided by a power of two first
_UNSCALED = 2.0**448
#: numbers whose largest is below this have squares (and products of deviations) near or below the
#: smallest float, which round to 0: they are multiplied by a power of two first, like large ones
_TINY = 2.0**-448


@dataclass
class Moments:
    """Count, mean and sum of squared deviations, merged with Chan et al.'s parallel formula.

    Numbers past 1e154 have squared deviations past the largest float while their spread is
    not, and numbers near the largest float a sum past it while their mean is not; numbers
    below 1e-154 have squared deviations that round to 0 while their spread is not 0: `m2` is
    kept in units of `scale**2`, a power of two within a factor of 2 of the largest magnitude
    (1.0 for numbers between 2**-448 and 2**448, and for zeros only, where it changes nothing).
    Dividing by a power of two is exact, so the sums are those of the numbers themselves, only
    never overflowing nor underflowing. The mean is `total`, the numbers' exact sum in units of
    2**-EXACT (`exact_sum`), divided by the count and rounded once: the same to the bit for any
    chunking, where the spread may differ in its last bits. Numbers holding an infinity keep a
    `total` of 0: their mean is that infinity, or NaN, whatever finite numbers join them."""

    count: int = 0
    mean: float = 0.0
    m2: float = 0.0
    min: float = float("inf")
    max: float = float("-inf")
    scale: float = 1.0
    total: int = 0

    @classmethod
    def of(cls, values: np.ndarray, weights: np.ndarray | None = None) -> Moments:
        """The moments of `values`, each counted `weights` times (None: once, the same sums
        to the bit as weights of 1.0, without multiplying by them)."""
        if values.size == 0:
            return cls()
        # + 0.0 turns -0.0 into 0.0: which zero min() keeps depends on the order values arrive in
        low, high = float(values.min()) + 0.0, float(values.max()) + 0.0
        if not (math.isfinite(low) and math.isfinite(high)):
            return cls._of_infinities(values, weights, low, high)
        scale = _scale_of(max(-low, high))
        count = values.size if weights is None else int(weights.sum())
        total = exact_sum(values, weights)
        mean = _mean_of(total, count)
        deviations = (values - mean) ** 2 if scale == 1.0 else (values / scale - mean / scale) ** 2
        # weighted sums with plain reductions: np.dot would call BLAS, whose thread start-up
        # costs more than the sum itself on chunk-sized arrays
        m2 = float(deviations.sum() if weights is None else (weights * deviations).sum())
        return cls(count, mean, m2, low, high, scale, total)

    @classmethod
    def _of_infinities(cls, values: np.ndarray, weights: np.ndarray | None, low: float, high: float) -> Moments:
        """Numbers holding an infinity (`inf`, `1e999` read as one): the mean is that infinity
        (NaN if both signs occur) and the spread undefined, as in exact arithmetic, without the
        warnings numpy gives for subtracting an infinity from itself."""
        count = values.size if weights is None else int(weights.sum())
        mean = math.nan if (low, high) == (-math.inf, math.inf) else high if math.isinf(high) else low
        return cls(count, mean, math.nan, low, high, 1.0)

    def merged(self, other: Moments) -> Moments:
        if not other.count:
            return self
        if not self.count:
            return other
        count = self.count + other.count
        low, high = min(self.min, other.min), max(self.max, other.max)
        if not (math.isfinite(self.mean) and math.isfinite(other.mean)):  # an infinity on one side
            return Moments(count, self.mean + other.mean, math.nan, low, high, 1.0)
        scale = _scale_of(max(-low, high))  # of the larger side, or of the tiny numbers beside zeros
        # in units of `scale`: the step between means near the largest float, of either sign, passes it
        delta = other.mean / scale - self.mean / scale
        m2 = (_in_units(self.m2, self.scale, scale) + _in_units(other.m2, other.scale, scale)
              + delta * delta * self.count * other.count / count)
        total = self.total + other.total
        return Moments(count, _mean_of(total, count), m2, low, high, scale, total)

    def std(self) -> float:
        """The sample standard deviation (0.0 for one number)."""
        return math.sqrt(self.m2 / (self.count - 1)) * self.scale if self.count > 1 else 0.0


def _mean_of(total: int, count: int) -> float:
    """The mean of numbers whose `exact_sum` is `total`, rounded once (an integer division is)."""
    return total / (count << EXACT)


def _scale_of(largest: float) -> float:
    """1.0 from `_TINY` to `_UNSCALED`, else the largest power of two up to `largest` (zero or an
    infinity: 1.0, as zeros have no spread to keep and the moments of an infinite number are
    infinite or undefined however they are scaled)."""
    if _TINY <= largest <= _UNSCALED or largest == 0 or not math.isfinite(largest):
        return 1.0
    return math.ldexp(1.0, math.frexp(largest)[1] - 1)  # `largest` over it is in [1, 2)


def _in_units(m2: float, scale: float, new_scale: float) -> float:
    """`m2`, kept in units of `scale**2`, in units of `new_scale**2`. Only zeros (m2 0, scale 1.0)
    meet a smaller new scale: their ratio squared may pass the largest float, times 0 a NaN."""
    return m2 * (scale / new_scale) ** 2 if m2 else 0.0


#: the cells at the start of a column's first chunk of text that tell whether it is past its
#: distinct-value limit before it is counted (`ColumnPartial._passes_limit_at_once`)
LEADING_CELLS = 4096
#: the kind, within a chunk, of an infinity spelled as a word: a number or a word as the
#: column's other values make it, once they are all known (`ColumnPartial.resolved`)
_SPELLED = -3


@dataclass
class ColumnPartial:
    """One column's statistics over some rows; `merged` combines two disjoint row sets.

    `value_counts` holds the non-numeric values (or, for the target, every value) while there
    are at most `limit` distinct ones; past that it becomes None for good. Whether the limit is
    passed depends only on the union of values, so the outcome is the same for any chunking.
    Row lists keep the `examples` smallest row numbers, for the same reason. The target also
    keeps the runs of its numbers in row order and its placeholder candidates.
    Infinities spelled as words (`inf`, `-Infinity`) are counted apart in `spelled`, by their
    text, until `resolved` makes them numbers or words: a chunk holding only `inf` cannot tell.
    """

    name: str
    count_all_values: bool
    limit: int
    examples: int
    rows: int = 0
    nulls: int = 0
    null_rows: list[int] = field(default_factory=list)
    tokens: Counter = field(default_factory=Counter)
    token_rows: list[int] = field(default_factory=list)
    sentinels: Counter = field(default_factory=Counter)
    sentinel_rows: list[int] = field(default_factory=list)
    infinite: int = 0
    infinite_rows: list[int] = field(default_factory=list)
    spelled: Counter = field(default_factory=Counter)
    spelled_rows: list[int] = field(default_factory=list)
    kinds: Counter = field(default_factory=Counter)
    spaced: int = 0
    respelled: int = 0
    padded: int = 0
    dated: int = 0
    formatted: int = 0
    formatted_rows: list[int] = field(default_factory=list)
    kind_rows: dict[str, list[int]] = field(default_factory=dict)
    moments: Moments = field(default_factory=Moments)
    value_counts: Counter | None = field(default_factory=Counter)
    registers: np.ndarray = field(default_factory=hll_empty)
    quantiles: QuantileSketch | None = None
    runs: RunsPartial | None = None
    placeholders: PlaceholderPartial | None = None

    @classmethod
    def for_target(cls, name: str, limit: int, examples: int) -> ColumnPartial:
        """The target's partial: every value counted, and its numbers followed in row order."""
        return cls(name=name, count_all_values=True, limit=limit, examples=examples, runs=RunsPartial(),
                   placeholders=PlaceholderPartial(examples))

    def add(self, array: pa.Array, offset: int, spec: ProfileSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Count one chunk; return each row's value hash, whether the row's cell is missing, and
        its number (NaN where it is none), for accumulators that build on them."""
        self.rows += len(array)
        chunk = None if self.count_all_values else v.try_numeric(array, spec)
        if chunk is not None:
            return self._add_numeric(chunk, offset, spec)
        # past `limit` distinct values none is counted by name: a column of text only so far
        # (ids, free text) is taken cell by cell, without a hash table over its values
        past_limit = self.value_counts is None or self._passes_limit_at_once(array, spec)
        per_cell = past_limit and not self.kinds.keys() & {"integer", "float"}
        return self._add_table(v.value_table(array, spec, per_cell=per_cell), offset, spec)

    def _passes_limit_at_once(self, array: pa.Array, spec: ProfileSpec) -> bool:
        """Whether a chunk of text, before any value is counted, holds more than `limit` distinct
        texts that are neither numbers nor missing-value tokens among its first `LEADING_CELLS`
        cells. Counting it by name would then end past the limit (which depends only on the union
        of the values), so the chunk of an id or free-text column is taken cell by cell at once,
        instead of through a hash table of its values made only to be dropped: the counts, kinds
        and hashes are the same either way, and a cell by cell chunk that holds a number after
        all is counted by name (`value_table`)."""
        if self.value_counts is None or self.value_counts or len(array) <= self.limit:
            return False
        if not (pa.types.is_string(array.type) or pa.types.is_large_string(array.type)):
            return False
        leading = pc.unique(array.slice(0, max(LEADING_CELLS, 2 * self.limit))).drop_null()
        if len(leading) <= self.limit:
            return False
        _, kind, _ = v.classify(leading, spec)
        if ((kind == v.INTEGER) | (kind == v.FLOAT)).any():  # counted by name after all
            return False
        return int((kind != v.TOKEN).sum()) > self.limit

    def _add_numeric(self, chunk: v.NumericChunk, offset: int,
                     spec: ProfileSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        null = ~chunk.valid & ~chunk.token
        self.null_rows = self._note(self.null_rows, null, offset)
        self.nulls += int(null.sum())
        self.tokens.update(chunk.tokens)
        self.token_rows = self._note(self.token_rows, chunk.token, offset)
        self._add_kind("integer", chunk.valid & ~chunk.is_float, offset)
        self._add_kind("float", chunk.is_float, offset)
        self.respelled += int(chunk.respelled.sum())
        numbers = chunk.values[chunk.valid]
        self._add_numbers(numbers, None, chunk.values, chunk.valid, offset, spec)
        hll_add(self.registers, chunk.hashes[chunk.valid])
        return chunk.hashes, null | chunk.token, chunk.values

    def _add_table(self, table: v.ValueTable, offset: int,
                   spec: ProfileSpec) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        codes = table.codes
        null = codes < 0
        # nulls index one extra slot past the distinct values (a chunk may have no value at all)
        slot = np.where(null, len(table.kind), codes)
        self.null_rows = self._note(self.null_rows, null, offset)
        self.nulls += int(null.sum())
        counts = table.counts
        kind, number = table.kind, table.number
        spelled = v.spelled_infinities(table.values, number)
        if spelled.any():  # neither a number nor a word yet: no number in the rows' numbers
            kind, number = np.where(spelled, _SPELLED, kind), np.where(spelled, np.nan, number)
            for text, n in zip(table.texts(spelled), counts[spelled], strict=True):
                self.spelled[text] += int(n)
        row_kind = np.append(kind, -2)[slot]
        self.spelled_rows = self._note(self.spelled_rows, row_kind == _SPELLED, offset)
        token = kind == v.TOKEN
        for text, n in zip(table.texts(token), counts[token], strict=True):
            if n:
                self.tokens[text] += int(n)
        any_token = bool(counts[token].any())
        row_token = row_kind == v.TOKEN if any_token else np.zeros(len(codes), dtype=bool)
        self.token_rows = self._note(self.token_rows, row_token, offset)
        # a kind no value of the chunk has is no mask over its rows
        for code in np.unique(kind[(counts > 0) & (kind >= 0)]).tolist():
            self._add_kind(v.KINDS[code], row_kind == code, offset)
        self.spaced += int(counts[table.spaced].sum())
        self.padded += int(counts[table.padded & ~token].sum())
        self.dated += int(counts[v.date_texts(table.values, (kind == v.TEXT) & (counts > 0))].sum())
        formatted = v.formatted_numbers(table.values, (kind == v.TEXT) & (counts > 0))
        if formatted.any():
            self.formatted += int(counts[formatted].sum())
            self.formatted_rows = self._note(self.formatted_rows, np.append(formatted, False)[slot], offset)
        self.respelled += int(counts[table.respelled & ~spelled].sum())
        numeric = (kind == v.INTEGER) | (kind == v.FLOAT)
        if numeric.any():
            row_numeric = np.append(numeric, False)[slot]
            row_number = np.append(number, np.nan)[slot]
        else:  # a chunk of text: no number to spread over its rows
            row_numeric, row_number = np.zeros(len(codes), dtype=bool), np.full(len(codes), np.nan)
        self._add_numbers(number[numeric], counts[numeric], row_number, row_numeric, offset, spec)
        if self.runs is not None:
            self.runs.add(row_number, row_numeric, offset)
        if self.placeholders is not None:
            self.placeholders.add(row_number, row_numeric, offset, spec.sentinels)
        present = ~token & (counts > 0)
        self._count_values(table, counts, present if self.count_all_values else present & ~numeric & ~spelled)
        hll_add(self.registers, table.hashes[present])
        hashes = np.append(table.hashes, v.NULL_HASH)[slot]
        # a value's number is NaN unless it is numeric (`classify`): the rows' numbers are returned as spread
        return hashes, null | row_token, row_number

    def _note(self, rows: list[int], mask: np.ndarray, offset: int) -> list[int]:
        # within one partial, chunks arrive in file order: once full, later rows cannot enter
        if (len(rows) >= self.examples and rows[-1] < offset) or not mask.any():
            return rows
        return first_rows(rows, rows_where(mask, offset, self.examples), self.examples)

    def _add_kind(self, name: str, mask: np.ndarray, offset: int) -> None:
        n = int(mask.sum())
        if n:
            self.kinds[name] += n
            self.kind_rows[name] = self._note(self.kind_rows.get(name, []), mask, offset)

    def _add_numbers(self, distinct: np.ndarray, weights: np.ndarray | None, per_row: np.ndarray,
                     row_valid: np.ndarray, offset: int, spec: ProfileSpec) -> None:
        """Moments of the numbers that are not sentinels; sentinels are counted apart.
        `weights`: how many rows hold each number (None: one each, a chunk's numbers row by row,
        which then need no weights multiplied in nor copies made)."""
        if distinct.size == 0:
            return
        sentinel = np.isin(distinct, spec.sentinels) if spec.sentinels else None
        if sentinel is not None and sentinel.any():
            counted = np.ones(distinct.size) if weights is None else weights
            for value, n in zip(distinct[sentinel], counted[sentinel], strict=True):
                self.sentinels[float(value)] += int(n)
            self.sentinel_rows = self._note(self.sentinel_rows, row_valid & np.isin(per_row, spec.sentinels), offset)
            distinct, weights = distinct[~sentinel], None if weights is None else weights[~sentinel]
        counts = None if weights is None else weights.astype(np.float64)
        moments = Moments.of(distinct, counts)
        if not (math.isfinite(moments.min) and math.isfinite(moments.max)):
            self._add_infinities(distinct, counts, per_row, row_valid, offset)
        self.moments = self.moments.merged(moments)
        if spec.quantiles and distinct.size:
            self.quantiles = self.quantiles or QuantileSketch(seed=seed_of(self.name))
            self.quantiles.update(distinct if weights is None else np.repeat(distinct, weights.astype(np.int64)))

    def _add_infinities(self, distinct: np.ndarray, weights: np.ndarray | None, per_row: np.ndarray,
                        row_valid: np.ndarray, offset: int) -> None:
        """Count the infinite numbers (`inf`, `1e999`) and note their first rows: a model's
        input refuses them. Only asked of a chunk whose range already shows one."""
        infinite = np.isinf(distinct)
        self.infinite += int(infinite.sum() if weights is None else weights[infinite].sum())
        self.infinite_rows = self._note(self.infinite_rows, row_valid & np.isinf(per_row), offset)

    def _count_values(self, table: v.ValueTable, counts: np.ndarray, mask: np.ndarray) -> None:
        if self.value_counts is None or not mask.any():
            return
        if int(mask.sum()) > self.limit:
            self.value_counts = None
            return
        for value, n in zip(table.texts(mask), counts[mask], strict=True):
            self.value_counts[value] += int(n)
        if len(self.value_counts) > self.limit:
            self.value_counts = None

    def merged(self, other: ColumnPartial) -> ColumnPartial:
        def rows(a: list[int], b: list[int]) -> list[int]:
            return first_rows(a, b, self.examples)

        value_counts = None
        if self.value_counts is not None and other.value_counts is not None:
            value_counts = self.value_counts + other.value_counts
            if len(value_counts) > self.limit:
                value_counts = None
        return ColumnPartial(
            name=self.name,
            count_all_values=self.count_all_values,
            limit=self.limit,
            examples=self.examples,
            rows=self.rows + other.rows,
            nulls=self.nulls + other.nulls,
            null_rows=rows(self.null_rows, other.null_rows),
            tokens=self.tokens + other.tokens,
            token_rows=rows(self.token_rows, other.token_rows),
            sentinels=self.sentinels + other.sentinels,
            sentinel_rows=rows(self.sentinel_rows, other.sentinel_rows),
            infinite=self.infinite + other.infinite,
            infinite_rows=rows(self.infinite_rows, other.infinite_rows),
            spelled=self.spelled + other.spelled,
            spelled_rows=rows(self.spelled_rows, other.spelled_rows),
            kinds=self.kinds + other.kinds,
            spaced=self.spaced + other.spaced,
            respelled=self.respelled + other.respelled,
            padded=self.padded + other.padded,
            dated=self.dated + other.dated,
            formatted=self.formatted + other.formatted,
            formatted_rows=rows(self.formatted_rows, other.formatted_rows),
            kind_rows={
                name: rows(self.kind_rows.get(name, []), other.kind_rows.get(name, []))
                for name in sorted(set(self.kind_rows) | set(other.kind_rows))
            },
            moments=self.moments.merged(other.moments),
            value_counts=value_counts,
            registers=np.maximum(self.registers, other.registers),
            quantiles=_merged_sketch(self.quantiles, other.quantiles),
            runs=None if self.runs is None else self.runs.merged(other.runs),
            placeholders=None if self.placeholders is None else self.placeholders.merged(other.placeholders),
        )

    def resolved(self) -> ColumnPartial:
        """This partial with its infinities spelled as words (`spelled`) counted as the whole
        column makes them: as the float infinities pandas and pyarrow read in a column whose
        other values present are numbers (one at least), as words in any other, so `inf` among
        `sup` and `med` stays a category. Decided from the merged partial, so from every row:
        the same for any chunking. They stay out of the target's runs and placeholders, which
        follow numbers in row order as the chunks come."""
        if not self.spelled:
            return self
        numbers = v.spelled_are_numbers(self.kinds.keys())
        kind = "float" if numbers else "text"
        kind_rows = {**self.kind_rows, kind: first_rows(self.kind_rows.get(kind, []), self.spelled_rows,
                                                        self.examples)}
        resolved = replace(self, kinds=self.kinds + Counter({kind: sum(self.spelled.values())}),
                           kind_rows=dict(sorted(kind_rows.items())), spelled=Counter(), spelled_rows=[])
        if numbers:
            return resolved._spelled_as_numbers(self.spelled, self.spelled_rows)
        return resolved._spelled_as_words(self.spelled)

    def _spelled_as_numbers(self, spelled: Counter, spelled_rows: list[int]) -> ColumnPartial:
        texts = list(spelled)
        infinities = v.numbers_of(texts)
        weights = np.array([spelled[text] for text in texts], dtype=np.float64)
        respelled = ~v.as_printed(pa.array(texts, pa.string()), infinities)
        quantiles = self.quantiles
        if quantiles is not None:
            sketch = QuantileSketch(seed=seed_of(self.name))
            sketch.update(np.repeat(infinities, weights.astype(np.int64)))
            quantiles = quantiles.merged(sketch)
        return replace(self, moments=self.moments.merged(Moments.of(infinities, weights)), quantiles=quantiles,
                       respelled=self.respelled + int(weights[respelled].sum()),
                       infinite=self.infinite + int(weights.sum()),
                       infinite_rows=first_rows(self.infinite_rows, spelled_rows, self.examples))

    def _spelled_as_words(self, spelled: Counter) -> ColumnPartial:
        if self.count_all_values or self.value_counts is None:  # the target counted them as it does every value
            return self
        value_counts = self.value_counts + spelled
        return replace(self, value_counts=value_counts if len(value_counts) <= self.limit else None)


def _merged_sketch(a: QuantileSketch | None, b: QuantileSketch | None) -> QuantileSketch | None:
    if a is None or b is None:
        return a or b
    return a.merged(b)
