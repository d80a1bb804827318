"""A Spark session dataaudit starts itself on a local master, sized for the machine.

Spark's defaults are a cluster's: 200 shuffle partitions and a web UI. On a local master (one
JVM whose task threads are the machine's cores) each of the audit's shuffles then runs 200
tasks a few at a time, mostly empty for the files one machine reads, and the UI's server starts
for nobody to look at. A session started here on a local master gets one shuffle partition per
core and no UI, each only where the user's own configuration (`spark-defaults.conf`,
`spark-submit --conf`, `PYSPARK_SUBMIT_ARGS`) does not set it. A session dataaudit did not
start (the caller's, or one already running in the process) is never changed.
"""

from __future__ import annotations

import re
from typing import Any

SHUFFLE_PARTITIONS = "spark.sql.shuffle.partitions"
UI_ENABLED = "spark.ui.enabled"
# local, local[4], local[*], and the same with a number of task failures allowed: local[4,2]
_LOCAL_MASTER = re.compile(r"local(\[(\*|\d+)(,\s*\d+)?\])?")


def is_local_master(master: str) -> bool:
    """Whether `master` runs the tasks as threads of the driver's JVM. `local-cluster[...]`
    starts executor JVMs apart from the driver, as a cluster does, and is not one."""
    return _LOCAL_MASTER.fullmatch(master.strip()) is not None


def start_session(builder: Any, master: str | None) -> Any:
    """`builder.getOrCreate()`, with the local settings above where they apply. `master`: the
    one the builder was given, None for the one the user's configuration names.

    What the user set is read from the launched JVM's configuration before the session starts
    (Spark reads `spark-defaults.conf` and the submit arguments only as its JVM starts), since
    the UI cannot be turned off afterwards; the partitions are set once it runs, to its default
    parallelism: the cores `local[*]` found, or N of `local[N]`."""
    from pyspark import SparkConf, SparkContext

    SparkContext._ensure_initialized()  # the JVM, and with it what spark-submit read
    user = SparkConf()
    ours = SparkContext._active_spark_context is None
    local = ours and is_local_master(master or user.get("spark.master", ""))
    if local and not user.contains(UI_ENABLED):
        builder = builder.config(UI_ENABLED, "false")
    session = builder.getOrCreate()
    if local and not user.contains(SHUFFLE_PARTITIONS):
        session.conf.set(SHUFFLE_PARTITIONS, str(session.sparkContext.defaultParallelism))
    return session
