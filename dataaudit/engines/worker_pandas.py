"""Imported where `--jobs` workers start, before the profile code: the fork server, like the
command line, has pyarrow answer "no pandas" until something imports pandas
(`dataaudit.lazy_pandas`). Without it, the profile code's first Arrow constant makes pyarrow
import pandas into the fork server, and every worker forked from it carries pandas' 50 MiB and
the server's start pays its 0.3 CPU seconds, for a table audit that never uses it.
"""

from dataaudit.lazy_pandas import defer_pandas

defer_pandas()
