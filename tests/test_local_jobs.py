"""`--jobs N` spreads chunks over worker processes and changes nothing in the report.

Chunks come back as partial profiles merged in file order, the same merges one process makes,
so the JSON report is identical (time aside) for any number of jobs and any chunk size.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets import make_dirty_classification, write_dirty_classification
from dataaudit.errors import InputError
from tests.cli_helpers import invoke, run
from tests.conftest import DATA

PENGUINS = str(DATA / "penguins.csv")


def _report(data: object, **options: object) -> dict:
    report = dataaudit.audit(data, target="label", ignore_columns=["id"], **options).to_dict()
    report.pop("created_at")
    return report


@pytest.fixture(scope="module")
def table() -> object:
    return make_dirty_classification(6_000, seed=11)[0]


@settings(max_examples=5, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                 HealthCheck.too_slow])
@given(chunk_rows=st.integers(200, 7_000), jobs=st.integers(2, 3))
def test_jobs_give_the_report_of_one_process(table: object, chunk_rows: int, jobs: int) -> None:
    one = _report(table, chunk_rows=chunk_rows, jobs=1)
    assert _report(table, chunk_rows=chunk_rows, jobs=jobs) == one
    # and the findings do not depend on where the chunks were cut
    assert one["findings"] == _report(table, chunk_rows=6_000)["findings"]


def test_jobs_on_the_command_line(tmp_path: Path) -> None:
    data = tmp_path / "train.csv"
    write_dirty_classification(data, rows=20_000, seed=4)
    reports = {}
    for jobs in ("1", "2", "-1"):
        out = tmp_path / f"jobs{jobs}.json"
        run(["audit", data, "-t", "label", "-i", "id", "--jobs", jobs, "-f", "json", "-o", out], 1)
        reports[jobs] = json.loads(out.read_text())
        reports[jobs].pop("created_at")
    assert reports["2"] == reports["1"] == reports["-1"]


@pytest.mark.parametrize("jobs", ["0", "-2"])
def test_jobs_must_be_positive_or_minus_one(jobs: str) -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--jobs", jobs], 2)
    assert err.startswith(f"dataaudit audit: error: Invalid value for '-j' / '--jobs': {jobs}: give a positive "
                          "number of processes, or -1 for one per core")
    with pytest.raises(InputError, match=f"positive number of processes or -1 for all cores, not {jobs}"):
        dataaudit.audit(PENGUINS, target="species", jobs=int(jobs))


def test_engine_options_belong_to_their_engine() -> None:
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--spark-master", "local[2]"], 2)
    assert "--spark-master needs --engine spark" in err
    _, err = invoke(["audit", PENGUINS, "-t", "species", "--engine", "spark", "--jobs", "2"], 2)
    assert "--jobs applies to the local engine" in err
    with pytest.raises(dataaudit.InputError, match="unknown engine 'dask'; choose one of local, spark"):
        dataaudit.audit(PENGUINS, target="species", engine="dask")
    with pytest.raises(dataaudit.InputError, match=r"--jobs \(jobs\) cannot run on the spark engine"):
        dataaudit.audit(PENGUINS, target="species", engine="spark", jobs=2)


def test_the_local_engine_never_imports_pyspark() -> None:
    code = ("import sys, dataaudit; dataaudit.audit(sys.argv[1], target='species', jobs=2); "
            "import dataaudit.cli; print(sorted(m for m in sys.modules if m.startswith('pyspark')))")
    # -c runs without a main module file, so worker processes start without re-running it
    done = subprocess.run([sys.executable, "-c", code, PENGUINS], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is a POSIX start method")
def test_workers_are_forked_from_a_server_that_imported_the_profile_code_once() -> None:
    """Spawned workers each import the whole profile code, about a CPU second apiece."""
    from multiprocessing import forkserver

    from dataaudit.engines.pool import worker_context

    assert worker_context().get_start_method() == "forkserver"
    assert "dataaudit.engines.pool" in forkserver._forkserver._preload_modules  # type: ignore[attr-defined]
