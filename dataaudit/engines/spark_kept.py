"""DataFrames computed once and kept with their plan cut, leaving nothing behind after the run.

Why: a loop of joins (the clustering of near copies) must keep each round's rows, or each
round's plan holds every earlier one several times over. `DataFrame.checkpoint()` would write
them into the session's checkpoint directory, and Spark leaves those files there after the run
(unless `spark.cleaner.referenceTracking.cleanCheckpoints` is set). A run must leave nothing it
did not promise, so with a checkpoint directory set the rounds are written, as Parquet, into a
folder of the run's own inside it (`dataaudit-<random hex>`), read back from there (the plan
then starts at the files, as a checkpoint's does: an executor lost mid-loop costs a re-read,
not the audit), and that folder alone is removed when the run ends, however it ends. Without a
checkpoint directory the rows stay on the executors (`localCheckpoint`), which Spark frees once
nothing refers to them.
"""

from __future__ import annotations

import contextlib
import itertools
import sys
import uuid
from collections.abc import Callable, Iterator
from typing import Any

Keep = Callable[[Any], Any]  # a DataFrame in, the same rows computed and kept, plan cut, out


@contextlib.contextmanager
def kept_frames(session: Any) -> Iterator[Keep]:
    """A `keep(frame)` for the block: into a run-owned folder of the session's checkpoint
    directory when it has one (removed when the block ends, by an error or Ctrl-C too), else
    on the executors. Frames kept must not be used after the block."""
    context = session.sparkContext
    directory = context.getCheckpointDir()
    if directory is None:
        yield _on_executors
        return
    folder = _RunFolder(session, f"{directory.rstrip('/')}/dataaudit-{uuid.uuid4().hex}")
    try:
        yield folder.keep
    except BaseException:
        folder.remove_after_error()
        raise
    folder.remove()


def _on_executors(frame: Any) -> Any:
    from pyspark import StorageLevel

    return frame.localCheckpoint(storageLevel=StorageLevel.MEMORY_AND_DISK)


class _RunFolder:
    """A folder on the checkpoint directory's file system that this run made and removes.

    It is registered with Hadoop's `deleteOnExit` as soon as it exists: a task that Ctrl-C
    stopped in the middle of a write may still create its attempt's folders after the run
    removed the folder, and the JVM's exit then removes them. A run that ends well has no task
    left to write, so its registration is cancelled once the folder is gone: a program running
    many audits in one SparkSession does not pile up a registration per run until the JVM exits."""

    def __init__(self, session: Any, url: str) -> None:
        self.session = session
        context = session.sparkContext
        self.url = url
        self.path = context._jvm.org.apache.hadoop.fs.Path(url)
        self.fs = self.path.getFileSystem(context._jsc.hadoopConfiguration())
        self.fs.mkdirs(self.path)
        self.fs.deleteOnExit(self.path)
        self.rounds = itertools.count()

    def keep(self, frame: Any) -> Any:
        """`frame`'s rows written under the folder and read back from there."""
        url = f"{self.url}/{next(self.rounds)}"
        frame.write.parquet(url)
        return self.session.read.parquet(url)

    def remove(self) -> None:
        """The folder removed after a run that ended well, and forgotten by `deleteOnExit`."""
        self.fs.delete(self.path, True)
        self.fs.cancelDeleteOnExit(self.path)

    def remove_after_error(self) -> None:
        """The folder removed while an error (or Ctrl-C) ends the run: a failure to remove it
        is one warning line, never the error the user sees instead of the first. The folder stays
        registered with `deleteOnExit`, for a task still writing into it."""
        try:
            self.fs.delete(self.path, True)
        except Exception as exc:  # py4j's, the JVM's or the file system's: any failure here is secondary
            first = next((line.strip() for line in str(exc).splitlines() if line.strip()), type(exc).__name__)
            sys.stderr.write(f"dataaudit: warning: {self.url}: not removed ({first[:300]}); "
                             "it goes when the Spark session's JVM exits\n")
