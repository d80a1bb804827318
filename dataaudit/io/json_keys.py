"""Keys given twice in one JSON object: a line whose meaning depends on who reads it.

JSON's grammar allows `{"a": 1, "a": 2}`; its readers disagree on it. Python's and pandas' keep the
last value, others the first, pyarrow's refuses the line. A record read one way here and another
way by a trainer or a loader is named where it is read, as a line that is not JSON is.
"""

from __future__ import annotations

import json
import re
from typing import Any

#: the end of an object's key: its closing quote and colon
_KEY_END = re.compile(r'"[ \t\r\n]*:')


def repeated_keys(text: str, value: object, nested: bool = True) -> list[str]:
    """The keys `text` (parsed as `value`) gives twice in one object, each once; `nested=False`:
    in the outermost object only (a table's row, whose nested objects are kept as their text).
    Every key ends in a quote and a colon, so a line holding no more colons, or no more quotes
    before a colon, than `value` holds keys repeats none (the colons of a flat object are counted
    in C, no walk): only a line holding more is parsed again, pair by pair."""
    if isinstance(value, dict) and text.count(":") <= len(value):
        return []
    if not isinstance(value, dict | list) or len(_KEY_END.findall(text)) <= _key_count(value):
        return []
    repeated: dict[str, None] = {}
    last: list[str] = []  # the repeats of the object parsed last: the outermost one ends last

    def pairs(items: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: set[str] = set()
        last.clear()
        for key, _ in items:
            if key in seen:
                repeated[key] = None
                last.append(key)
            seen.add(key)
        return dict(items)

    # numbers as text: a longer integer than Python reads is still a number to step over
    json.loads(text, object_pairs_hook=pairs, parse_int=str, parse_float=str, parse_constant=str)
    return list(repeated) if nested else list(dict.fromkeys(last))


def _key_count(value: object) -> int:
    """The keys of every object within `value`, walked with a stack of its own (a line may nest as
    deep as the parser reads)."""
    count, stack = 0, [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            count += len(item)
            stack.extend(child for child in item.values() if isinstance(child, dict | list))
        elif isinstance(item, list):
            stack.extend(child for child in item if isinstance(child, dict | list))
    return count
