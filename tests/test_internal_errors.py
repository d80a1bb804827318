"""An error that is no user's (a bug) exits 3 with its traceback, to report, and a last line
naming it (a full disk is no bug: one line, exit 2): Python's own exit code, 1, read as a
failed gate in CI."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from dataaudit.cli import cli

EXAMPLE = Path(__file__).parent.parent / "examples" / "penguins.csv"


def _broken(*_: object, **__: object) -> None:
    raise ZeroDivisionError("division by zero, in the audit")


def test_an_internal_error_exits_3_with_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("dataaudit.api.audit", _broken)
    result = CliRunner().invoke(cli, ["audit", str(EXAMPLE), "-t", "species"], prog_name="dataaudit")
    assert result.exit_code == 3
    assert "Traceback" in result.stderr and "_broken" in result.stderr
    assert result.stderr.splitlines()[-1] == ("dataaudit: internal error: ZeroDivisionError: division by zero, in the "
                                              "audit (the traceback above says where)")


def test_the_installed_command_exits_3_on_an_internal_error() -> None:
    program = ("import dataaudit.api as api\n"
               "def broken(*a, **k): raise ZeroDivisionError('in the audit')\n"
               "api.audit = broken\n"
               "from dataaudit.cli import main\n"
               "main()\n")
    proc = subprocess.run([sys.executable, "-c", program, "audit", str(EXAMPLE), "-t", "species"],
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr.splitlines()[-1].startswith("dataaudit: internal error: ZeroDivisionError: in the audit")


def test_the_last_line_of_an_internal_error_is_one_line(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*_: object, **__: object) -> None:
        raise ValueError("first line\nsecond line")

    monkeypatch.setattr("dataaudit.api.audit", broken)
    result = CliRunner().invoke(cli, ["audit", str(EXAMPLE), "-t", "species"], prog_name="dataaudit")
    assert result.exit_code == 3
    assert result.stderr.splitlines()[-1] == ("dataaudit: internal error: ValueError: first line second line (the "
                                              "traceback above says where)")
