"""What a user imports: the package root's names (exactly `__all__`, each resolving to its home,
listed by `dir`, none loading a heavy library before it is used), the `dataaudit.datasets`
generators, and what the distribution ships beside the code (LICENSE, py.typed)."""

from __future__ import annotations

import importlib
import importlib.util
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import dataaudit
import dataaudit.datasets
from dataaudit import errors
from dataaudit.datasets import chat, classification

ROOT = Path(__file__).resolve().parents[1]
HEAVY = ("cleanlab", "numpy", "pandas", "pyarrow", "scipy", "sklearn")

#: name -> (module, attribute) where the name is defined
HOMES = {
    "AuditFailed": ("dataaudit.errors", "AuditFailed"),
    "AuditGate": ("dataaudit.sklearn", "AuditGate"),
    "CleanResult": ("dataaudit.preprocess.clean", "CleanResult"),
    "Cleaner": ("dataaudit.preprocess.cleaner", "Cleaner"),
    "DataAuditError": ("dataaudit.errors", "DataAuditError"),
    "Finding": ("dataaudit.report.model", "Finding"),
    "InputError": ("dataaudit.errors", "InputError"),
    "LargeQuarantine": ("dataaudit.errors", "LargeQuarantine"),
    "OutputError": ("dataaudit.errors", "OutputError"),
    "Report": ("dataaudit.report.model", "Report"),
    "RulesError": ("dataaudit.errors", "RulesError"),
    "Severity": ("dataaudit.report.model", "Severity"),
    "WorkerLost": ("dataaudit.errors", "WorkerLost"),
    "__version__": ("dataaudit.version", "__version__"),
    "audit": ("dataaudit.api", "audit"),
    "clean": ("dataaudit.preprocess.clean", "clean"),
}


def _python(code: str, *args: str) -> str:
    done = subprocess.run([sys.executable, *args, "-c", code], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_the_package_root_offers_exactly_its_public_names() -> None:
    assert dataaudit.__all__ == [
        "AuditFailed", "AuditGate", "CleanResult", "Cleaner", "DataAuditError", "Finding", "InputError",
        "LargeQuarantine", "OutputError", "Report", "RulesError", "Severity", "WorkerLost", "__version__", "audit",
        "clean",
    ]
    assert set(dataaudit.__all__) == set(HOMES)


@pytest.mark.parametrize("name", sorted(HOMES))
def test_each_public_name_is_the_object_it_names(name: str) -> None:
    module, attribute = HOMES[name]
    assert getattr(dataaudit, name) is getattr(importlib.import_module(module), attribute)


def test_every_error_a_user_can_meet_is_offered_at_the_root() -> None:
    public_errors = {name for name, value in vars(errors).items()
                     if isinstance(value, type) and issubclass(value, Exception)}
    assert public_errors <= set(dataaudit.__all__)


def test_importing_the_package_loads_no_heavy_library_and_dir_lists_every_name() -> None:
    code = ("import json, sys, dataaudit; listed = dir(dataaudit); dataaudit.__version__; dataaudit.InputError; "
            f"print(json.dumps([sorted(m for m in {HEAVY!r} if m in sys.modules), listed]))")
    loaded, listed = json.loads(_python(code))
    assert loaded == []
    assert set(dataaudit.__all__) <= set(listed)


def test_the_gate_loads_scikit_learn_when_it_is_asked_for() -> None:
    code = "import sys, dataaudit; gate = dataaudit.AuditGate; print('sklearn' in sys.modules, gate.__module__)"
    assert _python(code).split() == ["True", "dataaudit.sklearn"]


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="no attribute 'Auditor'"):
        dataaudit.Auditor  # noqa: B018


DATASET_HOMES = {
    "NO_ISSUES": classification,
    "make_dirty_classification": classification,
    "make_dirty_splits": classification,
    "truth_path_for": classification,
    "write_dirty_chat": chat,
    "write_dirty_classification": classification,
    "write_dirty_splits": classification,
}


def test_the_datasets_module_offers_its_generators_under_their_own_names() -> None:
    assert dataaudit.datasets.__all__ == sorted(DATASET_HOMES)
    for name, home in DATASET_HOMES.items():
        assert getattr(dataaudit.datasets, name) is getattr(home, name)
    assert set(DATASET_HOMES) <= set(dir(dataaudit.datasets))


@pytest.mark.parametrize("name", [n for n in DATASET_HOMES if n.startswith(("make_", "write_"))])
def test_each_generator_documents_its_parameters_and_what_it_returns(name: str) -> None:
    doc = getattr(dataaudit.datasets, name).__doc__
    for section in ("Parameters\n    ----------", "Returns\n    -------"):
        assert section in doc, f"{name} lacks {section.split()[0]}"


def test_the_old_test_helpers_package_is_gone() -> None:
    assert importlib.util.find_spec("dataaudit.testing") is None


def test_the_generator_runs_as_a_command_without_importing_itself_twice(tmp_path: Path) -> None:
    """`-W error` turns runpy's warning about a module imported by its package first into a failure."""
    done = subprocess.run([sys.executable, "-W", "error", "-m", "dataaudit.datasets.classification", "--rows", "300",
                           "--seed", "4", "--out", str(tmp_path / "made.csv")],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert done.returncode == 0, done.stderr
    written = json.loads((tmp_path / "made.truth.json").read_text(encoding="utf-8"))
    assert written == dataaudit.datasets.write_dirty_classification(tmp_path / "made.csv", 300, seed=4)


def test_the_distribution_ships_its_license_and_its_typing_marker() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "Apache-2.0" and project["license-files"] == ["LICENSE"]
    license_text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert license_text.split("\n", 2)[:2] == [" " * 33 + "Apache License", " " * 27 + "Version 2.0, January 2004"]
    assert "END OF TERMS AND CONDITIONS" in license_text
    assert (Path(dataaudit.__file__).parent / "py.typed").is_file()
