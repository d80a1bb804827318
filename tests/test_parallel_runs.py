"""What lets `make test` spread the suite over pytest-xdist workers (tests/conftest.py): a worker
survives importing pyspark's Spark Connect, and the tests sharing a module- or session-scoped
fixture form one `xdist_group`, which `--dist loadgroup` runs on one worker."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

ROOT = Path(__file__).resolve().parents[1]

SHARING = """
import pytest

@pytest.fixture(scope="module")
def generated():
    return "a file made once"

@pytest.fixture(scope="session")
def session():
    return "a session started once"

def test_module_only(generated): pass
def test_both(generated, session): pass
def test_session_only(session): pass
def test_alone(tmp_path): pass
"""


@pytest.mark.slow
def test_a_main_module_without_a_file_survives_importing_great_expectations() -> None:
    """`python -c` has the `__main__` of an execnet worker: no `__spec__`, no `__file__`."""
    code = "import tests.conftest, great_expectations; print('still running')"
    done = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300,
                          check=False)
    assert (done.returncode, done.stdout.strip()) == (0, "still running"), done.stderr[-2000:]


def test_tests_sharing_a_fixture_directly_or_through_another_form_one_group(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(test_sharing=SHARING)
    items, _ = pytester.inline_genitems("-p", "tests.conftest", "-p", "no:randomly")
    groups = {item.name: [mark.args[0] for mark in item.iter_markers("xdist_group")] for item in items}
    assert groups["test_alone"] == []
    (group,) = groups["test_module_only"]
    assert groups["test_both"] == groups["test_session_only"] == [group]
