"""Process-wide settings changed only for the span of one call, then put back.

dataaudit runs inside other programs (a notebook, a training script, a test suite): an audit
must leave their warning filters and environment as it found them. Each helper here changes one
thing inside a `with` block; nothing in the package sets a global filter or variable for good.
"""

from __future__ import annotations

import os
import warnings
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def quiet_pyspark_pandas_warning() -> Iterator[None]:
    """pyspark warns about pandas 3 when it is imported (by the Spark engine, and by pandera and
    GX, which load their Spark support when pyspark is installed): noise on stderr that says
    nothing about the audit. The filter names that one message only."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        yield


@contextmanager
def environ_default(name: str, value: str) -> Iterator[None]:
    """`name` set to `value` in the block unless the environment sets it already; afterwards
    the environment is as it was. For libraries that read a variable once, as they start."""
    if name in os.environ:
        yield
        return
    os.environ[name] = value
    try:
        yield
    finally:
        os.environ.pop(name, None)
