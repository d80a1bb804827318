"""Duplicates and label conflicts found by Spark's own aggregation, never on the driver.

The executors hash every row exactly as the local pass does (the same `PartialProfile.add`), and
hand the hashes on as rows of a DataFrame (`row`, `features`, `label`, `whole`: 32 bytes each)
that stays on the cluster. Rows with equal whole-row hashes or equal (features, label) also have
equal feature hashes, so one shuffle by the feature hash brings every group that can repeat or
contradict itself into one task; windows over that partitioning give each row its group's first
row. Only rows of feature groups with more than one row are kept (usually a small share), the
totals come back as one aggregate row, and the examples as the first `k` of each kind, ordered
by row number on the cluster. The driver holds O(k) values whatever the row count, and the
result is the `DuplicateProfile` `find_duplicates` gives for the same hashes.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from dataaudit.profile.model import ConflictGroup, DuplicateProfile

HASHES_SCHEMA = "row long, features long, label long, whole long"


def signed(hash_value: int) -> int:
    """A 64-bit hash as the signed long Spark stores it (the same bits)."""
    return int(np.uint64(hash_value).view(np.int64))


def find_duplicates_on_cluster(hashes: Any, label_keys: dict[int, str], k: int, rows: int) -> DuplicateProfile:
    """`find_duplicates` over a DataFrame of `HASHES_SCHEMA` holding `rows` rows: the same counts
    and the same example row numbers. `label_keys` maps a label hash to its folded label, as
    for `find_duplicates`; a row whose label hash is absent has a missing label."""
    from pyspark import StorageLevel
    from pyspark.sql import functions as F

    shared = _shared_feature_rows(_with_label_codes(hashes, label_keys)).persist(StorageLevel.MEMORY_AND_DISK)
    try:
        totals = shared.agg(
            F.count(F.lit(1)).alias("shared"),
            _count_where(F.col("row") == F.col("first_features")).alias("groups"),
            _count_where("exact").alias("exact"),
            _count_where("repeat").alias("repeat"),
            _count_where("conflicted").alias("conflict_rows"),
            _count_where(F.col("conflicted") & (F.col("row") == F.col("first_labelled"))).alias("conflict_groups"),
        ).first()
        keys = sorted(set(label_keys.values()))
        return DuplicateProfile(
            exact_rows=int(totals["exact"] or 0),
            exact_examples=first_pairs(shared.where("exact"), "first_whole", k) if totals["exact"] else [],
            feature_rows=int(totals["repeat"] or 0),
            feature_examples=(first_pairs(shared.where("repeat AND NOT exact"), "first_same", k)
                              if totals["repeat"] else []),
            conflict_groups=int(totals["conflict_groups"] or 0),
            conflict_rows=int(totals["conflict_rows"] or 0),
            conflict_examples=(_conflict_examples(shared.where("conflicted"), keys, k)
                               if totals["conflict_rows"] else []),
            distinct_feature_rows=rows - int(totals["shared"] or 0) + int(totals["groups"] or 0),
        )
    finally:
        shared.unpersist()


def _with_label_codes(hashes: Any, label_keys: dict[int, str]) -> Any:
    """Each row's folded label as its index among the sorted folded labels, -1 when missing: a
    broadcast join with the label table, which is as small as the target's tracked labels."""
    from pyspark.sql import functions as F

    keys = sorted(set(label_keys.values()))
    code_of = {key: i for i, key in enumerate(keys)}
    table = hashes.sparkSession.createDataFrame([(signed(h), code_of[key]) for h, key in label_keys.items()],
                                                "label long, code int")
    return (hashes.join(F.broadcast(table), "label", "left")
            .select("row", "features", "whole", F.coalesce("code", F.lit(-1)).alias("code")))


def _shared_feature_rows(coded: Any) -> Any:
    """Rows whose feature hash occurs more than once, each with its groups' first rows and flags:
    `exact` repeats an earlier row's whole hash, `repeat` an earlier row's features and label,
    `conflicted` is labelled in a feature group with more than one label."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    by_features = Window.partitionBy("features")
    labelled = F.col("code") >= 0
    flagged = coded.select(
        "row", "features", "code",
        F.count(F.lit(1)).over(by_features).alias("size"),
        F.min("row").over(by_features).alias("first_features"),
        F.min(F.when(labelled, F.col("row"))).over(by_features).alias("first_labelled"),
        F.min(F.when(labelled, F.col("code"))).over(by_features).alias("low"),
        F.max(F.when(labelled, F.col("code"))).over(by_features).alias("high"),
        F.min("row").over(Window.partitionBy("features", "whole")).alias("first_whole"),
        F.min("row").over(Window.partitionBy("features", "code")).alias("first_same"),
    ).where("size > 1")
    return flagged.select(
        "row", "features", "code", "first_features", "first_labelled", "first_whole", "first_same",
        (F.col("row") > F.col("first_whole")).alias("exact"),
        (F.col("row") > F.col("first_same")).alias("repeat"),
        (labelled & (F.col("low") != F.col("high"))).alias("conflicted"),
    )


def _count_where(condition: Any) -> Any:
    from pyspark.sql import functions as F

    return F.sum(F.when(F.col(condition) if isinstance(condition, str) else condition, 1).otherwise(0))


def first_pairs(repeated: Any, first: str, k: int) -> list[tuple[int, int]]:
    """(row, the earlier row it repeats) for the first k repeated rows, ordered on the cluster."""
    return [(r["row"], r[first]) for r in repeated.orderBy("row").limit(k).select("row", first).collect()]


def _conflict_examples(conflicted: Any, keys: list[str], k: int) -> list[ConflictGroup]:
    """The first k conflict groups by their first labelled row, each with its first k rows and
    its label counts: three small collects of at most k groups."""
    from pyspark.sql import functions as F

    groups = first_groups(conflicted, "features", k)
    chosen = conflicted.where(F.col("features").isin([features for features, _, _ in groups]))
    labels: dict[int, dict[str, int]] = {}
    for r in chosen.groupBy("features", "code").count().orderBy("features", "code").collect():
        labels.setdefault(r["features"], {})[keys[r["code"]]] = r["count"]
    return [ConflictGroup(rows=rows, size=size, labels=labels[features]) for features, size, rows in groups]


def first_groups(rows: Any, key: str, k: int) -> list[tuple[Any, int, list[int]]]:
    """(key, size, its first k rows) of the first k groups of `rows` by `key`, ordered by their
    first `row`: two small collects of at most k groups, whatever the rows."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    groups = (rows.groupBy(key).agg(F.min("row").alias("first"), F.count(F.lit(1)).alias("size"))
              .orderBy("first").limit(k).collect())
    chosen = rows.where(F.col(key).isin([g[key] for g in groups]))
    first_rows: dict[Any, list[int]] = {}
    ranked = chosen.select(key, "row", F.row_number().over(Window.partitionBy(key).orderBy("row")).alias("rank"))
    for r in ranked.where(F.col("rank") <= k).orderBy("row").collect():
        first_rows.setdefault(r[key], []).append(r["row"])
    return [(g[key], g["size"], first_rows[g[key]]) for g in groups]
