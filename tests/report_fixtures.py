"""Reports the renderer tests share: a passing real dataset, a failing generated one, and a
hand-built report shaped like the one `dataaudit clean` writes (before/after and steps tables)."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from dataaudit import audit
from dataaudit.datasets import write_dirty_classification
from dataaudit.report.model import Report, ReportTable
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"


def outside_every_repository(folder: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No GITHUB_WORKSPACE and no `.git` above `folder`: paths in it are placed from the working
    folder. Skips where the temporary folder itself lies in a repository."""
    monkeypatch.delenv("GITHUB_WORKSPACE", raising=False)
    if any((above / ".git").exists() for above in folder.resolve().parents):
        pytest.skip(f"{folder} lies in a git repository")


def penguins_report() -> Report:
    return audit(PENGUINS, target="species")


def failing_report(folder: Path) -> Report:
    """A generated dataset with injected problems of every kind: fail, warn and info findings."""
    path = folder / "train.csv"
    if not path.exists():
        write_dirty_classification(path, rows=3000, seed=1)
    return audit(path, target="label")


def cleaned_report() -> Report:
    report = penguins_report()
    tables = [
        ReportTable(id="clean.before_after", title="Before and after cleaning", columns=["measure", "before", "after"],
                    rows=[["rows", 344, 342], ["missing cells", 19, 0], ["exact duplicate rows", 0, 0]]),
        ReportTable(id="clean.steps", title="Cleaning steps",
                    columns=["step", "rows_changed", "rows_quarantined", "detail"],
                    rows=[["tokens_to_null", 11, 0, "'NA' -> null"], ["drop_sparse_rows", 0, 2, "rows 3, 271"]]),
    ]
    return replace(report, tables=tables)
