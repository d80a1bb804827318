"""A split's row keys kept on the Spark cluster: the `KeyTable` steps as joins over a persisted
DataFrame, so that the comparison of splits on Spark brings back counts and the first rows of
each finding, never a per-row array (as `spark_duplicates` does for one table's duplicates).

The hashes are Spark's signed longs with the same bits as the local engine's unsigned ones, so
equal keys join equal and the findings are the local engine's. Only the engine's pass and this
module touch pyspark, and only when the Spark engine runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

from dataaudit.engines.spark_duplicates import signed
from dataaudit.profile import values as v
from dataaudit.splits.keys import KeyTable


@dataclass(frozen=True)
class SparkKeys:
    """The Spark engine's `KeyTable`: a DataFrame of `row`, `features`, `label`, `group` (null
    without a group column) and `keyset`, one row per data row of the split and feature set."""

    frame: Any

    def keyed(self, feature_set: int) -> SparkKeys:
        return SparkKeys(self.frame.where(f"keyset = {int(feature_set)}").drop("keyset"))

    def relabelled(self, folded: Mapping[int, int] | None) -> SparkKeys:
        from pyspark.sql import functions as F

        frame = self.frame
        if folded is None:
            label = F.when(F.col("label") == signed(v.NULL_HASH), F.lit(0)).otherwise(F.col("label"))
        elif not folded:
            label = F.lit(0).cast("long")
        else:  # a broadcast join with the label table, as small as the target's tracked labels
            table = frame.sparkSession.createDataFrame(
                [(signed(raw), signed(key)) for raw, key in folded.items()], "label long, folded long")
            frame = frame.join(F.broadcast(table), "label", "left")
            label = F.coalesce(F.col("folded"), F.lit(0))
        return SparkKeys(frame.select("row", "features", label.cast("long").alias("label"), "group"))

    def labelled(self) -> SparkKeys:
        return SparkKeys(self.frame.where("label != 0"))

    def grouped(self) -> SparkKeys:
        return SparkKeys(self.frame.where(f"`group` IS NOT NULL AND `group` != {signed(v.NULL_HASH)}"))

    def semi(self, other: KeyTable, on: tuple[str, ...]) -> SparkKeys:
        return SparkKeys(self.frame.join(_on_cluster(other).frame.select(*on), list(on), "left_semi"))

    def anti(self, other: KeyTable, on: tuple[str, ...]) -> SparkKeys:
        return SparkKeys(self.frame.join(_on_cluster(other).frame.select(*on), list(on), "left_anti"))

    def count(self) -> int:
        return int(self.frame.count())

    def distinct(self, column: str) -> int:
        return int(self.frame.select(column).distinct().count())

    def first_rows(self, k: int) -> np.ndarray:
        rows = self.frame.select("row").orderBy("row").limit(k).collect()
        return np.array([r["row"] for r in rows], dtype=np.int64)

    def first_with_sources(self, reference: KeyTable, k: int) -> tuple[np.ndarray, np.ndarray]:
        """The first `k` rows, ordered on the cluster, joined with the first reference row of
        each of their features (a group-by of the reference's rows with those features only)."""
        from pyspark.sql import functions as F

        chosen = self.frame.select("row", "features").orderBy("row").limit(k)
        ref = _on_cluster(reference).frame
        firsts = (ref.join(chosen.select("features").distinct(), "features", "left_semi")
                  .groupBy("features").agg(F.min("row").alias("source")))
        pairs = chosen.join(firsts, "features", "left").orderBy("row").collect()
        return (np.array([r["row"] for r in pairs], dtype=np.int64),
                np.array([r["source"] for r in pairs], dtype=np.int64))


def _on_cluster(keys: KeyTable) -> SparkKeys:
    """Keys of one engine are compared with keys of the same engine only."""
    assert isinstance(keys, SparkKeys)
    return keys
