"""The arguments of a chat message's tool calls, scanned as text: a chat template prints them
(`{"password": "..."}`), so they are text the model learns, as its messages' contents are.

The arguments are an object, or a JSON string of one (OpenAI's `function.arguments`). Each string
value in them is scanned with its key before it (`password: ...`), so a keyword's secret is found
in `{"password": "..."}` as it is in prose; only what lies in the value counts, so that a
redaction replaces it inside its string and a JSON string of arguments stays valid JSON. An
argument string that is no JSON is scanned whole, as a message's content is."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from dataaudit.pii.detect import DEFAULT_REGIONS, Found, find_pii

#: the name under which the place of a tool call's value is counted, after its message's role
PLACE = "tool_calls"
#: the key a string value sits under, None when no key holds it
Key = str | None


def arguments_at(path: tuple[str | int, ...]) -> int | None:
    """The length of the path to a tool call's `arguments` when `path` (keys and indices from a
    message list's key) leads to them or into them, else None: `messages[i].tool_calls[j]
    .function.arguments`, `...tool_calls[j].arguments` or `...function_call.arguments`."""
    for at, step in enumerate(path):
        if step == "tool_calls" and len(path) > at + 2 and isinstance(path[at + 1], int):
            rest = path[at + 2:]
            if rest[:2] == ("function", "arguments"):
                return at + 4
            if rest[:1] == ("arguments",):
                return at + 3
        elif step == "function_call" and path[at + 1:at + 2] == ("arguments",):
            return at + 2
    return None


def found_in_value(key: Key, value: str, regions: tuple[str, ...] = DEFAULT_REGIONS) -> list[Found]:
    """The values found in an argument's string `value`, read after its `key` (`password: ...`)
    so that the key says what the value is; each at its span in `value`. What lies in the key
    is not counted: a redaction keeps keys whole."""
    if not isinstance(key, str):
        return find_pii(value, regions)
    head = f"{key}: "
    return [Found(f.kind, f.start - len(head), f.end - len(head))
            for f in find_pii(head + value, regions) if f.start >= len(head)]


def argument_values(arguments: object) -> Iterator[tuple[Key, str]]:
    """Each string value of a call's arguments with the nearest key holding it (None at the top,
    or for a string that is no JSON, taken whole)."""
    if isinstance(arguments, str):
        try:
            arguments = json.loads(arguments)
        except ValueError:
            yield None, arguments
            return
    yield from _leaves(arguments, None)


def _leaves(value: Any, key: Key) -> Iterator[tuple[Key, str]]:
    if isinstance(value, str):
        yield key, value
    elif isinstance(value, dict):
        for name, item in value.items():
            yield from _leaves(item, name)
    elif isinstance(value, list):  # a list's items are said of the key holding it
        for item in value:
            yield from _leaves(item, key)


def call_arguments(message: object) -> Iterator[object]:
    """The arguments of each call a message makes, as written (a string or an object)."""
    if not isinstance(message, dict):
        return
    calls = message.get("tool_calls")
    for call in [*(calls if isinstance(calls, list) else ()), message.get("function_call")]:
        if isinstance(call, dict):
            function = call.get("function")
            holder = function if isinstance(function, dict) and "arguments" in function else call
            if "arguments" in holder:
                yield holder["arguments"]


def tool_call_values(messages: object, role_key: str = "role") -> list[tuple[str, Key, str]]:
    """Every string value of the calls' arguments in `messages`: (the place it is counted
    under, its key, the value)."""
    out: list[tuple[str, Key, str]] = []
    for message in messages if isinstance(messages, list) else ():
        role = message.get(role_key) if isinstance(message, dict) else None
        place = f"{role if isinstance(role, str) else 'message'}.{PLACE}"
        for arguments in call_arguments(message):
            out += [(place, key, value) for key, value in argument_values(arguments)]
    return out
