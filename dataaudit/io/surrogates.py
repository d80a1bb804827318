"""Lone surrogates: JSON text that parses but holds no Unicode text.

JSON may escape half of a UTF-16 pair on its own (`"\\ud800"`); Python's parser returns it as
a string no UTF-8 can encode, which every later step (Arrow's strings, hashing, writing a
report) fails on. Such a line is named where it is read, as a line that is not JSON is.
"""

from __future__ import annotations

import json
import re

#: a surrogate escape (a pair, or a half of one) in the line as written: only then is a parse walked
_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def lone_surrogate(line: str, value: object) -> str | None:
    """The first lone surrogate of `value` (parsed from `line`) as its escape (`\\ud800`), or
    None. A pair of escapes parses to one character, so a surrogate left in a string is alone."""
    if _ESCAPE.search(line) is None:
        return None
    # `default`: a number a reader keeps as its written bytes holds no surrogate
    found = _SURROGATE.search(json.dumps(value, ensure_ascii=False, default=str))
    return None if found is None else f"\\u{ord(found.group()):04x}"

