"""Where a data file lies in its repository, for the formats GitHub places on a file.

Code scanning reads a SARIF result's relative path, and the runner an annotation's `file`, as
relative to the repository's root, not to the folder the job ran in: a step that runs
`cd data && dataaudit audit train.csv` must name `data/train.csv`. The root is
`GITHUB_WORKSPACE` when the file lies under it (the checkout of the job), else the nearest
folder above the file holding `.git` (a folder, or a file in a worktree or a submodule), else
the working folder. Both the path as written and the path with its links resolved are tried, so
a committed link to a file elsewhere keeps its place in the repository.
"""

from __future__ import annotations

import os
from pathlib import Path, PurePosixPath

from dataaudit.io.object_store import URI

#: the checkout folder of a GitHub Actions job
WORKSPACE = "GITHUB_WORKSPACE"


def repository_path(path: str | None) -> PurePosixPath | None:
    """`path` relative to its repository's root (see the module), or None for standard input, an
    object-store URI, a path no file can have (a NUL character, as a saved report may hold one),
    or a file outside every root."""
    if not path or path == "<stdin>" or "\x00" in path or URI.match(path):
        return None
    spellings = _spellings(path)
    for finder in (_under_workspace, _under_git, _under_working_folder):
        for file in spellings:
            root = finder(file)
            if root is not None:
                return PurePosixPath(file.relative_to(root).as_posix())
    return None


def repository_place(path: str) -> str:
    """`path` from its repository's root (`repository_path`), else as given: where a file lies,
    the same on every checkout of the repository, for a fingerprint to tell apart files of one
    name in different folders (`gsm8k/test.jsonl`, `mmlu/test.jsonl`)."""
    inside = repository_path(path)
    return path if inside is None else inside.as_posix()


def _spellings(path: str) -> list[Path]:
    """The absolute path as written (`..` folded as a shell folds it), then with links resolved
    when that differs: a link inside the repository places the file by the first."""
    written = Path(os.path.abspath(path))
    resolved = written.resolve()
    return [written] if resolved == written else [written, resolved]


def _under(file: Path, roots: list[Path]) -> Path | None:
    return next((root for root in roots if file != root and file.is_relative_to(root)), None)


def _under_workspace(file: Path) -> Path | None:
    workspace = os.environ.get(WORKSPACE)
    return _under(file, _spellings(workspace)) if workspace else None


def _under_git(file: Path) -> Path | None:
    """The nearest folder above `file` holding `.git`: a folder in a clone, a file (`gitdir: ...`)
    in a worktree or a submodule."""
    return next((folder for folder in file.parents if _holds_git(folder)), None)


def _holds_git(folder: Path) -> bool:
    """A folder the audit may not look into holds no repository it can name."""
    try:
        return (folder / ".git").exists()
    except OSError:
        return False


def _under_working_folder(file: Path) -> Path | None:
    return _under(file, _spellings(os.getcwd()))
