"""Measure speed and peak memory of ``dataaudit audit`` against peers on synthetic data.

Why: "fast enough for a million rows" is a claim a user can check with one
command. The dataset comes from ``dataaudit.datasets.classification`` (known issues,
exact truth) and is cached in the work dir. Every measured run is its own
subprocess, started by a tiny launcher that reaps it with ``os.wait4``, so its peak
RSS is read from the kernel, not sampled (see LAUNCHER for why the launcher is
needed). Wall time covers the whole process (start-up, imports, reading the file,
the work), the same for every tool.

This script only reports; it never asserts a time or memory limit.

    python benchmarks/bench_audit.py --rows 1000000 --repeat 3 --peers pandas,pandera,gx

The peers (``peer_checks.py``) do the checks of dataaudit's default audit with their own API.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
PEER_SCRIPT = Path(__file__).resolve().parent / "peer_checks.py"
#: peer name -> the module it needs (a peer whose module is missing is skipped)
PEERS = {"pandas": "pandas", "pandera": "pandera", "gx": "great_expectations", "pandera-min": "pandera",
         "gx-min": "great_expectations"}
PEER_ALIASES = {"great_expectations": "gx", "great-expectations": "gx"}
#: the table's name for a peer, where its own name would not say what it is
PEER_TITLES = {"pandas": "pandas baseline"}
STARTUP_RUNS = 5
JOBS_2_TOOL = "dataaudit --jobs 2"

# --------------------------------------------------------------------------- #
# measuring one subprocess
# --------------------------------------------------------------------------- #
# Why a launcher: on Linux a child's ru_maxrss starts at the high-water RSS of the
# process it was forked from (the kernel records the old address space's peak at
# exec), so reaping the tool straight from this script would report at least this
# script's own peak. The launcher is a bare Python (~10 MiB) that forks the tool,
# reaps it with os.wait4 (peak RSS of the tool, max over it and its own reaped
# children) and writes {rc, seconds, peak_rss_mib, peak_tree_mib} to a file.
# ru_maxrss is the peak of the largest single process; a tool with worker processes
# (--jobs, Spark's JVM and its Python workers) needs the whole tree: a thread samples
# the summed PSS (shared pages split among their users, so nothing counts twice) of
# the tool and all its descendants every 50 ms, with psutil where it is installed.
LAUNCHER = """
import json, os, subprocess, sys, threading, time
result_path, timeout, cmd = sys.argv[1], float(sys.argv[2]), sys.argv[3:]
start = time.perf_counter()
proc = subprocess.Popen(cmd)
timer = threading.Timer(timeout, proc.kill) if timeout > 0 else None
if timer:
    timer.start()
finished = threading.Event()
tree = {"peak": None}
cpu_seen = {}  # pid -> user + system seconds, as last sampled

def sample_tree():
    try:
        import psutil
        root = psutil.Process(proc.pid)
    except Exception:
        return
    while not finished.is_set():
        try:
            members = [root, *root.children(recursive=True)]
        except psutil.Error:
            return
        total = 0
        for member in members:
            try:
                info = member.memory_full_info()
                total += getattr(info, "pss", info.rss)
                times = member.cpu_times()
                cpu_seen[member.pid] = times.user + times.system
            except psutil.Error:
                pass
        tree["peak"] = max(tree["peak"] or 0, total / 2**20)
        finished.wait(0.05)

sampler = threading.Thread(target=sample_tree, daemon=True)
sampler.start()
peak = cpu = None
if hasattr(os, "wait4"):
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    peak = usage.ru_maxrss / (1024 * 1024 if sys.platform == "darwin" else 1024)
    cpu = usage.ru_utime + usage.ru_stime
else:
    proc.wait()
seconds = time.perf_counter() - start
finished.set()
sampler.join()
if timer:
    timer.cancel()
with open(result_path, "w") as fh:
    # workers a fork server starts are not the tool's children: wait4 never counts them
    known = [c for c in (cpu, sum(cpu_seen.values()) if cpu_seen else None) if c is not None]
    json.dump({"rc": proc.returncode, "seconds": seconds, "peak_rss_mib": peak, "peak_tree_mib": tree["peak"],
               "cpu_seconds": max(known) if known else None}, fh)
"""


@dataclass
class Run:
    """One finished subprocess: exit code, wall seconds, peak RSS, output; CPU seconds (user and
    system) where the launcher could reap it with `os.wait4`, a measure the neighbours' load
    disturbs less than the wall time."""

    returncode: int
    seconds: float
    peak_rss_mib: float | None
    stdout: str
    stderr: str
    peak_tree_mib: float | None = None
    cpu_seconds: float | None = None


def run_measured(cmd: list[str], timeout: float | None = None, env: dict[str, str] | None = None) -> Run:
    """Run ``cmd`` under :data:`LAUNCHER`; return its exit code, wall time and peak RSS.

    Wall time is taken in the launcher around the tool only (launcher start-up
    excluded). A negative return code means killed by that signal (e.g. timeout).
    """
    with tempfile.TemporaryDirectory(prefix="bench-run-") as tmp:
        result_path = Path(tmp) / "result.json"
        out_path, err_path = Path(tmp) / "stdout", Path(tmp) / "stderr"
        launcher = [sys.executable, "-c", LAUNCHER, str(result_path), str(timeout or 0), *cmd]
        with open(out_path, "wb") as out, open(err_path, "wb") as err:
            done = subprocess.run(launcher, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env, check=False)
        stdout = out_path.read_text("utf-8", "replace")
        stderr = err_path.read_text("utf-8", "replace")
        try:
            res = json.loads(result_path.read_text("utf-8"))
        except (OSError, ValueError):
            return Run(done.returncode or 2, 0.0, None, stdout, stderr or f"launcher failed (exit {done.returncode})")
        return Run(res["rc"], res["seconds"], res["peak_rss_mib"], stdout, stderr, res.get("peak_tree_mib"),
                   res.get("cpu_seconds"))


def _last_line(text: str) -> str:
    lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
    return lines[-1][:200] if lines else "(no output)"


# --------------------------------------------------------------------------- #
# tools
# --------------------------------------------------------------------------- #
@dataclass
class Result:
    """Repeated measurements of one tool; status is ok, error or skipped."""

    tool: str
    rows: int
    status: str = "ok"
    note: str = ""
    seconds: list[float] = field(default_factory=list)
    peak_rss_mib: list[float] = field(default_factory=list)
    detail: Any = None
    peak_tree_mib: list[float] = field(default_factory=list)
    cpu_seconds: list[float] = field(default_factory=list)

    @property
    def median_seconds(self) -> float | None:
        return statistics.median(self.seconds) if self.seconds else None

    @property
    def median_cpu_seconds(self) -> float | None:
        return statistics.median(self.cpu_seconds) if self.cpu_seconds else None

    @property
    def max_rss_mib(self) -> float | None:
        return max(self.peak_rss_mib) if self.peak_rss_mib else None

    @property
    def max_tree_mib(self) -> float | None:
        return max(self.peak_tree_mib) if self.peak_tree_mib else None

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data.update(
            median_seconds=self.median_seconds,
            max_peak_rss_mib=self.max_rss_mib,
            max_peak_tree_mib=self.max_tree_mib,
            median_cpu_seconds=self.median_cpu_seconds,
            rows_per_second=_rate(self.rows, self.median_seconds),
        )
        return data


def compiled_package() -> str:
    """Compile the installed ``dataaudit`` to bytecode before anything is timed, as pip does
    for a package it installs, and say so. An editable install (``pip install -e``, the
    Makefile's) writes its bytecode on the first run, unless ``PYTHONDONTWRITEBYTECODE`` is set
    (as on the machines here): then every run compiled the modules it imports again, about
    0.14 s of an audit that the peers' libraries, installed compiled, never paid."""
    import compileall

    spec = importlib.util.find_spec("dataaudit")
    if spec is None or not spec.submodule_search_locations:
        return "dataaudit: not importable here, run as found"
    package = Path(next(iter(spec.submodule_search_locations)))
    compileall.compile_dir(package, quiet=1)
    return f"dataaudit compiled to bytecode in {package} (as pip compiles what it installs)"


def dataaudit_command() -> list[str]:
    """The ``dataaudit`` next to this Python (the venv's), else on PATH, else ``-m``."""
    bindir = Path(sys.executable).parent
    for name in ("dataaudit", "dataaudit.exe"):
        if (bindir / name).exists():
            return [str(bindir / name)]
    found = shutil.which("dataaudit")
    return [found] if found else [sys.executable, "-m", "dataaudit"]


def measure(
    tool: str,
    cmd: list[str],
    rows: int,
    repeat: int,
    ok_codes: tuple[int, ...],
    timeout: float | None,
    env: dict[str, str] | None = None,
    check: Callable[[Run], str | None] | None = None,
) -> Result:
    """Run ``cmd`` ``repeat`` times; the first failure ends the tool's runs.

    ``check(run)`` may turn an accepted exit code into an error (returns its text).
    """
    result = Result(tool, rows)
    for _ in range(repeat):
        run = run_measured(cmd, timeout, env)
        problem = None if run.returncode in ok_codes else _last_line(run.stderr or run.stdout)
        if run.returncode < 0:
            problem = f"killed by signal {-run.returncode} (--timeout {timeout} s?)"
        if problem is None and check is not None:
            problem = check(run)
        if problem is not None:
            result.status, result.note = "error", f"exit {run.returncode}: {problem}"
            return result
        result.seconds.append(run.seconds)
        if run.peak_rss_mib is not None:
            result.peak_rss_mib.append(run.peak_rss_mib)
        if run.peak_tree_mib is not None:
            result.peak_tree_mib.append(run.peak_tree_mib)
        if run.cpu_seconds is not None:
            result.cpu_seconds.append(run.cpu_seconds)
        result.detail = _parse_json_line(run.stdout)
        if run.returncode:
            result.note = f"exit {run.returncode}"
    return result


def _parse_json_line(text: str) -> Any:
    try:
        return json.loads(text.strip().splitlines()[-1])
    except (ValueError, IndexError):
        return None


def bench_dataaudit(data: Path, report: Path, rows: int, repeat: int, timeout: float | None,
                    tool: str = "dataaudit", options: tuple[str, ...] = ()) -> Result:
    """`dataaudit audit` (plus `options`, e.g. `--jobs 2`): exit 0 (gate passed) and 1 (gate failed) are both fine.

    Exit 1 only counts as a gate failure if a JSON report was written; otherwise
    (e.g. a missing CLI exits 1 too) it is reported as an error.
    """
    cmd = [
        *dataaudit_command(),
        "audit",
        str(data),
        "--target",
        "label",
        "--ignore-column",
        "id",
        "--format",
        "json",
        "-o",
        str(report),
        *options,
    ]

    def check(run: Run) -> str | None:
        problem = _report_problem(report)
        if problem is not None:
            return f"{problem}; {_last_line(run.stderr or run.stdout)}"
        report.rename(report.with_suffix(".last.json"))  # next run must write its own
        return None

    report.unlink(missing_ok=True)
    result = measure(tool, cmd, rows, repeat, (0, 1), timeout, check=check)
    if result.status == "ok" and result.note == "exit 1":
        result.note = "gate failed (exit 1)"
    return result


def _report_problem(report: Path) -> str | None:
    """Why ``report`` is not a usable JSON report, or None if it is."""
    try:
        json.loads(report.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return "no report written"
    except (OSError, ValueError) as exc:
        return f"report not JSON ({type(exc).__name__})"
    return None


def bench_peer(peer: str, data: Path, rows: int, repeat: int, timeout: float | None) -> Result:
    """A peer as `python peer_checks.py PEER FILE`, or skipped if its library is not importable."""
    tool = PEER_TITLES.get(peer, peer)
    if importlib.util.find_spec(PEERS[peer]) is None:
        return Result(tool, rows, status="skipped", note="skipped: not installed")
    env = {**os.environ, "GX_ANALYTICS_ENABLED": "false"}
    cmd = [sys.executable, str(PEER_SCRIPT), peer, str(data)]
    return measure(tool, cmd, rows, repeat, (0,), timeout, env)


#: how pyarrow alone reads each format into a table: the floor no audit of the file can beat
FLOOR_READS = {
    "csv": "import pyarrow.csv as c, sys; c.read_csv(sys.argv[1])",
    "tsv": "import pyarrow.csv as c, sys; c.read_csv(sys.argv[1], parse_options=c.ParseOptions(delimiter='\\t'))",
    "parquet": "import pyarrow.parquet as p, sys; p.read_table(sys.argv[1])",
    "jsonl": "import pyarrow.json as j, sys; j.read_json(sys.argv[1])",
}
FLOOR_TOOL = "pyarrow read (floor)"


def bench_floor(data: Path, fmt: str, rows: int, repeat: int, timeout: float | None) -> Result:
    """The file read into one Arrow table by pyarrow (`read_csv` for CSV) and nothing else, through
    the same launcher: what parsing alone costs in wall time, CPU and memory."""
    return measure(FLOOR_TOOL, [sys.executable, "-c", FLOOR_READS[fmt], str(data)], rows, repeat, (0,), timeout)


def bench_startup(timeout: float | None) -> Result:
    """`dataaudit --help`, :data:`STARTUP_RUNS` times: the import/start-up cost."""
    result = measure("dataaudit --help", [*dataaudit_command(), "--help"], 0, STARTUP_RUNS, (0,), timeout)
    result.detail = None
    return result


# --------------------------------------------------------------------------- #
# dataset
# --------------------------------------------------------------------------- #
GENERATE = """
import json, sys, time
from pathlib import Path
from dataaudit.datasets import classification
path, rows, seed = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
truth_path = classification.truth_path_for(path)
try:
    truth = json.loads(truth_path.read_text(encoding="utf-8"))
except (OSError, ValueError):
    truth = {}
key = (truth.get("rows"), truth.get("seed"), truth.get("generator_version"))
if path.exists() and key == (rows, seed, classification.GENERATOR_VERSION):
    print(json.dumps({"seconds": None}))
else:
    start = time.perf_counter()
    classification.write_dirty_classification(path, rows, seed)
    print(json.dumps({"seconds": time.perf_counter() - start}))
"""


GENERATE_SPLITS = """
import json, sys
from pathlib import Path
from dataaudit.datasets import classification
train, test, rows, test_rows, seed = Path(sys.argv[1]), Path(sys.argv[2]), *map(int, sys.argv[3:])
truth = classification.write_dirty_splits(train, test, rows, test_rows, seed, leaked_share=0.01, shift={"num_b": 0.5})
print(json.dumps({"leaked": len(truth["leaked_rows"])}))
"""


def ensure_splits(workdir: Path, rows: int, test_rows: int, seed: int, fmt: str) -> tuple[Path, Path]:
    """A training split of ``rows`` and a test split of ``test_rows`` (1% leaked training rows,
    ``num_b`` shifted), generated once per size and seed."""
    train = workdir / f"split-train-{rows}-s{seed}.{fmt}"
    test = workdir / f"split-test-{test_rows}-of-{rows}-s{seed}.{fmt}"
    if not (train.exists() and test.exists()):
        done = subprocess.run([sys.executable, "-c", GENERATE_SPLITS, str(train), str(test), str(rows),
                               str(test_rows), str(seed)], capture_output=True, text=True, env=_repo_env(),
                              check=False)
        if done.returncode != 0:
            raise SystemExit(f"split generation failed: {_last_line(done.stderr)}")
    return train, test


def bench_splits(workdir: Path, rows: int, test_rows: int, args: argparse.Namespace) -> list[Result]:
    """One audit of train with --split test against two separate audits of the same files."""
    train, test = ensure_splits(workdir, rows, test_rows, args.seed, args.format)
    report = workdir / "report-splits.json"
    together = bench_dataaudit(train, report, rows + test_rows, args.repeat, args.timeout,
                               tool="dataaudit train --split test", options=("--split", f"test={test}"))
    alone = [bench_dataaudit(train, report, rows, args.repeat, args.timeout, tool="dataaudit train alone"),
             bench_dataaudit(test, report, test_rows, args.repeat, args.timeout, tool="dataaudit test alone")]
    return [together, *alone]


def format_splits(results: list[Result]) -> str:
    together, *alone = results
    if any(r.status != "ok" for r in results):
        return "splits vs separate audits: n/a (a run failed)"
    seconds = sum(r.median_seconds or 0.0 for r in alone)
    memory = max(r.max_rss_mib or 0.0 for r in alone)
    return (f"splits vs separate audits: time {together.median_seconds or 0:.2f} s vs {seconds:.2f} s summed "
            f"({(together.median_seconds or 0) / seconds:.2f}x), peak RSS {together.max_rss_mib or 0:.0f} MiB vs "
            f"{memory:.0f} MiB for the larger alone ({(together.max_rss_mib or 0) / memory:.2f}x)")


def _repo_env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    return env


def ensure_dataset(workdir: Path, rows: int, seed: int, fmt: str) -> tuple[Path, float | None]:
    """Generated file for (rows, seed, fmt), reused when its truth says it is current.

    Runs in a subprocess (with this source tree first on PYTHONPATH) so the
    generator's memory is released before anything is measured. Returns the path
    and the generation time (None when reused).
    """
    path = workdir / f"synthetic-{rows}-s{seed}.{fmt}"
    done = subprocess.run(
        [sys.executable, "-c", GENERATE, str(path), str(rows), str(seed)],
        capture_output=True,
        text=True,
        env=_repo_env(),
        check=False,
    )
    if done.returncode != 0:
        raise SystemExit(f"dataset generation failed: {_last_line(done.stderr)}")
    return path, json.loads(done.stdout.strip().splitlines()[-1])["seconds"]


# --------------------------------------------------------------------------- #
# output
# --------------------------------------------------------------------------- #
def _rate(rows: int, seconds: float | None) -> float | None:
    return rows / seconds if seconds and rows else None


def _fmt(value: float | None, spec: str) -> str:
    return "-" if value is None else format(value, spec)


def format_table(results: list[Result]) -> str:
    """Plain-text table: tool, rows, seconds (median), CPU seconds (median, user + system of the
    whole process and its reaped children), rows/s, peak RSS MiB (largest process), peak tree MiB
    (all processes), status."""
    header = ("tool", "rows", "seconds", "CPU s", "rows/s", "peak RSS MiB", "peak tree MiB", "status")
    lines = [header]
    for r in results:
        secs = r.median_seconds if r.status == "ok" else None
        cpu = r.median_cpu_seconds if r.status == "ok" else None
        rss = r.max_rss_mib if r.status == "ok" else None
        tree = r.max_tree_mib if r.status == "ok" else None
        status = r.status if not r.note else (r.note if r.status == "skipped" else f"{r.status}: {r.note}")
        lines.append((r.tool, f"{r.rows:,}", _fmt(secs, ".2f"), _fmt(cpu, ".2f"), _fmt(_rate(r.rows, secs), ",.0f"),
                      _fmt(rss, ".1f"), _fmt(tree, ".1f"), status))
    widths = [max(len(row[i]) for row in lines) for i in range(len(header) - 1)]
    out = []
    for row in lines:
        cells = [c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths, strict=False))]
        out.append("  ".join([*cells, row[-1]]))
    out.insert(1, "-" * len(out[0]))
    return "\n".join(out)


def ratios(results: list[Result], other: str = PEER_TITLES["pandas"],
           tool: str = "dataaudit") -> dict[str, float | None]:
    """`tool` / `other` for median time, median CPU time and peak RSS (None when either is missing)."""
    by = {r.tool: r for r in results if r.status == "ok"}
    da, pd_ = by.get(tool), by.get(other)
    if not (da and pd_):
        return {"time": None, "cpu": None, "memory": None}

    def div(a: float | None, b: float | None) -> float | None:
        return a / b if a is not None and b else None

    return {"time": div(da.median_seconds, pd_.median_seconds),
            "cpu": div(da.median_cpu_seconds, pd_.median_cpu_seconds),
            "memory": div(da.max_rss_mib, pd_.max_rss_mib)}


def format_ratio(ratio: dict[str, float | None], name: str = "dataaudit/pandas") -> str:
    if ratio["time"] is None:
        return f"{name}: n/a (one of them did not run)"
    return (f"{name}: time {ratio['time']:.2f}x, CPU {_fmt(ratio['cpu'], '.2f')}x, "
            f"memory {_fmt(ratio['memory'], '.2f')}x")


def load_average() -> str:
    """The 1, 5 and 15 minute load averages: on a shared machine the wall times say as much
    about the neighbours as about the tools."""
    return " ".join(f"{x:.2f}" for x in os.getloadavg())


def format_peer_checks(peers: list[str]) -> list[str]:
    """One line per peer: what it checks (``peer_checks.CHECKS``)."""
    from peer_checks import CHECKS, READS  # the sibling script, on sys.path when this one runs

    return [f"peers read the file with {READS}",
            *(f"{PEER_TITLES.get(peer, peer)} checks: {CHECKS[peer]}" for peer in peers)]


def format_startup(r: Result) -> str:
    if r.status != "ok":
        return f"dataaudit --help start-up: {r.status}: {r.note}"
    return (
        f"dataaudit --help start-up: {r.median_seconds:.3f} s "
        f"(median of {len(r.seconds)}), peak RSS {_fmt(r.max_rss_mib, '.1f')} MiB"
    )


# --------------------------------------------------------------------------- #
# main
# --------------------------------------------------------------------------- #
def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--rows", type=int, default=1_000_000, help="rows (default 1,000,000)")
    p.add_argument("--seed", type=int, default=0, help="dataset seed (default 0)")
    p.add_argument("--repeat", type=int, default=3, help="runs per tool; median reported")
    p.add_argument(
        "--peers", default="pandas,pandera,gx",
        help="comma list of pandas, pandera, gx (the default audit's checks), pandera-min, gx-min (nulls and the "
             "label set only); pandas always runs"
    )
    p.add_argument(
        "--format", default="csv", choices=["csv", "tsv", "parquet", "jsonl"], help="dataset file format (default csv)"
    )
    p.add_argument(
        "--workdir",
        type=Path,
        default=Path(tempfile.gettempdir()) / "dataaudit-bench",
        help="where the dataset is cached and reports go",
    )
    p.add_argument("--timeout", type=float, default=1800.0, help="seconds before a single run is killed (default 1800)")
    p.add_argument("--json", type=Path, help="also save the results as JSON here")
    p.add_argument("--split-rows", type=int, default=0,
                   help="also time `audit train --split test=...` with a test split of this many rows against "
                        "auditing both files separately (train has --rows rows)")
    p.add_argument("--scale", metavar="ROWS,ROWS", type=_row_counts,
                   help="instead of peers: each row count with --jobs 1, --jobs 2 and Spark local[2]")
    args = p.parse_args(argv)
    args.peers = _peers(p, args.peers)
    if args.repeat < 1 or args.rows < 1:
        p.error("--repeat and --rows must be >= 1")
    return args


def _row_counts(text: str) -> list[int]:
    try:
        counts = [int(n.replace("_", "")) for n in text.split(",") if n.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a comma list of row counts: {text!r}") from None
    if not counts or min(counts) < 1:
        raise argparse.ArgumentTypeError(f"row counts must be >= 1: {text!r}")
    return counts


def _peers(parser: argparse.ArgumentParser, text: str) -> list[str]:
    names = [PEER_ALIASES.get(n.strip(), n.strip()) for n in text.split(",") if n.strip()]
    unknown = sorted(set(names) - set(PEERS))
    if unknown:
        parser.error(f"unknown peer(s): {', '.join(unknown)} (known: {', '.join(PEERS)})")
    return ["pandas"] + [n for n in dict.fromkeys(names) if n != "pandas"]


def environment() -> dict[str, Any]:
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpu_count": os.cpu_count(),
        "executable": sys.executable,
        "dataaudit_command": dataaudit_command(),
    }


# --------------------------------------------------------------------------- #
# engines at growing sizes (--scale)
# --------------------------------------------------------------------------- #
SCALE_RUNS = {
    "local --jobs 1": ("--jobs", "1"),
    "local --jobs 2": ("--jobs", "2"),
    "spark local[2]": ("--engine", "spark", "--spark-master", "local[2]"),
}


def run_scale(args: argparse.Namespace) -> list[Result]:
    """Every run of :data:`SCALE_RUNS` on a generated dataset of each size, smallest first."""
    results = []
    for rows in sorted(args.scale):
        data, gen_seconds = ensure_dataset(args.workdir, rows, args.seed, args.format)
        made = "reused" if gen_seconds is None else f"generated in {gen_seconds:.1f} s"
        print(f"dataset: {data} ({data.stat().st_size / 2**20:,.1f} MiB, {rows:,} rows, {made})", flush=True)
        for tool, options in SCALE_RUNS.items():
            result = bench_dataaudit(data, args.workdir / f"report-{rows}.json", rows, args.repeat, args.timeout,
                                     tool, options)
            print(f"  {tool}: {_fmt(result.median_seconds, '.1f')} s, {result.status} {result.note}".rstrip(),
                  f"(load average {os.getloadavg()[0]:.1f})", flush=True)
            results.append(result)
    return results


def format_growth(results: list[Result]) -> list[str]:
    """Peak memory of the whole process tree at the largest size over the smallest, per run."""
    lines = []
    for tool in SCALE_RUNS:
        ok = sorted((r for r in results if r.tool == tool and r.status == "ok" and r.max_tree_mib),
                    key=lambda r: r.rows)
        if len(ok) > 1:
            small, large = ok[0], ok[-1]
            lines.append(f"{tool}: peak tree memory at {large.rows:,} rows / at {small.rows:,} rows = "
                         f"{large.max_tree_mib / small.max_tree_mib:.2f}x")
    return lines


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    args.workdir.mkdir(parents=True, exist_ok=True)
    print(compiled_package())
    if args.scale:
        print(f"load average before: {' '.join(f'{x:.1f}' for x in os.getloadavg())} on {os.cpu_count()} cores")
        results = run_scale(args)
        print(f"\nrepeats: {args.repeat} (median seconds; peak RSS of the largest process, peak PSS of the whole "
              "process tree: workers, JVM)")
        print(format_table(results))
        print("\n".join(format_growth(results)))
        print(f"load average after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        if args.json:
            args.json.parent.mkdir(parents=True, exist_ok=True)
            payload = {"scale": args.scale, "seed": args.seed, "format": args.format, "repeat": args.repeat,
                       "environment": environment(), "results": [r.to_json() for r in results]}
            args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        return 0
    data, gen_seconds = ensure_dataset(args.workdir, args.rows, args.seed, args.format)
    size_mib = data.stat().st_size / 2**20
    made = "reused" if gen_seconds is None else f"generated in {gen_seconds:.1f} s"
    print(f"dataset: {data} ({size_mib:.1f} MiB, {args.rows:,} rows, {made})", flush=True)

    load_before = load_average()
    report = args.workdir / f"report-{args.rows}.json"
    results = [bench_dataaudit(data, report, args.rows, args.repeat, args.timeout),
               bench_dataaudit(data, report, args.rows, args.repeat, args.timeout, JOBS_2_TOOL, ("--jobs", "2")),
               bench_floor(data, args.format, args.rows, args.repeat, args.timeout)]
    for peer in args.peers:
        results.append(bench_peer(peer, data, args.rows, args.repeat, args.timeout))
    startup = bench_startup(args.timeout)
    ratio = ratios(results)
    floor_ratio = ratios(results, FLOOR_TOOL)
    jobs_ratio = ratios(results, JOBS_2_TOOL)
    split_results = bench_splits(args.workdir, args.rows, args.split_rows, args) if args.split_rows else []

    print(f"\nrepeats: {args.repeat} (median seconds and CPU seconds, max peak RSS; whole process)")
    print(f"load average: {load_before} before, {load_average()} after, on {os.cpu_count()} cores")
    print(format_table(results))
    print(format_ratio(ratio))
    print(format_ratio(floor_ratio, "dataaudit/pyarrow"))
    print(format_ratio(jobs_ratio, "dataaudit --jobs 1 / --jobs 2"))
    print(format_startup(startup))
    print("\n".join(format_peer_checks(args.peers)))
    if split_results:
        print(f"\nsplits: train {args.rows:,} rows + test {args.split_rows:,} rows")
        print(format_table(split_results))
        print(format_splits(split_results))
    if args.json:
        payload = {
            "rows": args.rows,
            "seed": args.seed,
            "format": args.format,
            "dataset": str(data),
            "dataset_mib": size_mib,
            "generation_seconds": gen_seconds,
            "repeat": args.repeat,
            "environment": environment(),
            "results": [r.to_json() for r in results],
            "startup": startup.to_json(),
            "ratio_dataaudit_over_pandas": ratio,
            "ratio_dataaudit_over_pyarrow": floor_ratio,
            "ratio_jobs_1_over_jobs_2": jobs_ratio,
            "load_average": {"before": load_before, "after": load_average()},
            "splits": [r.to_json() for r in split_results],
        }
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
        print(f"saved {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
