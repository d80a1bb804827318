"""A file's first chunks parsed while the command that will read it is still loading its code.

Before an audit's first row is read, the command imports its checks, planner and rule models
for about half a second on one core, holding Python's lock, while the other core waits.
Parsing a CSV is the one part of the audit that needs no plan, and pyarrow's reader parses
without that lock: so the command line opens its input as the audit will, and a thread parses
the first chunks beside the imports. The audit's own `open_source` of the same file with the
same options takes that source (`taken`) and reads those chunks first, then the rest as it
would have; anything else, or the same file changed meanwhile, opens afresh as before.

Nothing here changes what is read: the source is the one `open_source` returns, its chunks
are those its first read yields, in order, and an error met while parsing ahead is raised
where the audit's read reaches it, with the same message.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Hashable, Iterator
from pathlib import Path

import pyarrow as pa

from dataaudit.io.source import Source

#: parse ahead at most this many chunks, or fewer once they hold this many bytes of Arrow data:
#: about what parsing does in the time the imports take, and what a pass holds at once anyway
AHEAD_CHUNKS = 4
AHEAD_BYTES = 48 << 20


class _Ahead:
    """The chunks of `source`'s first read, parsed on a thread of their own and handed on by
    that read. Not a daemon thread: one stopped at exit in the middle of pyarrow's parsing may
    abort the interpreter, so a command that ends before reading (a usage error) waits for these
    few chunks instead."""

    def __init__(self, source: Source) -> None:
        self.chunks: list[pa.RecordBatch] = []
        self.error: BaseException | None = None
        self.rest: Iterator[pa.RecordBatch] = source.read()
        self.ended = False
        self.thread = threading.Thread(target=self._parse, name="dataaudit-read-ahead")
        self.thread.start()

    def _parse(self) -> None:
        size = 0
        try:
            for chunk in self.rest:
                self.chunks.append(chunk)
                size += chunk.nbytes
                if len(self.chunks) >= AHEAD_CHUNKS or size >= AHEAD_BYTES:
                    return
            self.ended = True
        except BaseException as exc:  # raised again where the reading reaches it
            self.error = exc

    def handed_on(self) -> Iterator[pa.RecordBatch]:
        self.thread.join()
        chunks, self.chunks = self.chunks, []
        while chunks:
            yield chunks.pop(0)
        if self.error is not None:
            raise self.error
        if not self.ended:
            yield from self.rest


_begun: dict[Hashable, tuple[tuple[int, int, int], Source]] = {}


def begin(path: Path, options: Hashable, source: Source) -> None:
    """Parse `source`'s first chunks now; the next `taken(path, options)` returns it. One
    source at a time: a second begin replaces the first."""
    ahead = _Ahead(source)
    later = source.read
    pending = [ahead.handed_on]
    source.read = lambda: pending.pop()() if pending else later()
    _begun.clear()
    _begun[path, options] = (_identity(path), source)


def taken(path: Path, options: Hashable) -> Source | None:
    """The source begun for `path` with these `options`, once, if the file is still the one it
    opened (the same inode, size and modification time)."""
    begun = _begun.pop((path, options), None)
    if begun is None:
        return None
    identity, source = begun
    try:
        return source if _identity(path) == identity else None
    except OSError:
        return None


def _identity(path: Path) -> tuple[int, int, int]:
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns

