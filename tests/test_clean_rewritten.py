"""The deciding pass runs the value steps only on the rows each says it rewrites, and the
writing pass only on those rows: what they judge, write and count are those of the steps run
on every row."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from dataaudit.preprocess.base import Step, Tally
from dataaudit.preprocess.clean import MemorySink
from dataaudit.preprocess.columns import CoerceNumeric
from dataaudit.preprocess.labels import MergeLabelVariants
from dataaudit.preprocess.missing import MissingToNull
from dataaudit.preprocess.pipeline import execute, judged, plan, rewrites
from dataaudit.preprocess.rewritten import RewrittenRows
from dataaudit.preprocess.text import NormalizeText

COLOURS = ["red", " red", "red ", "ｒｅｄ", "blue", "?", "NA", "N/A", "", "  ", None]
AMOUNTS = ["1", "2", "3", "-999", "null", "nan", None]
LABELS = ["cat", "Cat", "cat ", "CAT", "dog", "DOG", "?", None]

#: how a text column is stored: a dictionary-encoded one is rewritten in every row or none
STORED = [pa.string(), pa.large_string(), pa.dictionary(pa.int32(), pa.string())]

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
@given(rows=records, coerce=st.booleans(), stored=st.sampled_from(STORED))
# a label respelled in some rows only, in each storage: the merged labels keep the column's type
@example(rows=[("red", "1", "cat", True), ("red", "2", "Cat", True), ("blue", "3", "dog", True)], coerce=False,
         stored=pa.large_string())
@example(rows=[("red", "1", "cat", True), ("red", "2", "Cat", True), ("blue", "3", "dog", True)], coerce=False,
         stored=pa.dictionary(pa.int32(), pa.string()))
def test_the_steps_on_the_rewritten_rows_alone_write_and_count_what_they_do_on_every_row(
        rows: list[tuple[str | None, str | None, str | None, bool]], coerce: bool, stored: pa.DataType) -> None:
    colour, amount, label, kept = (list(values) for values in zip(*rows, strict=True))
    batch = pa.RecordBatch.from_pydict({name: pa.array(values, pa.string()).cast(stored) for name, values in
                                        (("colour", colour), ("amount", amount), ("label", label))})
    steps = _fitted(batch, coerce)
    found = rewrites(batch, steps)
    assert found is not None
    rewritten, cleaned, invalid = found
    everywhere, not_numbers = judged(batch, steps)
    assert np.array_equal(invalid, not_numbers)
    if coerce:  # what it cannot cast, of the values the steps before it cleaned: a nulled token is none
        before = batch
        for step in steps[:-1]:
            before = step.transform(before)
        assert np.array_equal(invalid, steps[-1].invalid_rows(before).get("amount", np.zeros(len(invalid), bool)))
    # the rows found hold every row the steps change, and are cleaned as the steps clean every row
    changed = [str(before) != str(after) for before, after in zip(batch.to_pylist(), everywhere.to_pylist(),
                                                                   strict=True)]
    assert not (np.array(changed) & ~rewritten).any()
    assert str(cleaned.to_pylist()) == str(everywhere.filter(pa.array(rewritten)).to_pylist())
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


def test_labels_respelled_to_the_same_values_are_no_rewrite() -> None:
    """A bool label allowed as 'True' and 'False' has new texts, not new values: the step run on
    the rows it names counts no cell, as run on every row."""
    batch = pa.RecordBatch.from_pydict({"a": ["x", "y", "z", "w"], "label": [True, False, True, False]})
    step = MergeLabelVariants(target="label", allowed=["True", "False"]).fit(batch)
    rows = step.rows_changed(batch)
    tallies: dict[str, Tally] = {}
    written = RewrittenRows([step], rows).through(batch, rows, tallies)
    assert written.equals(batch)
    assert _counted(tallies) == _counted({step.name: step.transform_counted(batch)[1]})
    assert tallies[step.name].cells == {}
