"""Redaction of a fine-tuning file's line: each personal value or secret in the texts the
layout reads (a message's content or its text parts, a prompt, a completion, an instruction, a
preference side, the arguments of a message's tool calls) replaced by its placeholder, in the
line's own bytes. Keys, metadata, roles, numbers, spacing and the escapes of the rest of each
string are kept as written: the line is not re-encoded, each value's characters are cut out of
its JSON string where they are written."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

from dataaudit.jsontext import loads_keeping_numbers
from dataaudit.pii.detect import DEFAULT_REGIONS, Found
from dataaudit.pii.json_strings import Path, decoded, found_in_strings, json_strings
from dataaudit.pii.redact import replaced
from dataaudit.pii.tool_calls import PLACE, arguments_at, found_in_value
from dataaudit.text.formats import CALL_KEYS
from dataaudit.text.validate import Layout


def redact_line(raw: bytes, layout: Layout, kinds: frozenset[str],
                regions: tuple[str, ...] = DEFAULT_REGIONS) -> tuple[bytes, Counter[tuple[str, str]]]:
    """The line with the values of `kinds` replaced, in its texts and in its tool calls'
    arguments, and how many were, per (kind, role or key); a line without any comes back as the
    same bytes."""
    text = raw.decode("utf-8")
    cuts: list[Found] = []
    counts: Counter[tuple[str, str]] = Counter()
    record: Any = loads_keeping_numbers(text) if layout.nested else None
    nested = _nested_read(record, layout)
    texts = found_in_strings(text, kinds, regions, lambda path, key: not key and _is_text(path, layout, nested))
    found_in = [*((path, found) for path, _, found in texts), *_found_in_calls(text, layout, kinds, regions, nested)]
    for path, found in found_in:
        record = loads_keeping_numbers(text) if record is None else record  # its keys and roles, whatever its numbers
        place = _place(record, path, layout, nested)
        cuts += found
        for f in found:
            counts[f.kind, place] += 1
    return (replaced(text, sorted(cuts, key=lambda f: f.start)).encode("utf-8"), counts) if cuts else (raw, counts)


def _nested_read(record: Any, layout: Layout) -> tuple[tuple[str, ...], ...]:
    """The layout's nested text keys this line reads nested: a key spelled with the dot itself
    (`"data.prompt"`) is read first (`holder_of`), and the object's field is then metadata."""
    if not isinstance(record, dict):
        return layout.nested
    return tuple(steps for steps in layout.nested if ".".join(steps) not in record)


def _found_in_calls(text: str, layout: Layout, kinds: frozenset[str], regions: tuple[str, ...],
                    nested: tuple[tuple[str, ...], ...]) -> Iterator[tuple[Path, list[Found]]]:
    """The values of `kinds` in the string values of the tool calls' arguments, each at its span
    in `text`: inside its string, so that an argument written as a JSON string stays JSON."""
    for path, start, end, key in json_strings(text):
        at = arguments_at(path) if not key and path and _folded(path, nested)[0] in layout.own else None
        if at is None:
            continue
        value, offset = decoded(text[start:end])
        if len(path) > at:  # a string in an object of arguments
            spans = _wanted(found_in_value(_key(path[at:]), value, regions), kinds)
        else:  # a JSON string of arguments
            spans = _found_in_arguments(value, kinds, regions)
        if spans:
            yield path, [Found(f.kind, start + offset(f.start), start + offset(f.end)) for f in spans]


def _found_in_arguments(arguments: str, kinds: frozenset[str], regions: tuple[str, ...]) -> list[Found]:
    """The values of `kinds` in the string values of a JSON text of arguments, at their spans in
    it; the whole text when it is no JSON."""
    try:
        json.loads(arguments)
    except ValueError:
        return _wanted(found_in_value(None, arguments, regions), kinds)
    spans: list[Found] = []
    for path, start, end, key in json_strings(arguments):
        if not key:
            value, offset = decoded(arguments[start:end])
            spans += [Found(f.kind, start + offset(f.start), start + offset(f.end))
                      for f in _wanted(found_in_value(_key(path), value, regions), kinds)]
    return spans


def _wanted(found: list[Found], kinds: frozenset[str]) -> list[Found]:
    return [f for f in found if f.kind in kinds]


def _key(path: Path) -> str | None:
    """The nearest key holding a value, past the indices of the lists it is in."""
    return next((step for step in reversed(path) if isinstance(step, str)), None)


def _is_text(path: Path, layout: Layout, nested: tuple[tuple[str, ...], ...]) -> bool:
    """A top-level text value, or a message's content (or a text part of it), under a key the
    layout reads (`nested`: its nested keys this line reads so); never a role, a name, a tool
    call or a metadata value."""
    path = _folded(path, nested)
    if not path or path[0] not in layout.own or arguments_at(path) is not None:
        return False
    return len(path) == 1 or path[-1] == layout.content_key or (path[-1] == "text" and layout.content_key in path)


def _folded(path: Path, nested: tuple[tuple[str, ...], ...]) -> Path:
    """`path` with the keys of a `nested` text key it starts with (`data`, `prompt`) as that key
    (`data.prompt`): the one name the layout reads it by, as it reads a top-level key."""
    steps = next((steps for steps in nested if tuple(path[:len(steps)]) == steps), None)
    return path if steps is None else (".".join(steps), *path[len(steps):])


def _place(record: Any, path: Path, layout: Layout, nested: tuple[tuple[str, ...], ...]) -> str:
    """The role of the message the value sits in (after it, `.tool_calls` for its calls'
    arguments), else its key as the layout names it (`completion`, `data.completion`)."""
    node = record
    for step in path:
        if step in CALL_KEYS and isinstance(node, dict):
            role = node.get(layout.role_key)
            return f"{role if isinstance(role, str) else 'message'}.{PLACE}"
        if step == layout.content_key and isinstance(node, dict):
            role = node.get(layout.role_key)
            return role if isinstance(role, str) else str(_folded(path, nested)[0])
        node = node[step]
    return str(_folded(path, nested)[0])
