"""What the installed command loads to audit a table: no model library unless a check fits a model.

A default audit of a small table is over in a fraction of a second once its modules are loaded,
so the modules it loads are its cost: scikit-learn and SciPy alone take longer to import than the
whole audit. They are imported inside the checks that fit a model (`--label-noise`, the shortcut
search over a text column's tokens). These tests run the installed script under
`python -X importtime`, which lists every module the process imported, on files written to disk.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pyarrow.csv as pv
import pyarrow.parquet as pq
import pytest

from tests.cli_helpers import SCRIPT

DATA = Path(__file__).parent / "data"
#: Libraries a default table audit never imports. pandas can join them once neither the hashing nor
#: pyarrow imports it: pyarrow does, when pandas is installed, at its first `to_numpy` (docs/speed.md).
FORBIDDEN = ("sklearn", "scipy")


def imported_by_command(args: list[str | Path], code: int = 0) -> set[str]:
    """The modules the installed `dataaudit` imports to run `args` (asserting its exit code)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == code, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "dataaudit.cli" in modules  # the listing is the command's own
    return modules


def forbidden_in(modules: set[str]) -> list[str]:
    return sorted(m for m in modules if m.split(".")[0] in FORBIDDEN)


def audited_checks(report: Path) -> dict[str, str]:
    return {c["check"]: c["status"] for c in json.loads(report.read_text(encoding="utf-8"))["checks"]}


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_a_default_table_audit_imports_no_model_library(tmp_path: Path, suffix: str) -> None:
    """penguins has a `year` column: the time column's periods are counted too."""
    data = tmp_path / f"penguins{suffix}"
    if suffix == ".parquet":
        pq.write_table(pv.read_csv(DATA / "penguins.csv"), data)
    else:
        data.write_bytes((DATA / "penguins.csv").read_bytes())
    report = tmp_path / "report.json"
    modules = imported_by_command(["audit", data, "-t", "species", "--format", "json", "-o", report])
    assert forbidden_in(modules) == []
    assert "dataaudit.checks.time_drift" in modules
    assert audited_checks(report)["time.label_drift"] != "skipped"


def test_help_imports_no_model_library() -> None:
    assert forbidden_in(imported_by_command(["--help"])) == []


def test_the_label_model_still_gets_scikit_learn(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    modules = imported_by_command(["audit", DATA / "iris.csv", "-t", "target", "--label-noise", "--folds", "3",
                                   "--jobs", "1", "--format", "json", "-o", report])
    assert "sklearn" in modules
    assert audited_checks(report)["baseline.learnability"] == "passed"


#: Reads a year column and an epoch column, counts their months, and keys a numeric column with a
#: stray word, as a default audit does, in a process where pandas cannot be imported (a finder
#: refuses it: pyarrow's own compiled import does not honour a None in `sys.modules`).
WITHOUT_PANDAS = """
import sys
class NoPandas:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not installed here")
sys.meta_path.insert(0, NoPandas())
import numpy as np, pyarrow as pa
from dataaudit.profile.time_like import months, read_time_column
from dataaudit.shortcuts.baseline import column_keys
years = read_time_column("year", [2007, "2008", " 2009", 2007.0, 2008, 2009])
epoch = read_time_column("created", [1.6e9, "1700000000", 1.65e9, 1.61e9, 1.62e9, 1.63e9])
print(years.kind, years.reason, "|", epoch.kind, epoch.reason)
print(months(pa.array(["2007", None, "x", "1700"]), years).tolist(), months(pa.array([1.6e9, 5.0]), epoch).tolist())
print(column_keys(pa.chunked_array([pa.array(["1.5", "n/a", "2", "two"])]), True, frozenset({"n/a"})).tolist())
"""


def test_years_and_epoch_seconds_are_read_without_pandas() -> None:
    proc = subprocess.run([sys.executable, "-c", WITHOUT_PANDAS], capture_output=True, text=True, timeout=120,
                          check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.splitlines() == [
        "years years 2007 to 2009 | epoch epoch seconds 2020-09-13 to 2023-11-14",
        f"[{2007 * 12}, -1, -1, -1] [{2020 * 12 + 8}, -1]",
        "[1, 0, 2, 0]",
    ]
