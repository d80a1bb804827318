"""Shared fixtures. `shared_dir` is the project's sibling `shared/` folder, present in CI and
absent in a user's clone: tests that cross-check against it skip, saying why.

Every report a test makes is held to the committed JSON Schema (`report_schema_guard`, autouse):
each `Report.to_dict()` result as it is made, and after the test every JSON report under its
`tmp_path` (the files the `dataaudit` command wrote, in-process or as a subprocess)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from dataaudit.report.model import Report
from dataaudit.report.schema import SCHEMA_FILE

DATA = Path(__file__).parent / "data"
SHARED = Path(__file__).resolve().parents[2] / "shared"


@pytest.fixture
def shared_dir() -> Path:
    if not SHARED.is_dir():
        pytest.skip(f"{SHARED} is absent (a plain clone); the cross-check against it runs where it exists, as in CI")
    return SHARED


@cache
def _validator() -> jsonschema.Draft202012Validator:
    return jsonschema.Draft202012Validator(json.loads(SCHEMA_FILE.read_text(encoding="utf-8")))


def schema_problems(data: Any, where: str) -> list[str]:
    """Each way `data` breaks the committed report schema, as `where: path: message`."""
    return [f"{where}: {'/'.join(map(str, e.absolute_path)) or '(top)'}: {e.message[:300]}"
            for e in _validator().iter_errors(data)]


def is_report(data: Any) -> bool:
    return isinstance(data, dict) and "schema_version" in data and "findings" in data


def report_files_problems(folder: Path) -> list[str]:
    """The schema problems of every dataaudit JSON report under `folder` (other JSON is skipped)."""
    problems = []
    for path in sorted(folder.rglob("*.json")):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError, RecursionError):
            continue  # not a JSON document: a test of unreadable input wrote it
        if is_report(data):
            problems += schema_problems(data, str(path))
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
        guard.problems += schema_problems(data, f"Report.to_dict() of {report.source.name!r}")
        return data

    monkeypatch.setattr(Report, "to_dict", validated)
    folder = request.getfixturevalue("tmp_path") if "tmp_path" in request.fixturenames else None
    yield guard
    if folder is not None:
        guard.problems += report_files_problems(folder)
    if guard.problems:
        pytest.fail("a report breaks dataaudit/report/report.schema.json:\n" + "\n".join(guard.problems[:20]),
                    pytrace=False)
