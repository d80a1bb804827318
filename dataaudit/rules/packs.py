"""Where the shipped rule packs and format profiles live, and their names.

Kept apart from the loader (which validates with pydantic and imports every check) so that the
command line can list the shipped names in `--help` without loading any of that.
"""

from __future__ import annotations

from pathlib import Path


def packs_dir() -> Path:
    """Shipped packs: inside the installed package, or the repository's `rules/` folder when
    running from a source checkout (an editable install). Found beside this file rather than
    through `importlib.resources`, whose import (tempfile, zipfile, shutil) every command and
    `--help` would pay; the packs are files on disk either way."""
    package = Path(__file__).parent.parent
    installed = package / "rulepacks"
    return installed if installed.is_dir() else package.resolve().parent / "rules"


def shipped() -> dict[str, Path]:
    return {p.stem: p for p in sorted(packs_dir().glob("*.yaml"))}


def profiles_dir() -> Path:
    """Shipped profiles sit beside the shipped rule packs, in their `formats/` folder."""
    return packs_dir() / "formats"


def known_profiles() -> dict[str, Path]:
    return {path.stem: path for path in sorted(profiles_dir().glob("*.yaml"))}
