"""A session dataaudit starts on a local master gets a shuffle partition per core and no web UI,
unless the user's Spark configuration says otherwise; a session already running is never changed.

A process holds one SparkContext, and the test workers keep theirs for the whole run, so the
sessions the engine starts itself are started in a fresh interpreter each, which prints what its
session's configuration holds.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from dataaudit.engines.spark_local import SHUFFLE_PARTITIONS, UI_ENABLED, is_local_master, start_session

pytestmark = pytest.mark.filterwarnings("ignore:PySpark does not yet fully support pandas:FutureWarning")
pyspark = pytest.importorskip("pyspark", reason="the spark extra is not installed (pip install 'dataaudit[spark]')")

REPO = Path(__file__).resolve().parents[1]
STARTED = """
import json, sys
from dataaudit.engines.spark import SparkEngine
session = SparkEngine(master=sys.argv[1] or None).spark()
context = session.sparkContext
print(json.dumps({"master": context.master, "cores": context.defaultParallelism,
                  "partitions": session.conf.get("spark.sql.shuffle.partitions"),
                  "ui": context.getConf().get("spark.ui.enabled", "true")}))
session.stop()
"""


def _started(master: str, **env: str) -> dict:
    """What the session `SparkEngine(master=...)` starts in a fresh interpreter holds; `env` on top
    of an environment without the test suite's own submit arguments."""
    clean = {k: v for k, v in os.environ.items() if k not in ("PYSPARK_SUBMIT_ARGS", "SPARK_CONF_DIR")}
    done = subprocess.run([sys.executable, "-c", STARTED, master], cwd=REPO, env={**clean, **env},
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


@pytest.mark.parametrize("master", ["local", "local[2]", "local[*]", "local[4,3]", " local[*] "])
def test_masters_running_tasks_in_the_driver_are_local(master: str) -> None:
    assert is_local_master(master)


@pytest.mark.parametrize("master", ["local-cluster[2,1,1024]", "spark://host:7077", "yarn", "k8s://https://h:6443",
                                    "localhost", "local[]", ""])
def test_other_masters_are_not(master: str) -> None:
    assert not is_local_master(master)


@pytest.mark.slow
def test_a_local_session_it_starts_has_a_shuffle_partition_per_core_and_no_ui() -> None:
    two = _started("local[2]")
    assert (two["master"], two["partitions"], two["ui"]) == ("local[2]", "2", "false")
    every_core = _started("")  # no master given: local[*], the cores the JVM sees
    assert every_core["master"] == "local[*]"
    assert every_core["partitions"] == str(every_core["cores"]) and every_core["ui"] == "false"


@pytest.mark.slow
def test_what_the_user_configured_is_kept(tmp_path: Path) -> None:
    """Through spark-defaults.conf and through the submit arguments alike."""
    (tmp_path / "spark-defaults.conf").write_text(f"{SHUFFLE_PARTITIONS} 7\n")
    kept = _started("local[2]", SPARK_CONF_DIR=str(tmp_path),
                    PYSPARK_SUBMIT_ARGS=f"--conf {UI_ENABLED}=true --conf spark.ui.port=0 pyspark-shell")
    assert (kept["partitions"], kept["ui"]) == ("7", "true")


@pytest.fixture
def running() -> Iterator[object]:
    """The session this test process runs (the shared one, if another test started it first),
    with a value set on it for the test to find unchanged."""
    from pyspark.sql import SparkSession

    os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    session = SparkSession.builder.master("local[2]").config(UI_ENABLED, "false").getOrCreate()
    before = session.conf.get(SHUFFLE_PARTITIONS)
    session.conf.set(SHUFFLE_PARTITIONS, "3")
    yield session
    session.conf.set(SHUFFLE_PARTITIONS, before)


@pytest.mark.slow
def test_a_session_already_running_is_never_changed(running: object) -> None:
    from pyspark.sql import SparkSession

    got = start_session(SparkSession.builder.master("local[2]"), "local[2]")
    assert got is running or got.sparkContext is running.sparkContext  # type: ignore[attr-defined]
    assert running.conf.get(SHUFFLE_PARTITIONS) == "3"  # type: ignore[attr-defined]
