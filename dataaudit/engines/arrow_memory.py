"""The Arrow allocator of a streamed pass: one that gives a profiled chunk's memory back.

A chunk's buffers are freed as soon as it is profiled, but pyarrow's default allocator
(mimalloc) keeps freed pages for reuse, so a pass's resident memory is the most its chunks ever
held at once plus what the allocator kept of earlier ones. jemalloc with a decay of zero returns
pages to the system as they are freed: on the generated 1M-row CSV the audit's peak RSS fell by
about 85 MiB (a quarter), for about 0.4 s more system time (docs/speed.md). A pool the user chose
(`ARROW_DEFAULT_MEMORY_POOL`, or another than mimalloc set by `pyarrow.set_memory_pool`) is left
as it is, and so is mimalloc where pyarrow was built without jemalloc.
"""

from __future__ import annotations

import os

import pyarrow as pa

CHOSEN_BY_USER = "ARROW_DEFAULT_MEMORY_POOL"


def return_freed_memory() -> None:
    """Make jemalloc, releasing freed pages at once, pyarrow's default pool for this process in
    place of mimalloc (once: it is then no longer mimalloc)."""
    if os.environ.get(CHOSEN_BY_USER) or pa.default_memory_pool().backend_name != "mimalloc":
        return
    try:
        pool = pa.jemalloc_memory_pool()
    except NotImplementedError:  # a pyarrow built without jemalloc
        return
    pa.jemalloc_set_decay_ms(0)  # applies to the arenas made after it: before the first allocation
    pa.set_memory_pool(pool)
