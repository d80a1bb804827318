"""The profile's fast paths decide exactly as the slow ones they skip.

`as_printed` recognises the common spellings of numbers from their text alone; on any text a
number may be written as, it must agree with printing the number and comparing. A column
profiled through the fast paths must give the same hashes as the value table classifying
each distinct value.
"""

from __future__ import annotations

import math
from unittest import mock

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from hypothesis import example, given, settings
from hypothesis import strategies as st

from dataaudit.profile import values as v
from dataaudit.profile.column import ColumnPartial, Moments
from dataaudit.profile.spec import ProfileSpec


def _spellings(x: float) -> list[str]:
    """Ways a file may write the float `x`: shortest, fixed, scientific, padded, signed."""
    out = [repr(x), f"{x:.3f}", f"{x:.1f}", f"{x:e}", f"{x:g}", f"{x:.15g}", f"{x:.17g}"]
    out += [f"+{abs(x)!r}", f"0{abs(x)!r}"]
    if x.is_integer() and abs(x) < 2**63:
        out += [str(int(x)), f"{int(x)}.0", f"-{int(x)}" if x == 0 else str(int(x))]
    return out


numbers = st.one_of(
    st.floats(allow_nan=False, allow_infinity=False),
    st.floats(min_value=-1e10, max_value=1e10, allow_nan=False),
    st.floats(min_value=-1e-3, max_value=1e-3, allow_nan=False),
    st.integers(-(2**60), 2**60).map(float),
    st.decimals(min_value=-10**9, max_value=10**9, places=4, allow_nan=False).map(float),
)


# numbers whose squares stay finite: the moments of larger ones overflow on either path
finite = st.floats(min_value=-1e100, max_value=1e100, allow_nan=False)


@settings(max_examples=300, deadline=None)
@given(st.lists(numbers, min_size=1, max_size=20))
@example([0.0, -0.0, 1e-5, 9.99999e-6, 1e9 - 0.5, 1e9 + 0.5, 2.0**53, 123456789012345.0, 0.1 + 0.2])
def test_spellings_recognised_from_text_are_those_that_print_back(xs: list[float]) -> None:
    texts = [t for x in xs for t in _spellings(x)]
    text = pa.array(texts, pa.string())
    parsed = pc.cast(text, pa.float64()).to_numpy(zero_copy_only=False)
    fast = v.as_printed(text, parsed)
    exact = pc.equal(v.printed(parsed), text).to_numpy(zero_copy_only=False)
    assert fast.tolist() == exact.tolist(), [t for t, a, b in zip(texts, fast, exact, strict=True) if a != b]


@settings(max_examples=100, deadline=None)
@given(st.lists(st.one_of(numbers.map(repr), numbers.map(lambda x: f"{x:.2f}"), st.integers(-999, 999).map(str),
                          st.none()), min_size=1, max_size=40))
def test_numeric_fast_path_hashes_as_the_value_table(cells: list[str | None]) -> None:
    array = pa.array(cells, pa.string())
    chunk = v.try_numeric(array)
    table = v.value_table(array, ProfileSpec(tokens=()))
    slow = np.append(table.hashes, v.NULL_HASH)[np.where(table.codes < 0, len(table.hashes), table.codes)]
    if chunk is not None:
        assert chunk.hashes.tolist() == slow.tolist()
        respelled = np.append(table.respelled, False)[np.where(table.codes < 0, len(table.hashes), table.codes)]
        assert chunk.respelled.tolist() == respelled.tolist()


def _state(partial: ColumnPartial) -> dict:
    """Every field but the moments, which both paths sum in a different order (to the last bit)."""
    return {name: value.tolist() if isinstance(value, np.ndarray) else value for name, value in vars(partial).items()
            if name != "moments"}


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(finite.map(repr), st.integers(-999, 999).map(str), st.sampled_from(["", "?", "NA", "nan"]),
                          st.none()), min_size=1, max_size=60), st.integers(0, 10_000))
@example(["", "1.5", "?", "2", None, ""], 0)
@example(["0.0", "9.999999999999998e+99", "-9.999999999999998e+99", "1"], 0)
def test_numbers_with_tokens_profile_as_the_value_table_does(cells: list[str | None], offset: int) -> None:
    """Setting exact tokens aside keeps the column on the numeric path and changes no count."""
    array = pa.array(cells, pa.string())
    spec = ProfileSpec(sentinels=(-999.0,))
    fast, slow = (ColumnPartial(name="x", count_all_values=False, limit=50, examples=5) for _ in range(2))
    fast_out = fast.add(array, offset, spec)
    slow.rows += len(array)
    slow_out = slow._add_table(v.value_table(array, spec), offset, spec)
    assert _state(fast) == _state(slow)
    assert (fast.moments.count, fast.moments.min, fast.moments.max) == (slow.moments.count, slow.moments.min,
                                                                        slow.moments.max)
    # summed in another order, a mean differs by rounding at the scale of its largest value
    # (1e100, -1e100 and 1 have the mean 0 in one order and 1/3 in another)
    scale = max(abs(slow.moments.min), abs(slow.moments.max)) if slow.moments.count else 0.0
    assert math.isclose(fast.moments.mean, slow.moments.mean, rel_tol=1e-12, abs_tol=max(scale * 1e-14, 1e-300))
    for mine, theirs in zip(fast_out, slow_out, strict=True):
        assert np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f")


def test_a_csv_column_of_numbers_with_empty_quoted_cells_stays_on_the_numeric_path() -> None:
    chunk = v.try_numeric(pa.array(["1.5", "", "2", None, "?"], pa.string()), ProfileSpec())
    assert chunk is not None
    assert chunk.tokens == {"": 1, "?": 1}
    assert chunk.token.tolist() == [False, True, False, False, True]


# what a number or an integer looks like to the value table, as regular expressions: the law
_NUMBER_TEXT = r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$"
_INTEGER_TEXT = r"^[+-]?\d+$"
_INFINITY_TEXT = r"^[+-]?(?i:inf|infinity)$"  # as pandas, pyarrow and float() read an infinity
_NUMBER_LIKE = st.text(st.sampled_from(list("0123456789+-.eE x٣")), max_size=12)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.one_of(_NUMBER_LIKE, st.integers(-(10**20), 10**20).map(str), st.text(max_size=6)), min_size=1,
                max_size=40), st.data())
@example(["", "0", "007", "+7", "-7", "7.", ".7", "1e3", "٣", "12 3"], None)
@example(["INF", "-Infinity", "info", "+inf"], None)
def test_numbers_and_integers_are_those_the_regular_expressions_match(texts: list[str], data: st.DataObject | None
                                                                     ) -> None:
    """Plain digits are recognised without a regular expression; every text is classified as the
    expressions would, a spelled infinity a number (a float, no integer), tokens never a number."""
    trimmed = pc.utf8_trim_whitespace(pa.array(texts, pa.string()))
    token = np.array(data.draw(st.lists(st.booleans(), min_size=len(texts), max_size=len(texts))) if data else
                     [False] * len(texts))
    numeric, integer = v._numeric_masks(trimmed, token)
    written = pc.or_(pc.match_substring_regex(trimmed, _NUMBER_TEXT), pc.match_substring_regex(trimmed, _INFINITY_TEXT))
    expected_numeric = written.to_numpy(zero_copy_only=False) & ~token
    expected_integer = pc.match_substring_regex(trimmed, _INTEGER_TEXT).to_numpy(zero_copy_only=False) & ~token
    assert numeric.tolist() == expected_numeric.tolist()
    assert integer.tolist() == expected_integer.tolist()


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(numbers.map(repr), st.integers(-9, 9).map(str),
                          st.sampled_from(["", "?", "NA", "007", "1e3"]), st.none()), min_size=1, max_size=60))
@example(["", None, "1", "1", "?", "?", "2.50", None])
def test_a_column_of_few_numbers_is_read_per_distinct_text_as_per_cell(cells: list[str | None]) -> None:
    """Parsing, checking and hashing each distinct text once and spreading the answers over the
    rows gives every row what reading each cell on its own gives, tokens counted by rows."""
    array = pa.array(cells, pa.string())
    with mock.patch.object(v, "_few_distinct", return_value=True):
        distinct = v.try_numeric(array, ProfileSpec())
    with mock.patch.object(v, "_few_distinct", return_value=False):
        per_cell = v.try_numeric(array, ProfileSpec())
    assert (distinct is None) == (per_cell is None)
    if per_cell is not None:
        for name, value in vars(per_cell).items():
            theirs = getattr(distinct, name)
            if isinstance(value, np.ndarray):
                assert np.array_equal(value, theirs, equal_nan=value.dtype.kind == "f"), name
            else:
                assert value == theirs, name


def test_which_chunks_are_read_per_distinct_text() -> None:
    """A chunk whose first cells repeat (ages) is read per distinct text, one of distinct
    measurements (prices) per cell: the hash table would cost more than it saves."""
    assert v._few_distinct(pa.array([str(i % 80) for i in range(5000)]))
    assert not v._few_distinct(pa.array([f"{i / 7:.4f}" for i in range(5000)]))


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(["a b", "x", "x ", "", "NA", "true", "007", "2.5", " 3", "é"]),
                          st.text(max_size=5), st.none()), min_size=1, max_size=60), st.integers(0, 10_000))
@example(["a b", None, "a b", "", "NA"], 0)
def test_text_taken_cell_by_cell_profiles_as_its_distinct_values(cells: list[str | None], offset: int) -> None:
    """Once a column's values are no longer counted, its cells may be taken one by one: every
    count, example row, hash and the distinct counter come out as from the distinct values."""
    array = pa.array(cells, pa.string())
    spec = ProfileSpec(sentinels=(-999.0,))
    per_cell, distinct = (ColumnPartial(name="x", count_all_values=False, limit=50, examples=5, value_counts=None)
                          for _ in range(2))
    cell_out = per_cell._add_table(v.value_table(array, spec, per_cell=True), offset, spec)
    distinct_out = distinct._add_table(v.value_table(array, spec), offset, spec)
    assert _state(per_cell) == _state(distinct)
    assert per_cell.moments == distinct.moments
    for mine, theirs in zip(cell_out, distinct_out, strict=True):
        assert np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f")


@settings(max_examples=150, deadline=None)
@given(st.lists(st.one_of(st.text(max_size=4), st.sampled_from(["NA", "na ", "?", "", "true", "007", "2.5", " x"]),
                          st.none()), min_size=1, max_size=60),
       st.integers(0, 12), st.integers(0, 10_000))
@example(["a", "b", "NA", "c", None, "d", "?"], 2, 0)
@example(["a", "b", "c", "7", "d"], 2, 0)
def test_a_first_chunk_past_the_limit_is_profiled_as_when_counted(cells: list[str | None], limit: int,
                                                                   offset: int) -> None:
    """A first chunk of text found past its distinct-value limit from its leading cells is taken
    cell by cell at once: every count, example row, hash and the values no longer counted come
    out as when its values are counted by name and then dropped."""
    array = pa.array(cells, pa.string())
    spec = ProfileSpec(sentinels=(-999.0,))
    at_once, counted = (ColumnPartial(name="x", count_all_values=False, limit=limit, examples=5) for _ in range(2))
    at_once_out = at_once.add(array, offset, spec)
    with mock.patch.object(ColumnPartial, "_passes_limit_at_once", return_value=False):
        counted_out = counted.add(array, offset, spec)
    assert _state(at_once) == _state(counted)
    assert at_once.moments == counted.moments
    for mine, theirs in zip(at_once_out, counted_out, strict=True):
        assert np.array_equal(mine, theirs, equal_nan=mine.dtype.kind == "f")


def test_an_id_column_is_taken_cell_by_cell_from_its_first_chunk() -> None:
    """Ids are past the limit in their first cells: no hash table of their values is made, while
    a column of few texts, or of words among numbers, is counted by name."""
    spec = ProfileSpec()
    tables: list[bool] = []

    def recording(array: pa.Array, spec: ProfileSpec, *, per_cell: bool = False) -> v.ValueTable:
        tables.append(per_cell)
        return value_table(array, spec, per_cell=per_cell)

    value_table = v.value_table
    chunks = {"ids": [f"r{i:07d}" for i in range(3000)], "few": [f"c{i % 40}" for i in range(3000)],
              "mixed": [str(i) if i % 3 else f"w{i}" for i in range(3000)]}
    with mock.patch.object(v, "value_table", recording):
        for cells in chunks.values():
            ColumnPartial(name="x", count_all_values=False, limit=1000, examples=5).add(pa.array(cells), 0, spec)
    assert tables == [True, False, False]


def _classify_on_every_text(values: pa.Array, spec: ProfileSpec) -> tuple[pa.Array, np.ndarray, np.ndarray]:
    """`classify` as it was first written: every text trimmed, folded and looked up."""
    trimmed = pc.utf8_trim_whitespace(values)
    folded = trimmed if spec.case_sensitive else pc.utf8_lower(trimmed)
    token = pc.is_in(folded, value_set=pa.array(spec.folded_tokens, pa.string())).to_numpy(zero_copy_only=False)
    spelled = pc.or_(pc.match_substring_regex(trimmed, _NUMBER_TEXT), pc.match_substring_regex(trimmed, _INFINITY_TEXT))
    numeric = spelled.to_numpy(zero_copy_only=False) & ~token
    integer = pc.match_substring_regex(trimmed, _INTEGER_TEXT).to_numpy(zero_copy_only=False) & numeric
    lower = pc.utf8_lower(trimmed) if spec.case_sensitive else folded
    boolean = pc.is_in(lower, value_set=pa.array(["true", "false"])).to_numpy(zero_copy_only=False) & ~token
    kind = np.full(len(values), v.TEXT, dtype=np.int8)
    kind[boolean], kind[numeric], kind[integer], kind[token] = v.BOOLEAN, v.FLOAT, v.INTEGER, v.TOKEN
    number = np.full(len(values), np.nan)
    number[numeric] = pc.cast(trimmed.filter(pa.array(numeric)), pa.float64()).to_numpy(zero_copy_only=False)
    return trimmed, kind, number


_BLANKS = st.sampled_from([" ", "\t", "\n", "\x1c", "\x85", "\u00a0", "\u3000", ""])
_WORDS = st.sampled_from(["NA", "na", "N/A", "None", "NULL", "nan", "?", "", "TRUE", "False", "yes", "İ", "ǅ",
                          "-999", "007", "+1.5e3", ".5", "r0532880", "near the river", "Ärger", "ß", "x\u00a0y",
                          "inf", "-Infinity", "+INF", "info", "infinite", "iNfInItY"])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(_BLANKS, st.one_of(_WORDS, st.text(max_size=8), _NUMBER_LIKE), _BLANKS).map("".join),
                min_size=1, max_size=40),
       st.lists(st.one_of(_WORDS, st.text(max_size=7)), max_size=4), st.booleans(), st.integers(0, 3))
@example(["r0532880", "near the river", "NA ", " true", "İ"], ["-999", "İ"], False, 0)
@example(["007", " 9 ", "16149", "NA", "1e3"], ["007", "9"], False, 0)
@example(["007", "16149", "True", "na"], ["NA"], True, 0)
def test_classify_decides_as_trimming_and_folding_every_text(texts: list[str], tokens: list[str],
                                                             case_sensitive: bool, start: int) -> None:
    """Texts are trimmed only when one may have blanks around it and folded only when short
    enough to be a token or a boolean: each kind and number is what doing both for every text
    gives, slices of a chunk included."""
    values = pa.array(texts, pa.string()).slice(min(start, len(texts) - 1))
    spec = ProfileSpec(tokens=tuple(tokens), case_sensitive=case_sensitive)
    trimmed, kind, number = v.classify(values, spec)
    expected_trimmed, expected_kind, expected_number = _classify_on_every_text(values, spec)
    assert trimmed.to_pylist() == expected_trimmed.to_pylist()
    assert kind.tolist() == expected_kind.tolist()
    assert np.array_equal(number, expected_number, equal_nan=True)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(st.tuples(_BLANKS, st.one_of(_WORDS, st.text(max_size=8), _NUMBER_LIKE), _BLANKS)
                          .map("".join), st.none()), min_size=1, max_size=40), st.booleans())
@example(["16149", "see notes", " 7 ", "pending-review", "near the river ", None], False)
def test_only_text_values_are_searched_for_blanks(cells: list[str | None], per_cell: bool) -> None:
    """A value is spaced when it is text with a blank inside once trimmed, as searching every
    value says, though the chunk's numbers, tokens and booleans are not searched."""
    table = v.value_table(pa.array(cells, pa.string()), ProfileSpec(), per_cell=per_cell)
    blank = pc.match_substring(pc.utf8_trim_whitespace(table.values), " ").to_pylist()
    assert table.spaced.tolist() == [kind == v.TEXT and b for kind, b in zip(table.kind.tolist(), blank, strict=True)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(finite, st.just(-0.0), st.integers(-(2**60), 2**60).map(float)), max_size=50))
def test_numbers_row_by_row_have_the_moments_of_weights_of_one(xs: list[float]) -> None:
    """A chunk's numbers taken row by row skip multiplying by weights of 1.0: the same bits."""
    values = np.array(xs, dtype=np.float64)
    assert Moments.of(values) == Moments.of(values, np.ones(values.size))


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["", "0", "00", "-", "+", " "]), st.integers(0, 10**17).map(str))
                .map("".join), min_size=1, max_size=30))
@example(["0", "00", "007", "10", "-0", "123456789012345", "1234567890123456", "0123"])
def test_integers_spelled_as_written_are_those_that_print_back(texts: list[str]) -> None:
    """Plain digits are told apart from padded or signed ones without the regular expression;
    the answer is still that of printing the number and comparing."""
    text = pa.array(texts, pa.string())
    parsed = pc.cast(pc.utf8_trim_whitespace(text), pa.float64()).to_numpy(zero_copy_only=False)
    exact = pc.equal(v.printed(parsed), text).to_numpy(zero_copy_only=False)
    assert v.as_printed(text, parsed).tolist() == exact.tolist()


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.one_of(_WORDS, st.text(max_size=8), _NUMBER_LIKE), st.booleans()), max_size=40),
       st.integers(0, 3))
@example([("2.5", True), ("near the river", True), ("007", False)], 1)
def test_texts_asked_in_place_or_copied_out_are_answered_alike(cells: list[tuple[str, bool]], start: int) -> None:
    """Whether the texts asked about are most of a chunk (all asked, the answer masked) or few
    (copied out and asked alone), each gets the answer asking it alone gives, slices included."""
    texts = pa.array([text for text, _ in cells], pa.string()).slice(min(start, len(cells)))
    mask = np.array([asked for _, asked in cells][min(start, len(cells)):], dtype=bool)
    for ask in (lambda t: pc.match_substring(t, " "), lambda t: pc.match_substring_regex(t, v._PLAIN)):
        one_by_one = [asked and ask(pa.array([text], pa.string()))[0].as_py()
                      for text, asked in zip(texts.to_pylist(), mask.tolist(), strict=True)]
        assert v._answered(texts, mask, ask).tolist() == one_by_one
