"""Untrusted text made printable: control characters shown as escapes, never obeyed or dropped."""

from __future__ import annotations

import re

_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")


def printable(text: object) -> str:
    """`bell\\x07` for a value holding a bell: a terminal or a chart shows it, neither acts on it."""
    return _CONTROL.sub(lambda m: repr(m.group())[1:-1], str(text))
