"""The clean benchmark prints what cleaning costs beyond the audit: clean / audit of wall time,
CPU time and peak RSS, measured side by side on the same file, with the load average."""

from __future__ import annotations

import importlib.util
import json
import re
import sys
from pathlib import Path
from types import ModuleType

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


def _script(name: str) -> ModuleType:
    """A benchmark script, imported as the module it is when it runs (beside its sibling)."""
    spec = importlib.util.spec_from_file_location(name, BENCHMARKS / f"{name}.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[name] = module
    spec.loader.exec_module(module)
    return module


@pytest.mark.slow  # a generated file, cleaned and audited by the installed command
def test_the_ratio_of_clean_to_audit_is_printed_and_saved(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _script("bench_audit")
    bench = _script("bench_clean")
    saved = tmp_path / "bench.json"
    assert bench.main(["--sizes", "400", "--workdir", str(tmp_path), "--json", str(saved)]) == 0
    printed = capsys.readouterr().out
    assert re.search(r"^load average: [\d.]+ [\d.]+ [\d.]+ before, [\d.]+ [\d.]+ [\d.]+ after", printed, re.M)
    line = re.search(r"^clean/audit at 400 rows: time ([\d.]+)x, CPU ([\d.]+)x, memory ([\d.]+)x$", printed, re.M)
    assert line is not None, printed
    payload = json.loads(saved.read_text(encoding="utf-8"))
    by_tool = {r["tool"]: r for r in payload["results"]}
    ratio = payload["ratio_clean_over_audit"]["400"]
    clean, audit = by_tool["dataaudit clean"], by_tool["dataaudit audit"]
    assert ratio["time"] == pytest.approx(clean["median_seconds"] / audit["median_seconds"])
    assert ratio["cpu"] == pytest.approx(clean["median_cpu_seconds"] / audit["median_cpu_seconds"])
    assert float(line.group(2)) == pytest.approx(ratio["cpu"], abs=0.005)
    assert set(payload["load_average"]) == {"before", "after"}
