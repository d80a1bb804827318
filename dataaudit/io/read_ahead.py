"""A file's first chunks parsed while the command that will read it is still loading its code.

Before an audit's first row is read, the command imports its checks, planner and rule models
for about half a second on one core, holding Python's lock, while the other core waits.
Parsing a CSV is the one part of the audit that needs no plan, and pyarrow's reader parses
without that lock (but to record a malformed row it skips): so the command line opens its
input as the audit will, and a thread parses the first chunks beside the imports. The audit's
own `open_source` of the same file with the same options takes that source (`taken`) and
reads those chunks first, as they are parsed, then the rest as it would have; anything else,
or the same file changed meanwhile, opens afresh as before. A source no open took is stopped
after the chunk it is parsing (`discard`), so an error before the read waits for no more.

Nothing here changes what is read: the source is the one `open_source` returns, its chunks
are those its first read yields, in order, and an error met while parsing ahead is raised
where the audit's read reaches it, with the same message.
"""

from __future__ import annotations

import os
import queue
import threading
from collections.abc import Hashable, Iterator
from pathlib import Path

import pyarrow as pa

from dataaudit.io.source import Source

#: chunks parsed ahead at most: the two a pass holds at once anyway (the one profiled and the
#: next), so reading ahead adds none to its memory (they come from the pass's Arrow pool, which
#: the command chooses before it opens the file)
AHEAD_CHUNKS = 2
Identity = tuple[int, int, int]


class _After:
    """What follows the chunks parsed ahead: the rest of the read (`more`), its end, or the
    error that stopped it."""

    def __init__(self, more: bool, error: BaseException | None = None) -> None:
        self.more, self.error = more, error


class _Ahead:
    """The first chunks of `source`'s read, parsed on a thread of their own and handed on by
    the read that takes them, each as soon as it is parsed."""

    def __init__(self, source: Source) -> None:
        self.ready: queue.SimpleQueue[pa.RecordBatch | _After] = queue.SimpleQueue()
        self.rest: Iterator[pa.RecordBatch] = source.read()
        self.stop = threading.Event()  # closed early: the chunk being parsed is the last
        self.thread = threading.Thread(target=self._parse, name="dataaudit-read-ahead")
        self.thread.start()

    def _parse(self) -> None:
        try:
            for count, chunk in enumerate(self.rest, start=1):
                self.ready.put(chunk)
                if count == AHEAD_CHUNKS or self.stop.is_set():
                    self.ready.put(_After(more=True))
                    return
            self.ready.put(_After(more=False))
        except BaseException as exc:  # raised again where the reading reaches it
            self.ready.put(_After(more=False, error=exc))

    def handed_on(self) -> Iterator[pa.RecordBatch]:
        try:
            while not isinstance(item := self.ready.get(), _After):
                yield item
            self.thread.join()
            if item.error is not None:
                raise item.error
            if item.more:
                yield from self.rest
        finally:
            self.close()

    def close(self) -> None:
        """Stop the thread after the chunk it is parsing and wait for it, then close the reader
        while the interpreter is whole: a reader of a compressed file left parked until exit
        waits there forever for its Python callback."""
        if threading.current_thread() is self.thread:
            return
        self.stop.set()
        self.thread.join()
        self.rest.close()  # type: ignore[attr-defined]
        self.ready = queue.SimpleQueue()  # chunks no read took: a source is freed by the collector, if ever


_begun: dict[Hashable, tuple[Identity, Source, _Ahead]] = {}


def identity(path: Path) -> Identity:
    """What tells a file changed: its inode, size and modification time."""
    stat = os.stat(path)
    return stat.st_ino, stat.st_size, stat.st_mtime_ns


def begin(path: Path, options: Hashable, source: Source, opened: Identity) -> None:
    """Parse `source`'s first chunks now; the next `taken(path, options)` returns it while the
    file is still as `opened` found it. One source at a time: an earlier one is discarded."""
    discard()
    ahead = _Ahead(source)
    later = source.read
    pending = [ahead.handed_on]
    source.read = lambda: pending.pop()() if pending else later()
    _begun[path, options] = (opened, source, ahead)


def taken(path: Path, options: Hashable) -> Source | None:
    """The source begun for `path` with these `options`, once, if the file is unchanged."""
    begun = _begun.pop((path, options), None)
    if begun is None:
        return None
    opened, source, ahead = begun
    try:
        if identity(path) == opened:
            return source
    except OSError:
        pass
    ahead.close()
    return None


def discard() -> None:
    """Drop a begun source no open took, its thread finished and its reader closed."""
    for _, _, ahead in _begun.values():
        ahead.close()
    _begun.clear()
