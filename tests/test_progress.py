"""The progress line speaks to a terminal only, outside CI, and says rows, MB, rate and ETA; a
clean's passes and the label model's fits count on the same line as the audit's pass."""

from __future__ import annotations

import io
import itertools
import re
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import dataaudit
from dataaudit.datasets import write_dirty_classification
from dataaudit.engines import progress as progress_module
from dataaudit.engines.local import LocalEngine, numbered
from dataaudit.engines.progress import ProgressLine
from dataaudit.io import open_source
from dataaudit.preprocess.clean import clean_files
from tests.cli_helpers import invoke, run


@pytest.fixture(autouse=True)
def outside_ci(monkeypatch: pytest.MonkeyPatch) -> None:
    """These tests are the terminal of a user, also when the suite itself runs in CI."""
    monkeypatch.delenv("CI", raising=False)


@pytest.fixture
def at_once(monkeypatch: pytest.MonkeyPatch) -> None:
    """The line from the first chunk on, redrawn at every one: what a long run shows."""
    monkeypatch.setattr(progress_module, "DELAY", 0.0)
    monkeypatch.setattr(progress_module, "EVERY", 0.0)


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


def _shown(terminal: Terminal) -> list[str]:
    return [line.strip() for line in terminal.getvalue().split("\r") if line.strip()]


def test_each_pass_of_a_clean_counts_on_the_line(tmp_path: Path, at_once: None) -> None:
    path = tmp_path / "train.parquet"  # batches of 500 rows of a known total
    write_dirty_classification(path, rows=3_000, seed=1)
    terminal = Terminal()
    shown = clean_files(path, tmp_path / "shown.parquet", target="label", chunk_rows=500, progress=terminal)
    quiet = clean_files(path, tmp_path / "quiet.parquet", target="label", chunk_rows=500)
    lines = _shown(terminal)
    for label in ("clean, choosing the rows to quarantine: ", "clean, writing: "):
        counts = [int(m.group(1).replace(",", "")) for line in lines if (m := re.match(
            rf"dataaudit: {label}([\d,]+) rows of 3,000", line))]
        assert counts and counts == sorted(counts) and counts[-1] == 3_000, (label, lines)
    assert any(line.startswith("dataaudit: 3,000 rows of 3,000") for line in lines)  # the audit before the clean
    assert terminal.getvalue().endswith("\r")  # wiped: the report starts on a clean line
    assert shown.manifest["rows"] == quiet.manifest["rows"] and shown.manifest["rows"]["quarantined"] > 0
    assert pq.read_table(tmp_path / "shown.parquet").equals(pq.read_table(tmp_path / "quiet.parquet"))


def test_the_label_model_counts_its_fits(tmp_path: Path, at_once: None) -> None:
    terminal = Terminal()
    report = dataaudit.audit(_csv(tmp_path, rows=2_000), target="label", label_noise=True, folds=3,
                             engine=LocalEngine(progress=terminal))
    fits = [line for line in _shown(terminal) if line.startswith("dataaudit: label model: ")]
    # two models, three draws of three folds each below 5,000 rows
    assert [int(line.split()[3]) for line in fits] == [3, 6, 9, 12, 15, 18], fits
    assert fits[-1].startswith("dataaudit: label model: 18 fits of 18") and "fits/s" in fits[-1]
    assert report.profile is not None and report.profile.label_quality is not None


def test_a_regression_target_counts_the_regressor_fits(at_once: None) -> None:
    terminal = Terminal()
    dataaudit.audit(Path(__file__).parent / "data" / "mroz.csv", target="hours", label_noise=True, folds=2,
                    engine=LocalEngine(progress=terminal))
    assert any(line.startswith("dataaudit: label model: 12 fits of 12") for line in _shown(terminal))


def test_nothing_shows_in_ci_even_on_a_terminal(tmp_path: Path, at_once: None,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    terminal = Terminal()
    path = _csv(tmp_path, rows=2_000)
    dataaudit.audit(path, target="label", label_noise=True, folds=2, engine=LocalEngine(progress=terminal))
    clean_files(path, tmp_path / "out.csv", target="label", progress=terminal)
    assert terminal.getvalue() == ""


def _every_stream_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress_module, "shows_progress", lambda stream: True)


@pytest.mark.parametrize("quiet", [False, True])
def test_the_clean_command_shows_the_line_unless_quiet(tmp_path: Path, at_once: None, quiet: bool,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    _every_stream_a_terminal(monkeypatch)
    path = _csv(tmp_path, rows=2_000)
    _, err = invoke(["clean", path, "-t", "label", "-o", tmp_path / "out.csv", *(["--quiet"] if quiet else [])], 0)
    assert ("clean, writing: " in err) is not quiet and ("\r" in err) is not quiet
    # the line is wiped before the clean's own message, which starts on a clean line
    assert re.fullmatch(r"dataaudit: [\d,]+ rows written to .*\n", err.split("\r")[-1])


@pytest.mark.slow
def test_a_pseudo_terminal_sees_the_clean_and_a_pipe_does_not(tmp_path: Path) -> None:
    """The installed command on a real terminal (a pty) draws and wipes the clean's line; what
    it writes is what it writes with stderr piped."""
    import os
    import pty
    import subprocess
    import sys

    path = _csv(tmp_path, rows=150_000)
    controller, terminal = pty.openpty()
    # the command's own entry point, with the line's one-second delay off: on a fast machine every
    # pass of 150,000 rows ends within the second, and the line rightly never shows
    no_delay = ("import sys; import dataaudit.engines.progress as progress; progress.DELAY = 0; "
                "from dataaudit.cli import main; sys.argv[0] = 'dataaudit'; main()")
    command = [sys.executable, "-c", no_delay, "clean", str(path), "-t", "label"]
    with subprocess.Popen([*command, "-o", str(tmp_path / "tty.csv")], stdout=subprocess.DEVNULL,
                          stderr=terminal) as proc:
        os.close(terminal)
        seen = _drain(controller)
        proc.wait(timeout=600)
    assert proc.returncode == 0 and b"\rdataaudit: clean, writing: " in seen
    _, err = run(["clean", path, "-t", "label", "-o", tmp_path / "piped.csv"], 0, timeout=600)
    assert "\r" not in err and err.count("\n") == 1
    assert (tmp_path / "tty.csv").read_bytes() == (tmp_path / "piped.csv").read_bytes()


def _drain(controller: int) -> bytes:
    import os

    chunks = []
    while True:
        try:
            chunk = os.read(controller, 65536)
        except OSError:  # the other end is closed
            break
        if not chunk:
            break
        chunks.append(chunk)
    os.close(controller)
    return b"".join(chunks)
