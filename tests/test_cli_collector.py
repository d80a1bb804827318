"""The program pauses the garbage collector while it loads its code, and always gives it back."""

from __future__ import annotations

import gc
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

