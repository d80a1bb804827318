"""What the installed command loads to audit a table: no model library unless a check fits a model.

A default audit of a small table is over in a fraction of a second once its modules are loaded,
so the modules it loads are its cost: scikit-learn and SciPy alone take longer to import than the
whole audit. They are imported inside the checks that fit a model (`--label-noise`, the shortcut
search over a text column's tokens), and pandas where a column of dates or the label model needs
it. These tests run the installed script under `python -X importtime`, which lists every module
the process imported, on files written to disk.
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
#: Libraries a default table audit never imports: pyarrow's own conversions would import pandas,
#: the audit makes them with `dataaudit.arrays` and `dataaudit.lazy_pandas` (docs/speed.md); a
#: shipped rule pack is read from its data parsed before (`dataaudit.rules.parsed`), not by PyYAML.
FORBIDDEN = ("sklearn", "scipy", "pandas", "yaml")


def imported_by_command(args: list[str | Path], code: int = 0) -> set[str]:
    """The modules the installed `dataaudit` imports to run `args` (asserting its exit code)."""
    proc = subprocess.run([sys.executable, "-X", "importtime", str(SCRIPT), *map(str, args)],
                          capture_output=True, text=True, timeout=300, check=False)
    assert proc.returncode == code, f"exit {proc.returncode}: {proc.stderr[-2000:]}"
    modules = {line.split("|")[-1].strip() for line in proc.stderr.splitlines() if line.startswith("import time:")}
    assert "dataaudit.cli" in modules  # the listing is the command's own
    return modules


def forbidden_in(modules: set[str]) -> list[str]:
    """The forbidden packages' modules. A package's own name alone is not counted: the command
    has pyarrow look for pandas while refusing it, and importtime lists the refused attempt;
    a package really imported brings its submodules."""
    return sorted(m for m in modules if "." in m and m.split(".")[0] in FORBIDDEN)


def audited_checks(report: Path) -> dict[str, str]:
    return {c["check"]: c["status"] for c in json.loads(report.read_text(encoding="utf-8"))["checks"]}


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_default_table_audit_imports_no_model_library_nor_pandas(tmp_path: Path, suffix: str) -> None:
    """penguins has a `year` column: the time column's periods are counted too."""
    data = tmp_path / f"penguins{suffix}"
    if suffix == ".parquet":
        pq.write_table(pv.read_csv(DATA / "penguins.csv"), data)
    elif suffix == ".jsonl":
        rows = pv.read_csv(DATA / "penguins.csv").to_pylist()
        data.write_text("".join(json.dumps(row) + "\n" for row in rows), encoding="utf-8")
    else:
        data.write_bytes((DATA / "penguins.csv").read_bytes())
    report = tmp_path / "report.json"
    modules = imported_by_command(["audit", data, "-t", "species", "--format", "json", "-o", report])
    assert forbidden_in(modules) == []
    assert "dataaudit.checks.time_drift" in modules
    assert audited_checks(report)["time.label_drift"] != "skipped"


def test_help_imports_no_model_library_nor_pandas() -> None:
    assert forbidden_in(imported_by_command(["--help"])) == []


def test_a_column_of_dates_still_gets_pandas(tmp_path: Path) -> None:
    """Day-first dates are read by pandas, imported after the audit has had pyarrow answer that
    pandas is absent: their months are still counted, as before that answer was given."""
    data = tmp_path / "orders.csv"
    days = [f"{1 + i % 28:02d}/{1 + i % 12:02d}/{2015 + i % 8}" for i in range(240)]
    data.write_text("day,amount,label\n" + "".join(f"{d},{i % 17}.5,{'ab'[i % 2]}\n" for i, d in enumerate(days)),
                    encoding="utf-8")
    report = tmp_path / "report.json"
    modules = imported_by_command(["audit", data, "-t", "label", "--format", "json", "-o", report])
    assert "pandas.core.frame" in modules
    assert audited_checks(report)["time.label_drift"] != "skipped"
    ignored = json.loads(report.read_text(encoding="utf-8"))["dataset"]["ignored"]
    assert ignored == [{"column": "day", "reason": "time-like: dates 2015-01-01 to 2022-12-28"}]


def test_the_label_model_still_gets_scikit_learn(tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    modules = imported_by_command(["audit", DATA / "iris.csv", "-t", "target", "--label-noise", "--folds", "3",
                                   "--jobs", "1", "--format", "json", "-o", report])
    assert "sklearn" in modules
    assert audited_checks(report)["baseline.learnability"] == "passed"


#: The start of a script run in a process where pandas cannot be imported (a finder refuses it:
#: pyarrow's own compiled import does not honour a None in `sys.modules`).
REFUSING_PANDAS = """
import sys
class NoPandas:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not installed here")
sys.meta_path.insert(0, NoPandas())
"""

#: Reads a year column and an epoch column, counts their months, and keys a numeric column with a
#: stray word, as a default audit does, without pandas.
WITHOUT_PANDAS = REFUSING_PANDAS + """
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


#: Has pyarrow told that pandas is absent, converts numpy arrays as an audit does, then imports
#: pandas and converts its objects: printed, they must be what a process that never deferred
#: pandas prints.
CONVERSIONS_AFTER_DEFERRING = """
import sys
if sys.argv[1] == "defer":
    from dataaudit.lazy_pandas import defer_pandas
    defer_pandas()
import numpy as np, pyarrow as pa
pa.array(np.arange(3)).take(pa.array(np.array([2, 0])))
print("pandas imported:", "pandas" in sys.modules)
import pandas as pd
frame = pd.DataFrame({"n": pd.array([1, None], dtype="Int64"), "x": [1.5, np.nan], "s": ["a", pd.NA],
                      "c": pd.Categorical(["u", None]), "t": pd.to_datetime(["2024-01-02", None], utc=True)})
print(pa.array(pd.Series([1, pd.NA], dtype=object)))
print(pa.array(frame["c"]), pa.chunked_array([frame["x"]]))
print(pa.table(frame))
print(pa.Table.from_pandas(frame).to_pandas().equals(frame))
"""


def test_pandas_objects_convert_as_before_once_pandas_is_imported() -> None:
    """A Series of pandas' NA, a Categorical, a DataFrame: pyarrow must know them for pandas
    objects again, or it would read a Series as a list and refuse the NA."""
    printed = {}
    for mode in ("defer", "plain"):
        proc = subprocess.run([sys.executable, "-c", CONVERSIONS_AFTER_DEFERRING, mode], capture_output=True,
                              text=True, timeout=120, check=False)
        assert proc.returncode == 0, proc.stderr[-2000:]
        printed[mode] = proc.stdout.splitlines()
    assert printed["defer"][0] == "pandas imported: False"
    assert printed["plain"][0] == "pandas imported: True"
    assert printed["defer"][1:] == printed["plain"][1:]
    assert printed["defer"][-1] == "True"


def test_the_worker_server_preloads_no_pandas() -> None:
    """`--jobs` workers are forked from a server that imports `WORKER_MODULES` first: the
    profile code's Arrow constants must not have pyarrow import pandas into every worker."""
    code = ("import importlib, sys\n"
            "from dataaudit.engines.pool import WORKER_MODULES\n"
            "for name in WORKER_MODULES:\n"
            "    importlib.import_module(name)\n"
            "print('pandas' in sys.modules)\n")
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, check=False)
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert proc.stdout.strip() == "False"


@pytest.mark.parametrize("suffix", [".csv", ".parquet", ".jsonl"])
def test_a_default_clean_imports_no_model_library_nor_pandas(tmp_path: Path, suffix: str) -> None:
    """Every step has work here: tokens and a sentinel to null, labels spelled several ways to
    merge, a constant column to drop, a duplicate, a conflict and a missing label. A list of
    Python values handed to pyarrow without its type had pyarrow import pandas to guess it
    (the labels' respellings: 0.2 s and 50 MiB of a small clean)."""
    lines = ["x,y,const,label"]
    lines += [f"{i},{'?' if i % 9 == 0 else i * 0.5},k,{['cat', 'Cat ', 'dog', 'DOG'][i % 4]}" for i in range(40)]
    lines += ["-999,1.5,k,cat", "1,0.5,k,Cat ", "1,0.5,k,dog", "2,7,k,"]
    data = tmp_path / "dirty.csv"
    data.write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / f"out{suffix}"
    modules = imported_by_command(["clean", data, "-t", "label", "-o", out], code=1)  # 44 rows: too few
    assert forbidden_in(modules) == []
    manifest = json.loads((tmp_path / "out.manifest.json").read_text(encoding="utf-8"))
    assert {step["step"] for step in manifest["steps"] if step["rows_changed"] or step["rows_quarantined"]} >= {
        "missing_to_null", "merge_label_variants", "drop_columns", "duplicates", "missing_labels"}
