"""Redaction of a fine-tuning file's line: each personal value or secret in the texts the
layout reads (a message's content or its text parts, a prompt, a completion, an instruction, a
preference side) replaced by its placeholder, in the line's own bytes. Keys, metadata, roles,
numbers, spacing and the escapes of the rest of each string are kept as written: the line is
not re-encoded, each value's characters are cut out of its JSON string where they are written."""

from __future__ import annotations

from collections import Counter
from typing import Any

from dataaudit.jsontext import loads_keeping_numbers
from dataaudit.pii.detect import DEFAULT_REGIONS, Found
from dataaudit.pii.json_strings import Path, found_in_strings
from dataaudit.pii.redact import replaced
from dataaudit.text.validate import Layout


def redact_line(raw: bytes, layout: Layout, kinds: frozenset[str],
                regions: tuple[str, ...] = DEFAULT_REGIONS) -> tuple[bytes, Counter[tuple[str, str]]]:
    """The line with the values of `kinds` replaced, and how many were, per (kind, role or
    key); a line without any comes back as the same bytes."""
    text = raw.decode("utf-8")
    cuts: list[Found] = []
    counts: Counter[tuple[str, str]] = Counter()
    record: Any = None
    for path, _, found in found_in_strings(text, kinds, regions, lambda path, key: not key and _is_text(path, layout)):
        record = loads_keeping_numbers(text) if record is None else record  # its keys and roles, whatever its numbers
        place = _place(record, path, layout)
        cuts += found
        for f in found:
            counts[f.kind, place] += 1
    return (replaced(text, cuts).encode("utf-8"), counts) if cuts else (raw, counts)


def _is_text(path: Path, layout: Layout) -> bool:
    """A top-level text value, or a message's content (or a text part of it), under a key the
    layout reads; never a role, a name, a tool call or a metadata value."""
    if not path or path[0] not in layout.own:
        return False
    return len(path) == 1 or path[-1] == layout.content_key or (path[-1] == "text" and layout.content_key in path)


def _place(record: Any, path: Path, layout: Layout) -> str:
    """The role of the message the value sits in, else its top-level key."""
    node = record
    for step in path:
        if step == layout.content_key and isinstance(node, dict):
            role = node.get(layout.role_key)
            return role if isinstance(role, str) else str(path[0])
        node = node[step]
    return str(path[0])
