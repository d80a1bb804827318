"""Run the `dataaudit` command and assert its exit code, in the spirit of sqlfluff's `invoke_assert_code`.

`invoke` runs `dataaudit.cli.cli` in-process through click's `CliRunner`; an exception other than
`SystemExit` is re-raised with its traceback, so a crash can never pass for a clean exit 2.
`run` runs the installed console script as a subprocess: what a user (or CI) really runs.
Both return `(stdout, stderr)` as text.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from dataaudit.cli import cli

SCRIPT = Path(sys.executable).parent / "dataaudit"


def _show(stdout: str, stderr: str) -> str:
    return f"\n--- stdout ---\n{stdout[-3000:]}\n--- stderr ---\n{stderr[-3000:]}"


def invoke(args: Sequence[str | os.PathLike[str]], code: int, stdin: bytes | None = None) -> tuple[str, str]:
    """Run the CLI in-process (`stdin`: the bytes it reads as standard input); assert the exit
    code; re-raise any crash."""
    result = CliRunner().invoke(cli, [str(a) for a in args], input=stdin, prog_name="dataaudit")
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        assert result.exc_info is not None
        raise result.exception.with_traceback(result.exc_info[2])
    assert result.exit_code == code, (
        f"dataaudit {' '.join(map(str, args))}: exit {result.exit_code}, expected {code}"
        + _show(result.stdout, result.stderr)
    )
    return result.stdout, result.stderr


def run(args: Sequence[str | os.PathLike[str]], code: int, cwd: str | os.PathLike[str] | None = None,
        timeout: float = 180, stdin: bytes | None = None) -> tuple[str, str]:
    """Run the installed `dataaudit` script as a subprocess (`stdin`: the bytes piped to it);
    assert the exit code. The timeout only catches a hang: with a pytest-xdist worker per CPU and
    a loaded machine, a clean of a few thousand rows has taken over 60 s."""
    assert SCRIPT.is_file(), f"the console script is not installed at {SCRIPT}"
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    proc = subprocess.run(
        [str(SCRIPT), *(str(a) for a in args)], cwd=cwd, env=env, capture_output=True, input=stdin,
        timeout=timeout, check=False,
    )
    stdout, stderr = (stream.decode("utf-8", errors="replace") for stream in (proc.stdout, proc.stderr))
    assert proc.returncode == code, (
        f"dataaudit {' '.join(map(str, args))}: exit {proc.returncode}, expected {code}" + _show(stdout, stderr)
    )
    return stdout, stderr


#: both ways of running the command, for `pytest.mark.parametrize("runner", RUNNERS)`
RUNNERS = [pytest.param(run, id="installed"), pytest.param(invoke, id="click")]
Runner = Callable[..., tuple[str, str]]


def audit_report(runner: Runner, args: Sequence[str | os.PathLike[str]], tmp_path: Path, code: int = 1) -> dict:
    """The JSON report of `dataaudit audit ARGS` run by `runner`, asserting its exit code (1 by
    default: the small files of tests fail the size gate)."""
    out = tmp_path / "report.json"
    runner(["audit", *args, "-f", "json", "-o", out], code)
    return json.loads(out.read_text(encoding="utf-8"))
