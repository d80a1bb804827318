"""One self-rewriting progress line on stderr for long local runs: rows, MB, rate, ETA.

It speaks only to a terminal: piped or redirected stderr, a CI job (`CI` set, as every CI
service sets it, also when it gives the job a terminal), `--quiet` and the Python API get
nothing. It appears once a run has lasted `delay` seconds, so short audits stay silent, and it
clears itself at the end, leaving the terminal as the report expects it. The audit's pass, each
pass of a clean and the label model's cross-validated fits all count on it (`label` says which
one runs, `unit` what it counts).
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from types import TracebackType
from typing import Any, TextIO, TypeVar

import pyarrow as pa

from dataaudit.io import Source

T = TypeVar("T", bound=tuple[pa.RecordBatch, int])
MIB = 1024 * 1024
#: seconds a run lasts before its line appears, and between two redraws
DELAY, EVERY = 1.0, 0.2


class ProgressLine:
    """`track` counts the rows of the chunks passing through (`batches` of batches, `advance` of
    anything else); `total_bytes`/`position` give MB and the ETA where the file's size and the
    reader's position are known, else `total_rows` (the total of `unit`s)."""

    def __init__(self, stream: TextIO | None, *, total_rows: int | None = None, total_bytes: int | None = None,
                 position: Callable[[], int | None] | None = None, delay: float | None = None,
                 every: float | None = None, clock: Callable[[], float] = time.monotonic, label: str = "",
                 unit: str = "rows") -> None:
        self.stream = stream if stream is not None and shows_progress(stream) else None
        self.total_rows, self.total_bytes, self.position = total_rows, total_bytes, position
        self.label, self.unit = label, unit
        self.delay = DELAY if delay is None else delay
        self.every = EVERY if every is None else every
        self.clock = clock
        self.rows = 0
        self.start = clock()
        self.shown_at: float | None = None
        self.width = 0

    @classmethod
    def for_source(cls, source: Source, stream: TextIO | None, **options: Any) -> ProgressLine:
        # a reader knows its position only once it reads, and only in an uncompressed file
        def position() -> int | None:
            return source.position() if source.position is not None else None

        return cls(stream, total_rows=source.info.get("rows"), total_bytes=source.info.get("bytes"),
                   position=position, **options)

    def track(self, chunks: Iterator[T]) -> Iterator[T]:
        for chunk in chunks:
            self.advance(chunk[0].num_rows)
            yield chunk

    def batches(self, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
        """`batches` passed on, counted; the line is wiped when they end or the reader stops."""
        with self:
            for batch in batches:
                self.advance(batch.num_rows)
                yield batch

    def advance(self, done: int) -> None:
        """`done` more rows (or `unit`s) are through."""
        self.rows += done
        self.update()

    def update(self) -> None:
        if self.stream is None:
            return
        now = self.clock()
        if now - self.start < self.delay or (self.shown_at is not None and now - self.shown_at < self.every):
            return
        self.shown_at = now
        self._write(self.text(now - self.start))

    def text(self, elapsed: float) -> str:
        parts = [f"dataaudit: {self.label}{self.rows:,} {self.unit}"]
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
            rate = self.rows / elapsed
            parts.append(f"{rate:,.0f} {self.unit}/s" if rate >= 10 else f"{rate:.2f} {self.unit}/s")
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


def shows_progress(stream: TextIO) -> bool:
    """Whether a progress line goes to `stream`: a terminal, outside CI."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        return False
    try:
        return stream.isatty()
    except (AttributeError, ValueError):  # no isatty, or a closed stream
        return False


def _clock_time(seconds: float) -> str:
    minutes, secs = divmod(round(seconds), 60)
    hours, minutes = divmod(minutes, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"
