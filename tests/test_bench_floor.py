"""The benchmark's floor: pyarrow reading the same file through the same launcher, in the table
and in the ratio under it, beside CPU seconds.

The floor must read the file it is given, in each format the benchmark writes, and be measured
like every other row (wall, CPU, peak RSS), so that `dataaudit/pyarrow` compares like with like.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pyarrow as pa
import pyarrow.csv as pacsv
import pyarrow.parquet as pq
import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks" / "bench_audit.py"


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    """The benchmark script, imported as the module it is when it runs."""
    spec = importlib.util.spec_from_file_location("bench_audit", BENCH)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_audit"] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("fmt", ["csv", "tsv", "parquet", "jsonl"])
def test_the_floor_reads_the_file_in_each_format_and_is_measured_like_the_audit(bench: ModuleType, tmp_path: Path,
                                                                               fmt: str) -> None:
    table = pa.table({"x": [1, 2, 3], "label": ["cat", "dog", "cat"]})
    path = tmp_path / f"data.{fmt}"
    if fmt in ("csv", "tsv"):
        pacsv.write_csv(table, path, pacsv.WriteOptions(delimiter="\t" if fmt == "tsv" else ","))
    elif fmt == "parquet":
        pq.write_table(table, path)
    else:
        path.write_text('{"x": 1, "label": "cat"}\n{"x": 2, "label": "dog"}\n{"x": 3, "label": "cat"}\n')
    result = bench.bench_floor(path, fmt, 3, 2, 120.0)
    assert (result.tool, result.status) == (bench.FLOOR_TOOL, "ok"), result.note
    assert len(result.seconds) == len(result.cpu_seconds) == len(result.peak_rss_mib) == 2
    assert result.median_cpu_seconds > 0


def test_a_floor_that_cannot_read_the_file_is_an_error_row_not_a_time(bench: ModuleType, tmp_path: Path) -> None:
    result = bench.bench_floor(tmp_path / "absent.csv", "csv", 3, 1, 120.0)
    assert result.status == "error" and result.seconds == []


def test_the_table_shows_cpu_seconds_and_the_ratios_divide_by_the_floor_and_by_jobs_2(bench: ModuleType) -> None:
    results = [bench.Result("dataaudit", 10, seconds=[4.0], peak_rss_mib=[300.0], cpu_seconds=[6.0]),
               bench.Result(bench.JOBS_2_TOOL, 10, seconds=[2.0], peak_rss_mib=[200.0], cpu_seconds=[8.0]),
               bench.Result(bench.FLOOR_TOOL, 10, seconds=[1.0], peak_rss_mib=[150.0], cpu_seconds=[1.5])]
    table = bench.format_table(results)
    assert table.splitlines()[0].split()[:5] == ["tool", "rows", "seconds", "CPU", "s"]
    assert "6.00" in table.splitlines()[2]
    assert bench.ratios(results, bench.FLOOR_TOOL) == {"time": 4.0, "cpu": 4.0, "memory": 2.0}
    assert bench.format_ratio(bench.ratios(results, bench.JOBS_2_TOOL), "dataaudit --jobs 1 / --jobs 2") == (
        "dataaudit --jobs 1 / --jobs 2: time 2.00x, CPU 0.75x, memory 1.50x")
    assert bench.ratios(results[:1], bench.FLOOR_TOOL) == {"time": None, "cpu": None, "memory": None}


def test_cpu_seconds_count_the_work_of_processes_the_tool_never_reaps(bench: ModuleType, tmp_path: Path) -> None:
    """As `--jobs` workers forked by a fork server: the tool's own wait never sees their time."""
    pytest.importorskip("psutil")
    done = tmp_path / "done"
    # a fixed amount of CPU, whatever the machine's speed: 0.3 s of its own time
    child = (f"import time\nwhile time.process_time() < 0.3: pass\nopen({str(done)!r}, 'w').close()\n"
             "time.sleep(1)")
    parent = ("import pathlib, subprocess, sys, time\n"
              f"subprocess.Popen([sys.executable, '-c', {child!r}])\n"
              f"while not pathlib.Path({str(done)!r}).exists(): time.sleep(0.02)\n"
              "time.sleep(0.3)\n")  # exits without waiting: the child is never its reaped child
    run = bench.run_measured([sys.executable, "-c", parent], timeout=300)
    assert run.returncode == 0, run.stderr
    assert run.cpu_seconds is not None and run.cpu_seconds >= 0.2, run
