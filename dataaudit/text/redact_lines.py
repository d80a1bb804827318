"""Redaction of a fine-tuning file's line: each personal value or secret in the texts the
layout reads (a message's content or its text parts, a prompt, a completion, an instruction, a
preference side) replaced by its placeholder, in the line's own bytes. Keys, metadata, roles,
numbers, spacing and the escapes of the rest of each string are kept as written: the line is
not re-encoded, each value's characters are cut out of its JSON string where they are written."""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Callable, Iterator
from typing import Any

from dataaudit.jsontext import loads_keeping_numbers
from dataaudit.pii.detect import DEFAULT_REGIONS, Found
from dataaudit.pii.redact import redactions, replaced
from dataaudit.text.validate import Layout

#: a JSON string, or one of the characters that open, close or separate a container
TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]')
Path = tuple[str | int, ...]


def redact_line(raw: bytes, layout: Layout, kinds: frozenset[str],
                regions: tuple[str, ...] = DEFAULT_REGIONS) -> tuple[bytes, Counter[tuple[str, str]]]:
    """The line with the values of `kinds` replaced, and how many were, per (kind, role or
    key); a line without any comes back as the same bytes."""
    text = raw.decode("utf-8")
    cuts: list[Found] = []
    counts: Counter[tuple[str, str]] = Counter()
    record: Any = None
    for path, start, end in string_values(text):
        if not _is_text(path, layout):
            continue
        value, at = decoded(text[start:end])
        found = redactions(value, kinds, regions)
        if not found:
            continue
        record = loads_keeping_numbers(text) if record is None else record  # its keys and roles, whatever its numbers
        place = _place(record, path, layout)
        for f in found:
            cuts.append(Found(f.kind, start + at(f.start), start + at(f.end)))
            counts[f.kind, place] += 1
    return (replaced(text, cuts).encode("utf-8"), counts) if cuts else (raw, counts)


def string_values(text: str) -> Iterator[tuple[Path, int, int]]:
    """Each string value of a JSON document (keys left out) with its path of keys and indices
    and its span, quotes included."""
    stack: list[list[Any]] = []  # [is an object, current key or index]
    expecting_key = False
    for m in TOKENS.finditer(text):
        token = m.group(0)
        if token[0] == '"':
            if expecting_key:
                stack[-1][1] = json.loads(token)
                expecting_key = False
            else:
                yield tuple(frame[1] for frame in stack), m.start(), m.end()
        elif token == "{":
            stack.append([True, None])
            expecting_key = True
        elif token == "[":
            stack.append([False, 0])
        elif token in "}]":
            stack.pop()
            expecting_key = False
        elif stack[-1][0]:  # a comma in an object: a key comes next
            expecting_key = True
        else:
            stack[-1][1] += 1


def decoded(token: str) -> tuple[str, Callable[[int], int]]:
    """A JSON string token's text, and the map from a character of the text to its offset in
    the token (the offset of the closing quote for the end)."""
    if "\\" not in token:
        return token[1:-1], lambda i: i + 1
    chars: list[str] = []
    offsets: list[int] = []
    i, end = 1, len(token) - 1
    while i < end:
        width = 1
        ch = token[i]
        if ch == "\\":
            width = 6 if token[i + 1] == "u" else 2
            if width == 6 and 0xD800 <= int(token[i + 2:i + 6], 16) < 0xDC00 and token[i + 6:i + 8] == "\\u":
                width = 12  # a surrogate pair: one character
            ch = json.loads(f'"{token[i:i + width]}"')
        chars.append(ch)
        offsets.append(i)
        i += width
    offsets.append(end)
    return "".join(chars), offsets.__getitem__


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
