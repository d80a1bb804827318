"""Bridges to the tools a team already uses: pandera schemas, Great Expectations suites.

Each bridge imports its library only inside its own module, so the core audit and the
command line start without them; they are the optional extras `pandera` and `gx`.
"""

import warnings


def ignore_pyspark_pandas_warning() -> None:
    """pandera and GX load their Spark support when pyspark is installed (pandera lazily, at
    the first validation), and pyspark warns about pandas 3 then: noise on stderr that says
    nothing about the audit. The filter names that one message only."""
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support", category=FutureWarning)
