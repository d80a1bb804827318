"""An audit leaves the program that runs it as it found it: no thread of its own still running,
the warning filters and the environment unchanged, whatever the engine's jobs and validators."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import warnings
from pathlib import Path

import pytest

import dataaudit
from dataaudit.scoped import environ_default, quiet_pyspark_pandas_warning
from tests.cli_helpers import invoke
from tests.conftest import DATA, workers_on_any_source

PENGUINS = DATA / "penguins.csv"
COLUMN_THREADS = "dataaudit-column"


@pytest.fixture(scope="module", autouse=True)
def libraries_loaded() -> None:
    """numpy, pyarrow and scikit-learn add their own warning filters as they are first imported;
    one audit first, so the comparisons see only what an audit itself changes."""
    dataaudit.audit(PENGUINS, target="species")


def state() -> dict[str, object]:
    return {"threads": {(t.ident, t.name) for t in threading.enumerate()}, "filters": list(warnings.filters),
            "environ": dict(os.environ)}


@pytest.mark.parametrize("jobs", [[], ["--jobs", "2"]], ids=["one process", "two workers"])
def test_a_local_audit_leaves_threads_filters_and_environment_as_they_were(jobs: list[str]) -> None:
    before = state()
    with workers_on_any_source() as workers:
        invoke(["audit", PENGUINS, "-t", "species", "-f", "json", *jobs], 0)
    after = state()
    assert workers.called is bool(jobs)
    assert not [name for _, name in after["threads"] if name.startswith(COLUMN_THREADS)]
    assert after == before


def test_an_audit_through_the_api_in_many_chunks_leaves_no_column_thread() -> None:
    before = state()
    report = dataaudit.audit(PENGUINS, target="species", chunk_rows=50)
    after = state()
    assert report.profile.rows == 344
    assert not [name for _, name in after["threads"] if name.startswith(COLUMN_THREADS)]
    assert after == before


def test_validators_leave_filters_and_environment_as_they_were(tmp_path: Path) -> None:
    """pandera and GX are imported, and validate, in a fresh interpreter: the first import is
    where they warn and read the environment. (The libraries' own import-time filters, numpy's
    among them, are theirs; no filter of the audit's may stay.)"""
    schema, suite = tmp_path / "schema.yaml", tmp_path / "suite.json"
    invoke(["schema", "infer", PENGUINS, "-o", schema], 0)
    invoke(["export", "gx", "-t", "species", "--data", PENGUINS, "-o", suite], 0)
    code = f"""
import json, os, threading, warnings
import dataaudit
environ = dict(os.environ)
report = dataaudit.audit({str(PENGUINS)!r}, target="species", schema={str(schema)!r}, gx_suite={str(suite)!r})
print(json.dumps({{"filters": [str(f[1] and f[1].pattern) for f in warnings.filters],
                  "environ": sorted(set(os.environ.items()) ^ set(environ.items())),
                  "checks": sorted({{f.check for f in report.findings}} | {{c.check for c in report.checks}}),
                  "threads": [t.name for t in threading.enumerate()]}}))
"""
    env = {key: value for key, value in os.environ.items() if key != "GX_ANALYTICS_ENABLED"}
    script = tmp_path / "embeds_an_audit.py"  # a file: under `python -c` pyspark's import exits the process
    script.write_text(code, encoding="utf-8")
    out = subprocess.run([sys.executable, script], capture_output=True, text=True, env=env, check=True,
                         timeout=300).stdout
    result = json.loads(out.splitlines()[-1])
    assert result["environ"] == []
    assert not [pattern for pattern in result["filters"] if "PySpark" in pattern], result["filters"]
    assert "schema.pandera" in result["checks"] and any(check.startswith("gx.") for check in result["checks"])
    assert not [name for name in result["threads"] if name.startswith(COLUMN_THREADS)]


def test_a_default_for_the_environment_holds_inside_the_block_only(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATAAUDIT_SCOPED", raising=False)
    with environ_default("DATAAUDIT_SCOPED", "inside"):
        assert os.environ["DATAAUDIT_SCOPED"] == "inside"
    assert "DATAAUDIT_SCOPED" not in os.environ
    monkeypatch.setenv("DATAAUDIT_SCOPED", "the user's")
    with environ_default("DATAAUDIT_SCOPED", "inside"):
        assert os.environ["DATAAUDIT_SCOPED"] == "the user's"
    assert os.environ["DATAAUDIT_SCOPED"] == "the user's"


def test_the_pyspark_warning_is_silenced_inside_the_block_only() -> None:
    message = "PySpark does not yet fully support pandas >= 3.0.0."
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        with quiet_pyspark_pandas_warning():
            warnings.warn(message, FutureWarning, stacklevel=1)
            warnings.warn("another warning", FutureWarning, stacklevel=1)
        warnings.warn(message, FutureWarning, stacklevel=1)
    assert [str(w.message) for w in caught] == ["another warning", message]
