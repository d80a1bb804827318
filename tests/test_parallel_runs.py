"""What lets `make test` spread the suite over pytest-xdist workers (tests/conftest.py): a worker
survives importing pyspark's Spark Connect."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.slow
def test_a_main_module_without_a_file_survives_importing_great_expectations() -> None:
    """`python -c` has the `__main__` of an execnet worker: no `__spec__`, no `__file__`."""
    code = "import tests.conftest, great_expectations; print('still running')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "still running"), done.stderr[-2000:]

