"""The strings of a JSON text where they are written: each one's span, its path of keys and
indices, and its characters mapped back to the text's, so that a value found in a string can be
cut out of the JSON as written, every other byte (keys, numbers, spacing, the escapes of the
rest of the string) kept. A fine-tuning line and a JSON Lines table's object or array cell are
redacted so (`redact_line`, `redact_json`)."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

from dataaudit.pii.detect import DEFAULT_REGIONS, Found
from dataaudit.pii.redact import redactions, replaced

#: a JSON string, or one of the characters that open, close or separate a container
TOKENS = re.compile(r'"(?:[^"\\]|\\.)*"|[{}\[\],]')
Path = tuple[str | int, ...]


def json_strings(text: str) -> Iterator[tuple[Path, int, int, bool]]:
    """Each string of a JSON document, keys too, with its path of keys and indices, its span
    (quotes included) and whether it is a key."""
    stack: list[list[Any]] = []  # [is an object, current key or index]
    expecting_key = False
    for m in TOKENS.finditer(text):
        token = m.group(0)
        if token[0] == '"':
            if expecting_key:
                stack[-1][1] = json.loads(token)
                expecting_key = False
                yield tuple(frame[1] for frame in stack), m.start(), m.end(), True
            else:
                yield tuple(frame[1] for frame in stack), m.start(), m.end(), False
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


def found_in_strings(text: str, kinds: frozenset[str], regions: tuple[str, ...] = DEFAULT_REGIONS,
                     wanted: Callable[[Path, bool], bool] = lambda path, key: True
                     ) -> Iterator[tuple[Path, bool, list[Found]]]:
    """Each JSON string of `text` that is `wanted` (by its path and whether it is a key) and
    holds values of `kinds`: its path, whether it is a key, and the values, each at its span in
    `text`, so that they are cut out where they are written."""
    for path, start, end, key in json_strings(text):
        if not wanted(path, key):
            continue
        value, at = decoded(text[start:end])
        found = redactions(value, kinds, regions)
        if found:
            yield path, key, [Found(f.kind, start + at(f.start), start + at(f.end)) for f in found]


def redact_json(text: str, kinds: frozenset[str],
                regions: tuple[str, ...] = DEFAULT_REGIONS) -> tuple[str, list[Found], bool]:
    """A JSON text (an object or an array) with the values of `kinds` in its string values
    replaced by their placeholders in place, what was replaced, and whether a key holds such a
    value too: a key is kept, as two keys made one placeholder would be one key, the object's
    other value lost. A text without such a value comes back as it is."""
    cuts: list[Found] = []
    in_key = False
    for _, key, found in found_in_strings(text, kinds, regions):
        if key:
            in_key = True
        else:
            cuts += found
    return (replaced(text, cuts) if cuts else text), cuts, in_key
