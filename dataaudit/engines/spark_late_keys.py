"""A JSON Lines file's late keys found on Spark, each on the line the local reader names.

The columns are the keys of the file's first rows, as the local reader takes them; a key first
met later is a late key (`source.late_keys`). Spark's JSON reader infers its schema from every
line, so which keys are late is known once the file is opened, at no cost of its own. Only
when some are is the file read again, as text: one row per line, a blank one too, split at
`\\n`, `\\r\\n` or a lone `\\r` as Python's universal newlines split the local reader's. Each
line's top-level keys are listed in the JVM (`json_object_keys`: none for a line that is no
JSON object), and the first (line, place in the line) of each late key is all that reaches the
driver, besides the lines per partition that turn a row's id into its line number. A key the
JVM's listing cannot place (it lists no keys of a line holding `NaN` or `Infinity`, which Spark's
reader and Python's `json` accept) is found by the local reader, read through on the driver:
slower, only then, and never a key left unnamed, which a clean on Spark would drop.
"""

from __future__ import annotations

from typing import Any

from dataaudit.io.source import LateKey


def late_keys_on_cluster(spark: Any, path: str, keys: list[str], columns_from: int,
                         encoding: str | None = None) -> dict[str, LateKey]:
    """Each of `keys` with the first line it appears on, in the order they first appear (within
    a line, the line's order); `columns_from` is the rows the columns are read from. If the JVM
    cannot place every one, the local reader places them all (`_read_here`); a key it does not
    find either is no key of the file for the local reader, so not one the local clean writes."""
    found = _placed_on_cluster(spark, path, keys, columns_from)
    return found if len(found) == len(keys) else _read_here(path, keys, columns_from, encoding)


def _read_here(path: str, keys: list[str], columns_from: int, encoding: str | None) -> dict[str, LateKey]:
    """Those of `keys` the local reader finds late, with their first lines, in its order: the
    whole file read on the driver."""
    from dataaudit.io import open_source

    source = open_source(path, encoding=encoding, chunk_rows=columns_from, bad_rows="skip", fmt="jsonl")
    for _ in source.batches():
        pass
    wanted = set(keys)
    return {key: late for key, late in source.late_keys.items() if key in wanted}


def _placed_on_cluster(spark: Any, path: str, keys: list[str], columns_from: int) -> dict[str, LateKey]:
    """`keys` the JVM's listing of each line's keys finds, with their first lines."""
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
