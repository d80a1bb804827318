"""The writing pass runs the value steps only on the rows the deciding pass saw them rewrite:
what it writes and what the manifest counts are those of the steps run on every kept row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dataaudit.preprocess.base import Step, Tally
from dataaudit.preprocess.clean import MemorySink
from dataaudit.preprocess.columns import CoerceNumeric
from dataaudit.preprocess.labels import MergeLabelVariants
from dataaudit.preprocess.missing import MissingToNull
from dataaudit.preprocess.pipeline import execute, judged, plan
from dataaudit.preprocess.rewritten import RewrittenRows
from dataaudit.preprocess.text import NormalizeText

COLOURS = ["red", " red", "red ", "ｒｅｄ", "blue", "?", "NA", "N/A", "", "  ", None]
AMOUNTS = ["1", "2", "3", "-999", "null", "nan", None]
LABELS = ["cat", "Cat", "cat ", "CAT", "dog", "DOG", "?", None]

records = st.lists(st.tuples(st.sampled_from(COLOURS), st.sampled_from(AMOUNTS), st.sampled_from(LABELS),
                             st.booleans()), min_size=1, max_size=40)


def _fitted(batch: pa.RecordBatch, coerce: bool) -> list[Step]:
    steps: list[Step] = [MissingToNull(), NormalizeText(unicode=True), MergeLabelVariants(target="label")]
    if coerce:
        steps.append(CoerceNumeric())
    for step in steps:
        step.fit(batch)
    return steps


def _counted(tallies: dict[str, Tally]) -> str:
    """The tallies as the manifest writes them, in their order."""
    return json.dumps({name: tally.to_dict() for name, tally in tallies.items()})


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(rows=records, coerce=st.booleans())
def test_the_steps_on_the_rewritten_rows_alone_write_and_count_what_they_do_on_every_row(
        rows: list[tuple[str | None, str | None, str | None, bool]], coerce: bool) -> None:
    colour, amount, label, kept = (list(values) for values in zip(*rows, strict=True))
    batch = pa.RecordBatch.from_pydict({name: pa.array(values, pa.string()) for name, values in
                                        (("colour", colour), ("amount", amount), ("label", label))})
    steps = _fitted(batch, coerce)
    _, _, rewritten = judged(batch, steps)
    assert rewritten is not None
    keep = np.array(kept)
    batch = batch.filter(pa.array(keep))
    every_row: dict[str, Tally] = {}
    expected = batch
    for step in steps:
        expected, tally = step.transform_counted(expected)
        every_row.setdefault(step.name, Tally()).add(tally)
    alone: dict[str, Tally] = {}
    written = RewrittenRows(steps, rewritten).through(batch, rewritten[keep], alone)
    assert written.schema == expected.schema
    assert written.to_pylist() == expected.to_pylist()
    assert _counted(alone) == _counted(every_row)


def test_the_writing_pass_runs_the_value_steps_on_the_rewritten_kept_rows_only(tmp_path: Path) -> None:
    rows = [("red", "cat"), ("NA", "dog"), ("blue", "Cat"), ("red", "cat"), ("green", "Cat"), ("green", "cat"),
            ("pink", "dog"), ("?", "Dog"), ("yellow", "cat")]
    data = tmp_path / "data.csv"
    data.write_text("colour,label\n" + "".join(f"{colour},{label}\n" for colour, label in rows))
    the_plan = plan(data, target="label", rules="default", fitted=None, chunk_rows=3)
    assert the_plan.rewritten is not None
    # NA and ? become null, Cat and Dog the labels' usual spellings; rows 3, 5 and 7 then repeat rows 0, 4 and 1
    assert the_plan.rewritten.rows.tolist() == [False, True, True, False, True, False, False, True, False]
    assert the_plan.decisions.codes.nonzero()[0].tolist() == [3, 5, 7]
    seen: list[int] = []
    first = the_plan.rewritten.steps[0]
    apply = first._apply

    def counted(batch: pa.RecordBatch) -> tuple[pa.RecordBatch, Tally]:
        seen.append(batch.num_rows)
        return apply(batch)

    first._apply = counted  # type: ignore[method-assign]
    sink = MemorySink()
    execute(the_plan, sink, "<cleaned>", "dataframe")
    assert sum(seen) == 3  # of the 6 kept rows, the 3 rewritten ones
    kept = [(row["colour"], row["label"]) for row in pa.Table.from_batches(sink.kept).to_pylist()]
    assert kept == [("red", "cat"), (None, "dog"), ("blue", "cat"), ("green", "cat"), ("pink", "dog"),
                    ("yellow", "cat")]
    assert pacsv.read_csv(data).num_rows == 9  # the input is as it was
