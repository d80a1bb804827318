"""Why a path cannot be read, said in one line: the operating system's reason, or a
compressed stream that ends early, instead of "no such file" for every failure."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from dataaudit.errors import InputError

REASONS = {
    errno.ENOENT: "no such file",
    errno.ELOOP: "too many levels of symbolic links",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
    errno.ENOTDIR: "no such file (a part of the path is not a folder)",
    errno.ENAMETOOLONG: "the file name is too long",
}


def checked_stat(path: Path) -> os.stat_result:
    """The path's status, or an `InputError` saying why it cannot be opened as a data file."""
    try:
        status = path.stat()
    except OSError as exc:
        raise InputError(f"{path}: {REASONS.get(exc.errno or 0, exc.strerror or str(exc))}") from None
    if stat.S_ISDIR(status.st_mode):
        raise InputError(f"{path}: is a directory, not a data file")
    if not os.access(path, os.R_OK):
        raise InputError(f"{path}: permission denied")
    return status


def read_failure(path: Path | str, exc: OSError) -> InputError:
    """An error met while reading: a compressed stream that is cut short or corrupt is named as
    such (pyarrow and the codecs say "Truncated compressed stream", "invalid block type"...)."""
    if exc.errno in REASONS:
        return InputError(f"{path}: {REASONS[exc.errno]}")
    message = (exc.strerror or str(exc) or type(exc).__name__).splitlines()[0][:200]
    if str(path).lower().endswith((".gz", ".bz2", ".zst", ".lz4")) or "compress" in message.lower():
        return InputError(f"{path}: the compressed file is truncated or corrupt ({message})")
    return InputError(f"{path}: cannot read: {message}")
