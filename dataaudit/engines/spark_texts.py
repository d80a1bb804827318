"""Exact copies, conflicting answers and length outliers of texts decided on Spark, never on the driver.

The executors hand on every text's row number, whole-text, prompt and answer hashes and length
with its MinHash signature (`spark_near.TEXT_FIELDS`), and the partials they ship hold none of
them. On the cluster, as the table's duplicates are found (`spark_duplicates`): a window by the
whole-text hash gives each text its first copy; a window by the prompt hash, over the texts with
a prompt and an answer, flags the prompts answered in more than one way. The length outliers'
fences stand on the lengths at the quartiles' ranks, read from a histogram of the lengths (one
row per distinct length) with a running count; the texts outside them are counted on the
cluster. The driver receives per text set one row of totals, the first examples (at most k of
each kind, k groups of k rows for conflicts) and the four lengths the fences need: its memory
does not grow with the texts, and the result is the local engine's (`dataaudit.text.repeats`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol

from dataaudit.engines.spark_duplicates import first_groups, first_pairs


class LengthFences(Protocol):
    """`dataaudit.text.repeats.LengthFences`: outside when shorter than `shortest` or longer than `longest`."""

    shortest: int
    longest: int
    bounds: tuple[int, int]


class RepeatedTexts(Protocol):
    """A text set's partial (`dataaudit.text.partial.TextPartial`) as this module sees it."""

    @property
    def examples(self) -> int: ...

    def length_fences(self, texts: int, lengths_at: Callable[[list[int]], list[int]]) -> LengthFences | None: ...

    def found_repeats(self, **found: object) -> None: ...


def find_repeats_on_cluster(texts: Any, partials: Sequence[RepeatedTexts]) -> None:
    """Every partial's exact copies, conflicting answers and length outliers (`found_repeats`)
    from the DataFrame `texts` of `spark_near.TEXTS_SCHEMA`: text set `i` is `partials[i]`."""
    if not partials:
        return
    from pyspark import StorageLevel
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    copies = texts.select("text", "chars", F.col("number").alias("row"),
                          F.min("number").over(Window.partitionBy("text", "text_hash")).alias("first"))
    by_prompt = Window.partitionBy("text", "prompt")
    conflicted = (texts.where("prompt != 0 AND answer != 0")
                  .select("text", "prompt", F.col("number").alias("row"),
                          (F.min("answer").over(by_prompt) != F.max("answer").over(by_prompt)).alias("conflicted"),
                          F.min("number").over(by_prompt).alias("first"))
                  .where("conflicted"))
    copies, conflicted = (frame.persist(StorageLevel.MEMORY_AND_DISK) for frame in (copies, conflicted))
    try:
        counts = {r["text"]: r for r in copies.groupBy("text").agg(
            F.count(F.lit(1)).alias("texts"), F.sum((F.col("row") > F.col("first")).cast("long")).alias("copies"),
        ).collect()}
        conflicts = {r["text"]: r for r in conflicted.groupBy("text").agg(
            F.count(F.lit(1)).alias("rows"), F.sum((F.col("row") == F.col("first")).cast("long")).alias("groups"),
        ).collect()}
        for i, partial in enumerate(partials):
            k = partial.examples
            mine, clashes = copies.where(F.col("text") == i), conflicted.where(F.col("text") == i)
            n, duplicates = (int(counts[i][name] or 0) if i in counts else 0 for name in ("texts", "copies"))
            groups, involved = (int(conflicts[i][name] or 0) if i in conflicts else 0 for name in ("groups", "rows"))
            fences = partial.length_fences(n, lambda ranks, mine=mine: _lengths_at(mine, ranks))
            outside = (mine.where((F.col("chars") < fences.shortest) | (F.col("chars") > fences.longest))
                       if fences is not None else None)
            outliers = outside.count() if outside is not None else 0
            partial.found_repeats(
                texts=n, duplicates=duplicates,
                duplicate_examples=first_pairs(mine.where("row > first"), "first", k) if duplicates else [],
                conflict_groups=groups, conflict_records=involved,
                conflict_examples=[rows for _, _, rows in first_groups(clashes, "prompt", k)] if groups else [],
                length_outliers=outliers,
                length_outlier_lines=([r["row"] for r in outside.orderBy("row").limit(k).select("row").collect()]
                                      if outliers else []),
                length_bounds=fences.bounds if fences is not None else None)
    finally:
        copies.unpersist()
        conflicted.unpersist()


def _lengths_at(texts: Any, ranks: list[int]) -> list[int]:
    """The lengths at `ranks` (0-based) of the texts' ascending lengths: a histogram of the
    lengths, one row per distinct length, with a running count; one row reaches the driver."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    ascending = Window.orderBy("chars").rowsBetween(Window.unboundedPreceding, Window.currentRow)
    histogram = texts.groupBy("chars").count().select("chars", F.sum("count").over(ascending).alias("through"))
    found = histogram.agg(*[F.min(F.when(F.col("through") > rank, F.col("chars"))).alias(f"r{rank}")
                            for rank in ranks]).first()
    return [int(found[f"r{rank}"]) for rank in ranks]
