"""How deep JSON text nests, and the depth every reader reads it to.

Python's parser recurses once a level, within the recursion limit less the frames of its caller:
where it gives up hangs on the call's path (an audit, a clean, a test's runner), so a text some
levels under the limit would be read by one command and refused by another. A text nested deeper
than `MAX_JSON_DEPTH` is refused before it is parsed, whoever reads it, and the error names its
depth as counted here, not the parser's limit.
"""

from __future__ import annotations

import re

#: the deepest nesting read (an array of objects counts two levels): the parser reads some
#: 970 levels from the command line, under 950 in a test's runner; this leaves both headroom
MAX_JSON_DEPTH = 920

#: a JSON string (skipped whole: a bracket in it opens nothing), or a bracket
_NESTING = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')


def deepest(text: str) -> tuple[int, int]:
    """The line where `text` first nests deepest, and that depth: where an error points a user
    at a value the parser recursed too deep into (it says no position itself)."""
    depth = most = at = 0
    for found in _NESTING.finditer(text):
        bracket = found[0]
        if bracket in "[{":
            depth += 1
            if depth > most:
                most, at = depth, found.start()
        elif bracket in "]}":
            depth -= 1
    return text.count("\n", 0, at) + 1, most


def too_deep(text: str) -> tuple[int, int] | None:
    """`deepest(text)` when `text` nests deeper than `MAX_JSON_DEPTH`, else None. A text too short
    to open and close so many brackets, nearly every line, costs no look (counting a long line's
    brackets takes half the time of parsing it); one of fewer brackets is not walked. Unclosed
    brackets past the limit in a shorter text are no JSON: the parser says so."""
    if len(text) <= 2 * MAX_JSON_DEPTH or text.count("[") + text.count("{") <= MAX_JSON_DEPTH:
        return None
    line, depth = deepest(text)
    return (line, depth) if depth > MAX_JSON_DEPTH else None


def nested_too_deep(depth: int) -> str:
    """What an error says of JSON nested `depth` levels deep, past what is read."""
    return f"JSON nested {depth:,} levels deep, more than the {MAX_JSON_DEPTH:,} read"
