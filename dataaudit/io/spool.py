"""Inputs that can be read only once: standard input (`-`), a FIFO, a process substitution
(`<(...)`, a pipe under /dev/fd).

An audit reads its input more than once (a sample to detect the format, the header, the pass,
the digest; `clean` reads it again to write), and a second open of a pipe waits forever for a
writer that has gone. Such an input is copied once to a temporary file that every later
read uses; the copy is removed when the command ends (or the process), also after an error.
"""

from __future__ import annotations

import atexit
import contextlib
import functools
import hashlib
import shutil
import stat
import sys
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

from dataaudit.io.access import checked_stat, read_failure

STDIN = "-"
STDIN_NAME = "<stdin>"
BLOCK_BYTES = 1 << 20
MAGIC = {b"\x1f\x8b": ".gz", b"BZh": ".bz2", b"\x28\xb5\x2f\xfd": ".zst"}


@dataclass(frozen=True)
class Spooled:
    """The temporary copy of a read-once input, and the SHA-256 of its bytes taken on the way."""

    path: Path
    sha256: str


_copies: dict[str, Spooled] = {}
_folder: list[Path] = []


def display_name(data: str | Path) -> str:
    """How reports and errors name an input: `<stdin>` for `-`, else the path as given."""
    return STDIN_NAME if str(data) == STDIN else str(data)


def named(path: str | Path) -> str:
    """How errors name `path`, which may be the copy of an input read once (or of an object-store
    file): as the input was given (`<stdin>`, the pipe, the URI), never as the temporary copy,
    which the user did not name and which is gone when the message is read."""
    key = next((key for key, copy in _copies.items() if copy.path == Path(path)), None)
    return display_name(key) if key is not None else str(path)


def local_copy(data: str | Path) -> Spooled | None:
    """The spooled copy of a read-once input (made on first use, shared by later reads in this
    process), or None for a regular file, which is read where it is."""
    key = str(data)
    if key in _copies:
        return _copies[key]
    if key != STDIN and stat.S_ISREG(checked_stat(Path(key)).st_mode):
        return None
    opener = functools.partial(contextlib.nullcontext, sys.stdin.buffer) if key == STDIN \
        else functools.partial(open, key, "rb")
    _copies[key] = copy = _spool(key, opener)
    return copy


def read_once(data: str | Path) -> bool:
    """Whether `data` names standard input or an existing input that is neither a regular file
    nor a folder (a pipe, a process substitution)."""
    path = Path(data)
    return str(data) == STDIN or (path.exists() and not path.is_file() and not path.is_dir())


def readable_path(data: str | Path) -> Path:
    """Where `data` can be read as often as needed: the file itself, the copy of a read-once
    input, or that of an object-store file, made when it was first read (`remote_copy`)."""
    copy = _copies.get(str(data)) or (local_copy(data) if read_once(data) else None)
    return copy.path if copy is not None else Path(data)


def remote_copy(uri: str, opener: Callable[[], contextlib.AbstractContextManager[BinaryIO]]) -> Spooled:
    """The local copy of an object-store file, downloaded once: the text readers read a file
    several times (its sample, header, the pass, a bad line's number)."""
    if uri not in _copies:
        _copies[uri] = _spool(uri, opener)
    return _copies[uri]


def remove_copies() -> None:
    """Delete every spooled copy: each CLI command calls it when it ends, and a Python caller's
    copies go when the process exits."""
    _copies.clear()
    while _folder:
        shutil.rmtree(_folder.pop(), ignore_errors=True)


atexit.register(remove_copies)


def _spool(key: str, opener: Callable[[], contextlib.AbstractContextManager[BinaryIO]]) -> Spooled:
    if not _folder:
        _folder.append(Path(tempfile.mkdtemp(prefix="dataaudit-input-")))
    # the copy keeps the name's suffixes, which say the format and the compression
    suffixes = "".join(Path(key).suffixes) if key != STDIN else ""
    target = _folder[0] / f"input-{len(_copies)}{suffixes}"
    digest = hashlib.sha256()
    head = b""
    try:
        with opener() as source, open(target, "wb") as out:
            while block := source.read(BLOCK_BYTES):
                head = head or block[:4]
                digest.update(block)
                out.write(block)
    except OSError as exc:
        raise read_failure(display_name(key), exc) from None
    # `gzip -c data.csv | dataaudit audit -`: a name without a suffix, so the bytes say the compression
    compression = next((suffix for magic, suffix in MAGIC.items() if head.startswith(magic)), None)
    if compression is not None and not suffixes.endswith(compression):
        target = target.rename(target.with_name(target.name + compression))
    return Spooled(target, digest.hexdigest())
