"""A file's content digest, so a report (or a manifest) names exactly which bytes it describes."""

from __future__ import annotations

import hashlib
from pathlib import Path

BLOCK_BYTES = 1 << 20


def file_sha256(path: Path) -> str:
    """The SHA-256 of the file's bytes as hex, read in 1 MiB blocks so memory stays flat."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(BLOCK_BYTES):
            digest.update(block)
    return digest.hexdigest()
