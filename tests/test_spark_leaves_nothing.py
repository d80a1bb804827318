"""An audit on Spark leaves nothing behind that it did not promise: the clustering of near
copies keeps its rounds in a folder of its own inside the session's checkpoint directory and
removes that folder when the run ends (passed, gate failed, error, Ctrl-C), leaving what was
there before as it was; the command leaves nothing in its working directory or the temporary
folder beside the files it writes."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
import pytest

import dataaudit
from dataaudit.datasets import write_dirty_classification
from tests.cli_helpers import invoke, run
from tests.test_spark_engine import spark
from tests.test_text_near_spark import _near_copies, _reviews_with_near_copies
from tests.test_text_spark import _partitions_of

pytestmark = [pytest.mark.slow,
              pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")]
__all__ = ["spark"]  # the session fixture, shared with the engine's tests

OPTIONS = {"target": "stars", "text_columns": ["review"], "ignore_columns": ["id"]}


def _tree(folder: Path) -> dict[str, bytes | None]:
    """Every file (its bytes) and folder (None) under `folder`, by relative path."""
    return {str(p.relative_to(folder)): (p.read_bytes() if p.is_file() else None) for p in folder.rglob("*")}


@pytest.fixture
def checkpoint_dir(spark: Any, tmp_path: Path) -> Iterator[Path]:
    """A checkpoint directory set on the shared session for one test, unset afterwards (pyspark
    has no call to unset it, so the JVM's own field is reset), holding a user's own files
    beside and inside the folder Spark made for the session."""
    context = spark.sparkContext
    folder = tmp_path / "checkpoints"
    context.setCheckpointDir(str(folder))
    (session_folder,) = folder.iterdir()
    (session_folder / "rdd-7").mkdir()
    (session_folder / "rdd-7" / "part-00000").write_bytes(b"a checkpoint of the user's")
    (folder / "notes.txt").write_text("kept\n")
    yield folder
    getattr(context._jsc.sc(), "checkpointDir_$eq")(context._jvm.scala.Option.apply(None))


def test_clustering_rounds_are_kept_in_a_run_folder_that_goes_when_the_run_ends(spark: Any,
                                                                               checkpoint_dir: Path) -> None:
    """With a checkpoint directory, each round's labels are written into one run-owned folder
    inside it (an executor lost mid-loop then costs a re-read, not the audit), the clusters are
    the local ones, and once the block ends the directory is as it was."""
    from dataaudit.engines.spark_kept import kept_frames
    from dataaudit.engines.spark_near import _cluster_labels
    from dataaudit.text.minhash import clusters

    before = _tree(checkpoint_dir)
    edges = [(i + 1, i) for i in range(100, 140)] + [(200 + i, 200) for i in range(1, 10)]
    pairs = spark.createDataFrame([(0, number, first) for number, first in edges], "text int, number long, first long")
    with kept_frames(spark) as keep:
        found = _cluster_labels(pairs, keep).where("node != label").orderBy("node").collect()
        (run_folder,) = checkpoint_dir.glob("*/dataaudit-*")
        assert len(list(run_folder.glob("*/part-*.parquet"))) > 5  # a chain of 40 takes several rounds
    local = clusters(np.array(edges, dtype=np.int64))
    assert [(r["node"], r["label"]) for r in found] == sorted(zip(local.copies.tolist(), local.first.tolist(),
                                                                      strict=True))
    assert _tree(checkpoint_dir) == before


def test_an_audit_and_a_failed_gate_leave_the_checkpoint_directory_as_it_was(spark: Any, checkpoint_dir: Path,
                                                                            tmp_path: Path) -> None:
    from dataaudit.engines.spark import SparkEngine

    table = _reviews_with_near_copies(tmp_path / "reviews.csv")
    before = _tree(checkpoint_dir)
    with _partitions_of(spark, "100k"):
        on_spark = dataaudit.audit(table, engine=SparkEngine(session=spark), **OPTIONS).to_dict()
        assert _tree(checkpoint_dir) == before
        invoke(["audit", table, "--target", "stars", "--text-column", "review", "--ignore-column", "id",
                "--engine", "spark", "--strict", "-f", "json", "-o", tmp_path / "report.json"], 1)
    assert _near_copies(on_spark) > 50
    assert _tree(checkpoint_dir) == before


@pytest.mark.parametrize("stop", [RuntimeError("lost"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_run_stopped_mid_clustering_removes_its_rounds(spark: Any, checkpoint_dir: Path, tmp_path: Path,
                                                         monkeypatch: pytest.MonkeyPatch, stop: BaseException) -> None:
    """An error or Ctrl-C after some rounds were written: the run's folder goes with it."""
    from dataaudit.engines import spark_near
    from dataaudit.engines.spark import SparkEngine

    cluster_labels = spark_near._cluster_labels
    written: list[Path] = []

    def stopped_after_two_rounds(pairs: Any, keep: Any) -> Any:
        def keep_then_stop(frame: Any) -> Any:
            kept = keep(frame)
            written.extend(checkpoint_dir.glob("*/dataaudit-*/*/part-*"))
            if len(written) >= 2:
                raise stop
            return kept

        return cluster_labels(pairs, keep_then_stop)

    monkeypatch.setattr(spark_near, "_cluster_labels", stopped_after_two_rounds)
    table = _reviews_with_near_copies(tmp_path / "reviews.csv")
    before = _tree(checkpoint_dir)
    with _partitions_of(spark, "100k"), pytest.raises(type(stop)):
        dataaudit.audit(table, engine=SparkEngine(session=spark), **OPTIONS)
    assert written  # the rounds were on disk when the run stopped
    assert _tree(checkpoint_dir) == before


@pytest.mark.parametrize(("command", "code", "written"), [
    (["audit", "-f", "json", "-o", "report.json"], 1, {"report.json"}),
    (["clean", "-o", "clean.parquet"], 0, {"clean.parquet", "clean.quarantine.parquet", "clean.manifest.json"}),
], ids=["audit", "clean"])
def test_the_command_on_spark_leaves_only_what_it_writes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                         command: list[str], code: int, written: set[str]) -> None:
    """The installed command starting its own Spark in an empty working directory: no
    spark-warehouse, derby.log or metastore_db beside its outputs, and no temporary file left."""
    data = tmp_path / "train.csv"
    write_dirty_classification(data, rows=3000, seed=0)
    cwd, temporary = tmp_path / "work", tmp_path / "tmp"
    cwd.mkdir()
    temporary.mkdir()
    monkeypatch.setenv("TMPDIR", str(temporary))
    run([command[0], data, "--target", "label", "--ignore-column", "id", *command[1:], "--engine", "spark",
         "--spark-master", "local[1]"], code, cwd=cwd, timeout=1200)
    assert {p.name for p in cwd.iterdir()} == written
    assert not list(temporary.iterdir())


def _rounds(spark: Any) -> Any:
    return spark.createDataFrame([(i, i % 7) for i in range(50)], "node long, label long")


def test_a_run_that_ends_well_leaves_no_delete_on_exit_registration(spark: Any, checkpoint_dir: Path) -> None:
    """Many runs in one session: each run's folder is registered with `deleteOnExit` only while
    the run lasts (`cancelDeleteOnExit` is true only for a path still registered)."""
    from dataaudit.engines.spark_kept import kept_frames

    folders = []
    for _ in range(3):
        with kept_frames(spark) as keep:
            assert keep(_rounds(spark)).count() == 50
            (folder,) = checkpoint_dir.glob("*/dataaudit-*")
            folders.append(folder)
    jvm_path = spark.sparkContext._jvm.org.apache.hadoop.fs.Path
    fs = jvm_path(folders[0].as_uri()).getFileSystem(spark.sparkContext._jsc.hadoopConfiguration())
    assert [fs.cancelDeleteOnExit(jvm_path(str(folder))) for folder in folders] == [False] * 3
    assert not list(checkpoint_dir.glob("*/dataaudit-*"))


@pytest.mark.parametrize("stop", [RuntimeError("the first error"), KeyboardInterrupt()], ids=["error", "ctrl-c"])
def test_a_cleanup_failure_during_an_error_is_a_warning_and_the_first_error_stands(
        spark: Any, checkpoint_dir: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
        stop: BaseException) -> None:
    """The folder cannot be removed while an error ends the run: the caller gets the error the
    run met, stderr one warning line naming the folder, and the folder stays registered with
    `deleteOnExit` for the JVM's exit to remove."""
    from dataaudit.engines import spark_kept

    made: list[Any] = []

    class UndeletableFolder(spark_kept._RunFolder):
        def __init__(self, session: Any, url: str) -> None:
            super().__init__(session, url)
            made.append(self)
            self.file_system = self.fs
            self.fs = self

        def delete(self, path: Any, recursive: bool) -> bool:
            raise OSError("the file system went away\nat a Java frame")

    monkeypatch.setattr(spark_kept, "_RunFolder", UndeletableFolder)
    with pytest.raises(type(stop)) as raised, spark_kept.kept_frames(spark) as keep:
        keep(_rounds(spark))
        raise stop
    assert raised.value is stop
    (folder,) = made
    err = capsys.readouterr().err
    assert err == (f"dataaudit: warning: {folder.url}: not removed (the file system went away); "
                   "it goes when the Spark session's JVM exits\n")
    assert folder.file_system.cancelDeleteOnExit(folder.path)  # still registered
    folder.file_system.delete(folder.path, True)
