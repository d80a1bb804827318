"""The label model's fits run on one thread each, as threadpoolctl sees the loaded runtimes.

On a busy machine, OpenMP threads inside each fit spin against each other: a 150-row audit took
over a minute on two busy cores instead of a few seconds. The cap only works on runtimes already
loaded when it is set, so it is checked from inside the fits of the installed command, in a fresh
process whose defaults ask for 4 threads.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from tests.cli_helpers import run
from tests.conftest import DATA

PROBE = Path(__file__).parent / "fit_threads"


def _fits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> list[dict]:
    log = tmp_path / "fits.jsonl"
    monkeypatch.setenv("DATAAUDIT_FIT_THREADS_LOG", str(log))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(filter(None, [str(PROBE), os.environ.get("PYTHONPATH")])))
    for variable in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        monkeypatch.setenv(variable, "4")
    run(["audit", DATA / "iris.csv", "-t", "target", "--label-noise", "--folds", "3", "--jobs", "1"], 0,
        timeout=300)
    return [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]


def test_every_fit_sees_its_thread_pools_capped_at_one(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    fits = _fits(tmp_path, monkeypatch)
    # 3 folds, drawn 3 times on 150 rows, for each of the two models
    assert sorted({f["estimator"] for f in fits}) == ["HistGradientBoostingClassifier", "LogisticRegression"]
    assert len(fits) == 18
    for fit in fits:
        apis = {p["internal_api"] for p in fit["pools"]}
        assert {"openmp", "openblas"} <= apis, fit  # the runtimes are loaded, so the cap reached them
        assert {p["num_threads"] for p in fit["pools"]} == {1}, fit
