"""A JSON Lines file's late keys found on Spark, each on the line the local reader names.

The columns are the keys of the file's first rows, as the local reader takes them; a key first
met later is a late key (`source.late_keys`). Spark's JSON reader infers its schema from every
line, so which keys are late is known once the file is opened, at no cost of its own. Only
when some are is the file read again, as text: one row per line, a blank one too, split at
`\\n`, `\\r\\n` or a lone `\\r` as Python's universal newlines split the local reader's. Each
line's top-level keys are listed in the JVM (`json_object_keys`: none for a line that is no
JSON object), and the first (line, place in the line) of each late key is all that reaches the
driver, besides the lines per partition that turn a row's id into its line number.
"""

from __future__ import annotations

from typing import Any

from dataaudit.io.source import LateKey


def late_keys_on_cluster(spark: Any, path: str, keys: list[str], columns_from: int) -> dict[str, LateKey]:
    """Each of `keys` with the first line it appears on, in the order they first appear (within
    a line, the line's order); `columns_from` is the rows the columns are read from. A key of
    `keys` that no line holds as a top-level key (Spark's reader and the JVM's key listing
    disagree) is left out rather than given a line it is not on."""
    from pyspark.sql import functions as F

    from dataaudit.engines.spark import PLACE_BITS, partition_offsets

    lines = spark.read.text(path)
    first = (lines.withColumn("id", F.monotonically_increasing_id())
             .select("id", F.posexplode(F.json_object_keys("value")).alias("place", "key"))
             .where(F.col("key").isin(keys))
             .groupBy("key").agg(F.min(F.struct("id", "place")).alias("first"))
             .collect())
    if not first:
        return {}
    starts = {partition: start for partition, (start, _) in partition_offsets(lines).items()}
    found = sorted((row["first"]["id"], row["first"]["place"], row["key"]) for row in first)
    # an id holds its row's partition above PLACE_BITS and its place in the partition below
    return {key: LateKey(key, starts[id_ >> PLACE_BITS] + (id_ & ((1 << PLACE_BITS) - 1)) + 1, columns_from)
            for id_, _, key in found}
