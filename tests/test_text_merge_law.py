"""The merge law for the text audit's partial: lines checked chunk by chunk and merged, in any
order or tree shape, extract to the same text profile as all lines at once, metadata keys and
the keys named by errors counted alike. The accumulators the engines run (a file's lines and a
table's text column, fed record batches and pickled as to a worker and back) obey it too."""

from __future__ import annotations

import itertools
import json
import pickle
import random
from functools import reduce

import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.checks.text import Rules
from dataaudit.text.accumulator import ColumnTexts, FileLines
from dataaudit.text.audit import text_spec
from dataaudit.text.extract import extract
from dataaudit.text.partial import TextPartial, TextSpec
from dataaudit.text.tokens import ESTIMATE
from dataaudit.text.validate import check_line
from tests.test_merge_law import _tree

SPEC = text_spec("chats.jsonl", "chat", Rules(max_tokens=12, near_duplicate_threshold=0.5), ESTIMATE, unit="line")
SPEC = type(SPEC)(**{**SPEC.__dict__, "examples": 3})
WORDS = ["paris", "is", "the", "capital", "of", "france", "lyon", "a", "city", "&amp;", "<br>", "  "]
ROLES = ["system", "user", "assistant", "human"]
METADATA = ["id", "source_file", "categories"]


def _message(draw: st.DrawFn) -> dict:
    message = {"role": draw(st.sampled_from(ROLES)), "content": " ".join(draw(st.lists(st.sampled_from(WORDS),
                                                                                         max_size=12)))}
    return message | ({"mood": "calm"} if draw(st.booleans()) and draw(st.booleans()) else {})


@st.composite
def files(draw: st.DrawFn) -> tuple[list[bytes], list[int]]:
    pool = [b"", b"not json", b"[1]", b'{"messages": "x"}', b'{"caf\xe9": 1}', b'{"messages": []}',
            b'{"messages": ["x"]}']
    for _ in range(draw(st.integers(2, 8))):
        metadata = {key: 1 for key in draw(st.lists(st.sampled_from(METADATA), max_size=3))}
        pool.append(json.dumps({"messages": [_message(draw) for _ in range(draw(st.integers(1, 4)))]} | metadata)
                    .encode())
    lines = [draw(st.sampled_from(pool)) for _ in range(draw(st.integers(1, 40)))]
    cuts = sorted(draw(st.sets(st.integers(1, max(1, len(lines) - 1)), max_size=5))) if len(lines) > 1 else []
    return lines, [c for c in cuts if 0 < c < len(lines)]


def _record(line: bytes) -> dict:
    """The line's object, or an empty one for a line that is not a JSON object."""
    try:
        record = json.loads(line)
    except ValueError:
        return {}
    return record if isinstance(record, dict) else {}


def _partials(lines: list[bytes], cuts: list[int]) -> list[TextPartial]:
    partials = []
    for start, stop in itertools.pairwise([0, *cuts, len(lines)]):
        partial = TextPartial(SPEC)
        numbers = list(range(start + 1, stop + 1))
        partial.add(numbers, [check_line(line, SPEC.layout) for line in lines[start:stop]])
        partials.append(partial)
    return partials


@pytest.mark.slow  # over a hundred generated files, each cut and merged: several seconds
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files())
def test_chunked_text_partials_merge_to_the_whole(case: tuple[list[bytes], list[int]]) -> None:
    lines, cuts = case
    whole = TextPartial(SPEC)
    whole.add(list(range(1, len(lines) + 1)), [check_line(line, SPEC.layout) for line in lines])
    expected = extract(whole)
    records = [_record(line) for line in lines]
    assert expected.metadata == {key: n for key in METADATA if (n := sum(key in r for r in records))}
    moods = sum(any(isinstance(m, dict) and "mood" in m for m in r.get("messages", [])) for r in records)
    assert expected.error_keys.get("unknown_key", {}) == ({"messages[].mood": moods} if moods else {})
    assert extract(reduce(lambda a, b: a.merged(b), _partials(lines, cuts))) == expected
    assert extract(_tree(_partials(lines, cuts))) == expected


def _accumulators(lines: list[bytes], cuts: list[int], spec: TextSpec = SPEC) -> list[FileLines]:
    """The file's lines as the engines hand them: record batches of one binary column, each
    with the row number of its first line."""
    accumulators = []
    for start, stop in itertools.pairwise([0, *cuts, len(lines)]):
        accumulator = FileLines.create(spec)
        accumulator.add(pa.RecordBatch.from_arrays([pa.array(lines[start:stop], pa.binary())], names=["line"]), start)
        accumulators.append(pickle.loads(pickle.dumps(accumulator)))  # as a worker process returns it
    return accumulators


@pytest.mark.slow  # over a hundred generated files, each cut and merged: several seconds
@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(files(), st.randoms(use_true_random=False))
def test_line_batches_merge_to_the_whole_in_any_order(case: tuple[list[bytes], list[int]], rng: random.Random) -> None:
    lines, cuts = case
    whole = TextPartial(SPEC)
    whole.add(list(range(1, len(lines) + 1)), [check_line(line, SPEC.layout) for line in lines])
    expected = extract(whole)
    assert reduce(lambda a, b: a.merged(b), _accumulators(lines, cuts)).extract() == expected
    assert _tree(_accumulators(lines, cuts)).extract() == expected
    shuffled = _accumulators(lines, cuts)
    rng.shuffle(shuffled)  # workers finish in any order: examples still come out in file order
    assert reduce(lambda a, b: a.merged(b), shuffled).extract() == expected


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(["Paris is lovely", "paris is lovely!", "", None, "Lyon", "a city of France"]),
                min_size=1, max_size=30),
       st.lists(st.sampled_from(["good", "bad", None]), min_size=30, max_size=30),
       st.sets(st.integers(1, 29), max_size=4))
def test_text_column_batches_merge_to_the_whole(texts: list[str | None], labels: list[str | None],
                                                cuts: set[int]) -> None:
    spec = text_spec("review", "column", Rules(near_duplicate_threshold=0.5), ESTIMATE, unit="row", labelled=True)
    batch = pa.RecordBatch.from_pydict({"review": texts, "label": labels[: len(texts)]})
    whole = ColumnTexts.create(spec, "label")
    whole.add(batch, 0)
    parts = []
    for start, stop in itertools.pairwise([0, *sorted(c for c in cuts if c < len(texts)), len(texts)]):
        part = ColumnTexts.create(spec, "label")
        part.add(batch.slice(start, stop - start), start)
        parts.append(pickle.loads(pickle.dumps(part)))
    assert _tree(parts).extract() == whole.extract()
    assert reduce(lambda a, b: a.merged(b), reversed(parts)).extract() == whole.extract()
