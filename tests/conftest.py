"""Shared fixtures. `shared_dir` is the project's sibling `shared/` folder, present in CI and
absent in a user's clone: tests that cross-check against it skip, saying why.

Every report a test makes is held to the committed JSON Schema (`report_schema_guard`, autouse):
each `Report.to_dict()` result as it is made, and after the test every JSON report under its
`tmp_path` (the files the `dataaudit` command wrote, in-process or as a subprocess). The SARIF of
each of those reports, and every `.sarif` file under `tmp_path`, is held to the official SARIF
2.1.0 schema (tests/schemas/sarif-schema-2.1.0.json) the same way."""

from __future__ import annotations

import importlib.util
import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any
from unittest import mock

import jsonschema
import pytest
from hypothesis import settings

from dataaudit.report.model import Report
from dataaudit.report.sarif import render_sarif
from dataaudit.report.schema import SCHEMA_FILE
from dataaudit.scoped import quiet_pyspark_pandas_warning

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"
SARIF_SCHEMA_FILE = Path(__file__).parent / "schemas" / "sarif-schema-2.1.0.json"


def _import_spark_connect_in_a_worker() -> None:
    """pyspark.sql.connect's import calls `sys.exit(0)` when `__main__` has neither `__spec__` nor
    `__file__` (it takes that for a doctest run), and that is what `__main__` is in a pytest-xdist
    (execnet) worker: the worker would end during collection, through the great_expectations import.
    So a worker imports it once here, with a `__main__.__file__` for the duration only (multiprocessing's
    spawn start method, used by dataaudit.engines.pool, would re-run a lasting one in each child). Where
    Spark Connect's own dependencies (grpc) are absent, the module is marked unimportable, so every later
    import raises the ImportError a plain run gets, which great_expectations expects, not the exit."""
    main = sys.modules["__main__"]
    if importlib.util.find_spec("pyspark") is None or main.__spec__ is not None or hasattr(main, "__file__"):
        return
    main.__file__ = "<pytest-xdist worker>"
    try:
        with quiet_pyspark_pandas_warning():
            import pyspark.sql.connect  # noqa: F401
    except ImportError:
        sys.modules["pyspark.sql.connect"] = None  # type: ignore[assignment]
    finally:
        del main.__file__


_import_spark_connect_in_a_worker()

# The Spark sessions the command starts itself (a subprocess, or in-process with no session
# active) get the shared test session's settings: two shuffle partitions (the command's own
# choice on a local master is one per core, which would vary with the machine) and no web UI.
# What a test proves of the command does not depend on either.
SPARK_SUBMIT_ARGS = "--conf spark.sql.shuffle.partitions=2 --conf spark.ui.enabled=false"
os.environ.setdefault("PYSPARK_SUBMIT_ARGS", f"{SPARK_SUBMIT_ARGS} pyspark-shell")

# Two noisy cores run the suite on two workers: a property's worth is in its examples, not in how
# fast one of them ran, so no example fails for taking longer than hypothesis' default 200 ms.
settings.register_profile("dataaudit", deadline=None)
settings.load_profile("dataaudit")


@pytest.fixture(autouse=True)
def _python_own_interrupt_handlers() -> Iterator[None]:
    """Each test starts with Python's own Ctrl-C and SIGTERM handling. A Spark session installs
    its own SIGINT handler in the process that started it, and a test that interrupts itself (or
    a child process, which inherits an ignored signal) must not depend on which tests ran before it
    in the same worker."""
    previous = {signum: signal.signal(signum, handler) for signum, handler in
                ((signal.SIGINT, signal.default_int_handler), (signal.SIGTERM, signal.SIG_DFL))}
    yield
    for signum, handler in previous.items():
        signal.signal(signum, handler)


@contextmanager
def workers_on_any_source() -> Iterator[mock.MagicMock]:
    """`--jobs N` profiles a source of fewer than `WORKERS_FROM_CHUNKS` chunks in this process,
    so a small test file would compare one process with itself: within this block workers
    profile any source. Yields a spy on `profile_in_processes`, for the test to show they ran."""
    from dataaudit.engines import local, pool

    with mock.patch.object(local, "WORKERS_FROM_CHUNKS", 1), \
            mock.patch.object(pool, "profile_in_processes", wraps=pool.profile_in_processes) as spread:
        yield spread


@contextmanager
def line_chunks_of(lines: int) -> Iterator[None]:
    """The local engine reads a fine-tuning file `lines` lines at a time where no chunk size is
    asked for (the command asks for none), instead of 8,192: a `--jobs` parity test then spreads
    several chunks over its workers from a file of a few hundred lines, not of tens of thousands."""
    from dataaudit.engines import local
    from dataaudit.io.lines import line_source

    def open_lines(engine: local.LocalEngine, path: Path, chunk_lines: int = lines) -> Any:
        return line_source(path, chunk_lines)

    with mock.patch.object(local.LocalEngine, "open_lines", open_lines):
        yield


@pytest.fixture
def workers() -> Iterator[mock.MagicMock]:
    """`workers_on_any_source` for one test: `assert workers.called` after its `--jobs` run."""
    with workers_on_any_source() as spread:
        yield spread


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a plain clone); the cross-check against it runs where it exists, as in CI")
    return SHARED


@cache
def _validator(schema_file: Path) -> jsonschema.protocols.Validator:
    """A validator of the schema's own draft (the report's is 2020-12, SARIF's draft 4)."""
    schema = json.loads(schema_file.read_text(encoding="utf-8"))
    return jsonschema.validators.validator_for(schema)(schema)


def _problems(schema_file: Path, data: Any, where: str) -> list[str]:
    return [f"{where}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in _validator(schema_file).iter_errors(data)]


def schema_problems(data: Any, where: str) -> list[str]:
    """Each way `data` breaks the committed report schema, as `where: path: message`."""
    return _problems(SCHEMA_FILE, data, where)


def sarif_problems(data: Any, where: str) -> list[str]:
    """Each way `data` breaks the SARIF 2.1.0 schema, as `where: path: message`."""
    return _problems(SARIF_SCHEMA_FILE, data, where)


def is_report(data: Any) -> bool:
    return isinstance(data, dict) and "schema_version" in data and "findings" in data


def report_files_problems(folder: Path) -> list[str]:
    """The schema problems of every dataaudit JSON report under `folder` (other JSON is skipped)."""
    problems = []
    for path in sorted(folder.rglob("*.sarif")):
        try:
            problems += sarif_problems(json.loads(path.read_text(encoding="utf-8")), str(path))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            problems.append(f"{path}: not a SARIF document: {exc}")
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, ValueError, RecursionError):
            continue  # no JSON document Python reads (an integer past its digit limit): a test's input
        if is_report(data):  # a report the schema refuses cannot be read back to render its SARIF
            problems += schema_problems(data, str(path)) or sarif_problems(
                json.loads(render_sarif(Report.from_dict(data))), f"SARIF of {path}")
    return problems


@dataclass
class SchemaGuard:
    """What the autouse fixture found so far; a test of the guard itself reads and clears it."""

    problems: list[str] = field(default_factory=list)
    seen: int = 0  # in-process reports validated


@pytest.fixture(autouse=True)
def report_schema_guard(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> Iterator[SchemaGuard]:
    guard = SchemaGuard()
    to_dict = Report.to_dict

    def validated(report: Report) -> dict[str, Any]:
        data = to_dict(report)
        guard.seen += 1
        where = repr(report.source.name)  # the SARIF of a report the schema refuses would repeat its problem
        guard.problems += (schema_problems(data, f"Report.to_dict() of {where}")
                           or sarif_problems(json.loads(render_sarif(report)), f"SARIF of {where}"))
        return data

    monkeypatch.setattr(Report, "to_dict", validated)
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield guard
    if folder is not None:
        guard.problems += report_files_problems(folder)
    if guard.problems:
        pytest.fail("a report breaks dataaudit/report/report.schema.json or SARIF 2.1.0:\n"
                    + "\n".join(guard.problems[:20]), pytrace=False)
