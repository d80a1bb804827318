"""The program pauses the garbage collector while it loads its code, and always gives it back."""

from __future__ import annotations

import gc
import subprocess
import sys
from collections.abc import Iterator

import pytest

from dataaudit.cli import collector, main


@pytest.fixture
def program(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """A process in which `main` may run: the collector's state put back after the test."""
    monkeypatch.setattr(collector, "_program", False)
    monkeypatch.setattr(collector, "_paused", False)
    frozen = gc.get_freeze_count()
    yield
    gc.enable()
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()


@pytest.mark.usefixtures("program")
def test_a_command_runs_with_the_collector_on_and_leaves_it_on(monkeypatch: pytest.MonkeyPatch,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    seen = []
    monkeypatch.setattr("dataaudit.rules.load.shipped", lambda: seen.append(gc.isenabled()) or {})
    monkeypatch.setattr(sys, "argv", ["dataaudit", "rules", "list"])
    main()
    assert seen == [True]
    assert gc.isenabled()
    capsys.readouterr()


@pytest.mark.usefixtures("program")
def test_a_command_that_loads_nothing_leaves_no_pause_for_a_later_one(monkeypatch: pytest.MonkeyPatch,
                                                                      capsys: pytest.CaptureFixture[str]) -> None:
    """`rules list` never reaches a command's loading: the click command run in-process after it
    must find its collector as it is, not paused and its objects frozen."""
    monkeypatch.setattr(sys, "argv", ["dataaudit", "rules", "list"])
    main()
    capsys.readouterr()
    frozen = gc.get_freeze_count()
    with collector.loading():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen


@pytest.mark.usefixtures("program")
def test_help_leaves_the_collector_on(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setattr(sys, "argv", ["dataaudit", "--help"])
    main()
    assert "Usage" in capsys.readouterr().out
    assert gc.isenabled()


@pytest.mark.usefixtures("program")
def test_the_first_load_is_paused_and_frozen_the_next_untouched() -> None:
    frozen = gc.get_freeze_count()
    collector.pause_collection()
    collector.resume_collection()
    assert gc.isenabled()
    assert gc.get_freeze_count() > frozen
    with collector.loading():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() >= frozen + len(made)
    after = gc.get_freeze_count()
    with collector.loading():
        assert gc.isenabled()
    assert gc.get_freeze_count() == after


def test_outside_the_program_loading_touches_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(collector, "_program", False)
    frozen = gc.get_freeze_count()
    with collector.loading():
        assert gc.isenabled()
    assert gc.get_freeze_count() == frozen



def test_loading_the_command_line_leaves_the_collector_on_and_nothing_frozen() -> None:
    """A process that imports the command line, as a test or a program embedding it does, finds
    its collector on, nothing frozen, and garbage made afterwards collected."""
    script = ("import gc, weakref\n"
              "from dataaudit.cli import main\n"
              "class Node: pass\n"
              "a, b = Node(), Node(); a.b, b.a = b, a; gone = weakref.ref(a); del a, b\n"
              "gc.collect()\n"
              "print(gc.isenabled(), gc.get_freeze_count(), gone() is None)\n")
    out = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=120)
    assert out.stdout.split() == ["True", "0", "True"]


def test_unscanned_moves_what_loads_to_the_oldest_generation_unfrozen() -> None:
    gc.collect()
    with collector.unscanned():
        assert not gc.isenabled()
        made = [[] for _ in range(1000)]
    assert gc.isenabled()
    assert gc.get_freeze_count() == 0
    assert gc.get_count()[0] < len(made)  # not left young, to be scanned at the next allocation
    assert any(x is made for x in gc.get_objects(generation=2))


def test_unscanned_leaves_a_paused_collector_and_frozen_objects_as_they_are() -> None:
    gc.freeze()
    try:
        frozen = gc.get_freeze_count()
        with collector.unscanned():
            made = [[] for _ in range(100)]
        assert gc.get_freeze_count() == frozen
        gc.disable()
        with collector.unscanned():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()
        gc.unfreeze()
    assert made
