"""The progress line speaks to a terminal only, and says rows, MB, rate and ETA."""

from __future__ import annotations

import io
import itertools
from pathlib import Path

import dataaudit
from dataaudit.datasets import write_dirty_classification
from dataaudit.engines.local import LocalEngine, numbered
from dataaudit.engines.progress import ProgressLine
from dataaudit.io import open_source
from tests.cli_helpers import invoke, run


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _ticking(step: float = 1.0) -> object:
    """A clock that advances `step` seconds at every reading."""
    counter = itertools.count()
    return lambda: next(counter) * step


def _csv(tmp_path: Path, rows: int = 5_000) -> Path:
    path = tmp_path / "train.csv"
    write_dirty_classification(path, rows=rows, seed=1)
    return path


def test_a_terminal_sees_rows_megabytes_rate_and_eta(tmp_path: Path) -> None:
    path = _csv(tmp_path, rows=30_000)  # about 3 MB: the reader's 1 MiB blocks make several chunks
    source = open_source(path, chunk_rows=1_000)
    terminal = Terminal()
    with ProgressLine.for_source(source, terminal, delay=0, every=0, clock=_ticking()) as progress:
        rows = sum(batch.num_rows for batch, _ in progress.track(numbered(source.batches(), source.columns)))
    shown = terminal.getvalue()
    assert rows == 30_000
    lines = [line.strip() for line in shown.split("\r") if line.strip()]
    assert len(lines) > 2 and not lines[0].startswith("dataaudit: 30,000 rows")
    assert lines[-1].startswith("dataaudit: 30,000 rows")
    size = path.stat().st_size / 2**20
    assert f"/{size:,.1f} MB" in lines[-1] and "rows/s" in lines[-1] and "ETA" in lines[-1]
    assert shown.endswith("\r")  # the line is wiped at the end: the report starts on a clean line


def test_parquet_progress_counts_rows_of_the_known_total(tmp_path: Path) -> None:
    path = tmp_path / "train.parquet"
    write_dirty_classification(path, rows=3_000, seed=1)
    source = open_source(path, chunk_rows=1_000)
    terminal = Terminal()
    with ProgressLine.for_source(source, terminal, delay=0, every=0, clock=_ticking()) as progress:
        list(progress.track(numbered(source.batches(), source.columns)))
    assert "dataaudit: 2,000 rows of 3,000" in terminal.getvalue()
    assert "67%, ETA" in terminal.getvalue()


def test_silent_when_not_a_terminal_or_short(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    pipe = io.StringIO()
    report = dataaudit.audit(path, target="label", engine=LocalEngine(progress=pipe))
    assert report.dataset.rows == 5_000 and pipe.getvalue() == ""
    terminal = Terminal()  # a terminal, but the run ends before the line would appear
    source = open_source(path, chunk_rows=1_000)
    with ProgressLine.for_source(source, terminal, delay=3600) as progress:
        list(progress.track(numbered(source.batches(), source.columns)))
    assert terminal.getvalue() == ""


def test_the_command_keeps_stderr_clean_when_it_is_not_a_terminal(tmp_path: Path) -> None:
    path = _csv(tmp_path)
    for runner in (invoke, run):
        _, err = runner(["audit", path, "-t", "label", "-f", "json", "-o", tmp_path / "r.json"], 1)
        assert err.startswith("dataaudit: FAILED") and err.count("\n") == 1
    _, err = invoke(["audit", path, "-t", "label", "--quiet", "-f", "json", "-o", tmp_path / "r.json"], 1)
    assert err.count("\n") == 1
