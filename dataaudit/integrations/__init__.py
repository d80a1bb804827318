"""Bridges to the tools a team already uses: pandera schemas, Great Expectations suites.

Each bridge imports its library only inside its own module, so the core audit and the
command line start without them; they are the optional extras `pandera` and `gx`.
"""

import contextlib
import warnings
from collections.abc import Iterator


@contextlib.contextmanager
def without_pyspark_pandas_warning() -> Iterator[None]:
    """pandera and GX load their Spark support when pyspark is installed, and pyspark warns
    about pandas 3 on import: noise on stderr that says nothing about the audit."""
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
        yield
