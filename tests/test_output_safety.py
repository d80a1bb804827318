"""What dataaudit promises about the files it writes, held on real files on disk.

No command overwrites an input (named as it is, through a symlink or a hard link); every
destination is checked before any data is read; a report and a clean's files are the older ones
or the complete new ones; a full disk is one line and exit 2, an interruption (SIGINT, SIGTERM)
one line and exit 130; neither leaves a temporary (`.NAME.xxxx.part`) or a torn file behind.
Every test lists the folder, hidden files included, and checks the SHA-256 of what was there.
"""

from __future__ import annotations

import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from unittest.mock import MagicMock

import pytest

import dataaudit.output as output
from dataaudit.datasets import write_dirty_classification
from dataaudit.io.digest import file_sha256
from tests.cli_helpers import SCRIPT, invoke, run
from tests.conftest import DATA

PENGUINS = DATA / "penguins.csv"
Runner = Callable[..., tuple[str, str]]


def _state(folder: Path) -> dict[str, str]:
    """Every entry of the folder (hidden ones too) with the SHA-256 of each file."""
    return {p.name: "link" if p.is_symlink() else file_sha256(p) if p.is_file() else "folder"
            for p in folder.iterdir()}


def _one_error_line(stderr: str, *needles: str) -> None:
    assert stderr.count("\n") == 1 and stderr.startswith("dataaudit: error: "), stderr
    assert "Traceback" not in stderr
    for needle in needles:
        assert needle in stderr, stderr


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Real inputs of every kind a command reads, each valid, so that only the refusal stops a run."""
    folder = tmp_path_factory.mktemp("inputs")
    data = folder / "p.csv"
    shutil.copy(PENGUINS, data)
    shutil.copy(PENGUINS, folder / "test.csv")
    (folder / "pack.yaml").write_text("description: penguins\ntarget: species\n", encoding="utf-8")
    invoke(["audit", data, "-t", "species", "-f", "json", "-o", folder / "saved.json"], 0)
    invoke(["schema", "infer", data, "-o", folder / "schema.yaml"], 0)
    invoke(["export", "gx", "-t", "species", "-o", folder / "suite.json"], 0)
    made = folder / "made"
    made.mkdir()
    invoke(["clean", data, "-t", "species", "-o", made / "out.csv", "--save-fitted", folder / "prep.json"], 0)
    shutil.rmtree(made)
    return folder


@pytest.fixture
def folder(tmp_path: Path, inputs: Path) -> Path:
    for path in inputs.iterdir():
        shutil.copy(path, tmp_path / path.name)
    (tmp_path / "link.csv").symlink_to("p.csv")
    os.link(tmp_path / "p.csv", tmp_path / "hard.csv")
    return tmp_path


# --- 1. no command writes over one of its inputs ----------------------------------------------

REFUSALS = {
    "audit -o DATA": ["audit", "{f}/p.csv", "-t", "species", "-o", "{f}/p.csv"],
    "audit -o a symlink to DATA": ["audit", "{f}/p.csv", "-t", "species", "-f", "json", "-o", "{f}/link.csv"],
    "audit -o a hard link of DATA": ["audit", "{f}/p.csv", "-t", "species", "-f", "json", "-o", "{f}/hard.csv"],
    "audit, the second format -o DATA": ["audit", "{f}/p.csv", "-t", "species", "-f", "json", "-o", "{f}/a.json",
                                         "-f", "html", "-o", "{f}/p.csv"],
    "audit -o the --split file": ["audit", "{f}/p.csv", "-t", "species", "--split", "test={f}/test.csv", "-f", "json",
                                  "-o", "{f}/test.csv"],
    "audit -o the --schema": ["audit", "{f}/p.csv", "-t", "species", "--schema", "{f}/schema.yaml", "-f", "markdown",
                              "-o", "{f}/schema.yaml"],
    "audit -o the --gx-suite": ["audit", "{f}/p.csv", "-t", "species", "--gx-suite", "{f}/suite.json", "-f", "json",
                                "-o", "{f}/suite.json"],
    "audit -o the rule pack": ["audit", "{f}/p.csv", "-r", "{f}/pack.yaml", "-f", "markdown", "-o", "{f}/pack.yaml"],
    "report -o the saved report": ["report", "{f}/saved.json", "-f", "markdown", "-o", "{f}/saved.json"],
    "schema infer -o DATA": ["schema", "infer", "{f}/p.csv", "-o", "{f}/p.csv"],
    "export gx -o the rule pack": ["export", "gx", "-r", "{f}/pack.yaml", "-o", "{f}/pack.yaml"],
    "export gx -o its --data": ["export", "gx", "--data", "{f}/p.csv", "-o", "{f}/link.csv"],
    "clean --report a link to DATA": ["clean", "{f}/p.csv", "-t", "species", "-o", "{f}/out.csv", "--report",
                                      "{f}/link.csv"],
    "clean --save-fitted the --fitted": ["clean", "{f}/p.csv", "-o", "{f}/out.csv", "--fitted", "{f}/prep.json",
                                         "--save-fitted", "{f}/prep.json"],
    "clean --report the rule pack": ["clean", "{f}/p.csv", "-r", "{f}/pack.yaml", "-o", "{f}/out.csv", "--report",
                                     "{f}/pack.yaml"],
}


#: each command's first refusal runs the installed command too; the others are the same check in-process
INSTALLED = list({REFUSALS[case][0]: case for case in reversed(REFUSALS)}.values())


@pytest.mark.parametrize(("case", "runner"), [
    *(pytest.param(case, invoke, id=f"{case}-in-process") for case in REFUSALS),
    *(pytest.param(case, run, id=f"{case}-installed") for case in INSTALLED),
])
def test_no_command_overwrites_an_input(folder: Path, case: str, runner: Runner) -> None:
    args = [a.format(f=folder) for a in REFUSALS[case]]
    before = _state(folder)
    _, stderr = runner(args, 2)
    _one_error_line(stderr, "refusing to overwrite the input")
    assert _state(folder) == before


# --- 2. a report is the older one or the complete new one --------------------------------------


@pytest.fixture
def disk_full_after(monkeypatch: pytest.MonkeyPatch) -> Callable[[int], None]:
    """The disk fills after N more bytes (for every file the run writes), in-process."""

    def fill(budget: int) -> None:
        left = [budget]

        class FullDisk(io.FileIO):
            def write(self, data: bytes) -> int:  # type: ignore[override]
                if len(data) > left[0]:
                    raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
                left[0] -= len(data)
                return super().write(data)

        monkeypatch.setattr(output, "_raw_file", lambda fd: FullDisk(fd, "wb"))

    return fill


@pytest.mark.parametrize("fmt", ["json", "html", "markdown", "junit"])
def test_a_full_disk_leaves_the_older_report_whole(tmp_path: Path, disk_full_after: Callable[[int], None],
                                                   fmt: str) -> None:
    report = tmp_path / f"audit.{fmt}"
    invoke(["audit", PENGUINS, "-t", "species", "-f", fmt, "-o", report], 0)
    before = _state(tmp_path)
    disk_full_after(100)
    _, stderr = invoke(["audit", PENGUINS, "-t", "species", "--strict", "-f", fmt, "-o", report], 2)
    _one_error_line(stderr, f"{report}: cannot write: No space left on device")
    assert _state(tmp_path) == before


def test_several_formats_are_all_written_or_none(tmp_path: Path, disk_full_after: Callable[[int], None]) -> None:
    """The JSON report fits on the disk, the HTML one does not: the JSON file is not replaced either."""
    json_report, html_report = tmp_path / "a.json", tmp_path / "a.html"
    invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", json_report, "-f", "html", "-o", html_report], 0)
    before = _state(tmp_path)
    disk_full_after(json_report.stat().st_size + 100)
    _, stderr = invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", json_report, "-f", "html", "-o",
                        html_report, "--strict"], 2)
    _one_error_line(stderr, f"{html_report}: cannot write")
    assert _state(tmp_path) == before


# --- 3. a clean's files appear together or not at all ------------------------------------------


@pytest.fixture
def data(tmp_path: Path) -> Path:
    write_dirty_classification(tmp_path / "data.csv", rows=3_000, seed=2)
    (tmp_path / "data.truth.json").unlink()
    return tmp_path / "data.csv"


def _clean(data: Path, out: Path, *more: object) -> list[object]:
    return ["clean", data, "-t", "label", "-i", "id", "-o", out, "--force", "--report", out.with_name("r.json"),
            "--save-fitted", out.with_name("prep.json"), *more]


@pytest.mark.parametrize("failing", ["output", "quarantine", "fitted state", "manifest"])
def test_a_full_disk_during_clean_leaves_the_older_outputs(tmp_path: Path, data: Path, failing: str,
                                                          disk_full_after: Callable[[int], None]) -> None:
    out = tmp_path / "out.csv"
    invoke(_clean(data, out), 0)
    before = _state(tmp_path)
    fits = {"output": 0, "quarantine": out.stat().st_size,
            "fitted state": out.stat().st_size + (tmp_path / "out.quarantine.csv").stat().st_size,
            "manifest": sum((tmp_path / name).stat().st_size for name in ("out.csv", "out.quarantine.csv",
                                                                             "prep.json", "r.json"))}
    disk_full_after(fits[failing] + 10)
    _, stderr = invoke(_clean(data, out), 2)
    _one_error_line(stderr, "cannot write: No space left on device")
    assert _state(tmp_path) == before


@pytest.mark.parametrize("failing", ["output", "quarantine"])
def test_a_full_disk_during_a_compressed_clean_leaves_the_older_outputs(tmp_path: Path, data: Path, failing: str,
                                                                       disk_full_after: Callable[[int], None]) -> None:
    """The compressed stream meets the full disk as it writes a block or ends (its trailer)."""
    out = tmp_path / "out.csv.gz"
    invoke(_clean(data, out), 0)
    before = _state(tmp_path)
    disk_full_after({"output": 0, "quarantine": out.stat().st_size}[failing] + 10)
    _, stderr = invoke(_clean(data, out), 2)
    named = {"output": "out.csv.gz", "quarantine": "out.quarantine.csv.gz"}[failing]
    _one_error_line(stderr, f"{named}: cannot write: No space left on device")
    assert _state(tmp_path) == before


def test_a_full_disk_during_a_fine_tuning_clean_leaves_nothing(tmp_path: Path,
                                                                disk_full_after: Callable[[int], None]) -> None:
    data = tmp_path / "chats.jsonl"
    shutil.copy(DATA / "text" / "chat_errors.jsonl", data)
    before = _state(tmp_path)
    disk_full_after(200)
    _, stderr = invoke(["clean", data, "-o", tmp_path / "out.jsonl"], 2)
    _one_error_line(stderr, "cannot write: No space left on device")
    assert _state(tmp_path) == before


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real file system of 2 MB (tmpfs), mounted for the test; skipped where mounting is not allowed."""
    disk = tmp_path / "disk"
    disk.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True,
                             text=True, check=False) if shutil.which("mount") else None
    if mounted is None or mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs here ({mounted.stderr.strip() if mounted else 'no mount'}); "
                    "the in-process full-disk tests hold the same promise")
    try:
        yield disk
    finally:
        subprocess.run(["umount", str(disk)], check=False)


def _fill(disk: Path, leave: int) -> None:
    """Take the disk's free space but `leave` bytes."""
    stat = os.statvfs(disk)
    (disk / "filler").write_bytes(b"\0" * max(stat.f_bavail * stat.f_frsize - leave, 0))


def test_a_full_disk_is_one_line_and_exit_2_for_a_report(small_disk: Path) -> None:
    report = small_disk / "audit.json"
    run(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", report], 0)
    _fill(small_disk, leave=8_192)
    before = _state(small_disk)
    _, stderr = run(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", report, "--strict"], 2)
    _one_error_line(stderr, f"{report}: cannot write: No space left on device")
    assert _state(small_disk) == before


def test_a_full_disk_is_one_line_and_exit_2_for_a_clean(small_disk: Path, data: Path) -> None:
    out = small_disk / "out.csv"
    run(_clean(data, out), 0)
    _fill(small_disk, leave=100_000)
    before = _state(small_disk)
    _, stderr = run(_clean(data, out), 2)
    _one_error_line(stderr, "cannot write: No space left on device")
    assert _state(small_disk) == before


# --- 4. an interruption leaves nothing behind and exits 130 --------------------------------------


def test_ctrl_c_during_clean_exits_130_and_leaves_the_older_outputs(tmp_path: Path, data: Path,
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    import dataaudit.preprocess.writers as writers

    out = tmp_path / "out.csv"
    invoke(_clean(data, out), 0)
    before = _state(tmp_path)
    real_write = writers.BatchWriter.write

    def interrupted_write(self: writers.BatchWriter, batch: object, typed: object = None) -> None:
        real_write(self, batch, typed)
        os.kill(os.getpid(), signal.SIGINT)  # as Ctrl-C, once the temporaries hold data

    monkeypatch.setattr(writers.BatchWriter, "write", interrupted_write)
    _, stderr = invoke(_clean(data, out), 130)
    assert stderr == "dataaudit: interrupted\n"
    assert _state(tmp_path) == before


def test_an_interruption_during_the_renames_waits_for_them(tmp_path: Path, data: Path,
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """Ctrl-C after the first of a clean's files is renamed: the others follow, then exit 130."""
    out = tmp_path / "out.csv"
    real_replace = os.replace

    def replace_then_interrupt(source: str, destination: str) -> None:
        real_replace(source, destination)
        os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(output.os, "replace", replace_then_interrupt)
    _, stderr = invoke(["clean", data, "-t", "label", "-o", out], 130)
    monkeypatch.undo()
    assert stderr.endswith("dataaudit: interrupted\n")
    assert set(_state(tmp_path)) == {"data.csv", "out.csv", "out.quarantine.csv", "out.manifest.json"}
    manifest = json.loads((tmp_path / "out.manifest.json").read_text(encoding="utf-8"))
    assert manifest["files"]["output"]["sha256"] == file_sha256(out)


def test_a_device_destination_is_written_in_place(tmp_path: Path) -> None:
    """`-o /dev/stdout` (a pipe here) is written to, not renamed over."""
    stdout, _ = run(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", "/dev/stdout"], 0)
    assert json.loads(stdout)["dataset"]["rows"] == 344


SIGNAL_ON_FIRST_WRITE = """
import os, signal, sys
import dataaudit.preprocess.writers as writers
from dataaudit.cli import main

real_write = writers.BatchWriter.write
def write(self, batch, typed=None):
    real_write(self, batch, typed)
    os.kill(os.getpid(), signal.SIGTERM)
writers.BatchWriter.write = write
sys.argv[0] = "dataaudit"
main()
"""


def test_sigterm_during_clean_exits_130_and_leaves_the_older_outputs(tmp_path: Path, data: Path) -> None:
    """The command's own entry point in a process of its own, terminated while it writes."""
    out = tmp_path / "out.csv"
    run(_clean(data, out), 0)
    before = _state(tmp_path)
    proc = subprocess.run([sys.executable, "-c", SIGNAL_ON_FIRST_WRITE, *map(str, _clean(data, out))],
                          capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 130, proc.stderr
    assert proc.stderr == "dataaudit: interrupted\n"
    assert _state(tmp_path) == before


@pytest.fixture(scope="module")
def big(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("big")
    write_dirty_classification(folder / "big.csv", rows=1_000_000, seed=5)
    (folder / "big.truth.json").unlink()
    return folder / "big.csv"


def _input_open(pid: int, path: Path) -> bool:
    fds = Path(f"/proc/{pid}/fd")
    with_links = []
    for fd in fds.iterdir() if fds.is_dir() else ():
        try:
            with_links.append(os.readlink(fd))
        except OSError:
            continue
    return str(path.resolve()) in with_links


def _writing(folder: Path, least: int) -> bool:
    """A temporary of the run holds at least `least` bytes."""
    for path in folder.glob(".*.part"):
        try:
            if path.stat().st_size >= least:
                return True
        except FileNotFoundError:
            continue
    return False


POINTS = {
    "reading": lambda proc, data, folder: _input_open(proc.pid, data),
    "writing": lambda proc, data, folder: _writing(folder, 1),
    "late in the writing": lambda proc, data, folder: _writing(folder, 20_000_000),
}


@pytest.mark.slow
@pytest.mark.parametrize(("point", "signum"), [("reading", signal.SIGTERM), ("writing", signal.SIGTERM),
                                               ("late in the writing", signal.SIGTERM), ("writing", signal.SIGINT)],
                         ids=["sigterm-reading", "sigterm-writing", "sigterm-late", "sigint-writing"])
def test_a_signal_during_a_million_row_clean(tmp_path: Path, big: Path, point: str, signum: int) -> None:
    out = tmp_path / "out.csv"
    for name in ("out.csv", "out.quarantine.csv", "out.manifest.json"):
        (tmp_path / name).write_text("an older output\n", encoding="utf-8")
    before = _state(tmp_path)
    with (tmp_path.parent / f"{tmp_path.name}.err").open("w+", encoding="utf-8") as err:
        proc = subprocess.Popen([str(SCRIPT), "clean", str(big), "-t", "label", "-i", "id", "-o", str(out),
                                 "--force"], stdout=subprocess.DEVNULL, stderr=err)
        try:
            while not POINTS[point](proc, big, tmp_path):
                assert proc.poll() is None, "the clean ended before the point to signal it at"
                time.sleep(0.005)
            proc.send_signal(signum)
            code = proc.wait(timeout=300)
        finally:
            proc.kill()
        err.seek(0)
        stderr = err.read()
    assert code == 130, stderr
    assert stderr.endswith("dataaudit: interrupted\n") and "Traceback" not in stderr
    assert _state(tmp_path) == before


# --- 5. every destination is checked before anything is read or written ------------------------


@pytest.fixture
def read_only(tmp_path: Path) -> Iterator[Path]:
    """A folder no file can be created in: a read-only mount for root (which ignores modes), else mode 0555."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    if os.geteuid() != 0:
        folder.chmod(0o555)
        yield folder
        folder.chmod(0o755)
        return
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=64k", "tmpfs", str(folder)],
                             capture_output=True, text=True, check=False)
    if mounted.returncode != 0:
        pytest.skip(f"root cannot mount a read-only tmpfs here ({mounted.stderr.strip()})")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=False)


@pytest.mark.parametrize("option", ["--report", "--save-fitted", "--manifest"])
def test_an_unwritable_destination_is_refused_before_anything_is_written(tmp_path: Path, read_only: Path,
                                                                         option: str) -> None:
    data = tmp_path / "p.csv"
    shutil.copy(PENGUINS, data)
    before = _state(tmp_path)
    args = ["clean", data, "-t", "species", "-o", tmp_path / "out.csv"]
    runner = run if option == "--report" else invoke  # the installed command once; the same check in-process
    _, stderr = runner([*args, option, read_only / "x.json"], 2)
    _one_error_line(stderr, f"{read_only / 'x.json'}: cannot write in")
    assert _state(tmp_path) == before
    invoke(args, 0)  # the run again with a good path: nothing of the refused one is in its way


def test_an_unwritable_report_is_refused_before_the_audit(tmp_path: Path, read_only: Path) -> None:
    _, stderr = invoke(["audit", PENGUINS, "-t", "species", "-f", "json", "-o", tmp_path / "a.json", "-f", "html",
                        "-o", read_only / "a.html"], 2)
    _one_error_line(stderr, "a.html: cannot write in")
    assert not (tmp_path / "a.json").exists()


# --- 13. clean --jobs ---------------------------------------------------------------------------


def test_clean_takes_jobs_and_writes_the_same_bytes(tmp_path: Path, data: Path, workers: MagicMock) -> None:
    (tmp_path / "out").mkdir()
    states = {}
    for jobs in (None, "1", "2"):
        invoke(["clean", data, "-t", "label", "-i", "id", "-o", tmp_path / "out" / "out.csv", "--force",
                *(["--jobs", jobs] if jobs else [])], 0)
        states[jobs] = _state(tmp_path / "out")
    assert workers.called
    assert states["1"] == states[None] == states["2"]
    assert set(states[None]) == {"out.csv", "out.quarantine.csv", "out.manifest.json"}
