"""Every file dataaudit writes goes through here, so that every command keeps the same promises.

- An input is never a destination: the same file by device and inode, so a symlink or a hard
  link to the input is refused as the input itself is; nor is a file inside an input folder.
- Every destination is checked before any data is read (its folder exists and takes a new
  file, it is not a folder, not an input, not named twice), so a bad path costs no run and
  leaves nothing behind.
- A file is written to a hidden temporary beside it (`.NAME.xxxx.part`), flushed to disk and
  renamed over the destination (`os.replace`, atomic within a file system), then the folder is
  flushed: a reader sees the old file or the complete new one, never a torn one.
- The files of one run (a clean's data, quarantine, manifest, fitted state and report; the
  formats of one report) are all complete before the first is renamed: a failure before the
  renames leaves nothing new visible.
- A temporary never outlives its run: it is removed on any error, and the ones an interruption
  left are tracked and removed before the command exits (`remove_temporaries`).
- A failed write (a full disk, a quota, a vanished folder) is an `OutputError`: one line naming
  the file the user gave and the reason.
- A file opened with a codec (a cleaned `out.csv.gz`) is compressed on its way to the
  temporary, and its digest is of the bytes the file holds, compressed, as `sha256sum` sees them.

A destination that exists and is not a regular file (`/dev/stdout`, a pipe) is written in place:
there is no old content to keep, and renaming over a device would replace it.
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import io
import os
import re
import signal
import stat
import tempfile
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from dataaudit.compression import compressing, compression_of
from dataaudit.errors import OutputError
from dataaudit.jsontext import dumps

TEMPORARY_SUFFIX = ".part"
#: temporaries created and neither renamed nor removed yet (what an interruption may leave)
_temporaries: set[Path] = set()

PathLike = str | os.PathLike[str]
#: `s3://bucket/key`, also as a `Path` leaves it (`s3:/bucket/key`); one letter is a Windows drive
OBJECT_STORE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]+:/(?=[^/])")


def check_destinations(destinations: Iterable[PathLike | None], inputs: Iterable[object] = (), *,
                       tools: Iterable[object] = (), overwrite: bool = True, force_option: str = "--force") -> None:
    """Refuse, before anything is read or written, a destination that cannot or must not be
    written. `None` and "-" (stdout) are skipped; `inputs` are whatever the run reads (what is
    not the path of a file, a shipped rule pack's name or a DataFrame, is skipped);
    `tools` are inputs that are no data (a tokenizer's folder): none of their files is
    overwritten either, but a new file may go into their folder; `overwrite=False` also
    refuses an existing file (`clean` without --force), naming `force_option`, the caller's way
    to allow it."""
    named = [Path(d) for d in destinations if d is not None and str(d) != "-"]
    for path in named:
        if OBJECT_STORE.match(str(path)):
            uri = OBJECT_STORE.sub(lambda m: m.group(0) + "/", str(path), count=1)  # the slash a Path dropped
            raise OutputError(f"{uri}: writing to an object store is not supported; write a local file and upload "
                              "it")
    data = [Path(i) for i in inputs if isinstance(i, (str, os.PathLike)) and str(i) != "-"]
    sources = [(path, _identity(path)) for path in
               [*data, *(Path(t) for t in tools if isinstance(t, (str, os.PathLike)))]]
    seen: dict[object, Path] = {}
    for path in named:
        identity = _identity(path)
        for source, source_identity in sources:
            if identity is not None and identity == source_identity:
                same = "" if str(source) == str(path) else f" ({source})"
                raise OutputError(f"{path}: refusing to overwrite the input{same}; write elsewhere")
            if _inside(path, source) and source in data:
                raise OutputError(f"{path}: inside the input folder {source}; write elsewhere")
            if _inside(path, source) and os.path.lexists(path):
                raise OutputError(f"{path}: a file of the input folder {source}; write elsewhere")
        for key in {Path(os.path.realpath(path)), identity} - {None}:
            if key in seen:
                also = "" if str(seen[key]) == str(path) else f" (also as {seen[key]})"
                raise OutputError(f"{path}: named for two outputs{also}; the paths of outputs must all differ")
            seen[key] = path
        _check_writable(path, identity is not None, overwrite, force_option)


def _identity(path: Path) -> tuple[int, int] | None:
    """Device and inode of the file a path leads to (through symlinks), None when there is none."""
    try:
        found = os.stat(path)
    except OSError:
        return None
    return found.st_dev, found.st_ino


def _inside(path: Path, source: Path) -> bool:
    """Whether `path` lies in the folder `source`, at any depth, through links: every file of a
    folder read as one dataset (Parquet parts) is input, so a file written there adds to it."""
    return source.is_dir() and Path(os.path.realpath(path)).is_relative_to(os.path.realpath(source))


def _in_place(path: Path) -> bool:
    """A destination that exists and is no regular file (`/dev/stdout`, a pipe) is written in place."""
    try:
        return not stat.S_ISREG(os.stat(path).st_mode)
    except OSError:
        return False


def _check_writable(path: Path, exists: bool, overwrite: bool, force_option: str) -> None:
    if path.is_dir():
        raise OutputError(f"{path}: is a directory")
    if exists and not overwrite:
        raise OutputError(f"{path}: already exists; pass {force_option} to overwrite it")
    if _in_place(path):
        if not os.access(path, os.W_OK):
            raise OutputError(f"{path}: cannot write: permission denied")
        return
    folder = Path(os.path.realpath(path)).parent
    if not folder.is_dir():
        # the folder as the user spelt it, unless `path` is a link into another one
        named = str(path.parent) if Path(os.path.realpath(path.parent)) == folder else str(folder)
        if folder.exists():
            raise OutputError(f"{path}: {named!r} is a file, not a folder")
        raise OutputError(f"{path}: no such folder {named!r}")
    try:  # the one sure test that the folder takes a new file: make one (root ignores modes, not read-only mounts)
        fd, probe = tempfile.mkstemp(dir=folder, prefix=f".{path.name}.", suffix=TEMPORARY_SUFFIX)
    except OSError as exc:
        raise OutputError(f"{path}: cannot write in {str(folder)!r}: {_reason(exc)}") from None
    os.close(fd)
    os.unlink(probe)


class AtomicFile:
    """A temporary beside `path` that becomes `path` on `commit`, or vanishes on `abort`.

    `handle` takes the bytes, compressed on their way with `compression` (a codec of
    `dataaudit.compression`) when one is given; `sha256` is the digest of the bytes the file
    holds, known once `finish` has ended it. `finish` makes them durable, `rename` puts them in
    place (the two steps of `commit`, apart so that a run can finish all its files before
    renaming any).
    """

    def __init__(self, path: PathLike, compression: str | None = None) -> None:
        self.path = Path(path)
        self.target = self.path if _in_place(self.path) else Path(os.path.realpath(self.path))  # a link stays one
        self.temp: Path | None = None
        self.finished = self.renamed = False
        try:
            if _in_place(self.path):
                raw = _raw_file(os.open(self.path, os.O_WRONLY | os.O_TRUNC))
            else:
                fd, temp = tempfile.mkstemp(dir=self.target.parent, prefix=f".{self.target.name}.",
                                            suffix=TEMPORARY_SUFFIX)
                self.temp = Path(temp)
                _temporaries.add(self.temp)
                raw = _raw_file(fd)
        except OSError as exc:
            raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None
        self.disk = _NamedErrors(raw, self.path)
        self.handle: Any = self.disk if compression is None else compressing(self.disk, compression)

    @property
    def sha256(self) -> str:
        return self.disk.digest.hexdigest()

    @property
    def content(self) -> Path:
        """Where the bytes are now: the temporary until the rename, then the destination."""
        return self.temp if self.temp is not None and not self.renamed else self.target

    def finish(self) -> None:
        """End the compressed stream if any, flush and sync the bytes and close the file; idempotent."""
        if self.finished:
            return
        if self.handle is not self.disk:
            self.handle.close()
        self.disk.flush()
        if self.temp is not None:
            with _naming(self.path):
                os.fsync(self.disk.fileno())
        self.disk.close()
        self.finished = True

    def rename(self) -> None:
        if self.temp is None or self.renamed:
            return
        with _naming(self.path):
            # mkstemp makes the file private (0600); the result gets the mode any new file would
            os.chmod(self.temp, 0o666 & ~current_umask())
            os.replace(self.temp, self.target)
            _sync_folder(self.target.parent)
        self.renamed = True
        _temporaries.discard(self.temp)

    def abort(self) -> None:
        """Close and remove the temporary; safe to call at any point, and again."""
        for handle in dict.fromkeys((self.handle, self.disk)):
            with contextlib.suppress(Exception):
                handle.close()
        if self.temp is not None and not self.renamed:
            with contextlib.suppress(FileNotFoundError):
                self.temp.unlink()
            _temporaries.discard(self.temp)


class Outputs:
    """The files of one run: each written to its temporary, all renamed once all are complete."""

    def __init__(self) -> None:
        self.files: list[AtomicFile] = []

    def open(self, path: PathLike, compression: str | None = None) -> AtomicFile:
        file = AtomicFile(path, compression)
        self.files.append(file)
        return file

    def text(self, path: PathLike, text: str) -> AtomicFile:
        """A text file (a report, a comparison, a manifest, a fitted state, an exported schema),
        compressed when its name says so (`report.json.gz`): dataaudit reads each back by the
        same rule (`compression.read_bytes`), so a name never holds bytes it does not promise."""
        file = self.open(path, compression_of(path))
        file.handle.write(text.encode("utf-8"))
        file.finish()
        return file

    def json(self, path: PathLike, data: dict[str, Any]) -> AtomicFile:
        """A manifest or state file: indented, UTF-8, strict JSON (a number that is not finite as
        null), anything else (paths, numbers) as its text."""
        return self.text(path, dumps(data, indent=1, default=str) + "\n")

    def commit(self) -> None:
        """Finish every file, then rename them in the order they were opened; an interruption
        that arrives during the renames waits until they are done, so that it cannot leave some
        files new and others old."""
        try:
            for file in self.files:
                file.finish()
            with interruptions_held():
                for file in self.files:
                    file.rename()
        except BaseException:
            self.abort()
            raise

    def abort(self) -> None:
        for file in self.files:
            file.abort()


@contextmanager
def all_or_nothing() -> Iterator[Outputs]:
    """Files opened in the block are renamed into place when it ends, removed if it raises."""
    outputs = Outputs()
    try:
        yield outputs
    except BaseException:
        outputs.abort()
        raise
    outputs.commit()


def write_text(path: PathLike, text: str) -> None:
    with all_or_nothing() as outputs:
        outputs.text(path, text)


def write_json(path: PathLike, data: dict[str, Any]) -> None:
    with all_or_nothing() as outputs:
        outputs.json(path, data)


def append_text(path: PathLike, text: str) -> None:
    """Add to the end of a file others write too (a CI job summary): an append, not a rewrite."""
    try:
        with open(path, "a", encoding="utf-8") as handle:
            handle.write(text)
    except OSError as exc:
        raise OutputError(f"{path}: cannot append: {_reason(exc)}") from None


def remove_temporaries() -> None:
    """Remove the temporaries an interrupted run left (their writers' abort paths did not run)."""
    for temp in list(_temporaries):
        with contextlib.suppress(OSError):
            temp.unlink()
        _temporaries.discard(temp)


@contextmanager
def interruptions_held() -> Iterator[None]:
    """SIGINT and SIGTERM received in the block are raised again when it ends (by the handlers
    that were in place, so an ignored signal stays ignored)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    held: list[int] = []
    signals = (signal.SIGINT, signal.SIGTERM)
    previous = {signum: signal.signal(signum, lambda signum, _frame: held.append(signum)) for signum in signals}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
        for signum in dict.fromkeys(held):
            signal.raise_signal(signum)


def _raw_file(fd: int) -> io.RawIOBase:
    """Where a file's bytes go: the operating system's file."""
    return io.FileIO(fd, "wb")


class _NamedErrors(io.BufferedWriter):
    """A failed write names the destination the user gave, not the hidden temporary. Every byte
    written is hashed, in order: the file's SHA-256 is known when the writing ends, without
    reading the file again (a second read of a 100 MB cleaned file cost a tenth of a second)."""

    def __init__(self, raw: io.RawIOBase, path: Path) -> None:
        super().__init__(raw)
        self.destination = path
        self.digest = hashlib.sha256()

    def write(self, data: Any) -> int:
        self.digest.update(data)
        with _naming(self.destination):
            return super().write(data)

    def flush(self) -> None:
        with _naming(self.destination):
            super().flush()


@contextmanager
def _naming(path: Path) -> Iterator[None]:
    try:
        yield
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {_reason(exc)}") from None


def _reason(exc: OSError) -> str:
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return f"{exc.strerror} (the disk or quota is full)"
    return exc.strerror or str(exc)


def _sync_folder(folder: Path) -> None:
    """Make the rename itself durable; a folder that cannot be opened for it (some file systems)
    is left to the operating system."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def current_umask() -> int:
    """The process's umask, which `os.umask` reads only by setting it: what a file made private
    by a temporary name is given back, the mode an ordinary new file would have."""
    mask = os.umask(0)
    os.umask(mask)
    return mask
