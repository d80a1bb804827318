"""The garbage collector while the `dataaudit` program loads its code: paused, then the loaded
objects frozen.

Importing an audit's modules (numpy, pyarrow, pydantic's rule models, the checks, the report)
makes a few hundred thousand objects that live as long as the process. The collector, which
runs after every few hundred new objects, scans them again and again while they are made:
about a tenth of a small audit's CPU, none of it freeing anything. So the program pauses it
while modules load and resumes it once they are loaded, with everything made so far moved out
of its sight (`gc.freeze`); the data's own objects are collected as before. Only the program
(`main`) pauses it: a process running the click command in-process, or the Python API, keeps
its collector as it is.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_program = False  # `main` started this process as the program, and its command has yet to load its code
_paused = False


def pause_collection() -> None:
    """Stop collecting until `resume_collection`: the program's start, before its options are
    read (reading some imports pyarrow or the rule models)."""
    global _program
    _program = True
    _stop()


def resume_collection() -> None:
    """Collect again, leaving out the objects that exist now; only after a pause, once."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()


def end_program() -> None:
    """The program's command has ended, however it ended: collect again, and pause no more in
    this process (a caller that ran `main` in-process, a test, then runs the click command with
    its collector as it is)."""
    global _program
    _program = False
    resume_collection()


def _stop() -> None:
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


@contextmanager
def unscanned() -> Iterator[None]:
    """The collector paused while the command line's own modules load (click, every command and
    its options), then running again, its objects not frozen: whoever imports the command line
    keeps the collector it had. Those objects live as long as the process, and the collector,
    which ran a few dozen times while they were made, found nothing to free. What it tracks is
    moved to its oldest generation, where the survivors of two collections go, without a scan
    (`gc.freeze`, then `gc.unfreeze`, when nothing was frozen before): resumed with them young,
    it scanned them all at the next allocation. The program (`main`) pauses it again at once,
    and freezes them with its command's."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:  # objects another caller froze stay frozen
            gc.freeze()
            gc.unfreeze()  # into the oldest generation
        gc.enable()


@contextmanager
def loading() -> Iterator[None]:
    """The collector paused for the imports in the block, in the program and the first time
    only: later, as for the second of several files, the modules are loaded already, and
    freezing would keep for good the garbage the first file left."""
    global _program
    if not _program:
        yield
        return
    _program = False
    _stop()
    try:
        yield
    finally:
        resume_collection()
