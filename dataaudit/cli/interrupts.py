"""SIGTERM (a cancelled CI job, `kill`, a container stopping) stops a command as Ctrl-C does.

Python turns SIGINT into `KeyboardInterrupt`, which unwinds through every writer's abort path;
SIGTERM would end the process on the spot and leave its temporary files behind. For the
duration of a command SIGTERM raises `KeyboardInterrupt` too, so both end the same way: the
temporaries removed, one line, exit 130.
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType


@contextmanager
def terminate_as_interrupt() -> Iterator[None]:
    """SIGTERM raises `KeyboardInterrupt` in the block (signals reach only the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGTERM, _interrupt)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, previous)


def _interrupt(_signum: int, _frame: FrameType | None) -> None:
    # once is enough: a second SIGTERM must not break off the clean-up the first one started
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt
