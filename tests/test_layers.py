"""The package's layers (pyproject.toml `[tool.importlinter]`): the contract holds on the package
as it is, and breaks on a copy of it where one module imports a layer above its own, whether at
the top of the file, inside a function or under TYPE_CHECKING. Public names that moved to a lower
layer are still importable where users import them."""

from __future__ import annotations

import importlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", "--config", str(root / "pyproject.toml")],
                          cwd=root, env=env, capture_output=True, text=True, timeout=120)


def test_the_package_keeps_its_layers() -> None:
    result = lint_imports(ROOT)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "1 kept, 0 broken" in result.stdout


UPWARD_IMPORTS = {
    "type-only import of the report into the errors": (
        "errors.py", "from typing import TYPE_CHECKING\n\nif TYPE_CHECKING:\n"
                     "    from dataaudit.report.model import Report\n",
        "dataaudit.errors is not allowed to import dataaudit.report"),
    "the clean calling the public API": (
        "preprocess/pipeline.py", "def _audit():\n    from dataaudit.api import audit\n\n    return audit\n",
        "dataaudit.preprocess is not allowed to import dataaudit.api"),
    "the rules importing the clean": (
        "rules/model.py", "from dataaudit.preprocess import pipeline\n",
        "dataaudit.rules is not allowed to import dataaudit.preprocess"),
    "a check importing the rule pack": (
        "checks/base.py", "from dataaudit.rules.model import RulePack\n",
        "dataaudit.checks is not allowed to import dataaudit.rules"),
    "the profile importing the text audit": (
        "profile/model.py", "from dataaudit.text import audit\n",
        "dataaudit.profile is not allowed to import dataaudit.text"),
}


@pytest.mark.parametrize("case", list(UPWARD_IMPORTS))
def test_an_import_into_a_higher_layer_breaks_the_contract(tmp_path: Path, case: str) -> None:
    module, code, complaint = UPWARD_IMPORTS[case]
    shutil.copytree(ROOT / "dataaudit", tmp_path / "dataaudit", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    with open(tmp_path / "dataaudit" / module, "a", encoding="utf-8") as source:
        source.write("\n\n" + code)
    result = lint_imports(tmp_path)
    assert result.returncode == 1, result.stdout + result.stderr
    assert complaint in result.stdout
    assert "0 kept, 1 broken" in result.stdout


PUBLIC_NAMES = {
    "dataaudit": ["audit", "clean", "Cleaner", "CleanResult", "Report", "Finding", "Severity", "AuditFailed",
                  "DataAuditError", "InputError", "RulesError", "LargeQuarantine", "__version__"],
    "dataaudit.api": ["audit"],
    "dataaudit.errors": ["AuditFailed", "DataAuditError", "InputError", "OutputError", "RulesError",
                         "LargeQuarantine"],
    "dataaudit.sklearn": ["AuditGate"],
    "dataaudit.report.model": ["Report", "Finding", "Severity", "CheckStatus", "ReportTable"],
    "dataaudit.checks.levels": ["MaxLevels", "MinLevels", "Section", "Toggle"],
    "dataaudit.labelnoise.result": ["ClassNoise", "LabelQuality", "Scores", "SuspectedRow"],
}


@pytest.mark.parametrize("module", list(PUBLIC_NAMES))
def test_public_names_stay_where_users_import_them(module: str) -> None:
    imported = importlib.import_module(module)
    missing = [name for name in PUBLIC_NAMES[module] if not hasattr(imported, name)]
    assert not missing, f"{module} lost {missing}"


def test_a_moved_name_is_the_same_object_in_both_places() -> None:
    import dataaudit
    from dataaudit import api, levels, runner
    from dataaudit.checks import levels as check_levels
    from dataaudit.labelnoise import result
    from dataaudit.profile import label_quality
    from dataaudit.report import model

    assert dataaudit.audit is api.audit is runner.audit
    assert model.Severity is levels.Severity is dataaudit.Severity
    assert check_levels.MaxLevels is levels.MaxLevels
    assert result.LabelQuality is label_quality.LabelQuality
