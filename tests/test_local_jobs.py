"""`--jobs N` spreads chunks over worker processes and changes nothing in the report.

Chunks come back as partial profiles merged in file order, the same merges one process makes,
so the JSON report is identical (time aside) for any number of jobs and any chunk size.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import json
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from unittest import mock

import numpy as np
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dataaudit
from dataaudit.datasets import make_dirty_classification, write_dirty_classification
from dataaudit.engines import local
from dataaudit.engines.local import LocalEngine, numbered
from dataaudit.errors import InputError
from dataaudit.profile.column import ColumnPartial
from dataaudit.profile.extract import extract
from dataaudit.profile.partial import PartialProfile
from dataaudit.profile.spec import ProfileSpec
from tests.cli_helpers import invoke, run
from tests.conftest import DATA, workers_on_any_source

PENGUINS = str(DATA / "penguins.csv")


@pytest.fixture(scope="module", autouse=True)
def workers_for_every_test() -> Iterator[None]:
    """Workers even for the one or two chunks of a small file read in its 1 MiB blocks, which
    `--jobs` would otherwise profile in-process: these tests are about the workers."""
    with workers_on_any_source():
        yield


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


#: real files and their targets: repeats and conflicts (titanic), missing values (penguins, cars),
#: free text (healthtweets, parlspeech)
REAL_FILES = {"titanic.csv": "survived", "penguins.csv": "species", "cars.csv": "Origin",
              "healthtweets_960.csv": "agency", "parlspeech_200.csv": "party"}


def _bits(value: object) -> object:
    """`value` with every float as its 8 bytes and every array as its dtype, shape and bytes:
    equal results are equal bits, where `==` would let 0.0 pass for -0.0 or an int64 array for
    a float64 one (and where pickles differ with which equal strings are one object)."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return type(value).__name__, tuple((f.name, _bits(getattr(value, f.name))) for f in dataclasses.fields(value))
    if isinstance(value, dict):
        return "dict", tuple((_bits(key), _bits(item)) for key, item in value.items())
    if isinstance(value, list | tuple | set | frozenset):
        items = sorted(value, key=repr) if isinstance(value, set | frozenset) else value
        return type(value).__name__, tuple(_bits(item) for item in items)
    if isinstance(value, np.ndarray | np.generic):
        return value.dtype.str, np.shape(value), value.tobytes() if value.dtype != object else _bits(value.tolist())
    if isinstance(value, float):
        return "float", struct.pack("<d", value)
    return type(value).__name__, value


def _profile_bits(data: Path, target: str, chunk_rows: int, jobs: int) -> object:
    engine = LocalEngine(jobs=jobs)
    source = engine.open(data, delimiter=None, encoding=None, chunk_rows=chunk_rows, bad_rows="error")
    return _bits(engine.profile(source, ProfileSpec(target=target)))


@pytest.mark.parametrize(("name", "target"), REAL_FILES.items())
def test_jobs_give_the_profile_of_one_process_bit_for_bit_on_real_files(name: str, target: str) -> None:
    one = _profile_bits(DATA / name, target, chunk_rows=97, jobs=1)
    assert _profile_bits(DATA / name, target, chunk_rows=97, jobs=2) == one


@settings(max_examples=6, deadline=None)
@given(chunk_rows=st.integers(7, 2_300), jobs=st.integers(2, 3))
def test_jobs_give_the_profile_of_one_process_whatever_the_chunks(chunk_rows: int, jobs: int) -> None:
    """On titanic's 2,201 rows (2,177 exact repeats, 10 feature rows with both outcomes), from
    chunks of 7 rows to one chunk for the whole file."""
    one = _profile_bits(DATA / "titanic.csv", "survived", chunk_rows, jobs=1)
    assert _profile_bits(DATA / "titanic.csv", "survived", chunk_rows, jobs=jobs) == one


@settings(max_examples=8, deadline=None)
@given(chunk_rows=st.integers(7, 500), limit=st.integers(1, 60))
def test_a_partial_that_follows_the_chunk_before_changes_no_bit_of_the_profile(chunk_rows: int, limit: int) -> None:
    """A worker's partial per chunk, each following the one before (columns past their limit
    counted cell by cell from the start), merges into the profile of one partial, bit for bit;
    on healthtweets' 960 rows, whose ids are all distinct and texts nearly so."""
    from pyarrow import csv

    spec = ProfileSpec(target="agency", max_tracked_values=limit, max_tracked_labels=limit, quantiles=True)
    source = LocalEngine().open(csv.read_csv(DATA / "healthtweets_960.csv"), delimiter=None, encoding=None,
                                chunk_rows=chunk_rows, bad_rows="error")
    create = functools.partial(PartialProfile.create, spec, source.columns)
    one, total, past, skipped = create(), create(), frozenset[str](), 0
    for batch, offset in numbered(source.batches(), source.columns):
        one.add(batch, offset)
        partial = create()
        partial.follow(past)
        skipped += sum(column.value_counts is None for column in partial.columns.values())
        partial.add(batch, offset)
        total, past = total.merged(partial), partial.past_limit()
    assert _bits(extract(total)) == _bits(extract(one))
    assert (skipped > 0) is (chunk_rows > limit)  # the ids past the limit in a chunk were not counted by name again


@pytest.mark.parametrize(("chunk_rows", "workers"), [(200, False), (120, True), (30, True)])
def test_jobs_profile_a_source_of_fewer_than_three_chunks_in_process(chunk_rows: int, workers: bool) -> None:
    """344 rows in chunks of 200 are 2 chunks, profiled in-process: workers could not pay for
    themselves on 2. In chunks of 120 (3) or 30 (12) workers profile every chunk, into the
    profile of one process, bit for bit."""
    from dataaudit.engines import pool

    one = _bits(LocalEngine().profile(penguins_in_chunks(LocalEngine(), chunk_rows), ProfileSpec(target="species")))
    engine = LocalEngine(jobs=2)
    source = penguins_in_chunks(engine, chunk_rows)
    with mock.patch.object(local, "WORKERS_FROM_CHUNKS", 3), \
            mock.patch.object(pool, "profile_in_processes", wraps=pool.profile_in_processes) as spread, \
            mock.patch.object(pool, "_hand", wraps=pool._hand) as hand:
        profile = engine.profile(source, ProfileSpec(target="species"))
    assert spread.called is workers
    # the workers are handed every chunk, or none
    assert [c.args[4] for c in hand.call_args_list] == list(range(0, 344, chunk_rows) if workers else [])
    assert profile.rows == 344
    assert _bits(profile) == one


@dataclass(frozen=True)
class ColumnThreads:
    """A mergeable statistic: the names of the threads that profiled the chunks' columns."""

    names: frozenset[str] = frozenset()

    def add(self, batch: pa.RecordBatch, offset: int) -> ColumnThreads:
        seen: set[str] = set()
        real = ColumnPartial.add

        def recording(column: ColumnPartial, *args: object) -> object:
            seen.add(threading.current_thread().name)
            return real(column, *args)

        with mock.patch.object(ColumnPartial, "add", recording):
            PartialProfile.create(ProfileSpec(target="species"), batch.schema.names).add(batch, offset)
        object.__setattr__(self, "names", self.names | seen)
        return self

    def merged(self, other: ColumnThreads) -> ColumnThreads:
        return ColumnThreads(self.names | other.names)


def test_a_worker_profiles_a_chunks_columns_in_one_thread() -> None:
    """Its sibling workers keep the other cores busy: column threads on top only cost switching."""
    engine = LocalEngine(jobs=2)
    source = engine.open(PENGUINS, delimiter=None, encoding=None, chunk_rows=40, bad_rows="error")
    names = engine.accumulate(source, ColumnThreads).names
    assert names and {name.rsplit("_", 1)[1] for name in names} == {"0"}  # the first thread of each chunk's pool


def test_jobs_on_the_command_line(tmp_path: Path) -> None:
    """The installed command's workers: 200,000 rows are three chunks (70,785, 70,766 and 58,449
    rows), the fewest `--jobs` hands to worker processes rather than profiling in-process."""
    data = tmp_path / "train.csv"
    write_dirty_classification(data, rows=200_000, seed=4)
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


@pytest.mark.parametrize("jobs", ["2", 2.5, True])
def test_jobs_must_be_a_whole_number(jobs: object) -> None:
    with pytest.raises(InputError, match=f"jobs must be a whole number of processes or -1 for all cores, not {jobs!r}"):
        dataaudit.audit(PENGUINS, target="species", jobs=jobs)  # type: ignore[arg-type]


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


# --- a run with workers leaves nothing behind: no process, no temporary file ---------------------

SMALL_CHUNKS = """
import sys
import dataaudit.runner
from dataaudit.cli import main

dataaudit.runner.audit.__kwdefaults__["chunk_rows"] = 2_000  # many chunks: the workers are busy a while
sys.argv[0] = "dataaudit"
main()
"""


def _session(leader: int) -> list[tuple[int, int]]:
    """(pid, parent pid) of every process of the session `leader` started."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # it ended meanwhile
                continue
            if int(fields[3]) == leader:
                found.append((int(entry.name), int(fields[1])))
    return found


def _workers_started(proc: subprocess.Popen) -> bool:
    """A process of the run's session other than the command's own children: a forked worker."""
    return any(parent != proc.pid and pid != proc.pid for pid, parent in _session(proc.pid))


def _audit_with_workers(data: Path, temporary: Path, signum: int | None = None,
                        victim: Callable[[int], int | None] | None = None,
                        options: tuple[str, ...] = ()) -> tuple[int, str, list[tuple[int, int]]]:
    """Audit `data` with `--jobs 2` and `options` in a session of its own, with `temporary` as
    its TMPDIR; with `signum`, send it to the whole process group once workers run (as a
    terminal sends Ctrl-C's SIGINT, or a container's stop its SIGTERM), or with `victim` to the
    process it picks from the session's leader (as the out-of-memory killer picks one). The
    exit code, stderr, and the processes of the session a little after."""
    env = {**os.environ, "TMPDIR": str(temporary)}
    args = ["audit", str(data), "-t", "label", "-i", "id", "--jobs", "2", "-q", "-f", "json",
            "-o", str(temporary.parent / "report.json"), *options]
    proc = subprocess.Popen([sys.executable, "-c", SMALL_CHUNKS, *args], env=env, start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    try:
        if victim is not None:
            while (pid := victim(proc.pid)) is None:
                assert proc.poll() is None, "the audit ended before the process to kill started"
                time.sleep(0.005)
            os.kill(pid, signal.SIGKILL)
        elif signum is not None:
            while not _workers_started(proc):
                assert proc.poll() is None, "the audit ended before its workers started"
                time.sleep(0.005)
            os.killpg(proc.pid, signum)
        _, err = proc.communicate(timeout=120)
        deadline = time.monotonic() + 10
        while _session(proc.pid) and time.monotonic() < deadline:  # the fork server sees the end
            time.sleep(0.05)
        return proc.returncode, err, _session(proc.pid)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


@pytest.fixture(scope="module")
def sixty_thousand_rows(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data = tmp_path_factory.mktemp("jobs") / "train.csv"
    write_dirty_classification(data, rows=60_000, seed=3)
    return data


@pytest.fixture
def temporary() -> Iterator[Path]:
    """An empty TMPDIR in a folder of its own (the report is written beside it), with a short
    path: the fork server's socket lives in it, and a Unix socket's path holds at most 108
    bytes, which pytest-xdist's folders can pass."""
    root = Path(tempfile.mkdtemp(prefix="jobs-", dir="/tmp"))
    folder = root / "tmp"
    folder.mkdir()
    yield folder
    shutil.rmtree(root, ignore_errors=True)


@pytest.mark.skipif(sys.platform != "linux", reason="a Unix socket's path is shorter elsewhere")
def test_a_temporary_folder_too_long_for_the_worker_server_is_one_line(sixty_thousand_rows: Path,
                                                                       tmp_path: Path) -> None:
    """The server starts when the pass reaches its third chunk (of 2,000 rows here): the error
    comes from inside the pass, and still leaves nothing behind."""
    long = tmp_path / ("t" * 100)
    long.mkdir()
    proc = subprocess.run([sys.executable, "-c", SMALL_CHUNKS, "audit", str(sixty_thousand_rows), "-t", "label",
                           "--jobs", "2", "-q"], env={**os.environ, "TMPDIR": str(long)}, capture_output=True,
                          text=True, timeout=120, check=False)
    assert proc.returncode == 2, proc.stderr
    assert proc.stderr.startswith(f"dataaudit: error: --jobs: cannot start the worker processes' server in the "
                                  f"temporary folder {long}")
    assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
    assert list(long.iterdir()) == []


@pytest.mark.skipif(sys.platform != "linux", reason="a Unix socket's path is shorter elsewhere")
def test_a_file_too_small_for_workers_never_starts_their_server(tmp_path: Path) -> None:
    """titanic's 2,201 rows are one chunk, profiled in-process: no fork server, so a temporary
    folder too long for its socket is no error, and the findings are those of --jobs 1."""
    long = tmp_path / ("t" * 100)
    long.mkdir()
    reports = []
    for jobs in ("2", "1"):
        report = tmp_path / f"jobs{jobs}.json"
        proc = subprocess.run([sys.executable, "-m", "dataaudit", "audit", str(DATA / "titanic.csv"), "-t", "survived",
                               "--jobs", jobs, "-q", "-f", "json", "-o", str(report)],
                              env={**os.environ, "TMPDIR": str(long)}, capture_output=True, text=True, timeout=120,
                              check=False)
        assert proc.returncode in (0, 1), proc.stderr
        saved = json.loads(report.read_text())
        reports.append((saved["counts"], saved["findings"]))
    assert reports[0] == reports[1]
    assert list(long.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="processes are listed from /proc")
def test_a_run_with_workers_leaves_no_process_and_no_temporary_file(sixty_thousand_rows: Path,
                                                                    temporary: Path) -> None:
    code, err, left = _audit_with_workers(sixty_thousand_rows, temporary, )
    assert code == 1, err
    assert left == [] and list(temporary.iterdir()) == []
    report = json.loads((temporary.parent / "report.json").read_text())
    report.pop("created_at")
    assert report == _report(sixty_thousand_rows, chunk_rows=2_000)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="processes are listed from /proc")
def test_a_bad_row_with_workers_is_one_line_and_leaves_nothing_behind(sixty_thousand_rows: Path,
                                                                      temporary: Path) -> None:
    broken = temporary.parent / "broken.csv"
    text = sixty_thousand_rows.read_text(encoding="utf-8")
    broken.write_text(text + "1,2,3\n" + "\n".join(text.splitlines()[1:4_001]) + "\n", encoding="utf-8")
    code, err, left = _audit_with_workers(broken, temporary, )
    assert code == 2
    assert err.startswith(f"dataaudit: error: {broken}:60002: malformed row, expected 12 fields, found 3")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert left == [] and list(temporary.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="processes are listed from /proc")
@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM], ids=["ctrl-c", "sigterm"])
def test_an_interruption_with_workers_is_one_line_and_leaves_nothing_behind(sixty_thousand_rows: Path,
                                                                            temporary: Path, signum: int) -> None:
    code, err, left = _audit_with_workers(sixty_thousand_rows, temporary, signum)
    assert code == 130, err
    assert err == "dataaudit: interrupted\n"
    assert left == [] and list(temporary.iterdir()) == []


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="processes are listed from /proc")
def test_a_worker_killed_mid_run_is_one_line_and_leaves_nothing_behind(sixty_thousand_rows: Path,
                                                                       temporary: Path) -> None:
    """The out-of-memory killer's SIGKILL, which a worker cannot ignore: the run ends instead of
    waiting forever for the chunks that worker held."""
    code, err, left = _audit_with_workers(sixty_thousand_rows, temporary, victim=_a_pass_worker)
    assert (code, err) == (2, WORKER_KILLED)
    assert left == [] and list(temporary.iterdir()) == []


WORKER_KILLED = ("dataaudit: error: a worker process ended unexpectedly (killed by signal 9); run again with "
                 "--jobs 1 or more memory\n")


def _a_pass_worker(leader: int) -> int | None:
    """A worker of a pass over the file: the fork server's child, not the command's."""
    return next((pid for pid, parent in _session(leader) if leader not in (pid, parent)), None)


def _the_fork_server(leader: int) -> int | None:
    """The process the pass's workers were forked from, once they run."""
    return next((parent for pid, parent in _session(leader) if leader not in (pid, parent)), None)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="processes are listed from /proc")
def test_a_fork_server_killed_mid_run_takes_its_workers_with_it(sixty_thousand_rows: Path, temporary: Path) -> None:
    code, err, left = _audit_with_workers(sixty_thousand_rows, temporary, victim=_the_fork_server)
    assert code == 2, err
    assert err.startswith("dataaudit: error: a worker process ended unexpectedly (")
    assert err.count("\n") == 1 and "Traceback" not in err
    assert left == [] and list(temporary.iterdir()) == []


def _a_fit_worker(leader: int) -> int | None:
    """A worker fitting the label model: joblib's, the command's own child."""
    return next((pid for pid, parent in _session(leader)
                 if parent == leader and "popen_loky" in Path(f"/proc/{pid}/cmdline").read_text(errors="replace")),
                None)


@pytest.mark.slow
@pytest.mark.skipif(sys.platform != "linux", reason="processes are listed from /proc")
def test_a_label_model_worker_killed_mid_fit_is_one_line_and_leaves_nothing_behind(sixty_thousand_rows: Path,
                                                                                  temporary: Path) -> None:
    """Its fits run in joblib's workers; its scoring pass in the pass's (the tests above)."""
    code, err, left = _audit_with_workers(sixty_thousand_rows, temporary, victim=_a_fit_worker,
                                          options=("--label-noise", "--sample", "20000"))
    assert (code, err) == (2, WORKER_KILLED)
    assert left == [] and list(temporary.iterdir()) == []


@dataclass(frozen=True)
class EndsItsProcess:
    """A statistic whose worker process ends abruptly on the chunk starting at row `at`, by
    `exit_code` or, without one, by SIGKILL."""

    at: int
    exit_code: int | None = None
    rows: int = 0

    def add(self, batch: pa.RecordBatch, offset: int) -> EndsItsProcess:
        if offset == self.at:
            if self.exit_code is None:
                os.kill(os.getpid(), signal.SIGKILL)
            os._exit(self.exit_code)
        object.__setattr__(self, "rows", self.rows + batch.num_rows)
        return self

    def merged(self, other: EndsItsProcess) -> EndsItsProcess:
        return EndsItsProcess(self.at, self.exit_code, self.rows + other.rows)


def penguins_in_chunks(engine: LocalEngine, chunk_rows: int = 40) -> Any:
    """Penguins' 344 rows in chunks of `chunk_rows` (a file is read in blocks far larger)."""
    from pyarrow import csv

    return engine.open(csv.read_csv(PENGUINS), delimiter=None, encoding=None, chunk_rows=chunk_rows, bad_rows="error")


ENDS_ITS_PROCESS = """
import functools, sys
from dataaudit.engines.local import LocalEngine
from dataaudit.errors import DataAuditError
from tests.test_local_jobs import EndsItsProcess, penguins_in_chunks

engine = LocalEngine(jobs=2)
try:
    engine.accumulate(penguins_in_chunks(engine), functools.partial(EndsItsProcess, *map(int, sys.argv[1:])))
except DataAuditError as exc:
    print(exc)
"""


@pytest.mark.skipif(sys.platform != "linux", reason="the fork server is a POSIX start method")
@pytest.mark.parametrize(("ending", "how"), [([], "killed by signal 9"), (["3"], "exit code 3")],
                         ids=["killed", "exited"])
@pytest.mark.parametrize("at", [0, 120, 320], ids=["first-chunk", "mid-file", "last-chunk"])
def test_a_worker_ending_on_any_chunk_ends_the_pass_with_one_error(temporary: Path, at: int, ending: list[str],
                                                                   how: str) -> None:
    """Whichever chunk a worker dies on, even its first,
    and however it ends, the pass stops with an error naming the way it ended."""
    proc = subprocess.run([sys.executable, "-c", ENDS_ITS_PROCESS, str(at), *ending], capture_output=True, text=True,
                          env={**os.environ, "TMPDIR": str(temporary)}, cwd=Path(__file__).parent.parent,
                          timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr
    assert proc.stdout == (f"a worker process ended unexpectedly ({how}); run again with --jobs 1 or more "
                           "memory\n"), proc.stderr
    assert list(temporary.iterdir()) == []


def test_a_pass_whose_workers_all_live_counts_every_row() -> None:
    """The statistic above, never reaching its row, merges every chunk's rows."""
    engine = LocalEngine(jobs=2)
    assert engine.accumulate(penguins_in_chunks(engine), functools.partial(EndsItsProcess, -1)).rows == 344


@dataclass(frozen=True)
class FailsOnAChunk:
    """A statistic that raises on the chunk starting at row 80, as a bug in the profile code would."""

    def add(self, batch: pa.RecordBatch, offset: int) -> FailsOnAChunk:
        if offset == 80:
            raise ValueError(f"cannot profile the chunk at row {offset}")
        return self

    def merged(self, other: FailsOnAChunk) -> FailsOnAChunk:
        return self


def test_an_error_in_a_worker_is_raised_in_the_parent_with_the_workers_traceback() -> None:
    engine = LocalEngine(jobs=2)
    with pytest.raises(ValueError, match="cannot profile the chunk at row 80") as raised:
        engine.accumulate(penguins_in_chunks(engine), FailsOnAChunk)
    assert "in add" in str(raised.value.__cause__)
