"""A UTF-8 text file's bytes checked on the cluster before Spark reads it.

Spark's CSV and text readers decode a byte that is no UTF-8 as U+FFFD without a word, so a
Spark audit of such a file passed and a Spark clean wrote the replacement characters into its
output: a value nobody asked to change. The local reader stops at the line instead. Spark's
text reader keeps each line's bytes as read, which `is_valid_utf8` checks in the executors;
only when a line fails is the file read again, on the driver, to name the line and the byte as
the local reader does (the error path alone, as there).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from dataaudit.errors import InputError
from dataaudit.io.decoding import encoding_hint
from dataaudit.io.locate import undecodable


def refuse_invalid_utf8(spark: Any, path: str, local: Path | None) -> None:
    """Raise the local reader's error when a line of the text file at `path` is no UTF-8;
    `local`: the file on the driver's disk, read again to name the line (else the file alone)."""
    from pyspark.sql import functions as F

    lines = spark.read.text(path)
    if lines.where(~F.is_valid_utf8("value")).limit(1).count() == 0:
        return
    if local is not None:
        raise undecodable(local, path, None)
    raise InputError(f"{path}: not valid UTF-8 text; {encoding_hint(None)}")
