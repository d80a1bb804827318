"""One self-rewriting progress line on stderr for long local runs: rows, MB, rate, ETA.

It speaks only to a terminal: piped or redirected stderr (CI logs), `--quiet` and the Python
API get nothing. It appears once a run has lasted `delay` seconds, so short audits stay silent,
and it clears itself at the end, leaving the terminal as the report expects it.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import TextIO, TypeVar

import pyarrow as pa

from dataaudit.io import Source

T = TypeVar("T", bound=tuple[pa.RecordBatch, int])
MIB = 1024 * 1024


class ProgressLine:
    """`track` counts the rows of the chunks passing through; `total_bytes`/`position` give MB
    and the ETA where the file's size and the reader's position are known, else `total_rows`."""

    def __init__(self, stream: TextIO | None, *, total_rows: int | None = None, total_bytes: int | None = None,
                 position: Callable[[], int | None] | None = None, delay: float = 1.0, every: float = 0.2,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.stream = stream if stream is not None and _is_terminal(stream) else None
        self.total_rows, self.total_bytes, self.position = total_rows, total_bytes, position
        self.delay, self.every, self.clock = delay, every, clock
        self.rows = 0
        self.start = clock()
        self.shown_at: float | None = None
        self.width = 0

    @classmethod
    def for_source(cls, source: Source, stream: TextIO | None, **options: float) -> ProgressLine:
        # a reader knows its position only once it reads, and only in an uncompressed file
        def position() -> int | None:
            return source.position() if source.position is not None else None

        return cls(stream, total_rows=source.info.get("rows"), total_bytes=source.info.get("bytes"),
                   position=position, **options)

    def track(self, chunks: Iterator[T]) -> Iterator[T]:
        for chunk in chunks:
            self.rows += chunk[0].num_rows
            self.update()
            yield chunk

    def update(self) -> None:
        if self.stream is None:
            return
        now = self.clock()
        if now - self.start < self.delay or (self.shown_at is not None and now - self.shown_at < self.every):
            return
        self.shown_at = now
        self._write(self.text(now - self.start))

    def text(self, elapsed: float) -> str:
        parts = [f"dataaudit: {self.rows:,} rows"]
        done = total = None
        position = self.position() if self.position is not None else None
        if self.total_bytes and position is not None:
            read = min(position, self.total_bytes)
            parts.append(f"{read / MIB:,.1f}/{self.total_bytes / MIB:,.1f} MB")
            done, total = read, self.total_bytes
        elif self.total_rows:
            parts[0] += f" of {self.total_rows:,}"
            done, total = self.rows, self.total_rows
        if elapsed > 0:
            parts.append(f"{self.rows / elapsed:,.0f} rows/s")
        if done and total and elapsed > 0:
            parts.append(f"{100 * done / total:.0f}%, ETA {_clock_time(elapsed * (total - done) / done)}")
        return "  ".join(parts)

    def _write(self, text: str) -> None:
        assert self.stream is not None
        self.stream.write("\r" + text.ljust(self.width))
        self.stream.flush()
        self.width = len(text)

    def __enter__(self) -> ProgressLine:
        return self

    def __exit__(self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None) -> None:
        if self.stream is not None and self.shown_at is not None:
            self.stream.write("\r" + " " * self.width + "\r")
            self.stream.flush()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _clock_time(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
