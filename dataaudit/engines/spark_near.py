"""Near duplicates of texts found by MinHash banding as a group-by on Spark, never on the driver.

The executors compute every text's MinHash signature in the pass (the same `TextPartial.add`),
and hand it on with its row number and whole-text hash as a row of a DataFrame that stays on
the cluster (`TEXTS_SCHEMA`: 128 bytes of signature per text at 64 permutations). Then, on the
cluster: exact repeats (a whole-text hash seen on an earlier row) are left out, as the local
extract leaves them out; each remaining text becomes one (band, key, row) row per LSH band; a
window over (band, key) pairs every later row of a bucket with its first, the candidate pairs
the local banding makes; a join with the signatures checks each pair's estimated similarity
with the local engine's own test. The confirmed pairs are clustered on the cluster too (min-label
propagation with joins, `_cluster_labels`), each text labelled with its cluster's first row as the
local clustering labels it; only the counts of copies and clusters and the first copies with
their cluster's first row reach the driver, however many near copies there are.

The band keys and the similarity test run on the executors through each text set's
`near_settings` (pickled with the functions), so this module needs nothing of the text layer.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from typing import Any, Protocol

import numpy as np
import pyarrow as pa

from dataaudit.engines.spark_duplicates import first_pairs
from dataaudit.engines.spark_kept import Keep, kept_frames

# `text_hash`: the whole text's hash (a table's pass also holds its rows' `whole` hashes); `prompt`,
# `answer` and `chars` are for `spark_texts`
TEXT_FIELDS = [("text", pa.int32()), ("number", pa.int64()), ("text_hash", pa.int64()), ("signature", pa.binary()),
               ("prompt", pa.int64()), ("answer", pa.int64()), ("chars", pa.int64())]
TEXTS_SCHEMA = "text int, number long, text_hash long, signature binary, prompt long, answer long, chars long"
TEXT_COLUMNS = [name for name, _ in TEXT_FIELDS]
_BANDS_SCHEMA = "text int, band int, key long, number long"
_PAIRS_SCHEMA = "text int, number long, first long"


class NearSettings(Protocol):
    """How one text set's signatures are banded and compared (`dataaudit.text.minhash.NearSettings`)."""

    def bands_of(self, sigs: np.ndarray) -> tuple[np.ndarray, np.ndarray]: ...

    def similar(self, a: np.ndarray, b: np.ndarray) -> np.ndarray: ...


class NearTexts(Protocol):
    """A text set's partial (`dataaudit.text.partial.TextPartial`) as this module sees it."""

    @property
    def near_settings(self) -> NearSettings: ...

    def take_texts(self) -> Iterator[Any]:
        """Blocks of per-text values (`dataaudit.text.partial.TextBlock`: `numbers`, `whole`,
        `prompt`, `answer`, `chars`, `signatures`), taken out of the partial."""

    @property
    def examples(self) -> int: ...

    def found_near(self, **found: object) -> None: ...


def text_batches(texts: Sequence[NearTexts], schema: pa.Schema) -> Iterator[pa.RecordBatch]:
    """The per-text values the partials `texts` hold, taken out of them, as rows of `schema`
    (which holds `TEXT_FIELDS`; its other columns null): text set `i`'s rows have `text` i."""
    for i, partial in enumerate(texts):
        for block in partial.take_texts():
            n = len(block.numbers)
            columns = {"text": pa.array(np.full(n, i, dtype=np.int32)), "number": pa.array(block.numbers, pa.int64()),
                       "signature": _binary_rows(block.signatures), "chars": pa.array(block.chars, pa.int64()),
                       **{name: pa.array(np.ascontiguousarray(values).view(np.int64)) for name, values in
                          (("text_hash", block.whole), ("prompt", block.prompt), ("answer", block.answer))}}
            yield pa.RecordBatch.from_arrays(
                [columns.get(f.name, pa.nulls(n, f.type)) for f in schema], schema=schema)


def find_near_on_cluster(texts: Any, partials: Sequence[NearTexts]) -> None:
    """Every partial's near duplicates (`found_near`) from the DataFrame `texts` of
    `TEXTS_SCHEMA` their signatures were taken into: text set `i` is `partials[i]`."""
    if not partials:
        return
    from pyspark.sql import functions as F

    settings = [partial.near_settings for partial in partials]
    with kept_frames(texts.sparkSession) as keep:
        labels = _near_labels(texts, settings, keep)
        copies = labels.where("node != label").select("text", F.col("node").alias("row"),
                                                      F.col("label").alias("first"))
        totals = {r["text"]: r for r in copies.groupBy("text").agg(
            F.count(F.lit(1)).alias("copies"), F.countDistinct("first").alias("clusters")).collect()}
        for i, partial in enumerate(partials):
            found = totals.get(i)
            partial.found_near(
                copies=int(found["copies"]) if found else 0, clusters=int(found["clusters"]) if found else 0,
                examples=first_pairs(copies.where(F.col("text") == i), "first", partial.examples) if found else [])


def _near_labels(texts: Any, settings: list[NearSettings], keep: Keep) -> Any:
    """`_cluster_labels` of the pairs of `texts` (first copies only) whose signatures share a
    band's key and pass their text set's similarity test."""
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    same_text = Window.partitionBy("text", "text_hash")
    first_copies = (texts.select(*TEXT_COLUMNS, F.min("number").over(same_text).alias("first"))
                    .where("number = first").select("text", "number", "signature")
                    .persist(StorageLevel.MEMORY_AND_DISK))
    try:
        bucket = Window.partitionBy("text", "band", "key")
        candidates = (first_copies.mapInArrow(_band_rows(settings), _BANDS_SCHEMA)
                      .select("text", "number", F.min("number").over(bucket).alias("first"))
                      .where("number > first").distinct())
        earlier = first_copies.select("text", F.col("number").alias("first"),
                                      F.col("signature").alias("first_signature"))
        confirmed = (candidates.join(first_copies, ["text", "number"]).join(earlier, ["text", "first"])
                     .mapInArrow(_confirmed_pairs(settings), _PAIRS_SCHEMA).persist(StorageLevel.MEMORY_AND_DISK))
        try:
            return _cluster_labels(confirmed, keep)
        finally:
            confirmed.unpersist()
    finally:
        first_copies.unpersist()


def _cluster_labels(pairs: Any, keep: Keep) -> Any:
    """(text, node, label) for every text of the confirmed `pairs` (text, number, first), its
    label the smallest number of its cluster: the clusters the local clustering makes, found on
    the cluster by min-label propagation. Each round every
    text takes the smallest label of its neighbours, then its label's label (so a chain of n
    texts needs about log n rounds), until a round changes no label: a count per round reaches
    the driver, never a pair. Each round's labels are kept with `keep` (`spark_kept`): a
    round's plan would otherwise hold every earlier round's several times over, and grow
    exponentially."""
    from pyspark.sql import functions as F

    edges = pairs.select("text", F.col("number").alias("node"), F.col("first").alias("other")).unionByName(
        pairs.select("text", F.col("first").alias("node"), F.col("number").alias("other")))
    labels = keep(edges.groupBy("text", "node").agg(F.least(F.min("other"), F.min("node")).alias("label")))
    while True:
        seen = (edges.join(labels.select("text", F.col("node").alias("other"), F.col("label").alias("seen")),
                           ["text", "other"]).groupBy("text", "node").agg(F.min("seen").alias("seen")))
        stepped = labels.join(seen, ["text", "node"]).select("text", "node", F.least("label", "seen").alias("label"))
        jumped = keep(
            stepped.join(stepped.select("text", F.col("node").alias("label"), F.col("label").alias("further")),
                         ["text", "label"]).select("text", "node", F.least("label", "further").alias("label")))
        changed = (jumped.join(labels.select("text", "node", F.col("label").alias("before")), ["text", "node"])
                   .where("label != before").count())
        labels = jumped
        if not changed:
            return labels


def _band_rows(settings: list[NearSettings]) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """Each text with words as one (band, key, row) row per LSH band of its text set."""

    def band_rows(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for i, rows in _by_text(batch):
                usable, keys = settings[i].bands_of(_signatures(rows.column("signature")))
                n, n_bands = keys.shape
                numbers = rows.column("number").to_numpy()[usable]
                yield pa.RecordBatch.from_arrays([
                    pa.array(np.full(n * n_bands, i, dtype=np.int32)),
                    pa.array(np.tile(np.arange(n_bands, dtype=np.int32), n)),
                    pa.array(keys.reshape(-1).view(np.int64)),
                    pa.array(np.repeat(numbers, n_bands))], names=["text", "band", "key", "number"])

    return band_rows


def _confirmed_pairs(settings: list[NearSettings]) -> Callable[[Iterator[pa.RecordBatch]], Iterator[pa.RecordBatch]]:
    """The candidate pairs whose signatures pass their text set's similarity test."""

    def confirmed_pairs(batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        for batch in batches:
            for i, rows in _by_text(batch):
                kept = pa.array(settings[i].similar(_signatures(rows.column("signature")),
                                                    _signatures(rows.column("first_signature"))), pa.bool_())
                yield pa.RecordBatch.from_arrays([rows.column("text").filter(kept), rows.column("number").filter(kept),
                                                  rows.column("first").filter(kept)], names=["text", "number", "first"])

    return confirmed_pairs


def _by_text(batch: pa.RecordBatch) -> Iterator[tuple[int, pa.RecordBatch]]:
    """A batch's rows split by text set (a table may have several text columns)."""
    text = batch.column("text").to_numpy()
    for i in np.unique(text).tolist():
        yield i, batch.filter(pa.array(text == i))


def _binary_rows(sigs: np.ndarray) -> pa.Array:
    """Each signature row as one binary value, built over the array's own bytes."""
    n, width = sigs.shape
    offsets = np.arange(n + 1, dtype=np.int32) * np.int32(width * sigs.itemsize)
    return pa.Array.from_buffers(pa.binary(), n, [None, pa.py_buffer(offsets),
                                                  pa.py_buffer(np.ascontiguousarray(sigs).tobytes())])


def _signatures(column: pa.Array) -> np.ndarray:
    """The rows of `_binary_rows` (all of one length) back as one uint16 matrix."""
    n = len(column)
    if not n:
        return np.zeros((0, 0), dtype=np.uint16)
    offsets_type = np.int64 if pa.types.is_large_binary(column.type) else np.int32
    _, offsets, data = column.buffers()
    ends = np.frombuffer(offsets, dtype=offsets_type)[column.offset:column.offset + n + 1]
    return np.frombuffer(data, dtype=np.uint8)[ends[0]:ends[-1]].view(np.uint16).reshape(n, -1)
