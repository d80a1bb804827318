"""What makes two texts the same: a canonical form of (role, text) segments and its 64-bit hash."""

from __future__ import annotations

import numpy as np

from dataaudit.profile.siphash import hash_objects


def canonical(segments: list[tuple[str, str]], beyond: str = "") -> str:
    """Roles and texts in order, joined by the ASCII unit and record separators, and `beyond`,
    what a chat's messages carry besides them (`Line.beyond`: tool calls, images): what makes two
    conversations the same, whatever their key order, spacing or metadata keys (a text would need
    those control characters in it to collide)."""
    texts = "\x1e".join(f"{role}\x1f{text}" for role, text in segments)
    return f"{texts}\x1d{beyond}" if beyond else texts


def plain(values: list[object]) -> list[object]:
    """`values` with each text in its plain form (`minhash.plain_forms`: invisible format
    characters dropped, NFKC): what makes two prompts, or two answers, the same for the
    conflicts check, where a zero-width space or a decomposed accent must not hide that one
    prompt got two answers. Only texts with a non-ASCII character can change; a label that is
    no text (a number of a typed column) is kept as it is."""
    changing = [i for i, value in enumerate(values) if isinstance(value, str) and not value.isascii()]
    if not changing:
        return values
    import pyarrow as pa

    from dataaudit.text.minhash import plain_forms

    out = list(values)
    for i, text in zip(changing, plain_forms(pa.array([values[i] for i in changing], pa.large_string())).to_pylist(),
                       strict=True):
        out[i] = text
    return out


def hashed(values: list[str | None]) -> np.ndarray:
    """64-bit hashes; 0 stands for "none" (a line without an answer, a missing label)."""
    present = np.array([v is not None for v in values], dtype=bool)
    out = np.zeros(len(values), dtype=np.uint64)
    if present.any():
        hashes = hash_objects(np.array([v for v in values if v is not None], dtype=object))
        out[present] = np.maximum(hashes, np.uint64(1))
    return out
